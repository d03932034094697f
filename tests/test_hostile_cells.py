"""Hostile cells and harmless blank lines (issue 10, point 4), each on both readers: DuckDB
scanning the file directly (the fast path) and the exact reader (Python csv), which must
agree on codes, lines and fields."""

from __future__ import annotations

import json

import pytest

import pipeline.engine.lines
import pipeline.tables
from pipeline.checks import REGISTRY, TableContext
from pipeline.engine.lines import scan_layout
from pipeline.repo import Repo
from pipeline.validate import validate
from tests.conftest import MINI_OK, findings, run

HEADER = "id,insee_com,lib_com,montant,taux,date\n"


def source_of(root):
    return validate(Repo(root), ["mini"]).workspace.table("mini").source


def rows(*names: str) -> str:
    """The three rows of MINI_OK with the commune names replaced."""
    lines = MINI_OK.splitlines()[1:]
    out = []
    for line, name in zip(lines, names, strict=True):
        cells = line.split(",")
        cells[2] = name
        out.append(",".join(cells))
    return HEADER + "\n".join(out) + "\n"


def test_formula_injection_is_a_warning_and_published_as_is(mini, reader):
    text = rows('"=HYPERLINK(""http://x"",""clic"")"', "+33 1 23 45 67 89", "@SOMME(A1)")
    text = text.replace(",0,\n", ",0,\n4,01036,-Brion,-12.5,5,\n5,01036,-,+3,5,\n")
    root = mini(text)
    code, items = findings(root, "mini")
    assert code == 0
    assert [
        (f["code"], f["severity"], f["line"], f["column"], f["field"], f["value"]) for f in items
    ] == [
        ("formula-injection", "warning", 2, 3, "lib_com", '=HYPERLINK("http://x","clic")'),
        ("formula-injection", "warning", 3, 3, "lib_com", "+33 1 23 45 67 89"),
        ("formula-injection", "warning", 4, 3, "lib_com", "@SOMME(A1)"),
        ("formula-injection", "warning", 5, 3, "lib_com", "-Brion"),
    ]
    assert "commence par « = »" in items[0]["message"]
    assert "tableur" in items[0]["message"]
    # numbers (-12.5, +3) and a lone sign are not formulas
    assert run(root, "build", "mini").exit_code == 0
    published = (root / "data/published/mini/mini.csv").read_text(encoding="utf-8")
    assert '1,01036,"=HYPERLINK(""http://x"",""clic"")",19.5,50,2023-12-31\n' in published
    assert "2,2A004,+33 1 23 45 67 89," in published and "4,01036,-Brion,-12.5," in published
    readme = (root / "data/published/mini/README.md").read_text(encoding="utf-8")
    assert "Attention si vous ouvrez le CSV dans un tableur" in readme


def test_formula_injection_only_in_text_fields_and_not_in_missing_values(mini, reader):
    text = rows("Brion", "Ajaccio", "Brion").replace("19.5", "=1+2")
    root = mini(text)
    code, items = findings(root, "mini")
    assert code == 1
    # a number field: the cell is a type error, not a formula warning
    assert [(f["code"], f["line"], f["field"]) for f in items] == [("type-error", 2, "montant")]


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\x1b", "U+001B (ESC)"),
        ("\x07", "U+0007 (BEL)"),
        ("\x0b", "U+000B (VT)"),
        ("\x00", "U+0000 (NUL)"),
        ("\x7f", "U+007F (DEL)"),
        ("\u2028", "U+2028 (séparateur de ligne)"),
        ("\u2029", "U+2029 (séparateur de paragraphe)"),
        ("\x82", "U+0082 (contrôle C1, souvent un caractère Windows-1252 mal décodé)"),
        ("\u202e", "U+202E (contrôle de direction du texte, right-to-left override)"),
        ("\u2066", "U+2066 (contrôle de direction du texte, left-to-right isolate)"),
    ],
)
def test_control_character_is_an_error_on_its_line_and_field(mini, reader, char, name):
    root = mini(rows("Valromey", f"Aja{char}ccio", "Brion\tcentre"))
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["severity"], f["line"], f["column"], f["field"]) for f in items] == [
        ("control-character", "error", 3, 3, "lib_com")
    ]
    assert f"{name}, en position 4" in items[0]["message"]
    assert char not in items[0]["value"] and char not in items[0]["message"]
    assert source_of(root).controls is True


