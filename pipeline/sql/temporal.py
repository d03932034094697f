"""Dates and times as frictionless 5 reads them, in SQL.

* A strftime pattern (and the default ``date`` format ``%Y-%m-%d``) is Python's
  ``datetime.strptime``: the regular expression Python itself builds for the pattern
  (``_strptime``), translated to RE2, then Python's rules for the values (two-digit years,
  12-hour clocks, ``%z`` offsets, real calendar dates, seconds below 60).
* The default ``datetime`` and ``time`` formats are dateutil's ``isoparse`` behind
  frictionless's guards (``cell[16] == ':'``, ``cell[5] == ':'``): extended ISO 8601 with
  seconds, any one ASCII separator, a fraction (``.`` or ``,``), ``Z`` or an offset, and
  ``24:00:00`` as the next midnight. ISO week and ordinal dates, which isoparse also reads,
  are refused (see docs/deviations-table-schema.md).
* ``any`` (dateutil's free parser) is read as ISO 8601 only, a subset of what dateutil
  accepts: other spellings are type errors (a listed deviation, never a missed error).

A reading is a :class:`Clock`: SQL for each component over the *prepared* value (a
struct of the captured texts), from which the typed value, text and order are built."""

from __future__ import annotations

import _strptime
import re
from dataclasses import dataclass

from pipeline.sql import literal
from pipeline.sql.numbers import ascii_digits, integer_ok, integer_prepared, integer_typed
from pipeline.sql.pyregex import translate

ASCII_DIGIT = "[0-9]"
DAY_US = 86_400_000_000
UNSUPPORTED_DIRECTIVES = set("jUWGVcxXZ")


class BadFormat(ValueError):
    """A date pattern Python would reject or we do not read (message in French)."""


def _int(expr: str) -> str:
    """A captured number (its digits made ASCII before matching: see :func:`_struct`).
    Captures hold digits, and for ``%d`` a leading space, which the cast skips."""
    return f"TRY_CAST({expr} AS BIGINT)"


@dataclass
class Clock:
    """SQL over the prepared struct ``p`` (placeholder ``{prepared}``)."""

    prepared: str  # SQL building the struct from the raw cell
    matched: str  # the text has the expected shape
    year: str = "1900"
    month: str = "1"
    day: str = "1"
    hour: str = "0"
    minute: str = "0"
    second: str = "0"
    micro: str = "0"
    offset: str = "NULL"  # µs east of UTC, NULL when naive
    offset_ok: str = "TRUE"
    next_day: str = "FALSE"  # 24:00:00, read as the next midnight
    known: str | None = None  # the date when a fast path read it whole (NULL otherwise)

    def date(self) -> str:
        """The calendar date, NULL when there is none (30 February, month 13): ``try`` turns
        make_date's error into NULL (twice as fast as casting an ISO text built for it)."""
        made = f"try(make_date({self.year}, {self.month}, {self.day}))"
        return f"coalesce({self.known}, {made})" if self.known else made

    def valid(self) -> str:
        """Python's verdict once the text matched: a real date, a time below 24:00, an
        offset below a day."""
        general = self._valid()
        return (
            f"(CASE WHEN {self.known} IS NOT NULL THEN TRUE ELSE {general} END)"
            if (self.known)
            else general
        )

    def _valid(self) -> str:
        checks = [
            self.matched,
            f"{self.year} BETWEEN 1 AND 9999",
            f"{self.date()} IS NOT NULL",
            f"{self.hour} BETWEEN 0 AND 23",
            f"{self.minute} BETWEEN 0 AND 59",
            f"{self.second} BETWEEN 0 AND 59",
            f"({self.offset}) IS NULL OR abs({self.offset}) < {DAY_US}",
            self.offset_ok,
        ]
        return "(" + " AND ".join(f"coalesce({c}, FALSE)" for c in checks) + ")"

    def local(self) -> str:
        """The wall-clock TIMESTAMP (24:00:00 rolled to the next day)."""
        ts = (
            f"(CAST({self.date()} AS TIMESTAMP) + to_microseconds("
            f"(CAST({self.hour} AS BIGINT) * 3600 + CAST({self.minute} AS BIGINT) * 60 "
            f"+ CAST({self.second} AS BIGINT)) * 1000000 + CAST({self.micro} AS BIGINT)))"
        )
        return f"CASE WHEN {self.next_day} THEN {ts} + INTERVAL 1 DAY ELSE {ts} END"


def _struct(pattern: str, names: list[str], raw: str) -> str:
    """The captured texts. Unicode digits are made ASCII first: Python's ``\\d`` matches
    them and ``int()`` reads them, and each is one character, so the match is the same."""
    return f"regexp_extract({ascii_digits(raw)}, {literal(pattern)}, {literal(names)}::VARCHAR[])"


