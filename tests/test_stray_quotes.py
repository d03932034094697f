"""A quote inside a cell's text (``La"on``, `` "02408"``) is literal for Python's csv, which
frictionless and the exact reader use. Counting quotes would then misplace record ends, and
DuckDB trims `` "02408"`` to ``02408``: such a file goes to the exact reader, whether it is
read whole (small) or in place (large), and its findings name the right lines."""

from __future__ import annotations

import json

import pytest

import pipeline.tables
from pipeline.engine.lines import scan_layout
from tests.conftest import copy_repo, run

PAO = "data/raw/anct_pao_commerce_202403.csv"


def _findings(root) -> tuple[int, list[tuple]]:
    result = run(root, "validate", "immobilier-commercial", "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    return result.exit_code, [(f["code"], f.get("line"), f.get("field")) for f in findings]


def _edit(root, change) -> None:
    raw = root / PAO
    lines = raw.read_text(encoding="utf-8").split("\n")
    change(lines)
    raw.write_text("\n".join(lines), encoding="utf-8")


def _cell(lines: list[str], line: int, column: int, value: str) -> None:
    cells = lines[line - 1].split(",")
    cells[column] = value
    lines[line - 1] = ",".join(cells)


def _quotes_and_blank_rows(lines: list[str]) -> None:
    _cell(lines, 12, 2, 'La"on')  # opens nothing: the quote is text
    lines[12] = "XX" + lines[12]  # line 13: an invalid identifier
    _cell(lines, 14, 2, 'Ar"les')
    lines[14] = lines[15] = '"","","","",""'  # lines 15 and 16: rows of empty cells


@pytest.mark.parametrize("in_place", [False, True], ids=["read-whole", "in-place"])
def test_quotes_inside_cells_do_not_shift_lines_or_hide_blank_rows(tmp_path, monkeypatch, in_place):
    root = copy_repo(tmp_path)
    _edit(root, _quotes_and_blank_rows)
    if in_place:
        monkeypatch.setattr(pipeline.tables, "CACHED_BYTES", -1)
    code, findings = _findings(root)
    assert code == 1
    assert findings == [
        ("constraint-error", 13, "id_pao"),
        ("blank-row", 15, None),
        ("blank-row", 16, None),
    ]


@pytest.mark.parametrize("in_place", [False, True], ids=["read-whole", "in-place"])
def test_a_quoted_code_after_a_space_is_read_as_written(tmp_path, monkeypatch, in_place):
    """Python's csv keeps `` "02408"`` whole (DuckDB would trim and unquote it)."""
    root = copy_repo(tmp_path)
    _edit(root, lambda lines: _cell(lines, 12, 3, ' "02408"'))
    if in_place:
        monkeypatch.setattr(pipeline.tables, "CACHED_BYTES", -1)
    code, findings = _findings(root)
    assert code == 1
    assert ("constraint-error", 12, "insee_com") in findings


def test_a_header_with_two_boms_reads_as_the_exact_reader_reads_it(tmp_path, monkeypatch):
    root = copy_repo(tmp_path)
    raw = root / PAO
    raw.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + raw.read_bytes().lstrip(b"\xef\xbb\xbf"))
    code, direct = _findings(root)
    assert code == 1
    assert ("missing-label", 1, "id_pao") in direct
    _edit(root, lambda lines: lines.insert(5, lines[4] + ",en trop"))  # the exact reader
    assert {f for f in _findings(root)[1] if f[1] == 1} == {f for f in direct if f[1] == 1}


@pytest.mark.parametrize(
    ("text", "stray"),
    [
        (b'a,b,c\n1,La"on,3\n', True),
        (b'a,b,c\n1, "02408",3\n', True),
        (b'a,b,c\n1,"0240X"  ,3\n', True),
        (b'a,b,c\n1,"He said ""hi"" ok",3\n"x\ny",2,3\n', False),
        (b'"a","b","c"\n"","",""\n', False),
        (b'a,b,c\r\n1,"2",3\r\n', False),
        (b'a,b,c\n1,2,"3"', False),
        (b'a,b,c\n1,L",3\n4,"5,6\n', True),  # looks closing, yet opens nothing
        (b'a,b,c\n1,"x"y,3\n', True),
        (b'a,b,c\n1,"",3\n', False),
    ],
)
def test_the_layout_pass_finds_quotes_inside_cell_text(tmp_path, text, stray):
    path = tmp_path / "f.csv"
    path.write_bytes(text)
    layout = scan_layout(path, '"', ",", 3)
    assert layout.stray_quote is stray
    assert (layout.new_line is None) is stray


def test_a_quote_after_text_at_a_chunk_end_is_found(tmp_path, monkeypatch):
    """The byte after a chunk's last quote is read with the next chunk."""
    import pipeline.engine.lines as lines

    monkeypatch.setattr(lines, "CHUNK", 8)
    path = tmp_path / "f.csv"
    path.write_bytes(b'a,b,c\n"x"y,3\n')  # the closing quote is the 8th byte, "y" the 9th
    assert scan_layout(path, '"', ",", 3).stray_quote
    path.write_bytes(b'a,b,c\n"x",3\n')  # a delimiter follows it, in the next chunk
    assert not scan_layout(path, '"', ",", 3).stray_quote