def test_control_character_in_a_quoted_multiline_cell(mini, reader):
    root = mini(rows("Valromey", '"Aja\ncc\x1bio"', "Brion"))
    code, items = findings(root, "mini")
    assert [(f["code"], f["line"], f["field"]) for f in items] == [
        ("control-character", 3, "lib_com")
    ]
    assert "U+001B (ESC), en position 7" in items[0]["message"]


def test_a_clean_file_needs_no_control_character_scan(mini, reader):
    source = source_of(mini(MINI_OK))
    assert source.controls is False
    assert source.fast is (reader == "fast")


def test_control_characters_never_reach_the_terminal(mini, reader):
    root = mini(MINI_OK.replace("19.5", "1\x1b[31m9"))
    result = run(root, "validate", "mini")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert "1␛[31m9" in result.stderr


def test_cell_too_long_is_a_warning(mini, reader):
    root = mini(rows("A" * 32767, "B" * 40000, "Brion"))
    code, items = findings(root, "mini")
    assert code == 0
    assert [(f["code"], f["severity"], f["line"], f["field"]) for f in items] == [
        ("cell-too-long", "warning", 3, "lib_com")
    ]
    assert "40\u00a0000 caractères" in items[0]["message"]
    assert "32\u00a0767" in items[0]["message"]
    assert items[0]["value"] == "B" * 199 + "…"


def test_options_of_a_default_check_are_declared_in_dataset_json(mini):
    root = mini(rows("Valromey-sur-Séran", "=Ajaccio", "Brion"))
    meta_path = root / "schemas/mini/dataset.json"
    meta = json.loads(meta_path.read_text())
    meta["resources"][0]["checks"] = [
        {"check": "cell-too-long", "max_length": 10},
        {"check": "formula-injection", "severity": "error"},
    ]
    meta_path.write_text(json.dumps(meta))
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["severity"], f["line"]) for f in items] == [
        ("formula-injection", "error", 3),
        ("cell-too-long", "warning", 2),
    ]
    assert "un tableur n'en garde que 10" in items[1]["message"]
    meta["resources"][0]["checks"] = [{"check": "cell-too-long", "max_length": "long"}]
    meta_path.write_text(json.dumps(meta))
    result = run(root, "validate", "mini")
    assert result.exit_code == 2
    assert (
        "schemas/mini/dataset.json, ligne 1, resources[0].checks[0].max_length : "
        "doit être un nombre entier, pas un texte entre guillemets (long)"
    ) in result.stderr


def test_label_with_spaces_is_a_warning_and_the_file_is_accepted(mini, reader):
    root = mini(MINI_OK.replace("lib_com,", " lib_com  ,").replace(",date", ",date "))
    code, items = findings(root, "mini")
    assert code == 0
    assert [(f["code"], f["line"], f["column"], f["field"], f["value"]) for f in items] == [
        ("label-whitespace", 1, 3, "lib_com", " lib_com  "),
        ("label-whitespace", 1, 6, "date", "date "),
    ]
    assert "1 espace au début et 2 à la fin" in items[0]["message"]
    assert "1 espace à la fin" in items[1]["message"]
    assert run(root, "build", "mini").exit_code == 0
    published = (root / "data/published/mini/mini.csv").read_text(encoding="utf-8")
    assert published.startswith("id,insee_com,lib_com,montant,taux,date\n")


