"""Numbers as frictionless 5 reads them, in SQL.

* ``integer``: ``int(cell.strip())``: Unicode spaces stripped, a sign, Unicode decimal
  digits, single underscores between digits, at most ``MAX_INT_DIGITS`` digits (Python's
  limit, 4,300 by default).
* ``number``: ``Decimal(cell.strip())``: underscores ignored anywhere, ``NaN``,
  ``Infinity``/``Inf`` in any case, exponents; with ``decimalChar`` a ``.`` is refused.
* ``year``: four characters read as an integer between 0 and 9999.
* ``bareNumber: false`` drops leading characters other than ``-`` and digits, and trailing
  non-digits.

Values are compared exactly, as Python compares ``int`` and ``Decimal``: by an *order key*,
a text whose byte order is the numbers' order (:func:`order_key`), so that ``-0`` and ``0``,
``1.0`` and ``1`` are one value and ``0.30000000000000001`` is not ``0.3``."""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from pipeline.numbers_fr import MAX_INT_DIGITS
from pipeline.sql import literal
from pipeline.sql.pyregex import class_chars, space_items

DIALECT_SPACES = " \u00a0\u202f"
ORDER_OFFSET = 10**19  # order keys hold exponents in [-10**19, 10**19) on 20 digits
INTEGER_RE = r"[+-]?[0-9]+(?:_[0-9]+)*"
# Decimal's grammar once underscores are gone; exponents of at most 18 digits.
NUMBER_RE = (
    r"(?i)[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?0*[0-9]{1,18})?"
    r"|inf(?:inity)?|s?nan[0-9]*)"
)


@lru_cache(maxsize=1)
def _unicode_digits() -> tuple[str, str]:
    """Every non-ASCII decimal digit (category Nd, Python's ``\\d``) and its ASCII value."""
    chars = "".join(ch for ch in class_chars(r"\d") if not ch.isascii())
    return chars, "".join(str(unicodedata.decimal(ch)) for ch in chars)


_SIMPLE = re.compile(r'^(?:r\."[^"]+"|[a-z_][a-z0-9_]*|struct_extract\([a-z_.]+, \'[a-z]+\'\))$')
_names = itertools.count()


def let(expr: str, body) -> str:
    """``body(v)`` with v bound to ``expr``, computed once: a plain reference as is, any other
    expression through a one-item list (DuckDB has no LET; a lambda runs vectorised)."""
    if _SIMPLE.match(expr):
        return body(expr)
    var = f"v{next(_names)}"
    return f"list_transform([{expr}], lambda {var}: {body(var)})[1]"


def ascii_digits(expr: str) -> str:
    """``expr`` with Unicode decimal digits written as ASCII ones (only non-ASCII texts pay)."""
    chars, values = _unicode_digits()
    return let(
        expr,
        lambda v: (
            f"CASE WHEN strlen({v}) = length({v}) THEN {v} "
            f"ELSE translate({v}, {literal(chars)}, {literal(values)}) END"
        ),
    )


def _space_class() -> str:
    return "[" + space_items() + "]"


def py_strip(expr: str) -> str:
    """Python's ``str.strip()``: every Unicode space at both ends (one reference to
    ``expr``; DuckDB's ``trim`` with a set of characters is slow)."""
    edges = f"^{_space_class()}+|{_space_class()}+$"
    return f"regexp_replace({expr}, {literal(edges)}, '', 'g')"


def normalised(raw: str) -> str:
    """``raw`` stripped (Python's spaces) with ASCII digits. Plain ASCII cells without space
    at either end, nearly all of them, are kept as they are at the cost of three cheap
    tests; only non-ASCII cells pay for the digits."""
    fast = (
        f"(ord({raw}) BETWEEN 33 AND 126 AND ord(right({raw}, 1)) BETWEEN 33 AND 126 "
        f"AND strlen({raw}) = length({raw}))"
    )
    chars, values = _unicode_digits()
    return (
        f"CASE WHEN {fast} THEN {raw} WHEN strlen({raw}) = length({raw}) THEN {py_strip(raw)} "
        f"ELSE translate({py_strip(raw)}, {literal(chars)}, {literal(values)}) END"
    )


