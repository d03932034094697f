"""How each Table Schema type reads a cell, as SQL templates (:class:`Parts`) that
:func:`pipeline.sql.fields.compile_field` turns into the columns of the row layers. The
semantics are frictionless 5's value readers (``frictionless/fields/*.py``); the SQL of each
family lives in :mod:`~pipeline.sql.numbers`, :mod:`~pipeline.sql.temporal`,
:mod:`~pipeline.sql.strings` and :mod:`~pipeline.sql.structured`."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.sql import literal, string_list
from pipeline.sql import numbers as num
from pipeline.sql import strings as st
from pipeline.sql import structured as js
from pipeline.sql import temporal as tm

DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
LIST_ITEM_TYPES = ("string", "integer", "boolean", "number", "datetime", "date", "time")


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


def field_format(fdesc: dict) -> str:
    fmt = fdesc.get("format") or "default"
    return fmt[4:] if isinstance(fmt, str) and fmt.startswith("fmt:") else fmt


def _sub(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


# --- types --------------------------------------------------------------------------------
# Each builder returns Parts whose ``ok``, ``typed``, ``text``, ``key`` and ``order`` may use
# the placeholders ``{prepared}``, ``{typed}`` and (in ``key``) ``{text}``.


STRING_HINTS = {
    "email": " (adresse électronique attendue)",
    "uri": " (adresse commençant par un schéma, ex. https:, attendue)",
    "uuid": " (identifiant UUID attendu)",
    "binary": " (données en base64 attendues)",
}


def _string(fdesc, raw, dialect) -> Parts:
    fmt = field_format(fdesc)
    checks = {"email": st.email_ok, "uri": st.uri_ok, "uuid": st.uuid_ok, "binary": st.binary_ok}
    ok = checks[fmt](raw) if fmt in checks else "TRUE"
    hint = STRING_HINTS.get(fmt, "")
    return Parts(raw, ok, "{prepared}", "{prepared}", "VARCHAR", fmt, hint, key="{prepared}")


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
        order=num.order_key("{prepared}"),
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