@pytest.mark.parametrize("end", ["\n\n\n", "\n\n\n\n"])
def test_trailing_blank_lines_are_one_warning_and_do_not_block(mini, reader, end):
    root = mini(MINI_OK + end[1:])
    code, items = findings(root, "mini")
    assert code == 0
    blank = len(end) - 1
    where = "lignes 5 à 6" if blank == 2 else "lignes 5 à 7"
    assert [(f["code"], f["severity"], f["line"]) for f in items] == [
        ("trailing-blank-lines", "warning", 5)
    ]
    assert items[0]["message"].startswith(f"{blank} lignes vides en fin de fichier ({where})")
    source = source_of(root)
    assert source.trailing_blank == list(range(5, 5 + blank))
    assert source.fast is (reader == "fast")  # no fallback to the exact reader
    assert run(root, "build", "mini").exit_code == 0


def test_one_trailing_blank_line_with_crlf(mini, reader):
    root = mini(MINI_OK.replace("\n", "\r\n") + "\r\n")
    code, items = findings(root, "mini")
    assert code == 0
    assert [(f["code"], f["line"]) for f in items] == [("trailing-blank-lines", 5)]
    assert "1 ligne vide en fin de fichier (ligne 5)" in items[0]["message"]


def test_blank_rows_inside_the_file_stay_errors(mini, reader):
    root = mini(MINI_OK.replace("\n2,", "\n\n\n2,") + "\n")
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["severity"], f["line"]) for f in items] == [
        ("blank-row", "error", 3),
        ("blank-row", "error", 4),
        ("trailing-blank-lines", "warning", 7),
    ]


EMPTY_CELLS = ",,,,,"  # a row of the six columns, every cell empty


@pytest.mark.parametrize(
    ("end", "lines"),
    [
        (f"{EMPTY_CELLS}\n{EMPTY_CELLS}\n", [5, 6]),
        (f"{EMPTY_CELLS}\n{EMPTY_CELLS}", [5, 6]),  # no line end after the last one
        (f"{EMPTY_CELLS}\n\n{EMPTY_CELLS}\n\n", [5, 6, 7, 8]),  # with empty lines
    ],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_rows_of_empty_cells_at_the_end_join_the_trailing_warning(
    mini, reader, end, lines, newline
):
    """A spreadsheet's export often ends with rows of empty cells: blank rows, like empty
    lines, on both readers (as frictionless reads them), and the build proceeds."""
    root = mini((MINI_OK + end).replace("\n", newline))
    code, items = findings(root, "mini")
    assert code == 0
    assert [(f["code"], f["severity"], f["line"]) for f in items] == [
        ("trailing-blank-lines", "warning", 5)
    ]
    assert items[0]["message"].startswith(
        f"{len(lines)} lignes vides en fin de fichier (lignes 5 à {lines[-1]})"
    )
    source = source_of(root)
    assert source.trailing_blank == lines
    assert source.fast is (reader == "fast")  # DuckDB still reads the file directly
    assert run(root, "build", "mini").exit_code == 0
    published = (root / "data/published/mini/mini.csv").read_text(encoding="utf-8")
    assert published == MINI_OK  # the three records, nothing else


def test_a_row_of_empty_cells_inside_the_file_is_one_blank_row(mini, reader):
    """Not four constraint errors and a primary-key error: one blank-row on its line."""
    root = mini(MINI_OK.replace("\n2,", f"\n{EMPTY_CELLS}\n\n{EMPTY_CELLS}\n2,"))
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["severity"], f["line"]) for f in items] == [
        ("blank-row", "error", 3),
        ("blank-row", "error", 4),
        ("blank-row", "error", 5),
    ]
    source = source_of(root)
    assert source.fast is (reader == "fast")
    if source.fast:  # the records keep their lines
        assert [source.line(rec) for rec in (1, 2, 3)] == [2, 6, 7]
    result = run(root, "validate", "--format", "json", "mini")
    assert json.loads(result.stdout)["datasets"][-1]["rows"] == {"mini": 3}