def bare(expr: str) -> str:
    """frictionless's ``bareNumber: false``: ``re.sub(r"((^[^-\\d]*)|(\\D*$))", "", cell)``."""
    lead = f"regexp_replace({expr}, '^[^-\\p{{Nd}}]*', '')"
    return f"regexp_replace({lead}, '\\P{{Nd}}*$', '')"


def _bare_number(fdesc: dict) -> bool:
    return fdesc.get("bareNumber", True) is not False


# --- integer ------------------------------------------------------------------------------


def integer_prepared(fdesc: dict, raw: str) -> str:
    """The cell as ``int()`` sees it: stripped, bare-number processed, ASCII digits."""
    cell = normalised(raw)
    if not _bare_number(fdesc):
        cell = bare(cell)  # leaves no space at either end
    return cell


def integer_ok(prepared: str) -> str:
    """``int()`` reads it: sign, digits, single underscores, at most ``MAX_INT_DIGITS``."""
    digits = f"length(regexp_replace({prepared}, '[^0-9]', '', 'g'))"
    short = (
        f"CASE WHEN length({prepared}) <= {MAX_INT_DIGITS} THEN TRUE "
        f"ELSE {digits} <= {MAX_INT_DIGITS} END"
    )
    return f"(regexp_full_match({prepared}, {literal(INTEGER_RE)}) AND {short})"


def integer_canonical(prepared: str) -> str:
    """'+007' -> '7', '-0' -> '0', '1_000' -> '1000': the digits of ``int()`` as text."""
    digits = f"ltrim(replace(ltrim({prepared}, '+-'), '_', ''), '0')"
    sign = f"CASE WHEN starts_with({prepared}, '-') THEN '-' ELSE '' END"
    return f"CASE WHEN {digits} = '' THEN '0' ELSE {sign} || {digits} END"


def integer_typed(prepared: str) -> str:
    """HUGEINT, NULL beyond its range (the order key still compares such integers)."""
    return f"TRY_CAST(replace({prepared}, '_', '') AS HUGEINT)"


def integer_text(prepared: str, typed: str) -> str:
    return f"coalesce(CAST({typed} AS VARCHAR), {integer_canonical(prepared)})"


# --- number -------------------------------------------------------------------------------


def number_chars(fdesc: dict, dialect: dict) -> tuple[str, str, bool]:
    """(decimalChar, groupChar, processed): frictionless processes group and decimal
    characters only when the field declares one of them (or bareNumber); our dialect's
    ``decimalChar``/``groupChar`` are defaults for every number field."""
    decimal = fdesc.get("decimalChar", dialect.get("decimalChar", "."))
    group = fdesc.get("groupChar", dialect.get("groupChar", ""))
    declared = any(k in fdesc for k in ("decimalChar", "groupChar", "bareNumber")) or any(
        k in dialect for k in ("decimalChar", "groupChar")
    )
    return decimal or ".", group or "", declared


def number_prepared(fdesc: dict, dialect: dict, raw: str) -> str:
    """The text ``Decimal()`` reads, or NULL when the decimal character rule refuses it.
    ``Decimal`` ignores every underscore: removing them first changes nothing to stripping,
    to ``bareNumber`` (an underscore is not a digit) nor to decimal and group characters."""
    decimal, group, declared = number_chars(fdesc, dialect)
    # A plain ASCII cell without underscore or space at either end, nearly all of them, is
    # its own text: the general form names the cell without underscores five times, which
    # DuckDB would compute five times (the scan skips its common-subexpression search).
    plain = (
        f"(ord({raw}) BETWEEN 33 AND 126 AND ord(right({raw}, 1)) BETWEEN 33 AND 126 "
        f"AND strlen({raw}) = length({raw}) AND NOT contains({raw}, '_'))"
    )
    general = normalised(f"replace({raw}, '_', '')")
    cell = f"CASE WHEN {plain} THEN {raw} ELSE {general} END"
    if not _bare_number(fdesc):
        cell = bare(cell)
    if declared:
        if group and group in DIALECT_SPACES and "groupChar" not in fdesc:
            # Our dialect's groupChar (not frictionless's): any of the spaces French
            # spreadsheets put between thousands.
            cell = f"regexp_replace({cell}, {literal('[' + DIALECT_SPACES + ']')}, '', 'g')"
        elif group:
            cell = f"replace({cell}, {literal(group)}, '')"
        if decimal != ".":
            cell = (
                f"CASE WHEN contains({cell}, '.') THEN NULL "
                f"ELSE replace({cell}, {literal(decimal)}, '.') END"
            )
        if group:  # removing group characters may bare a space at an end
            cell = py_strip(cell)
    return cell


