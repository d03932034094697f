"""Table Schema fields compiled to SQL expressions over a raw cell (text, '' when empty).

For every field: is the cell a missing value; can it be read as the field's type; its typed
value; the text published in the normalised CSV; the value as compared by keys and ``enum``
(exact: ``-0`` is ``0``, ``1.0`` is ``1``); and each constraint as a condition that is TRUE
when violated. The semantics are frictionless 5's (``frictionless/fields/*.py``,
``schema/field.py``): a cell that cannot be read gets one type error and no constraint error;
a missing cell only meets ``required``. The readers of each type live in
:mod:`pipeline.sql.numbers`, :mod:`~pipeline.sql.temporal`, :mod:`~pipeline.sql.strings` and
:mod:`~pipeline.sql.structured`; what is not implemented is refused when the schema is loaded
(:mod:`pipeline.sql.support`), never skipped."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache

import duckdb

from pipeline.sql import literal, string_list
from pipeline.sql import numbers as num
from pipeline.sql import strings as st
from pipeline.sql import structured as js
from pipeline.sql import temporal as tm
from pipeline.sql.pyregex import translate

DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
LIST_ITEM_TYPES = ("string", "integer", "boolean", "number", "datetime", "date", "time")
BOUNDS = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}


@dataclass
class Constraint:
    name: str
    violated: str  # SQL, TRUE when a present and readable cell breaks the constraint
    limit: object = None  # the declared bound, for messages


@dataclass
class Parts:
    """How a type reads a cell, in steps that the row layers compute once each:
    ``prepared`` over the raw cell (trimmed, parsed into a struct…), ``ok`` over the prepared
    value and the raw cell (TRUE when readable), then ``typed``, ``text`` and ``key`` over
    the prepared and typed values, for readable cells only; ``extra``, when set, is a value
    computed once from the prepared one that the others name ``{extra}``. ``order`` is the
    value bounds
    compare (``compare``: ``plain``; ``numeric``, typed first then the exact order on ties;
    ``flagged``, a text whose first character tells naive from aware times)."""

    prepared: str
    ok: str
    typed: str
    text: str
    sql_type: str
    format: str = "default"
    hint: str = ""
    key: str = "{text}"
    order: str = "{typed}"
    compare: str = "plain"
    size: str | None = None  # number of items over ``{raw}``, for minLength/maxLength
    extra: str | None = None  # a second step over ``{prepared}``, named ``{extra}``


@dataclass
class FieldSQL:
    """A compiled field. Its expressions name the columns of the row layers (see
    :func:`compile_field`), so each is computed once per row whatever the checks using it."""

    name: str
    type: str
    format: str
    raw: str
    missing: str
    invalid: str  # TRUE when a present cell cannot be read as the type
    typed: str  # the typed value, NULL when missing or unreadable
    text: str  # the published text, '' when missing or unreadable
    sql_type: str
    constraints: list[Constraint] = field(default_factory=list)
    hint: str = ""  # French hint for type errors, e.g. the expected date format
    layers: tuple[dict[str, str], ...] = ()  # column definitions, layer by layer
    bounds: list[tuple[str, str]] = field(default_factory=list)  # (constraint, typed literal)
    key: str = "NULL"  # the value keys compare, NULL when missing or unreadable (or NaN)
    order: str = "NULL"  # the value bounds compare
    compare: str = "plain"
    size: str | None = None

    @property
    def present(self) -> str:
        return f"NOT ({self.missing})"


def _missing(raw: str, values: list[str]) -> str:
    if not values:
        return "FALSE"
    if values == [""]:
        return f"({raw} = '')"
    return f"list_contains({string_list(values)}, {raw})"


def _col(alias: str, name: str) -> str:
    return f'{alias}."{name}"'


def field_format(fdesc: dict) -> str:
    fmt = fdesc.get("format") or "default"
    return fmt[4:] if isinstance(fmt, str) and fmt.startswith("fmt:") else fmt


def _sub(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def compile_field(
    fdesc: dict, raw: str, missing_values: list[str], dialect: dict, key: str | None = None
) -> FieldSQL:
    """The SQL of one field over the raw cell expression ``raw``.

    With ``key``, the expressions name the columns ``<key>.raw``, ``.missing``,
    ``.prepared``, ``.ok``, ``.typed``, ``.text`` and ``.key`` of the row layers (alias
    ``r``), whose definitions are in ``layers``; without, they are inline expressions (for
    literals such as bounds, and joined values)."""
    ftype = fdesc.get("type", "string")
    values = fdesc.get("missingValues", missing_values)
    if key is None:
        missing = _missing(raw, values)
        parts = BUILDERS[ftype](fdesc, raw, dialect)
        prepared = f"({parts.prepared})"
        extra = f"({_sub(parts.extra or 'NULL', prepared=prepared)})"
        ok = f"(NOT ({missing}) AND {_sub(parts.ok, prepared=prepared, extra=extra)})"
        typed = f"({_sub(parts.typed, prepared=prepared, extra=extra)})"
        text = f"({_sub(parts.text, prepared=prepared, typed=typed, extra=extra)})"
        exact = _sub(parts.key, prepared=prepared, typed=typed, text=text, extra=extra)
        order = _sub(parts.order, prepared=prepared, typed=typed, text=text, extra=extra)
        compiled = FieldSQL(
            fdesc["name"],
            ftype,
            parts.format,
            raw,
            missing,
            f"(NOT ({missing}) AND NOT {ok})",
            f"CASE WHEN {ok} THEN {typed} END",
            f"CASE WHEN {ok} THEN {text} ELSE '' END",
            parts.sql_type,
            hint=parts.hint,
            key=f"CASE WHEN {ok} THEN {exact} END",
            order=f"CASE WHEN {ok} THEN {order} END",
        )
    else:
        a = {f"{key}.raw": raw}
        raw_ref = _col("r", f"{key}.raw")
        parts = BUILDERS[ftype](fdesc, raw_ref, dialect)
        missing_ref = _col("r", f"{key}.missing")
        b = {f"{key}.missing": _missing(raw_ref, values), f"{key}.prepared": parts.prepared}
        prepared_ref = _col("r", f"{key}.prepared")
        ok = _sub(parts.ok, prepared=prepared_ref)
        b2 = {f"{key}.ok": f"(NOT {missing_ref} AND coalesce({ok}, FALSE))"}
        if parts.extra:
            b2[f"{key}.extra"] = _sub(parts.extra, prepared=prepared_ref)
        refs = {"prepared": prepared_ref, "extra": _col("r", f"{key}.extra")}
        ok_ref = _col("r", f"{key}.ok")
        typed = _sub(parts.typed, **refs)
        c = {f"{key}.typed": f"CASE WHEN {ok_ref} THEN {typed} END"}
        typed_ref = _col("r", f"{key}.typed")
        text = _sub(parts.text, typed=typed_ref, **refs)
        text_ref = _col("r", f"{key}.text")
        exact = _sub(parts.key, typed=typed_ref, text=f"({text})", **refs)
        e = {
            f"{key}.text": f"CASE WHEN {ok_ref} THEN {text} ELSE '' END",
            f"{key}.key": f"CASE WHEN {ok_ref} THEN {exact} END",
        }
        compiled = FieldSQL(
            fdesc["name"],
            ftype,
            parts.format,
            raw_ref,
            missing_ref,
            f"(NOT {missing_ref} AND NOT {ok_ref})",
            typed_ref,
            _col("r", f"{key}.text"),
            parts.sql_type,
            hint=parts.hint,
            layers=(a, b, b2, c, e),
            key=_col("r", f"{key}.key"),
            order=_sub(parts.order, typed=typed_ref, text=text_ref, **refs),
        )
    compiled.compare = parts.compare
    if parts.size is not None:
        compiled.size = _sub(parts.size, raw=f"({compiled.raw})")
    compiled.constraints, compiled.bounds = _constraints(fdesc, compiled, dialect)
    return compiled


# --- types --------------------------------------------------------------------------------
# Each builder returns Parts whose ``ok``, ``typed``, ``text``, ``key`` and ``order`` may use
# the placeholders ``{prepared}``, ``{typed}`` and (in ``key``) ``{text}``.


def _string(fdesc, raw, dialect) -> Parts:
    fmt = field_format(fdesc)
    checks = {"email": st.email_ok, "uri": st.uri_ok, "uuid": st.uuid_ok, "binary": st.binary_ok}
    ok = checks[fmt](raw) if fmt in checks else "TRUE"
    return Parts(raw, ok, "{prepared}", "{prepared}", "VARCHAR", fmt, key="{prepared}")


def _any(fdesc, raw, dialect) -> Parts:
    return Parts(raw, "TRUE", "{prepared}", "{prepared}", "VARCHAR", key="{prepared}")


def _integer(fdesc, raw, dialect) -> Parts:
    return Parts(
        num.integer_prepared(fdesc, raw),
        num.integer_ok("{prepared}"),
        num.integer_typed("{prepared}"),
        num.integer_text("{prepared}", "{typed}"),
        "HUGEINT",
        order=num.integer_order("{text}"),
        compare="numeric",
    )


def _year(fdesc, raw, dialect) -> Parts:
    parts = _integer({}, raw, dialect)
    return replace(parts, ok=num.year_ok(raw, "{prepared}"), order="{typed}", compare="plain")


def _number(fdesc, raw, dialect) -> Parts:
    """The number parts (sign, digits, exponent) are a column of their own, computed only
    when the text or the keys are; a bound compares them only when the double equals the
    bound's (inline, through a one-item lambda: small SQL, paid by those rows only)."""
    decimal, _, _ = num.number_chars(fdesc, dialect)
    return Parts(
        num.number_prepared(fdesc, dialect, raw),
        num.number_ok("{prepared}"),
        num.number_typed("{prepared}"),
        num.number_text("{prepared}", "{extra}"),
        "DOUBLE",
        hint=f" (séparateur décimal attendu « {decimal} »)",
        key=num.order_of_parts("{extra}"),
        order=num.let(num.number_parts("{prepared}"), num.order_of_parts),
        compare="numeric",
        extra=num.number_parts("{prepared}"),
    )