@pytest.mark.parametrize(
    "blank",
    [
        '"","","","","",""',  # quoted empty cells
        ",,",  # a short row of empty cells
        '"",,,,,',
    ],
)
def test_other_rows_of_empty_cells_are_blank_rows_on_both_readers(mini, reader, blank):
    """Rows of empty cells the layout pass does not recognise (only delimiters) are read by
    the exact reader, with the same verdict."""
    root = mini(MINI_OK.replace("\n2,", f"\n{blank}\n2,") + blank + "\n")
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"]) for f in items] == [
        ("blank-row", 3),
        ("trailing-blank-lines", 6),
    ]
    assert source_of(root).fast is False


def test_a_row_of_empty_cells_is_not_a_record_whatever_the_chunks(monkeypatch, tmp_path):
    """The layout pass reads the file in chunks: a row of empty cells cut by a chunk's end is
    still blank, wherever the cut falls."""
    text = (
        MINI_OK.replace("\n2,", f"\n{EMPTY_CELLS}\r\n2,")
        + f'4,01036,"a\n{EMPTY_CELLS}",1,1,\n{EMPTY_CELLS}\n\n{EMPTY_CELLS}'
    )
    path = tmp_path / "mini.csv"
    path.write_bytes(text.encode())
    whole = scan_layout(path, '"', ",", 6)
    assert whole.starts.tolist() == [1, 2, 4, 5, 6]
    assert whole.blank_lines == [3, 8, 9, 10]
    assert whole.trailing_blank == [8, 9, 10]
    for chunk in range(1, 24):
        monkeypatch.setattr(pipeline.engine.lines, "CHUNK", chunk)
        layout = scan_layout(path, '"', ",", 6)
        assert layout.starts.tolist() == whole.starts.tolist(), chunk
        assert layout.blank_lines == whole.blank_lines, chunk


def test_coordinates_check_on_a_text_field_is_a_configuration_error(mini):
    """Coordinates declared as text cannot be placed: said at load, never a crash."""
    root = mini(MINI_OK)
    meta_path = root / "schemas/mini/dataset.json"
    meta = json.loads(meta_path.read_text())
    meta["resources"][0]["checks"] = [
        {"check": "coordinates-in-france", "latitude": "lib_com", "longitude": "montant"}
    ]
    meta_path.write_text(json.dumps(meta))
    result = run(root, "validate", "mini")
    assert result.exit_code == 2, result.output
    assert (
        "schemas/mini/dataset.json, ligne 1, resources[0].checks[0].latitude : le champ "
        "« lib_com » est de type « string » dans le Table Schema de « mini »"
    ) in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("a,b\nx\u2028y,z\n", True),
        ("a,b\nx,y\u2029\n", True),
        ("a,b\nl\u2019\u00e9t\u00e9 \u2026,\u00e8\u00a9\n", False),  # ’ … é è © : E2, A8, A9 bytes
        ("a,b\nx\x1by,z\n", True),
        ("a,b\nx\ty,z\r\n", False),
        ("a,b\nx\x7f,z\n", True),
        ("a,b\nx\x9f,z\n", True),  # C2 9F
        ("a,b\nx,\u202ay\n", True),  # E2 80 AA
        ("a,b\nx,y\u2069\n", True),  # E2 81 A9
        ("a,b\n\u00ab x \u00bb,\u00a0\u00b0\u2018\u201c\u2039\u2060\n", False),  # C2 AB… E2 80 98…
        ("a,b\nx,y\x85", True),  # a C1 control ending the file, no line end
    ],
)
def test_control_characters_are_found_wherever_the_chunks_cut(monkeypatch, tmp_path, text, held):
    """The layout pass says whether a file holds a control character (then, and only then,
    each cell is checked): exactly, with a separator cut in two by a chunk's end."""
    path = tmp_path / "mini.csv"
    path.write_bytes(text.encode())
    for chunk in range(1, len(text.encode()) + 2):
        monkeypatch.setattr(pipeline.engine.lines, "CHUNK", chunk)
        assert scan_layout(path, '"', ",", 2).controls is held, chunk
        assert pipeline.engine.lines.has_controls(path) is held, chunk