def number_ok(prepared: str) -> str:
    return f"coalesce(regexp_full_match({prepared}, {literal(NUMBER_RE)}), FALSE)"


def _special(prepared: str) -> str:
    """'nan', 'inf', '-inf' or '' for a valid number text."""
    low = f"lower({prepared})"
    return (
        f"CASE WHEN contains({low}, 'n') AND NOT contains({low}, 'i') THEN 'nan' "
        f"WHEN contains({low}, 'i') THEN CASE WHEN starts_with({prepared}, '-') THEN '-inf' "
        "ELSE 'inf' END ELSE '' END"
    )


def number_parts(prepared: str) -> str:
    """A struct of a valid number text: ``sp`` its special value ('nan', 'inf', '-inf' or
    ''), ``sg`` its sign ('-' or ''), ``d`` its significant digits ('' for zero) and ``e``
    its exponent, so that the value is ±0.d × 10^e."""
    return let(prepared, _number_parts)


def _number_parts(prepared: str) -> str:
    body = f"ltrim(lower({prepared}), '+-')"
    mantissa = f"split_part({body}, 'e', 1)"
    exponent = f"coalesce(TRY_CAST(nullif(split_part({body}, 'e', 2), '') AS HUGEINT), 0)"
    whole = f"split_part({mantissa}, '.', 1)"
    digits = f"({whole} || split_part({mantissa}, '.', 2))"
    zeros = f"(length({digits}) - length(ltrim({digits}, '0')))"
    return (
        f"{{'sp': {_special(prepared)}, "
        f"'sg': CASE WHEN starts_with({prepared}, '-') THEN '-' ELSE '' END, "
        f"'d': rtrim(ltrim({digits}, '0'), '0'), "
        f"'e': length({whole}) - {zeros} + {exponent}}}"
    )


def _get(parts: str, name: str) -> str:
    return f"struct_extract({parts}, '{name}')"


def number_typed(prepared: str) -> str:
    """The number as a DOUBLE (DuckDB reads nan, inf and infinity in any case; sNaN and NaN
    with digits are spelled out only for the rows that need it)."""
    special = _special(prepared)
    return (
        f"coalesce(TRY_CAST({prepared} AS DOUBLE), CASE {special} WHEN 'nan' THEN 'nan'::DOUBLE "
        f"WHEN 'inf' THEN 'inf'::DOUBLE WHEN '-inf' THEN '-inf'::DOUBLE END)"
    )


def _signed_keys(exponent: str, digits: str) -> tuple[str, str]:
    """The order keys of a positive and of a negative number of significant ``digits``:
    exponent + offset on 20 digits then the digits; mirrored and closed by '~' when negative,
    so that a longer mantissa sorts first."""
    positive = f"'3' || lpad(CAST({exponent} + {ORDER_OFFSET} AS VARCHAR), 20, '0') || {digits}"
    negative = (
        f"'1' || lpad(CAST({ORDER_OFFSET} - {exponent} AS VARCHAR), 20, '0') || "
        f"translate({digits}, '0123456789', '9876543210') || '~'"
    )
    return positive, negative


def order_of_parts(parts: str) -> str:
    """A text ordered as the numbers (NULL for NaN): '0' -inf < '1…' negatives < '2' zero
    < '3…' positives < '4' +inf. Positives: exponent + offset on 20 digits, then the
    significant digits; negatives: the same mirrored, closed by '~' so that a longer
    mantissa sorts first."""
    digits, exponent = _get(parts, "d"), _get(parts, "e")
    positive, negative = _signed_keys(exponent, digits)
    return (
        f"CASE {_get(parts, 'sp')} WHEN 'nan' THEN NULL WHEN 'inf' THEN '4' WHEN '-inf' "
        f"THEN '0' ELSE CASE WHEN {digits} = '' THEN '2' WHEN {_get(parts, 'sg')} = '-' "
        f"THEN {negative} ELSE {positive} END END"
    )