def _boolean(fdesc, raw, dialect) -> Parts:
    trues = fdesc.get("trueValues", DEFAULT_TRUE)
    falses = fdesc.get("falseValues", DEFAULT_FALSE)
    is_true = f"list_contains({string_list(trues)}, {{prepared}})"
    is_false = f"list_contains({string_list(falses)}, {{prepared}})"
    return Parts(
        raw,
        f"({is_true} OR {is_false})",
        f"NOT {is_false}",  # a value in both lists is false, as in frictionless's mapping
        "CASE WHEN {typed} THEN 'true' ELSE 'false' END",
        "BOOLEAN",
    )


def _date_format(fdesc: dict, dialect: dict) -> str:
    fmt = fdesc.get("format") or dialect.get("dateFormat") or "default"
    return field_format({"format": fmt})


def _french_format(fmt: str) -> str:
    return fmt.replace("%d", "jj").replace("%m", "mm").replace("%Y", "aaaa")


def _clock(kind: str, fmt: str, raw: str) -> tuple[tm.Clock, str]:
    if fmt == "any":
        return tm.any_clock(raw, kind), "ISO 8601"
    if fmt == "default" and kind == "datetime":
        return tm.isoparse_datetime_clock(raw), "aaaa-mm-jjThh:mm:ss"
    if fmt == "default" and kind == "time":
        return tm.isoparse_time_clock(raw), "hh:mm:ss"
    pattern = "%Y-%m-%d" if fmt == "default" else fmt
    return tm.strptime_clock(pattern, raw), _french_format(pattern)


