"""The row comparison of the diff: DuckDB's (bounded memory) against the in-memory reference
on generated tables, the files only the reference reads, and the lists cut at a limit with
exact totals in every output."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from pipeline import diff_rows
from pipeline.diff import diff_package, read_folder
from pipeline.diff_rows import Matching, Table, in_memory
from pipeline.render.diff import render_diff_markdown, render_diff_text
from pipeline.versioning import counts_sentence

VALUES = ["", "a", "b", "é", "x,y", 'q"q', "l1\nl2", " sp ", "0", "00", "😀", "a\r\nb"]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def random_case(rng: random.Random, folder: Path) -> tuple[Table, Table, Matching]:
    """An old table and a new one made from it: columns added, removed or moved, rows
    dropped, added, moved or with cells changed, keys repeated, a side sometimes missing."""
    pool = ["id", "nom", "pop", "x"]
    headers = []
    for _ in range(2):
        header = ["id", *rng.sample(pool[1:], rng.randint(0, 3))]
        rng.shuffle(header)
        headers.append(header)
    old_rows = [{f: rng.choice(VALUES) for f in pool} for _ in range(rng.randint(0, 9))]
    new_rows = []
    for row in old_rows:
        if rng.random() < 0.2:
            continue
        new_rows.append(
            {f: rng.choice(VALUES) if rng.random() < 0.15 else v for f, v in row.items()}
        )
    new_rows += [{f: rng.choice(VALUES) for f in pool} for _ in range(rng.randint(0, 3))]
    rng.shuffle(new_rows)
    tables = []
    for side, header, rows in zip(("old", "new"), headers, (old_rows, new_rows), strict=True):
        if rng.random() < 0.08:
            tables.append(Table(None))
            continue
        cells = [[row[f] for f in header] for row in rows]
        tables.append(Table.of(write_csv(folder / f"{side}.csv", header, cells)))
    old, new = tables
    common = [f for f in new.header if f in old.header]
    key = rng.choice([["id"], common, ["id", *common[:1]], ["nom"] if "nom" in common else ["id"]])
    ids = ["id"] if key != ["id"] and rng.random() < 0.6 else []
    identity = key if ids else []
    return old, new, Matching(key, common, ids, identity)


@pytest.mark.parametrize("seed", range(120))
def test_duckdb_finds_the_same_rows_as_the_in_memory_reference(tmp_path: Path, seed: int) -> None:
    old, new, how = random_case(random.Random(seed), tmp_path)
    records = [diff_rows._records(old), diff_rows._records(new)]
    assert None not in records  # files the build writes: compared in DuckDB
    with diff_rows._connection(old, new) as db:
        got = diff_rows.in_duckdb(db, (old, new), records, how, None)
    assert got == in_memory(old.rows(), new.rows(), how)


def test_a_limit_keeps_the_first_rows_in_file_order_and_exact_totals(tmp_path: Path) -> None:
    header = ["id", "nom"]
    old = Table.of(write_csv(tmp_path / "o.csv", header, [[str(i), "a"] for i in range(10)]))
    new_rows = [[str(i), "b" if i % 2 else "a"] for i in range(3, 15)]
    new = Table.of(write_csv(tmp_path / "n.csv", header, new_rows))
    got = diff_rows.compare(old, new, Matching(["id"], header), limit=2)
    assert got.added == [{"id": "10", "nom": "a"}, {"id": "11", "nom": "b"}]
    assert got.removed == [{"id": "0", "nom": "a"}, {"id": "1", "nom": "a"}]
    assert got.changed == [({"id": "3", "nom": "a"}, {"id": "3", "nom": "b"}),
                           ({"id": "5", "nom": "a"}, {"id": "5", "nom": "b"})]  # fmt: skip
    assert got.totals == {"added": 5, "removed": 3, "changed": 4, "reassigned": 0}
    assert (got.old_rows, got.new_rows) == (10, 12)


def test_cells_emptied_are_counted_per_field_on_rows_of_both_files(tmp_path: Path) -> None:
    """70 columns (two masks of filled cells): ``c3`` emptied on two rows, ``c66`` on one;
    a removed row and a cell changed to another value count for nothing."""
    header = ["id", *(f"c{i}" for i in range(70))]
    old_rows = [[str(r), *("v" for _ in range(70))] for r in range(4)]
    new_rows = [list(row) for row in old_rows[:3]]
    new_rows[0][4] = new_rows[1][4] = ""  # c3
    new_rows[2][67] = ""  # c66
    new_rows[2][5] = "w"  # c4 changed, not emptied
    old = Table.of(write_csv(tmp_path / "o.csv", header, old_rows))
    new = Table.of(write_csv(tmp_path / "n.csv", header, new_rows))
    how = Matching(["id"], header)
    got = diff_rows.compare(old, new, how, limit=1)
    assert got.emptied == {"c3": 2, "c66": 1}
    assert got.totals["changed"] == 3 and len(got.changed) == 1  # cut: counts stay exact
    assert in_memory(old.rows(), new.rows(), how).emptied == got.emptied


@pytest.mark.parametrize(
    "published",
    [
        b"id,nom\r\n1,a\r\n2,b\r\n",  # CRLF: a hand edit
        b"\xef\xbb\xbfid,nom\n1,a\n2,b\n",  # a BOM
        b"id,nom\n1,a\n2,b\r",  # a lone CR at the end
    ],
)
def test_files_duckdb_would_read_otherwise_are_compared_in_memory(tmp_path, published) -> None:
    old = tmp_path / "old.csv"
    old.write_bytes(published)
    new = write_csv(tmp_path / "new.csv", ["id", "nom"], [["1", "a"], ["2", "B"]])
    assert diff_rows._records(Table.of(old)) is None
    got = diff_rows.compare(Table.of(old), Table.of(new), Matching(["id"], ["id", "nom"]), None)
    assert got.changed == [({"id": "2", "nom": "b"}, {"id": "2", "nom": "B"})]
    assert (got.totals["changed"], got.totals["added"], got.totals["removed"]) == (1, 0, 0)


def test_a_quote_inside_a_cell_text_is_compared_as_python_reads_it(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_bytes(b'id,nom\n1, "02408"\n2,La"on\n')
    new = write_csv(tmp_path / "new.csv", ["id", "nom"], [["1", ' "02408"'], ["2", 'La"on']])
    assert diff_rows._records(Table.of(old)) is None
    got = diff_rows.compare(Table.of(old), Table.of(new), Matching(["id"], ["id", "nom"]), None)
    assert got.totals == {"added": 0, "removed": 0, "changed": 0, "reassigned": 0}


def package(folder: Path, rows: list[tuple[str, str]]) -> dict[str, bytes]:
    folder.mkdir()
    write_csv(folder / "communes.csv", ["id", "nom"], [list(r) for r in rows])
    schema = {"fields": [{"name": "id"}, {"name": "nom"}], "primaryKey": ["id"]}
    resources = [{"name": "communes", "path": "communes.csv", "format": "csv", "schema": schema}]
    descriptor = {"name": "villages-d-avenir", "version": "1.0.0", "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return read_folder(folder)


def test_every_output_gives_the_exact_totals_of_a_cut_diff(tmp_path: Path) -> None:
    old = package(tmp_path / "old", [("1", "a")])
    new = package(tmp_path / "new", [("1", "a"), *((str(i), "b") for i in range(2, 7))])
    diff = diff_package(old, new, limit=2)
    [res] = diff.resources
    assert [r["id"] for r in res.added] == ["2", "3"] and res.truncated == {"added": 3}
    assert (diff.rows_added, res.total("added"), res.new_rows, res.old_rows) == (5, 5, 6, 1)
    assert counts_sentence(diff) == "5 lignes ajoutées, 0 ligne supprimée, 0 ligne modifiée"
    data = diff.to_dict()
    assert data["rows_added"] == 5 and data["resources"][0]["truncated"] == {"added": 3}
    assert render_diff_text([diff], max_rows=50).splitlines()[-1] == (
        "  … et 3 autres lignes (voir --format json, avec --max-findings 0 pour toutes)"
    )
    assert render_diff_text([diff], max_rows=1).splitlines()[-1] == (
        "  … et 4 autres lignes (voir --format json, avec --max-findings 0 pour toutes)"
    )
    markdown = render_diff_markdown([diff])
    assert "| `villages-d-avenir` | version 1.0.0 → 1.1.0 (mineure) | 5 | 0 | 0 | 0 |" in markdown
    assert markdown.endswith(
        "\n> Et 3 lignes de plus, comptées mais non listées : "
        "`pipeline diff --format json --max-findings 0` les donne toutes.\n"
    )
    assert diff_package(old, new).resources[0].truncated == {}  # no limit: every row listed


def test_the_reviewer_sees_the_fields_an_update_empties(tmp_path: Path) -> None:
    old = package(tmp_path / "old", [("1", "a"), ("2", "b"), ("3", "c")])
    new = package(tmp_path / "new", [("1", ""), ("2", ""), ("3", "c")])
    diff = diff_package(old, new)
    assert diff.resources[0].emptied == {"nom": 2}
    assert render_diff_text([diff]).splitlines()[:2] == [
        "villages-d-avenir : version 1.0.0 → 1.0.1 (correctif) — 0 ligne ajoutée, 0 ligne "
        "supprimée, 2 lignes modifiées",
        "  Champ « nom » vidé sur 2 lignes de communes.csv.",
    ]
    markdown = render_diff_markdown([diff])
    assert "### `villages-d-avenir`\n\n- Champ `nom` vidé sur 2 lignes de `communes.csv`.\n" in (
        markdown
    )
