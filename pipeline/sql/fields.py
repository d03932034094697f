"""Table Schema fields compiled to SQL expressions over a raw cell (text, NULL when empty).

For every field: is the cell a missing value; can it be read as the field's type; its typed
value; the text published in the normalised CSV; the value as compared by keys and ``enum``
(exact: ``-0`` is ``0``, ``1.0`` is ``1``); and each constraint as a condition that is TRUE
when violated. The semantics are frictionless 5's (``frictionless/fields/*.py``,
``schema/field.py``): a cell that cannot be read gets one type error and no constraint error;
a missing cell only meets ``required``. The readers of each type live in
:mod:`pipeline.sql.readers`, constants are read in :mod:`pipeline.sql.constants`; what is not
implemented is refused when the schema is loaded (:mod:`pipeline.sql.support`), never
skipped."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.sql import literal, string_list
from pipeline.sql import numbers as num
from pipeline.sql.constants import Constant, read_constants
from pipeline.sql.pyregex import translate
from pipeline.sql.readers import BUILDERS, LIST_ITEM_TYPES, _sub, field_format

__all__ = ["BUILDERS", "LIST_ITEM_TYPES", "FieldSQL", "compile_field", "field_format"]

BOUNDS = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}


@dataclass
class Constraint:
    name: str
    violated: str  # SQL, TRUE when a present and readable cell breaks the constraint
    limit: object = None  # the declared bound, for messages


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
    """A raw cell is NULL when empty (DuckDB's reader, and the exact reader alike)."""
    others = [v for v in values if v != ""]
    empty = f"({raw} IS NULL)" if "" in values else "FALSE"
    if not others:
        return empty
    return f"({empty} OR list_contains({string_list(others)}, {raw}))"


def _col(alias: str, name: str) -> str:
    return f'{alias}."{name}"'


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
    if "" not in values:
        raw = f"coalesce({raw}, '')"  # an empty cell that is not missing is read as ''
    if key is None:
        missing = _missing(raw, values)
        parts = BUILDERS[ftype](fdesc, raw, dialect)
        prepared = f"({parts.prepared})"
        extra = f"({_sub(parts.extra or 'NULL', prepared=prepared)})"
        ok = f"(NOT ({missing}) AND coalesce({_sub(parts.ok, prepared=prepared, extra=extra)}, FALSE))"
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
            "FALSE" if parts.ok == "TRUE" else f"(NOT ({missing}) AND NOT {ok})",
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
            "FALSE" if parts.ok == "TRUE" else f"(NOT {missing_ref} AND NOT {ok_ref})",
            typed_ref,
            _col("r", f"{key}.text"),
            parts.sql_type,
            hint=parts.hint,
            layers=({}, a, b, b2, c, e),  # the first: computed fields' pre-layer
            key=_col("r", f"{key}.key"),
            order=_sub(parts.order, typed=typed_ref, text=text_ref, **refs),
        )
    compiled.compare = parts.compare
    if parts.size is not None:
        compiled.size = _sub(parts.size, raw=f"({compiled.raw})")
    compiled.constraints, compiled.bounds = _constraints(fdesc, compiled, dialect, key)
    return compiled


# --- constraints --------------------------------------------------------------------------


STRICT = {">=": ">", "<=": "<", ">": ">", "<": "<"}


def _compare(f: FieldSQL, bound: Constant, op: str, tie: str | None = None) -> str:
    """SQL TRUE when ``cell op bound`` holds, as Python compares the values. ``tie``: the
    row layers' column holding the exact order of the cells whose typed value equals a
    bound (NULL for the others): the typed values decide every other cell, without a
    CASE per bound (DuckDB pays for a CASE branch on every row, even an empty one)."""
    if f.compare == "numeric" and tie is not None:
        typed, b_typed = f.typed, bound.typed
        nan = f"NOT isnan({typed}) AND " if f.sql_type == "DOUBLE" else ""
        return (
            f"({nan}({typed} {STRICT[op]} {b_typed} OR "
            f"(({typed} = {b_typed} OR {typed} IS NULL) AND {tie} {op} ({bound.order}))))"
        )
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
    fdesc: dict, f: FieldSQL, dialect: dict, row_key: str | None = None
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
    readable = [b for b in read_bounds.values() if b.readable]
    tie = None
    if row_key is not None and f.compare == "numeric" and readable and f.layers:
        # ties, and integers beyond HUGEINT (typed NULL, read all the same)
        tie = _col("r", f"{row_key}.tie")
        values = ", ".join(b.typed for b in readable)
        exact = f"CASE WHEN {f.typed} IS NULL OR {f.typed} IN ({values}) THEN {f.order} END"
        column = {f"{row_key}.tie": exact}
        f.layers = (*f.layers, column)  # after the text, which integers' order reads
    for name, op in BOUNDS.items():
        if name in constraints:
            bound = read_bounds[name]
            if not bound.readable:
                continue  # refused at load (support_problems)
            bounds.append((name, bound.typed))
            holds = _compare(f, bound, op, tie)
            out.append(Constraint(name, f"NOT coalesce({holds}, FALSE)", constraints[name]))
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
