"""SQL of the derived resources (:mod:`pipeline.derive`). Each derivation reads the published
text of other resources (tables made by ``Workspace.materialised``: a column per field, ''
for an empty value, ``__rec`` in file order) and is one SELECT with a VARCHAR column per
output and ``__rec``, numbering its rows from 1 in published order."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.sql import ident, literal
from pipeline.sql.figures import where


def first_per(table: str, key: str, columns: Sequence[str]) -> str:
    """The first row (in file order) of each value of ``key``, with ``columns``."""
    items = ", ".join(ident(c) for c in dict.fromkeys([key, *columns]))
    return (
        f"(SELECT {items} FROM {ident(table)} "
        f"QUALIFY row_number() OVER (PARTITION BY {ident(key)} ORDER BY __rec) = 1)"
    )


def _numbered(parts: str, columns: Sequence[str], order: str) -> str:
    outputs = ", ".join(ident(c) for c in columns)
    return f"SELECT row_number() OVER (ORDER BY {order}) AS __rec, {outputs} FROM ({parts})"


def expand_groupings(
    groups: str,
    members: str,
    communes: str,
    keep: Sequence[str],
    code: str,
    commune: str | None,
    member: tuple[str, str, str],
    output: tuple[str, str, str],
) -> str:
    """One row per member commune of each grouping: the groupings' rows in file order, each
    followed by its members in the membership table's order; a grouping that is itself a
    commune (``commune`` filled) comes after them all, named as in the communes table (''
    when absent). Rows repeating the ``keep`` values and the commune of an earlier row are
    left out. ``member`` (group, code, name) are fields of ``members``; ``output`` (code,
    name, via) the fields made."""
    group_f, code_f, name_f = (ident(f) for f in member)
    out_code, out_name, via = output
    kept = [f"g.{ident(k)} AS {ident(k)}" for k in keep]
    expanded = (
        f"SELECT 0 AS __part, g.__rec AS __a, m.__rec AS __b, {', '.join(kept + [''])}"
        f"g.{ident(code)} AS {ident(via)}, m.{code_f} AS {ident(out_code)}, "
        f"m.{name_f} AS {ident(out_name)} "
        f"FROM {ident(groups)} AS g JOIN {ident(members)} AS m ON m.{group_f} = g.{ident(code)}"
    )
    if commune:
        expanded += f" WHERE g.{ident(commune)} = ''"
        single = (
            f"SELECT 1, g.__rec, 0, {', '.join(kept + [''])}g.{ident(code)}, "
            f"g.{ident(commune)}, coalesce(c.nom, '') "
            f"FROM {ident(groups)} AS g LEFT JOIN {first_per(communes, 'code_insee', ['nom'])} "
            f"AS c ON c.code_insee = g.{ident(commune)} WHERE g.{ident(commune)} <> ''"
        )
        expanded += f" UNION ALL {single}"
    repeat = ", ".join(ident(c) for c in [*keep, out_code])
    distinct = (
        f"SELECT * FROM ({expanded}) "
        f"QUALIFY row_number() OVER (PARTITION BY {repeat} ORDER BY __part, __a, __b) = 1"
    )
    return _numbered(distinct, [*keep, via, out_code, out_name], "__part, __a, __b")


def current_code(communes: str) -> str:
    """Every COG code (commune, commune déléguée or associée, municipal arrondissement) with
    the current commune holding it (its first row in the table)."""
    return (
        "SELECT code_insee AS code, CASE WHEN type = 'commune-actuelle' THEN code_insee "
        "ELSE coalesce(nullif(commune_parente, ''), nullif(chef_lieu, ''), code_insee) END "
        f"AS target FROM {ident(communes)} "
        "QUALIFY row_number() OVER (PARTITION BY code_insee ORDER BY __rec) = 1"
    )


COVERAGE_BASE = ("code_insee", "nom", "departement", "region", "population")


def coverage(communes: str, kept: list[dict], programmes: list[tuple[str, str, list, str]]) -> str:
    """One row per commune of ``communes`` meeting the conditions ``kept``, by code (ties in
    file order): its base fields, ``'true'``/``'false'`` per programme ``(table, field,
    conditions, column)`` (a row of the programme's table meeting its conditions names, by a
    code the COG knows, the current commune), and the number of programmes. The programmes
    of each current commune are gathered in one join (a list of their indexes)."""
    named = (
        " UNION ALL ".join(
            f"SELECT {i} AS i, {ident(fld)} AS code FROM {ident(table)} WHERE {where(conditions)}"
            for i, (table, fld, conditions, _) in enumerate(programmes)
        )
        or "SELECT NULL::INTEGER AS i, NULL::VARCHAR AS code WHERE FALSE"
    )
    covered = (
        f"SELECT cur.target AS code, list(DISTINCT p.i) AS progs FROM ({named}) AS p "
        f"JOIN ({current_code(communes)}) AS cur ON cur.code = p.code GROUP BY ALL"
    )
    columns = [f"b.{ident(c)}" for c in ("__rec", *COVERAGE_BASE)]
    columns += [
        f"CASE WHEN list_contains(c.progs, {i}) THEN 'true' ELSE 'false' END AS {ident(p[3])}"
        for i, p in enumerate(programmes)
    ]
    columns.append("CAST(coalesce(len(c.progs), 0) AS VARCHAR) AS nb_programmes")
    outputs = [*COVERAGE_BASE, *(p[3] for p in programmes), "nb_programmes"]
    rows = (
        f"SELECT {', '.join(columns)} FROM (SELECT * FROM {ident(communes)} WHERE {where(kept)}) "
        f"AS b LEFT JOIN ({covered}) AS c ON c.code = b.code_insee"
    )
    return _numbered(rows, outputs, "code_insee, __rec")


def _share(part: str, whole: str) -> str:
    """A percentage with two decimals ('' when the whole is 0)."""
    return f"CASE WHEN {whole} <> 0 THEN printf('%.2f', 100 * {part} / {whole}) ELSE '' END"


def coverage_summary(
    cov: str, regions: str, columns: list[str], fields: list[str], france: str
) -> str:
    """Share of the rows of a coverage table (and of their population) covered by at least
    one programme: the whole table (named ``france``), then each région, by code, named as
    in ``regions``. Outputs ``fields``; those it does not compute are ''."""
    flags = [f"count_if({ident(c)} = 'true') AS {ident('n:' + c)}" for c in columns]
    totals = (
        "SELECT grouping(region) AS __all, region, count(*)::DOUBLE AS n, "
        "count_if(__covered)::DOUBLE AS covered, coalesce(sum(__pop), 0) AS pop, "
        f"coalesce(sum(__pop) FILTER (WHERE __covered), 0) AS pop_covered, {', '.join(flags + [''])}"
        "FROM (SELECT *, TRY_CAST(nb_programmes AS DOUBLE) > 0 AS __covered, "
        f"coalesce(TRY_CAST(population AS DOUBLE), 0) AS __pop FROM {ident(cov)}) "
        "GROUP BY GROUPING SETS ((), (region))"
    )
    made = {
        "niveau": "CASE WHEN __all = 1 THEN 'france' ELSE 'region' END",
        "code": "CASE WHEN __all = 1 THEN '' ELSE t.region END",
        "nom": f"CASE WHEN __all = 1 THEN {literal(france)} ELSE coalesce(r.nom, '') END",
        "communes": "CAST(n::BIGINT AS VARCHAR)",
        "communes_couvertes": "CAST(covered::BIGINT AS VARCHAR)",
        "part_communes": _share("covered", "n"),
        "population": "CAST(trunc(pop)::HUGEINT AS VARCHAR)",
        "population_couverte": "CAST(trunc(pop_covered)::HUGEINT AS VARCHAR)",
        "part_population": _share("pop_covered", "pop"),
        **{f"communes_{c}": f"CAST({ident('n:' + c)} AS VARCHAR)" for c in columns},
    }
    items = [f"{made.get(f, literal(''))} AS {ident(f)}" for f in fields]
    rows = (
        f"SELECT __all, t.region AS __region, {', '.join(items)} FROM ({totals}) AS t "
        f"LEFT JOIN {first_per(regions, 'code', ['nom'])} AS r ON r.code = t.region"
    )
    return _numbered(rows, fields, "__all DESC, __region")


def values(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Rows computed in Python (a few), in the given order."""
    if not rows:
        items = ", ".join(f"NULL::VARCHAR AS {ident(c)}" for c in columns)
        return f"SELECT NULL::BIGINT AS __rec, {items} WHERE FALSE"
    body = ", ".join(
        "(" + ", ".join([str(i), *(f"{literal(str(v))}::VARCHAR" for v in row)]) + ")"
        for i, row in enumerate(rows, start=1)
    )
    names = ", ".join(ident(c) for c in ["__rec", *columns])
    return f"SELECT * FROM (VALUES {body}) AS t({names})"


def derived_table(table: str, query: str, fields: Sequence[str]) -> str:
    """CREATE the table of a derived resource from its query: ``__rec``, ``__line`` (as if
    read from a CSV file with a header) and the fields as raw cells ``c0…`` (NULL when '')."""
    cells = ", ".join(f"nullif({ident(f)}, '') AS {ident(f'c{i}')}" for i, f in enumerate(fields))
    return (
        f"CREATE OR REPLACE TABLE {ident(table)} AS SELECT __rec, __rec + 1 AS __line, "
        f"{cells} FROM ({query}) ORDER BY __rec"
    )
