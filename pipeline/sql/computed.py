"""A field computed from another raw column (``computed`` in dataset.json), compiled to
SQL."""

from __future__ import annotations

import re

from pipeline.sql import literal


def _template(replace: str) -> list[str | int] | None:
    """A ``re.sub`` replacement as literal parts and group numbers, or None when it uses
    more than ``\\N``, ``\\g<N>`` and ``\\\\``."""
    parts: list[str | int] = []
    for token in re.split(r"(\\g<\d+>|\\\d{1,2}|\\.)", replace):
        if not token:
            continue
        if token.startswith("\\g<"):
            parts.append(int(token[3:-1]))
        elif re.fullmatch(r"\\\d{1,2}", token):
            parts.append(int(token[1:]))
        elif token == "\\\\":
            parts.append("\\")
        elif token.startswith("\\"):
            return None
        else:
            parts.append(token)
    return parts


def computed_sql(spec: dict, source_raw: str, key: str) -> tuple[str, dict[str, str]]:
    """A field extracted from another raw column, e.g. an ISO date from "Espace labellisé
    01/02/2020": ``{"name", "from", "pattern", "replace"}`` (the first match of ``pattern``
    rewritten by ``replace``; '' when nothing matches). Returns the raw expression and the
    columns it needs computed first (the match, extracted once per row)."""
    pattern = spec["pattern"]
    groups = re.compile(pattern).groups
    parts = _template(spec["replace"])
    if parts is None or any(isinstance(p, int) and p > groups for p in parts) or not groups:
        return (
            f"CASE WHEN regexp_matches({source_raw}, {literal(pattern)}) "
            f"THEN regexp_replace({source_raw}, {literal('^.*?' + pattern + '.*$')}, "
            f"{literal(spec['replace'])}) END"
        ), {}
    # One regex pass per row: the whole match is group g0, so a non-empty g0 tells a match;
    # only a row where it is empty (no match, or an empty match) is searched again.
    names = [f"g{i}" for i in range(groups + 1)]
    match = f"{key}.match"
    extract = (
        f"regexp_extract({source_raw}, {literal('(' + pattern + ')')}, "
        f"[{', '.join(literal(n) for n in names)}])"
    )
    ref = f'r."{match}"'
    found = f"({ref}.g0 <> '' OR regexp_matches({source_raw}, {literal(pattern)}))"
    pieces = [f"{ref}.g{p}" if isinstance(p, int) else literal(p) for p in parts]
    raw = f"CASE WHEN {found} THEN nullif({' || '.join(pieces) or literal('')}, '') END"
    return raw, {match: extract}