# A cell of this exact shape (a year from 0001) is captured by Python's regex for
# "%Y-%m-%d" as its three parts (the two-digit alternatives of %m and %d come first and
# reach the end), and is a date exactly when DuckDB casts it to one (not 30 February):
# read by the cast, several times faster than the general match the other cells get.
ISO_SHAPE = (
    "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
    "-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
)


def _iso_fast_path(raw: str, general: str) -> str:
    parts = ", ".join(
        f"g{i} := substr({raw}, {start}, {size})"
        for i, (start, size) in enumerate(((1, 4), (6, 2), (9, 2)), 1)
    )
    return (
        f"CASE WHEN regexp_full_match({raw}, {literal(ISO_SHAPE)}) "
        f"THEN struct_pack({parts}, dt := TRY_CAST({raw} AS DATE)) "
        f"ELSE struct_insert({general}, dt := NULL::DATE) END"
    )


def _group(name: str) -> str:
    return f"struct_extract({{prepared}}, {literal(name)})"


_ISO_NAMES = {"m": "mo", "M": "mi"}


def _field(name: str) -> str:
    return _group(_ISO_NAMES.get(name, name))


# --- strptime -----------------------------------------------------------------------------


def strptime_clock(fmt: str, raw: str) -> Clock:
    """Python's ``datetime.strptime(cell, fmt)``."""
    directives = re.findall(r"%(.)", fmt.replace("%%", ""))
    bad = [d for d in directives if d in UNSUPPORTED_DIRECTIVES]
    if bad:
        raise BadFormat(f"directive %{bad[0]} non prise en charge dans le format « {fmt} »")
    if not directives:
        raise BadFormat(f"le format « {fmt} » ne contient aucune directive")
    twice = sorted({d for d in directives if directives.count(d) > 1})
    if twice:
        raise BadFormat(f"la directive %{twice[0]} apparaît deux fois dans le format « {fmt} »")
    try:
        python = _strptime._TimeRE_cache.pattern(fmt)
        compiled = re.compile(python, re.IGNORECASE)
    except KeyError as exc:
        raise BadFormat(f"directive %{exc.args[0]} inconnue dans le format « {fmt} »") from None
    except (IndexError, ValueError, re.error) as exc:
        raise BadFormat(f"format « {fmt} » refusé par Python ({exc})") from None
    names = [f"g{i}" for i in range(1, compiled.groups + 1)]
    alias = {name: f"g{number}" for name, number in compiled.groupindex.items()}

    def _field(name: str) -> str:  # DuckDB struct keys ignore case: %m and %M differ
        return _group(alias[name])

    pattern = translate(python, re.IGNORECASE) + "\\z"
    first = _group(min(alias.values(), key=lambda g: int(g[1:])))
    prepared = _struct(pattern, names, raw)
    known = None
    if fmt == "%Y-%m-%d" and alias == {"Y": "g1", "m": "g2", "d": "g3"}:
        prepared, known = _iso_fast_path(raw, prepared), _group("dt")
    clock = Clock(prepared, f"{first} <> ''", known=known)
    has = set(compiled.groupindex)
    lt = _strptime._TimeRE_cache.locale_time
    if "Y" in has:
        clock.year = _int(_field("Y"))
    elif "y" in has:
        y = _int(_field("y"))
        clock.year = f"(CASE WHEN {y} <= 68 THEN {y} + 2000 ELSE {y} + 1900 END)"
    if "m" in has:
        clock.month = _int(_field("m"))
    elif "B" in has or "b" in has:
        key, names_list = ("B", lt.f_month) if "B" in has else ("b", lt.a_month)
        cases = " ".join(f"WHEN {literal(n)} THEN {i}" for i, n in enumerate(names_list) if n)
        clock.month = f"(CASE lower({_field(key)}) {cases} END)"
    if "d" in has:
        clock.day = _int(_field("d"))
    if "H" in has:
        clock.hour = _int(_field("H"))
    elif "I" in has:
        hour = _int(_field("I"))
        ampm = f"lower({_field('p')})" if "p" in has else "''"
        pm = literal(lt.am_pm[1])
        clock.hour = (
            f"(CASE WHEN {ampm} = {pm} THEN CASE WHEN {hour} = 12 THEN 12 ELSE {hour} + 12 END "
            f"ELSE CASE WHEN {hour} = 12 THEN 0 ELSE {hour} END END)"
        )
    if "M" in has:
        clock.minute = _int(_field("M"))
    if "S" in has:
        clock.second = _int(_field("S"))
    if "f" in has:
        clock.micro = _int(f"rpad({_field('f')}, 6, '0')")
    if "z" in has:
        _offset(clock, _field("z"))
    return clock


