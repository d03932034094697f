"""Row-by-row package diff, versioning and changelog, on small hand-made packages."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from pipeline.compatibility import bump, compare_schemas
from pipeline.diff import DiffKey, FieldChange, Reassignment, RowChange, diff_package, read_folder
from pipeline.errors import ConfigError
from pipeline.render.diff import render_diff_markdown, render_diff_text
from pipeline.versioning import changelog_entry, last_commit_date
from tests.conftest import copy_repo, run, tree_bytes


def diff_folders(old: Path | None, new: Path | None):
    """The diff of two package folders (a missing folder is a missing package)."""
    return diff_package(read_folder(old) if old else None, read_folder(new) if new else None)


FIELDS = [
    {"name": "id", "type": "string", "constraints": {"required": True, "unique": True}},
    {"name": "commune", "type": "string"},
    {"name": "population", "type": "integer", "constraints": {"maximum": 3500}},
]
ROWS = [
    {"id": "01036", "commune": "Bâgé-Dommartin", "population": "3120"},
    {"id": "2A004", "commune": "Ajaccio", "population": "3400"},
    {"id": "97101", "commune": "Les Abymes", "population": "1200"},
]


def write_package(
    folder: Path,
    rows: list[dict[str, str]],
    fields: list[dict] | None = None,
    primary_key: list[str] | None = None,
    version: str = "1.2.3",
) -> Path:
    fields = FIELDS if fields is None else fields
    folder.mkdir(parents=True)
    names = [f["name"] for f in fields]
    lines = [",".join(names)] + [",".join(row[n] for n in names) for row in rows]
    (folder / "communes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "communes.json").write_text(json.dumps(rows), encoding="utf-8")
    schema = {"fields": fields, "primaryKey": primary_key or ["id"]}
    package = {
        "name": "villages-d-avenir",
        "version": version,
        "resources": [
            {"name": "communes", "path": "communes.csv", "format": "csv", "schema": schema},
            {"name": "communes-json", "path": "communes.json", "format": "json"},
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    return folder


def with_cell(row_index: int, field: str, value: str) -> list[dict[str, str]]:
    rows = [dict(r) for r in ROWS]
    rows[row_index][field] = value
    return rows


def test_one_cell_change_is_one_changed_row_and_a_patch(tmp_path: Path) -> None:
    old = write_package(tmp_path / "old", ROWS)
    new = write_package(tmp_path / "new", with_cell(1, "population", "3390"))
    diff = diff_folders(old, new)
    [resource] = diff.resources
    assert resource.changed == [
        RowChange({"id": "2A004"}, [FieldChange("population", "3400", "3390")])
    ]
    assert (resource.added, resource.removed, resource.schema_changes) == ([], [], [])
    assert (resource.old_rows, resource.new_rows) == (3, 3)
    assert diff.level == "patch"
    assert bump("1.2.3", diff.level) == "1.2.4"
    assert diff.next_version == "1.2.4"
    assert render_diff_text([diff]) == (
        "villages-d-avenir : version 1.2.3 → 1.2.4 (correctif) — 0 ligne ajoutée, "
        "0 ligne supprimée, 1 ligne modifiée\n"
        "  ~ communes.csv : id=2A004 : population « 3400 » → « 3390 »\n"
    )
    assert changelog_entry(
        "2024-01-12", "1.2.4", diff, ["data/raw/anct_villages_avenir_communes_20240112.csv"]
    ) == (
        "## 1.2.4 — 2024-01-12\n\n"
        "- Correction de valeurs : 0 ligne ajoutée, 0 ligne supprimée, 1 ligne modifiée.\n"
        "- Fichiers bruts : `data/raw/anct_villages_avenir_communes_20240112.csv`.\n"
    )


def test_a_changed_cell_is_rendered_on_one_line_with_controls_shown(tmp_path: Path) -> None:
    """A cell is data: in a terminal or a pull request, never a line break or an escape."""
    old = write_package(tmp_path / "old", ROWS)
    new = write_package(tmp_path / "new", with_cell(1, "commune", "Aja\x1b[2Jccio\u202e"))
    diff = diff_folders(old, new)
    assert render_diff_text([diff]).splitlines()[1] == (
        "  ~ communes.csv : id=2A004 : commune « Ajaccio » → « Aja\u241b[2Jccio<U+202E> »"
    )
    assert "| `Aja\u241b[2Jccio<U+202E>` |" in render_diff_markdown([diff])


def test_added_row_is_minor(tmp_path: Path) -> None:
    extra = {"id": "01004", "commune": "Ambérieu-en-Bugey", "population": "3000"}
    old = write_package(tmp_path / "old", ROWS)
    new = write_package(tmp_path / "new", [*ROWS, extra])
    diff = diff_folders(old, new)
    assert diff.resources[0].added == [extra]
    assert (diff.rows_added, diff.rows_removed, diff.rows_changed) == (1, 0, 0)
    assert diff.level == "minor"
    assert bump("1.2.3", diff.level) == "1.3.0"


def test_removed_row_is_minor(tmp_path: Path) -> None:
    diff = diff_folders(
        write_package(tmp_path / "o", ROWS), write_package(tmp_path / "n", ROWS[:2])
    )
    assert diff.resources[0].removed == [ROWS[2]]
    assert bump("1.2.3", diff.level) == "1.3.0"


def test_removed_column_is_major(tmp_path: Path) -> None:
    fields = FIELDS[:2]
    old = write_package(tmp_path / "old", ROWS)
    new = write_package(tmp_path / "new", ROWS, fields=fields)
    diff = diff_folders(old, new)
    [change] = diff.all_schema_changes
    assert (change.kind, change.field, change.compatible) == ("field-removed", "population", False)
    assert change.message == "Champ `population` supprimé."
    assert diff.rows_changed == 0  # values of the remaining fields did not change
    assert diff.level == "major"
    assert bump("1.2.3", diff.level) == "2.0.0"
    assert changelog_entry("2024-01-12", "2.0.0", diff, []) == (
        "## 2.0.0 — 2024-01-12\n\n"
        "- Évolution majeure : 0 ligne ajoutée, 0 ligne supprimée, 0 ligne modifiée.\n"
        "- Schéma (incompatible) : Champ `population` supprimé.\n"
    )


def test_no_change_keeps_the_version(tmp_path: Path) -> None:
    diff = diff_folders(write_package(tmp_path / "o", ROWS), write_package(tmp_path / "n", ROWS))
    assert diff.level == "none"
    assert bump("1.2.3", diff.level) == "1.2.3"


def test_first_build_keeps_the_declared_version(tmp_path: Path) -> None:
    diff = diff_folders(None, write_package(tmp_path / "new", ROWS, version="1.0.0"))
    assert diff.is_new and diff.level == "initial" and diff.rows_added == 3
    assert diff.next_version == "1.0.0"
    assert changelog_entry("2024-01-12", "1.0.0", diff, ["data/raw/v.csv"]) == (
        "## 1.0.0 — 2024-01-12\n\n- Première publication : 3 lignes.\n"
        "- Fichiers bruts : `data/raw/v.csv`.\n"
    )
    missing = diff_folders(tmp_path / "absent", write_package(tmp_path / "n2", ROWS))
    assert missing.level == "initial"


def test_removed_package_is_major(tmp_path: Path) -> None:
    diff = diff_folders(write_package(tmp_path / "old", ROWS), tmp_path / "gone")
    assert diff.rows_removed == 3
    assert [c.kind for c in diff.all_schema_changes] == ["resource-removed"]
    assert bump("1.2.3", diff.level) == "2.0.0"


@pytest.mark.parametrize(
    ("new_field", "kind", "level"),
    [
        ({"name": "epci", "type": "string"}, "field-added", "minor"),
        (
            {"name": "epci", "type": "string", "constraints": {"required": True}},
            "field-added",
            "major",
        ),
    ],
)
def test_added_field(tmp_path: Path, new_field: dict, kind: str, level: str) -> None:
    rows = [{**r, "epci": "200071751"} for r in ROWS]
    old = write_package(tmp_path / "old", ROWS)
    new = write_package(tmp_path / "new", rows, fields=[*FIELDS, new_field])
    diff = diff_folders(old, new)
    assert [c.kind for c in diff.all_schema_changes] == [kind]
    assert diff.level == level
    assert diff.rows_changed == 0


@pytest.mark.parametrize(
    ("population", "level", "message"),
    [
        (
            {"name": "population", "type": "number", "constraints": {"maximum": 3500}},
            "major",
            "Champ `population` : type « integer » devenu « number ».",
        ),
        (
            {"name": "population", "type": "integer", "constraints": {"maximum": 5000}},
            "major",
            "Champ `population` : contrainte maximum assouplie (3500 → 5000).",
        ),
        (
            {"name": "population", "type": "integer", "constraints": {"maximum": 3499}},
            "minor",
            "Champ `population` : contrainte maximum renforcée (3500 → 3499).",
        ),
        (
            {
                "name": "population",
                "type": "integer",
                "constraints": {"maximum": 3500, "minimum": 0},
            },
            "minor",
            "Champ `population` : contrainte minimum renforcée (None → 0).",
        ),
    ],
)
def test_type_and_constraint_changes(
    tmp_path: Path, population: dict, level: str, message: str
) -> None:
    old = write_package(tmp_path / "old", ROWS)
    new = write_package(tmp_path / "new", ROWS, fields=[*FIELDS[:2], population])
    diff = diff_folders(old, new)
    assert [c.message for c in diff.all_schema_changes] == [message]
    assert diff.level == level


def test_renamed_primary_key_is_major(tmp_path: Path) -> None:
    fields = [{**FIELDS[0], "name": "insee_com"}, *FIELDS[1:]]
    rows = [{"insee_com": r["id"], **{k: v for k, v in r.items() if k != "id"}} for r in ROWS]
    old = write_package(tmp_path / "old", ROWS)
    new = write_package(tmp_path / "new", rows, fields=fields, primary_key=["insee_com"])
    diff = diff_folders(old, new)
    kinds = sorted(c.kind for c in diff.all_schema_changes)
    assert kinds == ["field-added", "field-removed", "primary-key-changed"]
    assert diff.level == "major"
    assert diff.rows_changed == 0


def test_rows_match_on_the_key_whatever_their_order(tmp_path: Path) -> None:
    old = write_package(tmp_path / "old", ROWS)
    new = write_package(tmp_path / "new", list(reversed(ROWS)))
    assert diff_folders(old, new).level == "none"


def test_diff_works_on_files_in_memory(tmp_path: Path) -> None:
    old = read_folder(write_package(tmp_path / "old", ROWS))
    new = dict(old, **{"communes.csv": old["communes.csv"].replace(b"Ajaccio", b"Aiacciu")})
    diff = diff_package(old, new)
    assert diff.resources[0].changed == [
        RowChange({"id": "2A004"}, [FieldChange("commune", "Ajaccio", "Aiacciu")])
    ]
    assert read_folder(tmp_path / "absent") == {}
    removed = diff_package(old, None)
    assert (removed.name, removed.rows_removed, removed.level) == ("villages-d-avenir", 3, "major")
    with pytest.raises(ConfigError, match=r"^datapackage.json est illisible \(ligne 1\) : "):
        diff_package({"datapackage.json": b"{ broken"}, new)


VA_FIELDS = [
    {"name": "id_va", "type": "string"},
    {"name": "insee_com", "type": "string"},
    {"name": "lib_com", "type": "string"},
]


def va_rows(*rows: tuple[str, str, str]) -> list[dict[str, str]]:
    return [dict(zip(("id_va", "insee_com", "lib_com"), r, strict=True)) for r in rows]


def test_a_renumbering_is_reported_as_such_when_rows_match_on_their_diff_key(tmp_path):
    """January: va-14-02 is Blangy-le-Château. September: Beaumesnil comes in as va-14-02 and
    Blangy-le-Château moves to va-14-03. Matched on the producer's id, the diff would say
    that a commune was renamed; matched on the INSEE code it says what happened."""
    old = write_package(tmp_path / "old", va_rows(
        ("va-14-02", "14076", "Blangy-le-Château"), ("va-14-03", "14079", "Bonnebosq"),
    ), fields=VA_FIELDS, primary_key=["id_va"])  # fmt: skip
    new = write_package(tmp_path / "new", va_rows(
        ("va-14-02", "14058", "Beaumesnil"), ("va-14-03", "14076", "Blangy-le-Château"),
        ("va-14-04", "14079", "Bonnebosq"),
    ), fields=VA_FIELDS, primary_key=["id_va"])  # fmt: skip
    naive = diff_folders(old, new)
    assert [c.changes for c in naive.resources[0].changed][0] == [
        FieldChange("insee_com", "14076", "14058"),
        FieldChange("lib_com", "Blangy-le-Château", "Beaumesnil"),
    ]
    keys = {"communes": DiffKey(["insee_com"], "lib_com")}
    diff = diff_package(read_folder(old), read_folder(new), keys=keys)
    [res] = diff.resources
    assert res.primary_key == ["insee_com"]
    assert res.added == [{"id_va": "va-14-02", "insee_com": "14058", "lib_com": "Beaumesnil"}]
    assert res.changed == [
        RowChange({"insee_com": "14076"}, [FieldChange("id_va", "va-14-02", "va-14-03")]),
        RowChange({"insee_com": "14079"}, [FieldChange("id_va", "va-14-03", "va-14-04")]),
    ]
    assert res.reassigned == [
        Reassignment({"id_va": "va-14-02"}, "Blangy-le-Château (14076)", "Beaumesnil (14058)"),
        Reassignment({"id_va": "va-14-03"}, "Bonnebosq (14079)", "Blangy-le-Château (14076)"),
    ]
    assert (diff.level, diff.next_version, diff.to_dict()["reassigned"]) == ("minor", "1.3.0", 2)
    text = render_diff_text([diff])
    assert text.splitlines()[0] == (
        "villages-d-avenir : version 1.2.3 → 1.3.0 (mineure) — 1 ligne ajoutée, 0 ligne "
        "supprimée, 2 lignes modifiées, 2 identifiants réattribués"
    )
    assert "  ≠ communes.csv : va-14-02 : Blangy-le-Château (14076) → Beaumesnil (14058)" in text
    markdown = render_diff_markdown([diff])
    assert (
        "| identifiant réattribué | `id_va=va-14-02` | | `Blangy-le-Château (14076)` "
        "| `Beaumesnil (14058)` |" in markdown
    )
    entry = changelog_entry("2024-09-05", "1.3.0", diff, [])
    assert entry.splitlines()[2:] == [
        "- Évolution mineure : 1 ligne ajoutée, 0 ligne supprimée, 2 lignes modifiées, "
        "2 identifiants réattribués.",
        "- Identifiants réattribués dans `communes.csv` (les lignes sont comparées sur "
        "`insee_com`) :",
        "  - `va-14-02` : Blangy-le-Château (14076) → Beaumesnil (14058)",
        "  - `va-14-03` : Bonnebosq (14079) → Blangy-le-Château (14076)",
    ]
    # a diff key the other side lacks falls back to the primary key
    assert diff_package(read_folder(old), read_folder(new), keys={
        "communes": DiffKey(["code"])}).resources[0].primary_key == ["id_va"]  # fmt: skip


def test_markdown_lists_changes_and_caps_long_lists(tmp_path: Path) -> None:
    old = write_package(tmp_path / "old", ROWS)
    new = write_package(tmp_path / "new", with_cell(0, "commune", "Bâgé | Dommartin"))
    assert render_diff_markdown([diff_folders(old, new)]) == (
        "## Changements des données publiées\n\n"
        "| Jeu de données | Version | Lignes ajoutées | supprimées | modifiées "
        "| Identifiants réattribués | Schéma |\n"
        "|---|---|--:|--:|--:|--:|---|\n"
        "| `villages-d-avenir` | version 1.2.3 → 1.2.4 (correctif) | 0 | 0 | 1 | 0 | inchangé |\n\n"
        "### `villages-d-avenir`\n\n"
        "`communes.csv` :\n\n"
        "| Ligne | Clé | Champ | Avant | Après |\n"
        "|---|---|---|---|---|\n"
        "| modifiée | `id=01036` | `commune` | `Bâgé-Dommartin` | `Bâgé \\| Dommartin` |\n"
    )
    many = [{"id": f"{i:05}", "commune": f"C{i}", "population": "1"} for i in range(120)]
    big = diff_folders(None, write_package(tmp_path / "big", many))
    text = render_diff_markdown([big], max_rows=50)
    assert text.count("| ajoutée |") == 50
    assert text.endswith("> 70 autres changements non affichés.\n")


def renumbered(tmp_path: Path):
    """Three identifiers each given to another commune, two communes added: matched on the
    INSEE code, 2 rows added, 3 changed (their id_va), 3 identifiers reassigned."""
    old = write_package(tmp_path / "old", va_rows(
        ("va-1", "01001", "Abergement-Clémenciat"), ("va-2", "01002", "Abergement-de-Varey"),
        ("va-3", "01004", "Ambérieu-en-Bugey"),
    ), fields=VA_FIELDS, primary_key=["id_va"])  # fmt: skip
    new = write_package(tmp_path / "new", va_rows(
        ("va-1", "01002", "Abergement-de-Varey"), ("va-2", "01004", "Ambérieu-en-Bugey"),
        ("va-3", "01005", "Ambérieux-en-Dombes"), ("va-4", "01001", "Abergement-Clémenciat"),
        ("va-5", "01006", "Ambléon"),
    ), fields=VA_FIELDS, primary_key=["id_va"])  # fmt: skip
    keys = {"communes": DiffKey(["insee_com"], "lib_com")}
    return diff_package(read_folder(old), read_folder(new), keys=keys)


def test_reassignments_come_first_with_their_own_cap_in_text(tmp_path: Path) -> None:
    """Listed after the other rows, under one cap, the reassignments of a real update (56
    after 96 rows) never showed: they come first, each list with its own cap."""
    diff = renumbered(tmp_path)
    assert render_diff_text([diff], max_rows=2) == (
        "villages-d-avenir : version 1.2.3 → 1.3.0 (mineure) — 2 lignes ajoutées, 0 ligne "
        "supprimée, 3 lignes modifiées, 3 identifiants réattribués\n"
        "  ≠ communes.csv : va-1 : Abergement-Clémenciat (01001) → Abergement-de-Varey (01002)\n"
        "  ≠ communes.csv : va-2 : Abergement-de-Varey (01002) → Ambérieu-en-Bugey (01004)\n"
        "  … et 1 autre identifiant réattribué (voir --format json)\n"
        "  + communes.csv : insee_com=01005\n"
        "  + communes.csv : insee_com=01006\n"
        "  … et 3 autres lignes (voir --format json)\n"
    )
    assert render_diff_text([diff]).splitlines()[1:] == [
        "  ≠ communes.csv : va-1 : Abergement-Clémenciat (01001) → Abergement-de-Varey (01002)",
        "  ≠ communes.csv : va-2 : Abergement-de-Varey (01002) → Ambérieu-en-Bugey (01004)",
        "  ≠ communes.csv : va-3 : Ambérieu-en-Bugey (01004) → Ambérieux-en-Dombes (01005)",
        "  + communes.csv : insee_com=01005",
        "  + communes.csv : insee_com=01006",
        "  ~ communes.csv : insee_com=01002 : id_va « va-2 » → « va-1 »",
        "  ~ communes.csv : insee_com=01004 : id_va « va-3 » → « va-2 »",
        "  ~ communes.csv : insee_com=01001 : id_va « va-1 » → « va-4 »",
    ]


def test_reassignments_are_counted_and_listed_first_in_the_ci_summary(tmp_path: Path) -> None:
    diff = renumbered(tmp_path)
    assert render_diff_markdown([diff], max_rows=2) == (
        "## Changements des données publiées\n\n"
        "| Jeu de données | Version | Lignes ajoutées | supprimées | modifiées "
        "| Identifiants réattribués | Schéma |\n"
        "|---|---|--:|--:|--:|--:|---|\n"
        "| `villages-d-avenir` | version 1.2.3 → 1.3.0 (mineure) | 2 | 0 | 3 | 3 | inchangé |\n\n"
        "### `villages-d-avenir`\n\n"
        "`communes.csv` :\n\n"
        "| Ligne | Clé | Champ | Avant | Après |\n"
        "|---|---|---|---|---|\n"
        "| identifiant réattribué | `id_va=va-1` | | `Abergement-Clémenciat (01001)` "
        "| `Abergement-de-Varey (01002)` |\n"
        "| identifiant réattribué | `id_va=va-2` | | `Abergement-de-Varey (01002)` "
        "| `Ambérieu-en-Bugey (01004)` |\n"
        "| modifiée | `insee_com=01002` | `id_va` | `va-2` | `va-1` |\n"
        "| modifiée | `insee_com=01004` | `id_va` | `va-3` | `va-2` |\n\n"
        "> 1 autre identifiant réattribué non affiché.\n\n"
        "> 3 autres changements non affichés.\n"
    )


def test_to_dict_is_json_ready(tmp_path: Path) -> None:
    old = write_package(tmp_path / "old", ROWS)
    new = write_package(tmp_path / "new", with_cell(1, "population", "3390"))
    data = json.loads(json.dumps(diff_folders(old, new).to_dict(), ensure_ascii=False))
    assert data["level"] == "patch" and data["next_version"] == "1.2.4"
    assert data["resources"][0]["changed"] == [
        {"key": {"id": "2A004"}, "changes": [{"field": "population", "old": "3400", "new": "3390"}]}
    ]


def test_bump_rejects_a_non_semantic_version(tmp_path: Path) -> None:
    diff = diff_folders(write_package(tmp_path / "o", ROWS), write_package(tmp_path / "n", ROWS))
    with pytest.raises(ConfigError, match="Version « v1 » invalide"):
        bump("v1", diff.level)
    assert bump("2.1", diff.level) == "2.1.0"


def git(repo: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def test_last_commit_date_is_the_last_commit_touching_the_file(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "data" / "raw").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "data/raw/a.csv").write_text("x\n1\n", encoding="utf-8")
    (repo / "data/raw/b.csv").write_text("x\n1\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first", date="2024-01-12T10:00:00+01:00")
    (repo / "data/raw/b.csv").write_text("x\n2\n", encoding="utf-8")
    git(repo, "commit", "-qam", "second", date="2024-08-01T23:30:00+02:00")
    assert last_commit_date(repo, ["data/raw/a.csv"]) == "2024-01-12"
    assert last_commit_date(repo, ["data/raw/b.csv"]) == "2024-08-01"
    (repo / "data/raw/new.csv").write_text("x\n", encoding="utf-8")
    assert last_commit_date(repo, ["data/raw/new.csv"]) is None  # untracked


def test_last_commit_date_outside_git_is_none(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n", encoding="utf-8")
    env_ceiling = os.environ.get("GIT_CEILING_DIRECTORIES")
    os.environ["GIT_CEILING_DIRECTORIES"] = str(tmp_path.parent)
    try:
        assert last_commit_date(tmp_path, ["a.csv"]) is None
    finally:
        if env_ceiling is None:
            del os.environ["GIT_CEILING_DIRECTORIES"]
        else:
            os.environ["GIT_CEILING_DIRECTORIES"] = env_ceiling


def test_schema_change_messages_keep_hostile_names_and_values_inert() -> None:
    """A field name from a producer's header or a pattern reaches the CHANGELOG and the CI
    summary as Markdown: in code spans, where neither HTML nor links are read."""
    name = "<img src=x onerror=alert(1)>"
    old = {"fields": [{"name": name}, {"name": "c", "constraints": {"pattern": "[a]"}}]}
    new = {"fields": [{"name": "c", "constraints": {"pattern": "[x](javascript:alert(1))"}}]}
    messages = [c.message for c in compare_schemas(old, new)]
    assert messages == [
        "Champ `<img src=x onerror=alert(1)>` supprimé.",
        'Champ `c` : contrainte pattern modifiée (`"[a]"` → `"[x](javascript:alert(1))"`).',
    ]


ADVICE = (
    "Ce fichier du paquet publié a été modifié hors du pipeline (fusion inachevée, retouche à "
    "la main) : restaurez-le depuis l'historique git (git checkout -- {path}), puis relancez."
)
CONFLICT = b'<<<<<<< HEAD\n{"version": "1.2.3"}\n=======\n{"version": "1.3.0"}\n>>>>>>> x\n'


@pytest.mark.parametrize(
    ("file", "damage", "path", "what"),
    [
        (
            "datapackage.json",
            lambda data: CONFLICT,
            "datapackage.json",
            "illisible (ligne 1) : le fichier n'est pas un JSON valide (colonne 1) : valeur "
            "attendue (fichier vide ou tronqué, ou virgule en trop avant « ] » ou « } » ?)",
        ),
        (
            "datapackage.json",
            lambda data: b'{"version": "1.2.3", "resources": {"path": "communes.csv"}}',
            "datapackage.json",
            "illisible : « resources » n'est pas une liste",
        ),
        (
            "datapackage.json",
            lambda data: json.dumps(
                {"resources": [{"path": "communes.csv", "schema": {"fields": [{"type": "x"}]}}]}
            ).encode(),
            "datapackage.json",
            "illisible : resources[0].schema : « fields » n'est pas une liste de champs nommés",
        ),
        (
            "communes.csv",
            lambda data: data.replace(b"Ajaccio", "Ajaccio é".encode("cp1252")),
            "communes.csv",
            "illisible (ligne 3) : octet 0xE9 : le fichier n'est pas en UTF-8",
        ),
    ],
    ids=["conflict-markers", "resources-not-a-list", "unnamed-field", "csv-not-utf8"],
)
def test_a_damaged_committed_package_is_named_in_french_not_a_crash(
    tmp_path: Path, file, damage, path, what
) -> None:
    """A merge left unfinished in data/published/ (or a hand edit): exit 2 with the file,
    never a JSONDecodeError, TypeError or UnicodeDecodeError (exit 70)."""
    old = write_package(tmp_path / "old", ROWS)
    (old / file).write_bytes(damage((old / file).read_bytes()))
    new = write_package(tmp_path / "new", with_cell(1, "commune", "Ajaccio bis"))
    where = "data/published/villages-d-avenir/"
    with pytest.raises(ConfigError) as raised:
        diff_package(read_folder(old), read_folder(new), where=where)
    assert str(raised.value) == (f"{where}{path} est {what}. " + ADVICE.format(path=where + path))


@pytest.mark.parametrize("command", ["diff", "build"])
def test_build_and_diff_refuse_a_published_descriptor_left_in_conflict(tmp_path, command):
    root = copy_repo(tmp_path / "repo", datasets=("villages-d-avenir",))
    descriptor = root / "data/published/villages-d-avenir/datapackage.json"
    descriptor.write_bytes(CONFLICT)
    before = tree_bytes(root / "data/published")
    result = run(root, command, "villages-d-avenir")
    rel = "data/published/villages-d-avenir/datapackage.json"
    assert (result.exit_code, result.stderr) == (
        2,
        f"Erreur : {rel} est illisible (ligne 1) : le fichier n'est pas un JSON valide "
        "(colonne 1) : valeur attendue (fichier vide ou tronqué, ou virgule en trop avant "
        "« ] » ou « } » ?). " + ADVICE.format(path=rel) + "\n",
    )
    assert tree_bytes(root / "data/published") == before


def test_a_new_edition_dates_its_changelog_entry_the_same_before_and_after_its_commit(repo):
    """A data officer builds the new France Services list before committing it: the entry
    takes the edition's declared date, not the date of the last commit of the old one, and
    the build checked after the commit (as CI does) finds the package up to date."""

    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "août", date="2025-03-04T10:00:00+01:00")
    old_raw = "data/raw/anct_france_services_20240801.csv"
    text = (repo / old_raw).read_text(encoding="utf-8")
    new_raw = "data/raw/anct_france_services_20241001.csv"
    (repo / new_raw).write_text(text.replace("France services de Revin", "FS de Revin"), "utf-8")
    path = repo / "schemas/france-services/dataset.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    source = meta["resources"][0]["source"]
    meta["resources"][0]["vintages"] = [{k: v for k, v in source.items()}]
    source.update(path=new_raw, date="2024-10-01")
    meta["temporal"].pop("end")
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    assert run(repo, "build", "france-services").exit_code == 0
    changelog = (repo / "data/published/france-services/CHANGELOG.md").read_text("utf-8")
    assert changelog.splitlines()[2:5] == [
        "## 1.0.1 — 2024-10-01",
        "",
        "- Correction de valeurs : 0 ligne ajoutée, 0 ligne supprimée, 1 ligne modifiée.",
    ]
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "octobre", date="2025-06-07T10:00:00+02:00")
    result = run(repo, "build", "--check", "france-services")
    assert result.exit_code == 0, result.output
