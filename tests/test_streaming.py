"""The streaming build: packages written batch by batch give the bytes of the committed
packages whatever the batch size, no plain table becomes a pandas frame, and comparisons
read files from disk."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pyarrow as pa
import pytest

from pipeline import build as build_module
from pipeline.diff import diff_package, read_folder
from pipeline.package import CsvWriter, JsonWriter, _json_value, json_literals
from pipeline.repo import Repo
from pipeline.staging import FolderFiles, HashingSink, differing
from pipeline.tables import LoadedTable, Workspace
from tests.conftest import ROOT, copy_repo, run, tree_bytes

FIELDS = [
    {"name": "id", "type": "integer"},
    {"name": "label", "type": "string"},
    {"name": "amount", "type": "number"},
    {"name": "open", "type": "boolean"},
    {"name": "day", "type": "date"},
    {"name": "year", "type": "year"},
]
ROWS = [
    ["1", "plain", "19.5", "true", "2024-01-31", "2024"],
    ["2", "a, comma", "20", "false", "", "1999"],
    ["3", 'a "quote"', "-0.001", "", "2023-12-01", ""],
    ["4", "two\nlines", "10000000000000000", "true", "", ""],
    ["5", "carriage\rreturn", "1e-07", "false", "", ""],
    ["6", "", "", "", "", ""],
    ["7", "accents éàü « » and 🚀", "123456789012345678", "true", "", ""],
    ["8", "control \x01 and \\ backslash", "0", "false", "", ""],
    ["9", None, "inf", None, None, None],
    ["10", ",", "3.141592653589793", "true", "", "2000"],
    ["11", '"', "-7", "false", "", ""],
]


def batch_of(rows: list[list], names: list[str]) -> pa.RecordBatch:
    columns = [pa.array([r[i] for r in rows], pa.string()) for i in range(len(names))]
    return pa.RecordBatch.from_arrays(columns, names=names)


def written(writer_class, rows, fields, size: int) -> bytes:
    names = [f["name"] for f in fields]
    sink = io.BytesIO()
    writer = writer_class(sink, names if writer_class is CsvWriter else fields)
    for start in range(0, len(rows), size):
        writer.write(batch_of(rows[start : start + size], names))
    writer.close()
    return sink.getvalue()


def csv_reference(rows, names) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(names)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def json_reference(rows, fields) -> bytes:
    records = [
        {f["name"]: _json_value(v, f["type"]) for f, v in zip(fields, row, strict=True)}
        for row in rows
    ]
    body = ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in records)
    return f"[\n{body}\n]\n".encode()


@pytest.mark.parametrize("size", [1, 2, 5, 100])
def test_csv_and_json_do_not_depend_on_the_batch_size(size):
    names = [f["name"] for f in FIELDS]
    assert written(CsvWriter, ROWS, FIELDS, size) == csv_reference(ROWS, names)
    assert written(JsonWriter, ROWS, FIELDS, size) == json_reference(ROWS, FIELDS)


def test_csv_of_a_single_column_quotes_an_empty_cell_like_the_csv_module():
    rows = [["a"], [""], [None], ["b,c"]]
    fields = [{"name": "only", "type": "string"}]
    assert written(CsvWriter, rows, fields, 2) == csv_reference(rows, ["only"])
    assert written(CsvWriter, rows, fields, 2) == b'only\na\n""\n""\n"b,c"\n'


def test_empty_table():
    assert written(CsvWriter, [], FIELDS, 3) == csv_reference([], [f["name"] for f in FIELDS])
    assert written(JsonWriter, [], FIELDS, 3) == b"[\n\n]\n"


def test_json_values_from_the_published_text():
    assert _json_value("", "integer") is None and _json_value(None, "string") is None
    assert _json_value("12", "integer") == 12 and _json_value("2024", "year") == 2024
    assert _json_value("123456789012345678901", "integer") == 123456789012345678901
    assert _json_value("19.5", "number") == 19.5
    assert isinstance(_json_value("20", "number"), int)
    assert isinstance(_json_value("10000000000000000", "number"), float)  # 2**53 and more
    assert _json_value("inf", "number") is None
    assert _json_value("true", "boolean") is True and _json_value("false", "boolean") is False
    assert _json_value("2024-01-31", "date") == "2024-01-31"
    assert _json_value("01036", "string") == "01036"
    literals = json_literals(pa.array(["1e-07", None, "1e-07", "2.50"]), "number")
    assert literals.to_pylist() == ["1e-07", "null", "1e-07", "2.5"]


def test_a_build_in_small_batches_writes_the_committed_bytes(tmp_path, monkeypatch):
    """Tables larger than one batch (France services, 2 845 rows; the coverage, 34 945)
    written in batches of 997 rows: every file equals the committed one (made by the former
    in-memory build), so nothing is written; --check agrees and leaves no staging folder.
    The data being unchanged, no data file is ever read whole (compared on disk instead)."""
    root = copy_repo(tmp_path / "repo", published=True)
    published = root / "data/published"
    read = FolderFiles.__getitem__

    def small_files_only(self, name):
        if name in self.overrides:  # a header, or the provisional descriptor
            return read(self, name)
        assert not name.endswith((".csv", ".geojson", ".parquet")), f"{name} read whole"
        assert not name.endswith(".json") or name == "datapackage.json", f"{name} read whole"
        return read(self, name)

    monkeypatch.setattr(FolderFiles, "__getitem__", small_files_only)
    result = build_module.build(Repo(root), batch_rows=997)
    assert result.written == []
    assert tree_bytes(published) == tree_bytes(ROOT / "data/published")
    check = build_module.build(Repo(root), ["france-services"], check=True, batch_rows=500)
    assert check.stale == []
    assert not [p for p in published.iterdir() if p.name.startswith(".")]


def test_a_package_does_not_depend_on_the_batch_size(tmp_path):
    sizes = {}
    for size in (1, 7, 100_000):
        root = copy_repo(tmp_path / f"b{size}", published=False, datasets=("villages-d-avenir",))
        build_module.build(Repo(root), ["villages-d-avenir"], batch_rows=size)
        sizes[size] = tree_bytes(root / "data/published")
    assert sizes[1] and sizes[1] == sizes[7] == sizes[100_000]


def test_a_plain_table_never_becomes_a_pandas_frame(tmp_path, monkeypatch):
    root = copy_repo(tmp_path / "repo", published=False, datasets=("france-services",))

    def refuse(kind):
        def check(self, *args, **kwargs):
            table = self if isinstance(self, LoadedTable) else args[0]
            assert table.resource.name != "france-services", f"{kind} of the whole table"
            return original[kind](self, *args, **kwargs)

        return check

    original = {
        "text": LoadedTable.text.fget,
        "typed": LoadedTable.typed.fget,
        "frame": Workspace.frame,
    }
    monkeypatch.setattr(LoadedTable, "text", property(refuse("text")))
    monkeypatch.setattr(LoadedTable, "typed", property(refuse("typed")))
    monkeypatch.setattr(Workspace, "frame", refuse("frame"))
    result = build_module.build(Repo(root), ["france-services"])
    assert result.written == ["france-services"]
    folder = root / "data/published/france-services"
    assert (folder / "france-services.csv").read_bytes() == (
        ROOT / "data/published/france-services/france-services.csv"
    ).read_bytes()


@pytest.mark.parametrize("name", ["france-services", "couverture-communale-2023"])
def test_diff_of_folders_equals_the_diff_in_memory(tmp_path, name):
    old = ROOT / "data/published" / name
    same = tmp_path / "same"
    shutil.copytree(old, same)
    expected = diff_package(read_folder(old), read_folder(same)).to_dict()
    assert build_module.diff_folders(old, same).to_dict() == expected
    assert expected["resources"][0]["old_rows"] > 0
    changed = tmp_path / "changed"
    shutil.copytree(old, changed)
    csv_path = changed / f"{name}.csv"
    lines = csv_path.read_bytes().split(b"\n")
    del lines[2]
    csv_path.write_bytes(b"\n".join(lines))
    expected = diff_package(read_folder(old), read_folder(changed)).to_dict()
    assert expected["rows_removed"] == 1
    assert build_module.diff_folders(old, changed).to_dict() == expected


def test_only_the_tables_that_changed_are_loaded_for_the_diff(tmp_path, monkeypatch):
    name = "couverture-communale-2023"
    old = ROOT / "data/published" / name
    changed = tmp_path / "changed"
    shutil.copytree(old, changed)
    summary = changed / f"{name}-synthese.csv"
    lines = summary.read_bytes().split(b"\n")
    assert b",34945," in lines[1]  # communes of France
    lines[1] = lines[1].replace(b",34945,", b",34946,")
    summary.write_bytes(b"\n".join(lines))
    expected = diff_package(read_folder(old), read_folder(changed)).to_dict()
    assert [r["changed"] != [] for r in expected["resources"]] == [False, True]
    read = FolderFiles.__getitem__

    def not_the_big_table(self, file):
        assert file != f"{name}.csv" or file in self.overrides, "unchanged table read whole"
        return read(self, file)

    monkeypatch.setattr(FolderFiles, "__getitem__", not_the_big_table)
    assert build_module.diff_folders(old, changed).to_dict() == expected


def test_diff_command_on_the_committed_repository(repo):
    result = run(repo, "diff", "--format", "json", "france-services")
    assert result.exit_code == 0
    (diff,) = json.loads(result.stdout)
    data = (ROOT / "data/published/france-services/france-services.csv").read_text("utf-8")
    records = len(list(csv.DictReader(io.StringIO(data, newline=""))))
    assert diff["level"] == "none" and diff["resources"][0]["old_rows"] == records > 2000
    assert not [p for p in (repo / "data/published").iterdir() if p.name.startswith(".")]


def test_a_changed_table_is_diffed_with_exact_totals_and_its_first_rows(repo):
    """The published list is an older version: rows missing, names changed. The diff counts
    every change, lists the first ones in the new file's order, and the build's CHANGELOG
    gives the same totals."""
    path = repo / "data/published/france-services/france-services.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    kept = [r for i, r in enumerate(rows) if i % 100 != 7]
    for i, row in enumerate(kept):
        if i % 10 == 3:
            row[2] += " (ancien nom)"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *kept])
    added = [r[0] for i, r in enumerate(rows) if i % 100 == 7]
    changed = [r[0] for i, r in enumerate(kept) if i % 10 == 3]
    result = run(repo, "diff", "--format", "json", "--max-findings", "2", "france-services")
    assert result.exit_code == 0, result.output
    (diff,) = json.loads(result.stdout)
    assert (diff["rows_added"], diff["rows_removed"], diff["rows_changed"]) == (
        len(added), 0, len(changed))  # fmt: skip
    [res] = [r for r in diff["resources"] if r["path"] == "france-services.csv"]
    assert [row["id_fs"] for row in res["added"]] == added[:2]
    assert [c["key"]["id_fs"] for c in res["changed"]] == changed[:2]
    assert res["changed"][0]["changes"] == [
        {"field": "lib_fs", "old": kept[3][2], "new": kept[3][2].removesuffix(" (ancien nom)")}
    ]
    assert res["truncated"] == {"added": len(added) - 2, "changed": len(changed) - 2}
    assert (res["old_rows"], res["new_rows"]) == (len(kept), len(rows))
    assert run(repo, "build", "france-services").exit_code == 0
    changelog = (repo / "data/published/france-services/CHANGELOG.md").read_text("utf-8")
    assert changelog.splitlines()[4] == (
        f"- Évolution mineure : {len(added)} lignes ajoutées, 0 ligne supprimée, "
        f"{len(changed)} lignes modifiées."
    )


def test_staged_files_and_folder_comparisons(tmp_path):
    import hashlib

    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    sink = HashingSink.create(one / "a.csv")
    sink.write(b"x,y\n")
    sink.write(memoryview(b"1,2\n"))
    info = sink.finish()
    assert info.bytes == 8 and info.sha256 == hashlib.sha256(b"x,y\n1,2\n").hexdigest()
    assert oct((one / "a.csv").stat().st_mode & 0o777) == "0o644"
    (two / "a.csv").write_bytes(b"x,y\n1,3\n")
    (two / "b.json").write_bytes(b"[]")
    assert differing(one, two) == ["a.csv", "b.json"]
    (two / "a.csv").write_bytes(b"x,y\n1,2\n")
    assert differing(one, two) == ["b.json"]
    files = FolderFiles(one, {"datapackage.json": b"{}\n"})
    assert list(files) == ["a.csv", "datapackage.json"]
    assert "a.csv" in files and "b.json" not in files
    assert files["a.csv"] == b"x,y\n1,2\n"
    assert files.same(FolderFiles(two), "a.csv") and not files.same(FolderFiles(two), "b.json")