def _offset(clock: Clock, z: str) -> None:
    """``%z``: 'Z', ±HHMM[SS[.ffffff]] or ±HH:MM[:SS[.ffffff]], colons used consistently."""
    digits = f"replace({z}, ':', '')"
    seconds = (
        f"(CAST({_int(f'substr({digits}, 2, 2)')} AS BIGINT) * 3600 + "
        f"{_int(f'substr({digits}, 4, 2)')} * 60 + "
        f"coalesce({_int(f'substr({digits}, 6, 2)')}, 0))"
    )
    fraction = f"rpad(substr({digits}, 9), 6, '0')"
    frac = f"coalesce({_int(fraction)}, 0)"
    value = f"({seconds} * 1000000 + {frac})"
    clock.offset = (
        f"(CASE WHEN {z} = 'Z' THEN 0 WHEN starts_with({z}, '-') THEN -{value} ELSE {value} END)"
    )
    colon3 = f"substr({z}, 4, 1) = ':'"
    clock.offset_ok = (
        f"(CASE WHEN {z} = 'Z' THEN TRUE WHEN {colon3} THEN length({z}) = 6 OR "
        f"substr({z}, 7, 1) = ':' ELSE NOT contains({z}, ':') END)"
    )


# --- ISO 8601 (isoparse, and the ISO subset of dateutil's parser) --------------------------

_FRACTION = r"(?:[.,]([0-9]+))?"
_TZ = r"([Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
# isoparse also reads an hour followed by an offset ('10+01:00', 8 characters like hh:mm:ss)
_TIME = r"([0-9]{2})(?::([0-9]{2}):([0-9]{2})" + _FRACTION + _TZ + r"|([+-][0-9]{2}:[0-9]{2}))"
_DATE = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
TIME_NAMES = ["H", "mi", "S", "f", "z"]
ISO_TIME_NAMES = [*TIME_NAMES, "z2"]


def _iso_time(clock: Clock, iso_tz: bool, hour_offset: bool = False) -> None:
    clock.hour = _int(_field("H"))
    clock.minute = f"coalesce({_int(_field('M'))}, 0)"
    clock.second = f"coalesce({_int(_field('S'))}, 0)"
    fraction = f"rpad(left({_field('f')}, 6), 6, '0')"
    clock.micro = f"coalesce({_int(fraction)}, 0)"
    z = f"coalesce(nullif({_field('z')}, ''), {_group('z2')})" if hour_offset else _field("z")
    digits = f"replace(substr({z}, 2), ':', '')"
    hours, minutes = _int(f"left({digits}, 2)"), f"coalesce({_int(f'substr({digits}, 3, 2)')}, 0)"
    value = f"(({hours} * 3600 + {minutes} * 60) * 1000000)"
    clock.offset = (
        f"(CASE WHEN {z} = '' THEN NULL WHEN lower({z}) = 'z' THEN 0 "
        f"WHEN starts_with({z}, '-') THEN -{value} ELSE {value} END)"
    )
    if iso_tz:  # dateutil: hours below 24 and minutes below 60, unless the offset is zero
        clock.offset_ok = (
            f"({z} = '' OR lower({z}) = 'z' OR ({hours} = 0 AND {minutes} = 0) OR "
            f"({hours} <= 23 AND {minutes} <= 59))"
        )
    # isoparse: 24:00:00(.0*) is the next midnight; any other hour 24 is refused.
    is_24 = (
        f"({clock.hour} = 24 AND {clock.minute} = 0 AND {clock.second} = 0 AND {clock.micro} = 0)"
    )
    clock.next_day = is_24
    clock.hour = f"(CASE WHEN {is_24} THEN 0 ELSE {clock.hour} END)"


def isoparse_datetime_clock(raw: str) -> Clock:
    """frictionless's default datetime: ``isoparse`` after ``cell[16] == ':'``."""
    pattern = r"\A" + _DATE + r"[\x00-\x7f]" + _TIME + r"\z"
    names = ["Y", "mo", "d", *ISO_TIME_NAMES]
    clock = Clock(_struct(pattern, names, raw), f"{_field('Y')} <> ''")
    clock.year, clock.month, clock.day = (_int(_field(n)) for n in ("Y", "m", "d"))
    _iso_time(clock, iso_tz=True, hour_offset=True)
    return clock


def isoparse_time_clock(raw: str) -> Clock:
    """frictionless's default time: ``isoparse('2000-01-01T' + cell)`` after ``cell[5] == ':'``."""
    pattern = r"\A" + _TIME + r"\z"
    clock = Clock(_struct(pattern, ISO_TIME_NAMES, raw), f"{_field('H')} <> ''", year="2000")
    _iso_time(clock, iso_tz=True, hour_offset=True)
    return clock