def _date(fdesc, raw, dialect) -> Parts:
    fmt = _date_format(fdesc, dialect)
    clock, shown = _clock("date", fmt, raw)
    return Parts(
        clock.prepared,
        clock.valid(),
        clock.date(),
        "strftime({typed}, '%Y-%m-%d')",
        "DATE",
        fmt,
        f" (format attendu {shown})",
    )


def _zone(offset: str) -> str:
    """'Z', '+HH:MM' or '+HH:MM:SS' of an offset in µs (NULL: naive, '')."""
    seconds = f"(abs({offset}) // 1000000)"
    hhmm = (
        f"lpad(CAST({seconds} // 3600 AS VARCHAR), 2, '0') || ':' || "
        f"lpad(CAST({seconds} % 3600 // 60 AS VARCHAR), 2, '0')"
    )
    extra = f"CASE WHEN {seconds} % 60 = 0 THEN '' ELSE ':' || lpad(CAST({seconds} % 60 AS VARCHAR), 2, '0') END"
    sign = f"CASE WHEN {offset} < 0 THEN '-' ELSE '+' END"
    return (
        f"CASE WHEN ({offset}) IS NULL THEN '' WHEN {offset} = 0 THEN 'Z' "
        f"ELSE {sign} || {hhmm} || {extra} END"
    )


