"""French numbers for what people read: reports, READMEs, messages."""

from __future__ import annotations

import sys
import unicodedata

NBSP = "\u00a0"  # no-break space
NNBSP = "\u202f"  # narrow no-break space, the French typographic thousands separator
# The most digits Python converts between an int and its text (4,300 unless configured;
# 0 means no limit): int() and json refuse more, and repr() of a longer int fails.
MAX_INT_DIGITS = sys.get_int_max_str_digits() or 10**9


def fmt_int(n: int, sep: str = NBSP) -> str:
    """French thousands separator (no-break space by default): 2458 -> '2 458'."""
    return f"{n:,}".replace(",", sep)


def fmt_number(x: float | None, sep: str = NBSP) -> str:
    """French decimal comma, at most two decimals, integers without decimals; None -> '—'."""
    if x is None:
        return "—"
    if float(x).is_integer():
        return fmt_int(int(x), sep)
    whole, _, frac = f"{x:,.2f}".rstrip("0").rstrip(".").partition(".")
    return whole.replace(",", sep) + ("," + frac if frac else "")


def plural(n: int, singular: str, plural_form: str) -> str:
    """French agreement: 0 and 1 take the singular."""
    return f"{fmt_int(n)} {singular if abs(n) <= 1 else plural_form}"


VOWELS = "aeiou"
# Words in h aspiré: "de" is not elided before them ("nombre de hameaux"); before any other
# h (h muet: "nombre d'habitants") it is.
ASPIRATED_H = (
    "hameau",
    "halle",
    "hall",
    "handicap",
    "hangar",
    "haras",
    "hauteur",
    "haie",
    "héros",
    "hêtre",
)


def _base(word: str) -> str:
    """The word in lower case without accents ("Élus" -> "elus")."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def elides(word: str) -> bool:
    """Whether French elides a preceding "de", "le" or "que" before ``word``: a vowel, a
    mute h, or a y followed by a consonant ("d'Yvelines", but "de yaourts")."""
    base = _base(word.strip())
    if not base:
        return False
    if base[0] in VOWELS:
        return True
    if base[0] == "y":
        return len(base) > 1 and base[1] not in VOWELS
    if base[0] == "h":
        return not any(base.startswith(_base(w)) for w in ASPIRATED_H)
    return False


def de(word: str) -> str:
    """ "de" before ``word``, elided where French elides it: "de communes",
    "d'accompagnements", "d'habitants", "de hameaux"."""
    return f"d'{word.lstrip()}" if elides(word) else f"de {word}"


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def date_fr(date: str) -> str:
    """A date as French text: '2024-08-01' -> '1er août 2024', '2024-01' -> 'janvier 2024',
    '2024' -> '2024'."""
    parts = date.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    day = int(parts[2])
    return f"{'1er' if day == 1 else day} {month} {parts[0]}"


def edition_fr(date: str) -> str:
    """'édition du 1er août 2024', 'édition d'avril 2024', 'édition de mars 2024',
    'édition 2024'."""
    text = date_fr(date)
    if date.count("-") == 2:
        return f"édition du {text}"
    if date.count("-") == 1:
        return f"édition d'{text}" if text[0] in "aeiou" else f"édition de {text}"
    return f"édition {text}"