def any_clock(raw: str, kind: str) -> Clock:
    """dateutil's free parser, read as ISO 8601 only (a strict subset of what it reads): a
    time ``HH:MM[:SS[.ffffff]]``; a date ``YYYY-MM-DD``, for a date or a datetime, maybe
    followed by ``T`` or a space, a time, and ``Z`` or ``±HH:MM``."""
    time = r"([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?"
    if kind == "time":
        pattern, names = r"\A" + time + r"()\z", TIME_NAMES
    else:
        pattern = r"\A" + _DATE + "(?:[T ]" + time + r"(Z|[+-][0-9]{2}:[0-9]{2})?)?\z"
        names = ["Y", "mo", "d", *TIME_NAMES]
    first = _group(names[0])
    clock = Clock(_struct(pattern, names, raw), f"{first} <> ''")
    if kind != "time":
        clock.year, clock.month, clock.day = (_int(_field(n)) for n in ("Y", "m", "d"))
    _iso_time(clock, iso_tz=True)
    clock.next_day = "FALSE"  # dateutil refuses hour 24
    clock.hour = f"coalesce({_int(_field('H'))}, 0)"
    return clock


# --- yearmonth and duration ---------------------------------------------------------------


def yearmonth_parts(raw: str) -> tuple[str, str, str, str]:
    """(prepared, ok, month index, text) of frictionless's ``yearmonth``:
    ``year, month = cell.split("-")`` then ``int()`` of each, month 1 to 12."""
    parts = f"string_split({raw}, '-')"
    year_p = integer_prepared({}, f"{parts}[1]")
    month_p = integer_prepared({}, f"{parts}[2]")
    prepared = f"{{'n': len({parts}), 'y': {year_p}, 'm': {month_p}}}"
    y, m = "struct_extract({prepared}, 'y')", "struct_extract({prepared}, 'm')"
    year, month = integer_typed(y), integer_typed(m)
    ok = (
        f"(struct_extract({{prepared}}, 'n') = 2 AND {integer_ok(y)} AND {integer_ok(m)} AND {year} IS NOT NULL "
        f"AND {month} BETWEEN 1 AND 12)"
    )
    index = f"({year} * 12 + {month} - 1)"
    text = f"CAST({year} AS VARCHAR) || '-' || lpad(CAST({month} AS VARCHAR), 2, '0')"
    return prepared, ok, index, text


_NUM = r"([0-9]+(?:[,.][0-9]+)?)"
DURATION_RE = (
    r"\A([+-])?P(?:" + _NUM + "Y)?(?:" + _NUM + "M)?(?:" + _NUM + "W)?(?:" + _NUM + "D)?"
    r"(?:T(?:" + _NUM + "H)?(?:" + _NUM + "M)?(?:" + _NUM + r"S)?)?\n?\z"
)
DURATION_NAMES = ["sign", "Y", "Mo", "W", "D", "H", "Mi", "S"]
MAX_DAYS = 999_999_999


def duration_parts(raw: str) -> tuple[str, str, str, str]:
    """(prepared, ok, key, text) of isodate's ``parse_duration`` (the ``PnYnMnWnDTnHnMnS``
    form; its alternative ``PYYYY-MM-DDThh:mm:ss`` form is refused, a listed deviation)."""
    prepared = _struct(DURATION_RE, DURATION_NAMES, raw)

    def num(name: str) -> str:
        return f"coalesce(TRY_CAST(replace(nullif({_field(name)}, ''), ',', '.') AS DOUBLE), 0)"

    seconds = (
        f"(({num('W')} * 7 + {num('D')}) * 86400 + {num('H')} * 3600 + {num('Mi')} * 60 "
        f"+ {num('S')})"
    )
    body = f"regexp_replace({raw}, '^[+-]?P|\\n$', '', 'g')"
    ok = (
        f"(regexp_matches({raw}, {literal(DURATION_RE)}) AND {body} <> '' "
        f"AND abs({seconds}) < ({MAX_DAYS} + 1) * 86400.0)"
    )
    sign = f"CASE WHEN {_field('sign')} = '-' THEN -1 ELSE 1 END"
    micros = f"CAST(round({seconds} * 1000000) AS HUGEINT) * {sign}"

    def decimal(name: str) -> str:
        return f"CAST({num(name)} * {sign} AS VARCHAR)"

    key = f"{decimal('Y')} || '|' || {decimal('Mo')} || '|' || CAST({micros} AS VARCHAR)"
    text = f"regexp_replace({raw}, '^\\+|\\n$', '', 'g')"
    return prepared, ok, key, text