def _fraction(micro: str) -> str:
    return f"CASE WHEN {micro} = 0 THEN '' ELSE '.' || lpad(CAST({micro} AS VARCHAR), 6, '0') END"


def _datetime(fdesc, raw, dialect) -> Parts:
    fmt = field_format(fdesc)
    clock, shown = _clock("datetime", fmt, raw)
    offset = clock.offset
    local = "({typed} + to_microseconds(coalesce(" + offset + ", 0)))"
    text = (
        f"strftime({local}, '%Y-%m-%dT%H:%M:%S') || {_fraction(f'microsecond({local}) % 1000000')}"
        f" || {_zone(offset)}"
    )
    flag = f"CASE WHEN ({offset}) IS NULL THEN 'N' ELSE 'A' END"
    return Parts(
        clock.prepared,
        f"({clock.valid()} AND year({clock.local()}) <= 9999)",
        f"({clock.local()} - to_microseconds(coalesce({offset}, 0)))",
        text,
        "TIMESTAMP",
        fmt,
        f" (format attendu {shown})",
        key=f"{flag} || strftime({{typed}}, '%Y-%m-%dT%H:%M:%S.%f')",
        order=f"{flag} || strftime({{typed}}, '%Y-%m-%dT%H:%M:%S.%f')",
        compare="flagged",
    )


def _time(fdesc, raw, dialect) -> Parts:
    fmt = field_format(fdesc)
    clock, shown = _clock("time", fmt, raw)
    offset = clock.offset
    micros = (
        f"((CAST({clock.hour} AS BIGINT) * 3600 + {clock.minute} * 60 + {clock.second}) "
        f"* 1000000 + {clock.micro})"
    )
    wall = " || ':' || ".join(
        f"lpad(CAST({part} AS VARCHAR), 2, '0')"
        for part in (clock.hour, clock.minute, clock.second)
    )
    text = f"{wall} || {_fraction(clock.micro)} || {_zone(offset)}"
    flag = f"CASE WHEN ({offset}) IS NULL THEN 'N' ELSE 'A' END"
    order = (
        f"{flag} || lpad(CAST({micros} - coalesce({offset}, 0) + 100000000000 AS VARCHAR), 12, '0')"
    )
    return Parts(
        clock.prepared,
        clock.valid(),
        text,
        "{typed}",
        "VARCHAR",
        fmt,
        f" (format attendu {shown})",
        key=order,
        order=order,
        compare="flagged",
    )


def _yearmonth(fdesc, raw, dialect) -> Parts:
    prepared, ok, index, text = tm.yearmonth_parts(raw)
    return Parts(prepared, ok, text, "{typed}", "VARCHAR", order=index)


def _duration(fdesc, raw, dialect) -> Parts:
    prepared, ok, key, text = tm.duration_parts(raw)
    return Parts(prepared, ok, text, "{typed}", "VARCHAR", key=key)


