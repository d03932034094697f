"""SQL of the checks against the COG that need more than a lookup."""

from __future__ import annotations

from pipeline.sql import ident

STATUS_FIELDS = ("code_insee", "type", "chef_lieu", "commune_parente", "nom")  # what it reads


def commune_status(table: str, communes: str) -> str:
    """CREATE, from a COG communes table, one row per code: whether a current commune holds
    it (``actuelle``) and, for a code that is only a commune déléguée or associée or a
    municipal arrondissement, its type and the current commune it belongs to (code, name)."""
    return (
        f"CREATE OR REPLACE TABLE {ident(table)} AS "
        "SELECT g.code_insee, g.actuelle, g.kind, g.parent, coalesce(p.nom, '') AS parent_nom "
        "FROM (SELECT code_insee, bool_or(type = 'commune-actuelle') AS actuelle, "
        "min(type) FILTER (WHERE type <> 'commune-actuelle') AS kind, "
        "min(coalesce(nullif(chef_lieu, ''), nullif(commune_parente, ''), '')) "
        "FILTER (WHERE type <> 'commune-actuelle') AS parent "
        f"FROM {ident(communes)} GROUP BY code_insee) AS g "
        f"LEFT JOIN (SELECT code_insee, min(nom) AS nom FROM {ident(communes)} "
        "WHERE type = 'commune-actuelle' GROUP BY code_insee) AS p ON p.code_insee = g.parent"
    )
