"""French text and Markdown for package diffs (``pipeline diff``)."""

from __future__ import annotations

from pipeline.diff import PackageDiff, ResourceDiff
from pipeline.markdown import md_code
from pipeline.messages import shorten
from pipeline.numbers_fr import plural
from pipeline.versioning import counts_sentence

LEVEL_LABELS = {
    "none": "inchangé",
    "initial": "première publication",
    "patch": "correctif",
    "minor": "mineure",
    "major": "majeure",
}
CELL_LIMIT = 80
TEXT_LIMIT = 200  # a changed cell in the terminal: controls shown, never applied


def _key_text(key: dict[str, str]) -> str:
    return ", ".join(f"{k}={shorten(v, CELL_LIMIT)}" for k, v in key.items())


def _row_key(r: ResourceDiff, row: dict[str, str]) -> str:
    return _key_text({k: row.get(k, "") for k in r.primary_key})


def _version_text(diff: PackageDiff) -> str:
    label = LEVEL_LABELS[diff.level]
    if diff.old_version and diff.next_version and diff.old_version != diff.next_version:
        return f"version {diff.old_version} → {diff.next_version} ({label})"
    return f"version {diff.next_version or '?'} ({label})"


def _more(n: int, singular: str, plural_form: str) -> str:
    """« 1 autre ligne », « 3 autres lignes »."""
    return plural(n, f"autre {singular}", f"autres {plural_form}")


def _reassigned_text(r: ResourceDiff) -> list[str]:
    return [
        f"  ≠ {r.path} : {', '.join(map(shorten, x.identifier.values()))} : "
        f"{shorten(x.old, TEXT_LIMIT)} → {shorten(x.new, TEXT_LIMIT)}"
        for x in r.reassigned
    ]


def _row_total(r: ResourceDiff) -> int:
    """Rows added, removed and changed: those listed and those the diff left out."""
    return r.total("added") + r.total("removed") + r.total("changed")


def _see_all(r: ResourceDiff) -> str:
    """Where to see the rows not shown."""
    if r.truncated:
        return "(voir --format json, avec --max-findings 0 pour toutes)"
    return "(voir --format json)"


def _value(text: str) -> str:
    """A changed cell in the terminal: « text » (controls shown, never applied), or (vide)."""
    return f"« {shorten(text, TEXT_LIMIT)} »" if text else "(vide)"


def _emptied(d: PackageDiff, markdown: bool) -> list[str]:
    """« champ `date_signature` vidé sur 236 lignes de `communes.csv` » : values the update
    takes away, said before the rows (the CHANGELOG says it too)."""
    out = []
    for r in d.resources:
        for name, count in r.emptied.items():
            field = _cell(name) if markdown else f"« {shorten(name)} »"
            path = _cell(r.path) if markdown else r.path
            out.append(f"Champ {field} vidé sur {plural(count, 'ligne', 'lignes')} de {path}.")
    return out


def _left_out(r: ResourceDiff) -> str:
    """The rows the diff counted but did not list (``--max-findings``)."""
    hidden = sum(r.truncated.values())
    what = plural(hidden, "ligne de plus, comptée", "lignes de plus, comptées")
    return (
        f"Et {what} mais non listée{'s' if hidden > 1 else ''} : "
        "`pipeline diff --format json --max-findings 0` les donne toutes."
    )