def _object(fdesc, raw, dialect, kind="OBJECT") -> Parts:
    size = js.object_size(raw) if kind == "OBJECT" else js.array_size(raw)
    return Parts(
        raw,
        f"({js.json_ok(raw)} AND {js.json_kind(raw)} = '{kind}')",
        js.json_text(raw),
        "{typed}",
        "VARCHAR",
        size=size.replace(raw, "{raw}"),
    )


def _array(fdesc, raw, dialect) -> Parts:
    return _object(fdesc, raw, dialect, "ARRAY")


def _geojson(fdesc, raw, dialect) -> Parts:
    return Parts(raw, js.geojson_ok(raw), js.json_text(raw), "{typed}", "VARCHAR")


def _geopoint(fdesc, raw, dialect) -> Parts:
    fmt = field_format(fdesc)
    prepared, ok, extra, key, lon, lat = js.geopoint_parts(fmt, raw)
    texts = {
        "default": f"{lon} || ',' || {lat}",
        "array": f"'[' || {lon} || ',' || {lat} || ']'",
        "object": f"'{{\"lon\":' || {lon} || ',\"lat\":' || {lat} || '}}'",
    }
    typed = f"'[' || {lon} || ',' || {lat} || ']'"
    return Parts(prepared, ok, typed, texts[fmt], "VARCHAR", fmt, key=key, extra=extra)


def _list(fdesc, raw, dialect) -> Parts:
    """Items read by the item type's reader. Each step of the item reader runs once per item:
    the prepared items are a list of structs ``{p: prepared, x: extra}``."""
    delimiter = fdesc.get("delimiter", ",")
    item_type = fdesc.get("itemType", "string")
    item = BUILDERS[item_type]({"name": "item", "type": item_type}, "li", {})
    stage = f"list_transform(string_split({raw}, {literal(delimiter)}), lambda li: {item.prepared})"
    extra = _sub(item.extra or "NULL", prepared="lp")
    prepared = f"list_transform({stage}, lambda lp: {{'p': lp, 'x': {extra}}})"
    refs = {"prepared": "struct_extract(lv, 'p')", "extra": "struct_extract(lv, 'x')"}
    item_ok = f"coalesce({_sub(item.ok, **refs)}, FALSE)"
    item_typed = f"({_sub(item.typed, **refs)})"
    item_text = _sub(item.text, typed=item_typed, **refs)
    json_item = item_typed if item_type in ("string", "integer", "number", "boolean") else item_text
    return Parts(
        prepared,
        f"list_bool_and(list_transform({{prepared}}, lambda lv: {item_ok}))",
        f"CAST(to_json(list_transform({{prepared}}, lambda lv: {json_item})) AS VARCHAR)",
        f"array_to_string(list_transform({{prepared}}, lambda lv: {item_text}), "
        f"{literal(delimiter)})",
        "VARCHAR",
        size=f"len(string_split({{raw}}, {literal(delimiter)}))",
    )


BUILDERS = {
    "string": _string,
    "any": _any,
    "integer": _integer,
    "year": _year,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
    "time": _time,
    "yearmonth": _yearmonth,
    "duration": _duration,
    "object": _object,
    "array": _array,
    "geojson": _geojson,
    "geopoint": _geopoint,
    "list": _list,
}


# --- constraints --------------------------------------------------------------------------


def bound_text(fdesc: dict, value: object) -> str | None:
    """A constraint value (bound or enum option) as the text the field's reader gets, as
    frictionless's value readers take JSON values; None when they cannot take it."""
    ftype = fdesc.get("type", "string")
    if isinstance(value, bool):
        if ftype == "boolean":
            return None  # handled by the caller: True and False are booleans already
        return None
    if ftype == "integer":
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else None
        return str(value) if isinstance(value, int | str) else None
    if ftype == "number":
        return num.python_number_text(value)
    if ftype == "year" and isinstance(value, int):
        return str(value).zfill(4) if 0 <= value <= 9999 else None
    if ftype in ("object", "array", "geojson") and isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value if isinstance(value, str) else None


