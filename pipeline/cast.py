"""Table Schema types and constraints, checked column by column (vectorised).

Semantics follow frictionless 5 (one type error per cell that cannot be read, constraint
errors only on readable cells, ``unique`` and ``primaryKey`` flag the later duplicates), so the
findings match ``frictionless validate`` row for row, at pandas speed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.findings import Finding
from pipeline.messages import TYPES_FR, message, shorten

NUMBER_RE = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
INTEGER_RE = r"[+-]?\d+"
ISO_DATE_RE = r"\d{4}-\d{2}-\d{2}"
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
GROUP_CHARS_ALL = " \u00a0\u202f"

PATTERN_HINTS = {
    r"^([013-9]\d|2[AB1-9])\d{3}$": "code INSEE à 5 caractères, ex. 01036 ou 2A004",
    r"([013-9]\d|2[AB1-9])\d{3}": "code INSEE à 5 caractères, ex. 01036 ou 2A004",
    r"\d{9}": "SIREN à 9 chiffres",
    r"\d{5}": "5 chiffres",
}


@dataclass
class CastResult:
    """Typed values (for rules and expectations) and normalised text (for publication)."""

    typed: pd.DataFrame
    text: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    invalid: np.ndarray | None = None  # rows holding at least one error


@dataclass
class Context:
    dataset: str
    file: str | None
    lines: np.ndarray
    columns: dict[str, int]

    def finding(self, code: str, row: int | None, fld: str | None, value, severity="error", **kw):
        line = int(self.lines[row]) if row is not None and len(self.lines) else None
        code, _, check = code.partition(":")
        return Finding(
            dataset=self.dataset,
            severity=severity,
            code=code,
            check=check or None,
            message=message(
                f"constraint-{check}" if check else code,
                field=fld,
                value=shorten(value),
                **kw,
            ),
            file=self.file,
            line=line,
            column=self.columns.get(fld) if fld else None,
            field=fld,
            value=None if value is None else shorten(value, 200),
        )

    def finding_text(self, code, row, fld, value, severity, text, check=None) -> Finding:
        """A finding whose French message is already written (expectations, rules)."""
        return Finding(
            dataset=self.dataset,
            severity=severity,
            code=code,
            check=check,
            message=text,
            file=self.file,
            line=int(self.lines[row]) if row is not None and len(self.lines) else None,
            column=self.columns.get(fld) if fld else None,
            field=fld,
            value=None if value is None else shorten(value, 200),
        )


def _strings(series: pd.Series) -> pd.Series:
    """Cells as pandas' ``str`` dtype (Arrow-backed: vectorised regexes, compact memory)."""
    return series.astype("str").fillna("")


def isin(series: pd.Series, values) -> np.ndarray:
    """Membership as a boolean array. pandas' ``isin`` on Arrow strings converts every call
    (0.5 s for 3,000 rows against the COG); pyarrow's ``is_in`` takes milliseconds."""
    if not len(series):
        return np.zeros(0, dtype=bool)
    strings = series if series.dtype == "str" else series.astype("str")
    value_set = pa.array(
        pd.Index(
            list(values) if isinstance(values, (set, frozenset)) else values, dtype="str"
        ).fillna("")
    )
    found = pc.is_in(pa.array(strings.fillna("").array), value_set=value_set)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


CANONICAL_NUMBER_RE = r"-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?"


