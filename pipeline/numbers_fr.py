"""French numbers for what people read: reports, READMEs, messages."""

from __future__ import annotations

NBSP = "\u00a0"  # no-break space
NNBSP = "\u202f"  # narrow no-break space, the French typographic thousands separator


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