@lru_cache(maxsize=1)
def scratch() -> duckdb.DuckDBPyConnection:
    """A private connection to read constants (bounds, enum options) once, at load."""
    return duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})


@dataclass(frozen=True)
class Constant:
    """A bound or enum option as the field reads it: SQL literals of its values."""

    readable: bool
    typed: str = "NULL"
    order: str = "NULL"
    key: str = "NULL"


_CONSTANTS: dict[tuple[str, str, str], Constant] = {}


def _as_literal(value: str | None, kind: str) -> str:
    return "NULL" if value is None else f"CAST({literal(value)} AS {kind})"


def read_constants(fdesc: dict, values: list, dialect: dict) -> list[Constant]:
    """How the field reads each JSON value (as frictionless's value readers do: a JSON
    number is not a text, so no decimal or group character applies to it), in one query
    over the values."""
    todo: dict[tuple[str, str], tuple[dict, dict, list[str]]] = {}
    plan: list = []
    ftype = fdesc.get("type", "string")
    for value in values:
        text = bound_text(fdesc, value)
        if text is None:
            plan.append(None)
            continue
        if ftype in ("string", "any") and field_format(fdesc) == "default":
            plan.append(Constant(True, literal(text), literal(text), literal(text)))
            continue
        drop = {"constraints", "missingValues"}
        relevant = {"number": ("decimalChar", "groupChar"), "date": ("dateFormat",)}
        neutral = {"decimalChar": ".", "groupChar": "", "dateFormat": "%Y-%m-%d"}
        options = {
            k: v
            for k, v in dialect.items()
            if k in relevant.get(ftype, ()) and v != neutral[k]  # no-ops: one cache entry
        }
        if not isinstance(value, str):
            drop |= {"decimalChar", "groupChar", "bareNumber"}
            options = {}
        bare = {k: v for k, v in fdesc.items() if k not in drop}
        group = (json.dumps(bare, sort_keys=True), json.dumps(options, sort_keys=True))
        plan.append((*group, text))
        if (*group, text) not in _CONSTANTS:
            todo.setdefault(group, (bare, options, []))[2].append(text)
    for (g_fdesc, g_dialect), (bare, options, texts) in todo.items():
        for text, constant in zip(texts, _evaluate(bare, options, texts), strict=True):
            _CONSTANTS[(g_fdesc, g_dialect, text)] = constant
    return [
        Constant(False)
        if item is None
        else item
        if isinstance(item, Constant)
        else _CONSTANTS[item]
        for item in plan
    ]


def _evaluate(fdesc: dict, dialect: dict, texts: list[str]) -> list[Constant]:
    from pipeline.sql.scan import rows

    f = compile_field(fdesc, "coalesce(d.c0, '')", [], dialect, key="b")
    layers: list[dict[str, str]] = [{} for _ in f.layers]
    for i, layer in enumerate(f.layers):
        layers[i].update(layer)
    values = ", ".join(f"({i + 1}, {literal(t)})" for i, t in enumerate(texts))
    relation = f"(SELECT * FROM (VALUES {values}) AS v(__rec, c0))"
    picks = ", ".join(f"CAST(({e}) AS VARCHAR), typeof(({e}))" for e in (f.typed, f.order, f.key))
    sql = f"SELECT {f.invalid}, {picks} FROM {rows(relation, layers, {})} ORDER BY r.__rec"
    out = []
    for invalid, typed, t_kind, order, o_kind, key, k_kind in scratch().execute(sql).fetchall():
        out.append(
            Constant(
                not invalid and key is not None,
                _as_literal(typed, t_kind),
                _as_literal(order, o_kind),
                _as_literal(key, k_kind),
            )
        )
    return out