def render_diff_text(diffs: list[PackageDiff], max_rows: int = 50) -> str:
    """Plain French text for a terminal, one block per package: for each resource, its
    reassigned identifiers first (what a reuser who joins on them must know), then its added,
    removed and changed rows, each list cut at ``max_rows`` lines."""
    out: list[str] = []
    for d in diffs:
        out.append(f"{d.name} : {_version_text(d)} — {counts_sentence(d)}")
        for c in d.all_schema_changes:
            out.append(
                f"  schéma ({'compatible' if c.compatible else 'incompatible'}) : {c.message}"
            )
        out += [f"  {line}" for line in _emptied(d, markdown=False)]
        for r in d.resources:
            moved = _reassigned_text(r)
            out += moved[:max_rows]
            if r.total("reassigned") > max_rows:
                more = _more(
                    r.total("reassigned") - min(len(moved), max_rows),
                    "identifiant réattribué",
                    "identifiants réattribués",
                )
                out.append(f"  … et {more} {_see_all(r)}")
            rows = (
                [f"  + {r.path} : {_row_key(r, row)}" for row in r.added]
                + [f"  - {r.path} : {_row_key(r, row)}" for row in r.removed]
                + [f"  ~ {r.path} : {_key_text(c.key)} : "
                   + " ; ".join(f"{x.field} {_value(x.old)} → {_value(x.new)}" for x in c.changes)
                   for c in r.changed]
            )  # fmt: skip
            out += rows[:max_rows]
            left = _row_total(r) - min(len(rows), max_rows)
            if left > 0:
                out.append(f"  … et {_more(left, 'ligne', 'lignes')} {_see_all(r)}")
    return "\n".join(out) + ("\n" if out else "")


def _cell(text: str) -> str:
    return md_code(text, CELL_LIMIT)


def _schema_text(d: PackageDiff) -> str:
    schema = d.all_schema_changes
    if any(not c.compatible for c in schema):
        return "incompatible"
    return "compatible" if schema else "inchangé"


def _reassigned_rows(r: ResourceDiff) -> list[str]:
    return [
        f"| identifiant réattribué | {_cell(_key_text(x.identifier))} | | {_cell(x.old)} "
        f"| {_cell(x.new)} |"
        for x in r.reassigned
    ]


def _resource_rows(r: ResourceDiff) -> list[str]:
    rows = [
        f"| modifiée | {_cell(_key_text(c.key))} | {_cell(x.field)} | {_cell(x.old)} "
        f"| {_cell(x.new)} |"
        for c in r.changed
        for x in c.changes
    ]
    rows += [f"| ajoutée | {_cell(_row_key(r, row))} | | | |" for row in r.added]
    rows += [f"| supprimée | {_cell(_row_key(r, row))} | | | |" for row in r.removed]
    return rows


def render_diff_markdown(diffs: list[PackageDiff], max_rows: int = 50) -> str:
    """French Markdown for the job summary: a table per package, then, for each resource,
    its first ``max_rows`` reassigned identifiers and its first ``max_rows`` changed, added
    and removed rows."""
    out = [
        "## Changements des données publiées",
        "",
        "| Jeu de données | Version | Lignes ajoutées | supprimées | modifiées "
        "| Identifiants réattribués | Schéma |",
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for d in diffs:
        out.append(
            f"| `{d.name}` | {_version_text(d)} | {d.rows_added} | {d.rows_removed} "
            f"| {d.rows_changed} | {d.reassigned} | {_schema_text(d)} |"
        )
    for d in diffs:
        if d.level == "none":
            continue
        out += ["", f"### `{d.name}`"]
        if d.all_schema_changes:
            out.append("")
        for c in d.all_schema_changes:
            compat = "compatible" if c.compatible else "**incompatible**"
            out.append(f"- Schéma ({compat}) : {c.message}")  # our Markdown, from the schemas
        emptied = _emptied(d, markdown=True)
        if emptied and not d.all_schema_changes:
            out.append("")
        out += [f"- {line}" for line in emptied]
        for r in d.resources:
            moved, rows = _reassigned_rows(r), _resource_rows(r)
            if not moved and not rows:
                continue
            out += [
                "",
                f"`{r.path}` :",
                "",
                "| Ligne | Clé | Champ | Avant | Après |",
                "|---|---|---|---|---|",
                *moved[:max_rows],
                *rows[:max_rows],
            ]
            for shown, singular, plural_form in (
                (moved, "identifiant réattribué", "identifiants réattribués"),
                (rows, "changement", "changements"),
            ):
                left = len(shown) - max_rows
                if left > 0:
                    more = _more(left, singular, plural_form)
                    out += ["", f"> {more} non affiché{'s' if left > 1 else ''}."]
            if r.truncated:
                out += ["", f"> {_left_out(r)}"]
    return "\n".join(out) + "\n"