def cast_column(
    series: pd.Series, fdesc: dict, dialect: dict
) -> tuple[pd.Series, pd.Series, np.ndarray, np.ndarray]:
    """(typed, normalised text, missing mask, type-error mask) for one column of strings."""
    values = _strings(series)
    missing_values = set(fdesc.get("_missingValues", [""]))
    missing = isin(values, missing_values)
    ftype = fdesc.get("type", "string")
    present = ~missing
    bad = np.zeros(len(values), dtype=bool)
    text = values

    if ftype in ("string", "any"):
        typed = values.where(present)
    elif ftype in ("integer", "year"):
        stripped = values.str.strip()
        ok = stripped.str.fullmatch(r"\d{4}" if ftype == "year" else INTEGER_RE).fillna(False)
        bad = present & ~ok.to_numpy(dtype=bool)
        good = present & ~bad
        typed = pd.Series(pd.NA, index=values.index, dtype="Int64")
        if good.any():
            typed[good] = pd.to_numeric(stripped[good]).astype("Int64")
        text = typed.astype("str").fillna("")
    elif ftype == "number":
        decimal = fdesc.get("decimalChar") or dialect.get("decimalChar") or "."
        group = fdesc.get("groupChar", dialect.get("groupChar")) or ""
        cleaned = values.str.strip()
        if group:
            chars = GROUP_CHARS_ALL if group in GROUP_CHARS_ALL else group
            cleaned = cleaned.str.replace(f"[{re.escape(chars)}]", "", regex=True)
        if decimal != ".":
            cleaned = cleaned.str.replace(decimal, ".", regex=False)
        ok = cleaned.str.fullmatch(NUMBER_RE).fillna(False).to_numpy(dtype=bool)
        bad = present & ~ok
        good = present & ~bad
        typed = pd.Series(np.nan, index=values.index, dtype="float64")
        if good.any():
            typed[good] = pd.to_numeric(cleaned[good])
        text = cleaned.where(good, "")
        odd = good & ~text.str.fullmatch(CANONICAL_NUMBER_RE).to_numpy(dtype=bool)
        if odd.any():  # "+1", "007", "1.50", "1e3": rare, rewritten one by one
            text = text.copy()
            text[odd] = text[odd].map(_canonical_number)
    elif ftype == "boolean":
        trues = fdesc.get("trueValues", DEFAULT_TRUE)
        falses = fdesc.get("falseValues", DEFAULT_FALSE)
        is_true = isin(values, trues)
        is_false = isin(values, falses)
        bad = present & ~(is_true | is_false)
        typed = pd.Series(pd.NA, index=values.index, dtype="boolean")
        typed[is_true & present] = True
        typed[is_false & present] = False
        text = pd.Series(
            np.where(is_true & present, "true", np.where(is_false & present, "false", "")),
            index=values.index,
            dtype="str",
        )
    elif ftype in ("date", "datetime"):
        fmt = fdesc.get("format") or dialect.get("dateFormat") or "%Y-%m-%d"
        if fmt in ("default", "any"):
            fmt = "%Y-%m-%d"
        stripped = values.str.strip()
        parsed = pd.to_datetime(stripped.where(present), format=fmt, errors="coerce")
        if fmt == "%Y-%m-%d":
            shape_ok = stripped.str.fullmatch(ISO_DATE_RE).fillna(False).to_numpy(dtype=bool)
            parsed = parsed.where(shape_ok)
        bad = present & parsed.isna().to_numpy()
        good = present & ~bad
        iso = parsed.dt.strftime("%Y-%m-%d" if ftype == "date" else "%Y-%m-%dT%H:%M:%S")
        typed = iso.where(good).astype("str")
        text = typed.fillna("")
    else:
        typed = values.where(present)
    return typed, text, missing, bad


def _canonical_number(text: str) -> str:
    if text == "":
        return ""
    if text.startswith("+"):
        text = text[1:]
    if "e" in text.lower():
        return repr(float(text))
    if "." in text:
        whole, frac = text.split(".", 1)
        frac = frac.rstrip("0")
        whole = whole.lstrip("0") or "0"
        if whole in ("-", "-0") and not frac:
            return "0"
        if whole == "-":
            whole = "-0"
        return f"{whole}.{frac}" if frac else whole
    negative = text.startswith("-")
    digits = text.lstrip("-").lstrip("0") or "0"
    return f"-{digits}" if negative and digits != "0" else digits