def order_key(prepared: str) -> str:
    """The order key of a valid number text (see :func:`order_of_parts`)."""
    return let(number_parts(prepared), order_of_parts)


def integer_order(text: str) -> str:
    """The order key of a canonical integer text ('-12', '0', '7'), as :func:`order_key`."""
    magnitude = f"ltrim({text}, '-')"
    positive, negative = _signed_keys(f"length({magnitude})", f"rtrim({magnitude}, '0')")
    return (
        f"CASE WHEN {text} = '0' THEN '2' WHEN starts_with({text}, '-') THEN {negative} "
        f"ELSE {positive} END"
    )


def _plain(prepared: str) -> str:
    """'+007.50' -> '7.5', '-0' -> '0': a number written without exponent, canonical."""
    body = f"ltrim({prepared}, '+-')"
    whole = f"coalesce(nullif(ltrim(split_part({body}, '.', 1), '0'), ''), '0')"
    frac = f"rtrim(split_part({body}, '.', 2), '0')"
    sign = f"CASE WHEN starts_with({prepared}, '-') THEN '-' ELSE '' END"
    return (
        f"CASE WHEN {whole} = '0' AND {frac} = '' THEN '0' "
        f"ELSE {sign} || {whole} || CASE WHEN {frac} = '' THEN '' ELSE '.' || {frac} END END"
    )


def _scientific(parts: str) -> str:
    """A number written with an exponent, exactly: plain when its exponent is small
    ('1.5e3' -> '1500'), else 'd.ddde±x' ('1e400' -> '1e400')."""
    sign, digits, exponent = _get(parts, "sg"), _get(parts, "d"), _get(parts, "e")
    pad = f"CAST({exponent} AS INTEGER)"
    plain_big = f"rpad({digits}, CAST(greatest({pad}, length({digits})) AS INTEGER), '0')"
    whole = f"left({plain_big}, {pad})"
    frac = f"substr({plain_big}, {pad} + 1)"
    big = f"{whole} || CASE WHEN {frac} = '' THEN '' ELSE '.' || {frac} END"
    small = f"'0.' || repeat('0', CAST(-{exponent} AS BIGINT)) || {digits}"
    rest = f"substr({digits}, 2)"
    sci = (
        f"left({digits}, 1) || CASE WHEN {rest} = '' THEN '' ELSE '.' || {rest} END "
        f"|| 'e' || CAST({exponent} - 1 AS VARCHAR)"
    )
    return (
        f"CASE WHEN {digits} = '' THEN '0' ELSE {sign} || CASE "
        f"WHEN {exponent} BETWEEN 1 AND 21 THEN {big} "
        f"WHEN {exponent} BETWEEN -6 AND 0 THEN {small} ELSE {sci} END END"
    )


def number_text(prepared: str, parts: str | None = None) -> str:
    """The published text: canonical and exact ('NaN', 'Infinity', '-Infinity' for the
    special values, as Python writes them). Only texts with letters pay for the parts."""
    parts = parts or number_parts(prepared)
    special = (
        f"CASE {_get(parts, 'sp')} WHEN 'nan' THEN 'NaN' WHEN 'inf' THEN 'Infinity' "
        f"WHEN '-inf' THEN '-Infinity' ELSE {_scientific(parts)} END"
    )
    letters = f"regexp_matches({prepared}, '[a-zA-Z]')"
    return f"CASE WHEN {letters} THEN {special} ELSE {_plain(prepared)} END"


# --- year -----------------------------------------------------------------------------------


def year_ok(raw: str, prepared: str) -> str:
    value = integer_typed(prepared)
    return f"(length({raw}) = 4 AND {integer_ok(prepared)} AND {value} BETWEEN 0 AND 9999)"


def python_number_text(value: object) -> str | None:
    """How frictionless's number reader sees a JSON bound: ``Decimal(str(value))``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        return str(value)
    return None