def _compare(f: FieldSQL, bound: Constant, op: str) -> str:
    """SQL TRUE when ``cell op bound`` holds, as Python compares the values."""
    if f.compare == "numeric":
        typed, b_typed, b_order = f.typed, bound.typed, bound.order
        exact = num.let(
            f.order,
            lambda o: (
                f"CASE WHEN {o} < {b_order} THEN -1 WHEN {o} > {b_order} THEN 1 "
                f"WHEN {o} = {b_order} THEN 0 END"
            ),
        )
        cmp = (
            f"CASE WHEN {typed} < {b_typed} THEN -1 WHEN {typed} > {b_typed} THEN 1 "
            f"ELSE {exact} END"
        )
        if f.sql_type == "DOUBLE":
            cmp = f"CASE WHEN isnan({typed}) THEN NULL ELSE {cmp} END"
        return f"({cmp}) {op} 0"
    if f.compare == "flagged":
        return (
            f"CASE WHEN left({f.order}, 1) <> left(({bound.order}), 1) THEN NULL "
            f"ELSE ({f.order}) {op} ({bound.order}) END"
        )
    return f"({f.order}) {op} ({bound.order})"


def _constraints(
    fdesc: dict, f: FieldSQL, dialect: dict
) -> tuple[list[Constraint], list[tuple[str, str]]]:
    constraints = fdesc.get("constraints", {})
    out: list[Constraint] = []
    bounds: list[tuple[str, str]] = []
    if "pattern" in constraints:
        pattern = translate("^" + constraints["pattern"] + "$")
        out.append(
            Constraint(
                "pattern",
                f"NOT regexp_matches({f.raw}, {literal(pattern)})",
                constraints["pattern"],
            )
        )
    wanted = [constraints[k] for k in BOUNDS if k in constraints]
    enum = constraints.get("enum") or []
    read = iter(read_constants(fdesc, wanted + list(enum), dialect))
    read_bounds = {k: next(read) for k in BOUNDS if k in constraints}
    if "enum" in constraints:
        options: list[str] = []
        for value in enum:
            option = next(read)
            if f.type == "boolean" and isinstance(value, bool):
                options.append(literal("true" if value else "false"))
            elif option.readable:
                options.append(option.key)
        bounds += [("enum", o) for o in options]
        member = f"({f.key} IN ({', '.join(options)}))" if options else "FALSE"
        out.append(Constraint("enum", f"NOT coalesce({member}, FALSE)", enum))
    for key, op in (("minLength", "<"), ("maxLength", ">")):
        if key in constraints:
            size = f.size or f"length({f.raw})"
            out.append(Constraint(key, f"{size} {op} {int(constraints[key])}", constraints[key]))
    for key, op in BOUNDS.items():
        if key in constraints:
            bound = read_bounds[key]
            if not bound.readable:
                continue  # refused at load (support_problems)
            bounds.append((key, bound.typed))
            holds = _compare(f, bound, op)
            out.append(Constraint(key, f"NOT coalesce({holds}, FALSE)", constraints[key]))
    return out, bounds


def published_field(fdesc: dict) -> dict:
    """The field as the published text reads (canonical numbers, booleans, dates and times):
    the reader options of the raw file that would misread it (decimalChar, groupChar,
    bareNumber, trueValues/falseValues, a strftime pattern or ``any``, field-level
    missingValues) are dropped; the others are kept as declared."""
    out = dict(fdesc)
    ftype = out.get("type", "string")
    if ftype in ("number", "integer"):
        if out.get("decimalChar", ".") != ".":
            out.pop("decimalChar")
        if out.get("groupChar", ""):
            out.pop("groupChar")
        if out.get("bareNumber", True) is False:
            out.pop("bareNumber")
    if ftype == "boolean":
        out.pop("trueValues", None)
        out.pop("falseValues", None)
    if ftype in ("date", "time", "datetime") and field_format(out) != "default":
        out.pop("format", None)
    if "missingValues" in out and "" not in out["missingValues"]:
        out.pop("missingValues")
    return out


def support_problems(schema: dict) -> list[tuple[str, str]]:
    """(JSON path, French message) for everything of ``schema`` the engine does not check
    (see :mod:`pipeline.sql.support`)."""
    from pipeline.sql.support import support_problems as problems

    return problems(schema)