def check_table(frame: pd.DataFrame, schema: dict, dialect: dict, ctx: Context) -> CastResult:
    """Cast every field and check its constraints, then ``unique`` and ``primaryKey``."""
    findings: list[Finding] = []
    typed_cols: dict[str, pd.Series] = {}
    text_cols: dict[str, pd.Series] = {}
    n = len(frame)
    invalid = np.zeros(n, dtype=bool)
    missing_values = schema.get("missingValues", [""])
    for fdesc in schema["fields"]:
        name = fdesc["name"]
        ftype = fdesc.get("type", "string")
        if name not in frame.columns:
            typed_cols[name] = pd.Series([None] * n, dtype=object)
            text_cols[name] = pd.Series([""] * n, dtype=object)
            continue
        raw = _strings(frame[name])
        typed, text, missing, bad = cast_column(
            raw, {**fdesc, "_missingValues": missing_values}, dialect
        )
        typed_cols[name] = typed.reset_index(drop=True)
        text_cols[name] = text.reset_index(drop=True)
        for row in np.flatnonzero(bad):
            hint = ""
            if ftype in ("date", "datetime"):
                fmt = fdesc.get("format") or dialect.get("dateFormat") or "%Y-%m-%d"
                hint = f" (format attendu {fmt.replace('%d', 'jj').replace('%m', 'mm').replace('%Y', 'aaaa')})"
            elif ftype == "number":
                decimal = dialect.get("decimalChar", ".")
                hint = f" (séparateur décimal attendu « {decimal} »)"
            findings.append(
                ctx.finding(
                    "type-error",
                    row,
                    name,
                    raw.iat[row],
                    type_fr=TYPES_FR.get(ftype, ftype),
                    hint=hint,
                )
            )
        invalid |= bad
        constraints = fdesc.get("constraints", {})
        ok = ~missing & ~bad
        if constraints.get("required"):
            for row in np.flatnonzero(missing):
                findings.append(ctx.finding("constraint-error:required", row, name, ""))
            invalid |= missing
        findings.extend(_constraints(raw, typed, ok, fdesc, ctx, invalid))
    typed_frame = pd.DataFrame(typed_cols)
    text_frame = pd.DataFrame(text_cols)

    pk = schema.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else list(pk)
    for fdesc in schema["fields"]:
        name = fdesc["name"]
        if fdesc.get("constraints", {}).get("unique") and [name] != pk and name in frame.columns:
            findings.extend(_duplicates(text_frame, [name], ctx, "unique-error", invalid))
    if pk and all(p in frame.columns for p in pk):
        findings.extend(_duplicates(text_frame, pk, ctx, "primary-key-error", invalid))
    return CastResult(typed_frame, text_frame, findings, invalid)


def _constraints(raw, typed, ok, fdesc, ctx, invalid) -> list[Finding]:
    out: list[Finding] = []
    name = fdesc["name"]
    ftype = fdesc.get("type", "string")
    constraints = fdesc.get("constraints", {})

    def flag(mask, code, **kw):
        rows = np.flatnonzero(mask & ok)
        invalid[rows] = True
        out.extend(ctx.finding(f"constraint-error:{code}", r, name, raw.iat[r], **kw) for r in rows)

    if "pattern" in constraints:
        pattern = constraints["pattern"]
        matched = raw.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        flag(~matched, "pattern", pattern_fr=PATTERN_HINTS.get(pattern, f"motif {pattern}"))
    if "enum" in constraints:
        allowed = constraints["enum"]
        if ftype in ("integer", "number", "year"):
            member = typed.astype("float64").isin([float(v) for v in allowed]).to_numpy()
        else:
            member = isin(typed, [str(v) for v in allowed])
        flag(~member, "enum", enum=", ".join(str(v) for v in allowed))
    for key, op in (("minLength", np.less), ("maxLength", np.greater)):
        if key in constraints:
            lengths = raw.str.len().to_numpy()
            flag(op(lengths, constraints[key]), key, limit=constraints[key])
    for key in ("minimum", "maximum"):
        if key in constraints:
            bound = constraints[key]
            if ftype in ("date", "datetime"):
                values = typed.fillna("").astype(str)
                beyond = (values < str(bound)) if key == "minimum" else (values > str(bound))
                beyond = beyond.to_numpy() & ok
            else:
                values = typed.astype("float64").to_numpy()
                with np.errstate(invalid="ignore"):
                    beyond = values < float(bound) if key == "minimum" else values > float(bound)
            flag(beyond, key, limit=bound)
    return out


def _duplicates(text: pd.DataFrame, fields: list[str], ctx, code: str, invalid) -> list[Finding]:
    keys = text[fields]
    filled = (keys != "").all(axis=1).to_numpy()
    dup = keys.duplicated(keep="first").to_numpy() & filled
    if not dup.any():
        return []
    first_seen = keys[filled].drop_duplicates(keep="first")
    first_line = {
        tuple(row): int(ctx.lines[idx])
        for idx, row in zip(
            first_seen.index, first_seen.itertuples(index=False, name=None), strict=True
        )
    }
    out = []
    for row in np.flatnonzero(dup):
        key = tuple(keys.iloc[row])
        value = " / ".join(key)
        invalid[row] = True
        out.append(
            ctx.finding(
                code,
                int(row),
                fields[0] if len(fields) == 1 else None,
                value,
                fields=", ".join(fields),
                first_line=first_line.get(key, "?"),
            )
        )
    return out