def test_the_longest_record_whatever_the_chunks(monkeypatch, tmp_path):
    text = 'a,b\r\n1,"x\ny"\n22,' + "z" * 30 + "\n333,w"  # the last record has no line end
    path = tmp_path / "mini.csv"
    path.write_bytes(text.encode())
    for chunk in range(1, len(text) + 2):
        monkeypatch.setattr(pipeline.engine.lines, "CHUNK", chunk)
        assert scan_layout(path, '"', ",", 2).longest == 33, chunk  # 22,zzz…
    path.write_bytes(b"a,b\n1," + b"y" * 40)
    assert scan_layout(path, '"', ",", 2).longest == 42


@pytest.mark.parametrize("length", [32_700, 32_768])
def test_cell_length_is_checked_only_when_a_record_can_hold_a_long_cell(mini, reader, length):
    """No cell holds more characters than its record has bytes: when no record is longer
    than a spreadsheet cell, the conditions are left out of the pass (a tenth of it on a
    million rows); a longer record keeps them, and a long cell is still found."""
    root = mini(MINI_OK.replace("Brion", "x" * length))
    code, items = findings(root, "mini")
    long = length > 32_767
    assert [(f["code"], f["line"]) for f in items] == ([("cell-too-long", 4)] if long else [])
    table = validate(Repo(root), ["mini"]).workspace.table("mini")
    check = REGISTRY["cell-too-long"](TableContext(table.ws, table, None))
    planned = len(list(check.cells()))
    assert planned == (6 if long or reader == "exact" else 0)  # exact reader: no layout


def test_invisible_characters_are_shown_by_their_code_in_messages():
    from pipeline.messages import shorten

    assert shorten("insee\u200b_com") == "insee<U+200B>_com"
    assert shorten("\ufeffid\u2060") == "<U+FEFF>id<U+2060>"
    assert shorten("a\u202eb\x85c\x1bd") == "a<U+202E>b<U+0085>c\u241bd"


@pytest.mark.parametrize("engine", ["fast", "gx"])
def test_a_message_template_quotes_a_cell_on_one_line(mini, monkeypatch, engine):
    """A cell holding CR LF (allowed in a quoted cell) then « ::error … »: the expectation's
    message quoted it raw, so the text report put a workflow command at the start of a line
    of GitHub's log. The value is shown on one line, its controls visible, in at most 200
    characters, as the finding's value is."""
    cell = "a\r\n::error file=x,line=1::injecté" + "z" * 300
    root = mini(MINI_OK.replace("Ajaccio", f'"{cell}"'))
    meta_path = root / "schemas/mini/dataset.json"
    meta = json.loads(meta_path.read_text())
    meta["resources"][0]["expectations"] = "mini.expectations.json"
    meta_path.write_text(json.dumps(meta))
    suite = {
        "name": "mini",
        "expectations": [
            {
                "type": "expect_column_value_lengths_to_be_between",
                "kwargs": {"column": "lib_com", "max_value": 30},
                "meta": {"severity": "warning", "message": "Nom trop long : « {lib_com} »."},
            }
        ],
    }
    (root / "schemas/mini/mini.expectations.json").write_text(json.dumps(suite))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run(root, "validate", "--engine", engine, "mini")
    assert result.exit_code == 0, result.stderr
    shown = ("a  ::error file=x,line=1::injecté" + "z" * 300)[:199] + "…"
    assert (
        f"  AVERTISSEMENT [expectation-failed] ligne 3, champ lib_com : Nom trop long : « {shown} ».\n"
        in (result.stderr)
    )
    assert [line for line in result.stderr.splitlines() if line.startswith("::error")] == []
    _, items = findings(root, "mini")
    assert [(f["line"], f["value"]) for f in items] == [(3, shown)]
