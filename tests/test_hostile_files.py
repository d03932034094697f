"""Hostile raw files found by fuzzing: each gets one French finding (or exit 2 for a
declaration) saying what is wrong and what to do, never an English library message, a
traceback or exit 70."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from tests.conftest import MINI_OK, copy_repo, findings, run

# ------------------------------------------------------------------------------ XLSX


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROWS = [line.split(",") for line in MINI_OK.strip().split("\n")]


def _declare_xlsx(root: Path, content: bytes, **source) -> Path:
    """The ``mini`` dataset read from data/raw/mini.xlsx holding ``content``."""
    path = root / "schemas/mini/dataset.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["resources"][0]["source"] = {"path": "data/raw/mini.xlsx", "format": "xlsx", **source}
    path.write_text(json.dumps(meta), encoding="utf-8")
    (root / "data/raw/mini.xlsx").write_bytes(content)
    return root


def _only(root: Path) -> dict:
    code, items = findings(root, "mini")
    assert code == 1
    assert len(items) == 1, items
    return items[0]


def test_a_well_formed_workbook_is_valid(mini):
    root = _declare_xlsx(mini(MINI_OK), _workbook({"Communes": ROWS}))
    code, items = findings(root, "mini")
    assert (code, items) == (0, [])


def _far_formatted(rows: list[list], row: int, column: int) -> bytes:
    """A workbook holding ``rows``, and two empty cells formatted far away: at the end of
    row 1 (``column``) and in column A (``row``), as a stray selection leaves them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    for values in rows:
        book.active.append(values)
    book.active.cell(1, column).font = Font(bold=True)
    book.active.cell(row, 1).font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_sheet_is_read_as_stored_not_as_its_declared_size():
    """One empty cell formatted at XFD1 and one at A1048576: openpyxl took the sheet for
    16 384 columns by a million rows and padded every row so (pipeline add ran out of
    memory). Each row is as long as its own last cell; rows missing from the file are empty."""
    from itertools import islice

    from openpyxl import load_workbook

    from pipeline.engine.header import sheet_values

    content = _far_formatted(ROWS, 1_048_576, 16_384)
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = list(islice(sheet_values(book.active), 6))
    book.close()
    assert [len(r) for r in rows] == [16_384, 6, 6, 6, 0, 0]
    assert list(rows[1]) == ["1", "01036", "Valromey-sur-Séran", "19.5", "50", "2023-12-31"]


def test_a_far_formatted_cell_leaves_the_table_and_trailing_blank_rows(mini):
    root = _declare_xlsx(mini(MINI_OK), _far_formatted(ROWS, 40, 300))
    code, items = findings(root, "mini")
    assert code == 0
    assert [(f["code"], f["line"], f["message"]) for f in items] == [
        (
            "trailing-blank-lines",
            5,
            "36 lignes vides en fin de fichier (lignes 5 à 40) : ignorées, elles ne bloquent "
            "rien. Supprimez-les pour un fichier propre.",
        )
    ]


@pytest.mark.parametrize(
    ("sheet", "said"),
    [
        (
            "Inexistante",
            "Le classeur data/raw/mini.xlsx n'a pas de feuille « Inexistante ». Ses feuilles : "
            "« Notes », « Communes ». Déclarez l'une d'elles sous « sheet » dans "
            "schemas/mini/dataset.json.",
        ),
        (
            5,
            "Le classeur data/raw/mini.xlsx n'a pas de feuille numéro 5 (« sheet » les compte à "
            "partir de 0) : il en a 2, « Notes », « Communes ».",
        ),
        (-1, "n'a pas de feuille numéro -1"),
    ],
)
def test_a_declared_sheet_the_workbook_lacks_names_its_sheets(mini, sheet, said):
    content = _workbook({"Notes": [["Liste ANCT"]], "Communes": ROWS})
    found = _only(_declare_xlsx(mini(MINI_OK), content, sheet=sheet))
    assert found["code"] == "source-error"
    assert said in found["message"]
    assert "does not exist" not in found["message"] and "index" not in found["message"]


def test_an_empty_sheet_names_the_sheets_holding_data(mini):
    content = _workbook({"Vide": [], "Notes": [["Liste ANCT"]], "Communes": ROWS})
    found = _only(_declare_xlsx(mini(MINI_OK), content))
    assert found["message"] == (
        "La feuille « Vide » du classeur data/raw/mini.xlsx est vide. Feuille(s) contenant des "
        "données : « Notes », « Communes ». Déclarez la bonne sous « sheet » dans "
        "schemas/mini/dataset.json."
    )


def test_formulas_a_program_wrote_without_their_values_are_a_finding(mini):
    """openpyxl, like many scripts, writes formulas without the value a spreadsheet stores
    beside each: read as values, « montant » would be empty on every row, and published so
    (it is optional). One finding names the sheet, the cell and the formula."""
    rows = [ROWS[0]] + [[*row[:3], f"=10+{n}", *row[4:]] for n, row in enumerate(ROWS[1:])]
    found = _only(_declare_xlsx(mini(MINI_OK), _workbook({"Communes": rows})))
    assert (found["code"], found["line"], found["field"]) == ("source-error", None, None)
    assert found["message"] == (
        "Feuille « Communes » du classeur data/raw/mini.xlsx : la cellule D2 contient la "
        "formule « =10+0 » sans valeur calculée (3 formule(s) dans la feuille, aucune "
        "calculée) : le classeur a été écrit par un programme qui ne calcule pas les formules, "
        "et chacune se lirait comme une cellule vide. Ouvrez-le dans le tableur et "
        "enregistrez-le (il calculera les formules), puis relancez."
    )


def test_a_header_row_below_the_data_says_where_the_data_ends(mini):
    found = _only(_declare_xlsx(mini(MINI_OK), _workbook({"Communes": ROWS}), headerRow=40))
    assert found["message"] == (
        "La feuille « Communes » du classeur data/raw/mini.xlsx n'a aucune ligne remplie à "
        "partir de la ligne 40 (« headerRow ») : sa dernière ligne remplie est la ligne 4. "
        "Déclarez sous « headerRow » la ligne de l'en-tête dans schemas/mini/dataset.json."
    )


@pytest.mark.parametrize(
    ("content", "what", "advice"),
    [
        (
            MINI_OK.encode(),
            "du texte (un fichier CSV ?), pas un classeur",
            'Renommez-le en .csv et déclarez-le avec "format": "csv"',
        ),
        (
            gzip.compress(MINI_OK.encode()),
            "un fichier compressé gzip",
            "Décompressez-le",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "un classeur Excel 97-2003 (XLS) enregistré avec l'extension .xlsx",
            "« Classeur Excel (.xlsx) »",
        ),
    ],
)
def test_a_file_that_is_not_a_workbook_says_what_it_is(mini, content, what, advice):
    found = _only(_declare_xlsx(mini(MINI_OK), content))
    assert found["code"] == "format-error"
    assert found["message"].startswith(
        f"Le fichier n'est pas un classeur XLSX : d'après ses premiers octets, c'est {what}. "
    )
    assert advice in found["message"]
    assert "not a zip file" not in found["message"].lower()


def test_a_damaged_workbook_is_said_damaged(mini):
    content = _workbook({"Communes": ROWS})
    found = _only(_declare_xlsx(mini(MINI_OK), content[: len(content) // 2] + bytes(100)))
    assert found["code"] == "format-error"
    assert "endommagé ou incomplet" in found["message"]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            MINI_OK.encode(),
            "c'est du texte (un fichier CSV ?), pas un classeur. Renommez-le en .csv",
        ),
        (gzip.compress(MINI_OK.encode()), "c'est un fichier compressé gzip. Décompressez-le"),
    ],
)
def test_add_refuses_a_file_that_is_not_a_workbook_in_french(repo, content, said):
    (repo / "data/raw/liste.xlsx").write_bytes(content)
    result = run(repo, "add", "data/raw/liste.xlsx")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Erreur : data/raw/liste.xlsx : Le fichier n'est pas un classeur XLSX : d'après ses "
        "premiers octets, "
    )
    assert said in result.stderr
    assert "not a zip file" not in result.stderr.lower()
    assert not (repo / "schemas/liste").exists()


# -------------------------------------------------------------------------- encodings

UNDEFINED_IN_CP1252 = MINI_OK.replace("Ajaccio", "Ajacci\x81").encode("latin-1")


@pytest.mark.parametrize("declared", ["cp1252", "utf-8", "iso8859-15"])
def test_a_byte_cp1252_leaves_undefined_sends_to_latin1_only(mini, declared):
    """0x81 is no cp1252 character and no UTF-8 either: only latin-1 reads the file, and
    declaring the encoding the finding names ends it (no back and forth)."""
    root = mini("", encoding=declared, raw_bytes=UNDEFINED_IN_CP1252)
    code, items = findings(root, "mini")
    if declared == "iso8859-15":  # decodes every byte: nothing to say
        assert [f for f in items if f["code"] == "encoding-error"] == []
        return
    assert code == 1
    [found] = [f for f in items if f["code"] == "encoding-error"]
    assert found["line"] == (2 if declared == "utf-8" else 3)  # é, line 2, is not UTF-8
    assert "semble encodé en latin-1 (ISO-8859-1)" in found["message"]
    assert '"encoding": "latin-1"' in found["message"]
    root = mini("", encoding="latin-1", raw_bytes=UNDEFINED_IN_CP1252)
    assert [f for f in findings(root, "mini")[1] if f["code"] == "encoding-error"] == []


@pytest.mark.parametrize(
    ("raw", "declared", "suggested"),
    [
        (MINI_OK.encode("cp1252"), "utf-8", "cp1252"),
        ((MINI_OK + "4,01004,Ambérieu,1,1,\n").encode("cp1252"), "utf-8", "cp1252"),
        (MINI_OK.replace("Séran", "Séran\x8d").encode("utf-8"), "cp1252", "utf-8"),
        (MINI_OK.encode("utf-8"), "latin-1", "utf-8"),
    ],
)
def test_the_encoding_suggested_reads_the_file(mini, raw, declared, suggested):
    root = mini("", encoding=declared, raw_bytes=raw)
    encoding_errors = [f for f in findings(root, "mini")[1] if f["code"] == "encoding-error"]
    assert [f["line"] for f in encoding_errors] == [2]
    assert f'"encoding": "{suggested}"' in encoding_errors[0]["message"]
    root = mini("", encoding=suggested, raw_bytes=raw)
    assert [f for f in findings(root, "mini")[1] if f["code"] == "encoding-error"] == []


# ---------------------------------------------------------------------- unclosed quote

PAO = "data/raw/anct_pao_commerce_202403.csv"


def _open_quote(root: Path, line: int, column: int, ending: str = "\n") -> None:
    """A quote opening the cell of ``column`` on ``line``, never closed."""
    raw = root / PAO
    lines = raw.read_text(encoding="utf-8").rstrip("\n").split("\n")
    cells = lines[line - 1].split(",")
    cells[column] = '"' + cells[column]
    lines[line - 1] = ",".join(cells)
    raw.write_text("\n".join(lines) + ending, encoding="utf-8")


@pytest.mark.parametrize("in_place", [False, True], ids=["read-whole", "in-place"])
def test_an_unclosed_quote_is_named_on_the_line_it_opens(tmp_path, monkeypatch, in_place):
    import pipeline.tables

    root = copy_repo(tmp_path, datasets=("immobilier-commercial",))
    _open_quote(root, 21, 2)
    if in_place:
        monkeypatch.setattr(pipeline.tables, "CACHED_BYTES", -1)
    code, items = findings(root, "immobilier-commercial")
    assert code == 1
    [found] = [f for f in items if f["code"] == "unclosed-quote"]
    assert (found["line"], found["column"], found["field"]) == (21, 3, "lib_pao")
    assert found["message"] == (
        "Le guillemet qui ouvre la cellule « lib_pao » ligne 21 n'est jamais refermé : toute "
        "la suite du fichier, jusqu'à la ligne 100, est lue comme une seule cellule, et les "
        "lignes qui suivent manquent. Refermez ce guillemet ou retirez-le."
    )


@pytest.mark.parametrize("ending", ["\n", ""], ids=["line-end", "no-line-end"])
def test_an_unclosed_quote_on_the_last_line(tmp_path, ending):
    root = copy_repo(tmp_path, datasets=("immobilier-commercial",))
    _open_quote(root, 100, 4, ending)
    code, items = findings(root, "immobilier-commercial")
    assert code == 1
    assert [(f["line"], f["field"]) for f in items if f["code"] == "unclosed-quote"] == [
        (100, "lib_com")
    ]


def test_closed_quotes_are_no_unclosed_quote():
    from pipeline.engine.exact import unclosed_quote

    assert unclosed_quote('a,"b ""c"" d",e\n', 7, ",", '"') is None
    assert unclosed_quote('a,"b\nc",d\n', 7, ",", '"') is None
    assert unclosed_quote('a,b"c,d\n', 7, ",", '"') is None  # a quote inside a cell's text
    assert unclosed_quote('a,"b"x,"c\n""d\ne\n', 7, ",", '"') == (7, 2)
    assert unclosed_quote('a;"b"";c\r\nd\r\n', 7, ";", '"') == (7, 1)


def test_add_names_an_unclosed_quote(repo):
    _open_quote(repo, 21, 2)
    (repo / "data/raw/pao-copie.csv").write_bytes((repo / PAO).read_bytes())
    result = run(repo, "add", "data/raw/pao-copie.csv", "--name", "pao-test")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Erreur : data/raw/pao-copie.csv, ligne 21 : le guillemet qui ouvre la cellule "
        "« lib_pao » n'est jamais refermé"
    )
    assert not (repo / "schemas/pao-test").exists()


# ----------------------------------------------------------- Great Expectations arguments

FS_SUITE = "schemas/france-services/france-services.expectations.json"


@pytest.fixture(scope="module")
def fs_base(tmp_path_factory) -> Path:
    return copy_repo(tmp_path_factory.mktemp("fs") / "repo", datasets=("france-services",))


def _with_rule(base: Path, tmp_path: Path, etype: str, **kwargs) -> Path:
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(base, root)
    suite = json.loads((root / FS_SUITE).read_text(encoding="utf-8"))
    suite["expectations"].append({"type": etype, "kwargs": kwargs})
    (root / FS_SUITE).write_text(json.dumps(suite, indent=2), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("etype", "kwargs", "path", "said"),
    [
        (
            "expect_column_mean_to_be_between",
            {"column": "lib_fs", "min_value": 1},
            "expectations[4].kwargs",
            "cette attente calcule sur des nombres, et la colonne est du texte",
        ),
        (
            "expect_column_values_to_match_like_pattern",
            {"column": "lib_fs", "like_pattern": "a%", "escape": "ab"},
            "expectations[4].kwargs.escape",
            "« escape » doit être un seul caractère",
        ),
        (
            "expect_column_values_to_match_strftime_format",
            {"column": "lib_fs", "strftime_format": "%Q"},
            "expectations[4].kwargs.strftime_format",
            "« %Q » n'est pas une directive de date",
        ),
        (
            "expect_table_row_count_to_be_between",
            {"min_value": 1, "max_value": float("inf")},  # written 1e400
            "expectations[4].kwargs.max_value",
            "nombre trop grand pour être lu (infini)",
        ),
    ],
)
def test_gx_refusals_are_french(fs_base, tmp_path, etype, kwargs, path, said):
    root = _with_rule(fs_base, tmp_path, etype, **kwargs)
    text = (root / FS_SUITE).read_text(encoding="utf-8").replace("Infinity", "1e400")
    (root / FS_SUITE).write_text(text, encoding="utf-8")
    result = run(root, "validate", "--format", "json", "france-services")
    assert result.exit_code == 2, result.output
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["check"]) == ("declaration-error", path)
    assert said in finding["message"]
    assert "«  »" not in finding["message"] and "anglais" not in finding["message"]


def test_unknown_gx_messages_are_wrapped_in_french():
    from pipeline.declarations.gx_arguments import french

    assert "2019-01-01" in french(
        "Column values, min_value, and max_value must either be None or of the same type."
    )
    assert "objet" in french("unhashable type: 'dict'")
    assert "texte" in french("operation 'sub' not supported for dtype 'str'")
    assert french("something new went wrong") == (
        "Great Expectations refuse ces arguments (son message, en anglais : « something new "
        "went wrong ») : corrigez-les"
    )


def test_date_bounds_written_as_our_messages_ask_are_accepted(fs_base, tmp_path):
    """The declaration check asks for « une date ISO entre guillemets (« 2024-01-31 ») »:
    such bounds on a date column run, and the dates outside them are found on their lines."""
    rule = {"column": "date_labellisation", "min_value": "2019-01-01", "max_value": "2030-12-31"}
    root = _with_rule(fs_base, tmp_path, "expect_column_values_to_be_between", **rule)
    result = run(root, "validate", "--format", "json", "france-services")
    assert result.exit_code == 0, result.output
    suite = json.loads((root / FS_SUITE).read_text(encoding="utf-8"))
    suite["expectations"][4]["kwargs"]["min_value"] = "2021-01-01"
    (root / FS_SUITE).write_text(json.dumps(suite, indent=2), encoding="utf-8")
    result = run(root, "validate", "--format", "json", "france-services")
    assert result.exit_code in (0, 1), result.output
    early = [
        f
        for f in json.loads(result.stdout)["findings"]
        if f["code"] == "expectation-failed" and f["field"] == "date_labellisation"
    ]
    assert early and all(f["line"] and f["value"] < "2021-01-01" for f in early)


# ------------------------------------------------------------------------------ minor


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_is_called_utf32(mini, codec):
    found = _only(mini("", raw_bytes=MINI_OK.encode(codec)))
    assert found["code"] == "format-error"
    assert "c'est du texte encodé en UTF-32." in found["message"]


def test_cell_counts_agree_and_an_unnamed_column_is_numbered(mini, reader):
    text = (
        "id,insee_com,lib_com,montant,taux,date,\n"
        "1,01036,Valromey-sur-Séran,19.5,50,2023-12-31\n"
        "2\n"
        "3,01063,Brion,,0,,,\n"
    )
    code, items = findings(mini(text), "mini")
    assert code == 1
    said = {f["line"]: f["message"] for f in items if f["code"] in ("missing-cell", "extra-cell")}
    assert said == {
        2: "La ligne compte 6 cellules au lieu de 7 : la colonne 7 (sans nom) manque. "
        "Complétez la ligne.",
        3: "La ligne compte 1 cellule au lieu de 7 : la colonne « insee_com » manque. "
        "Complétez la ligne.",
        4: "La ligne compte 8 cellules au lieu de 7. Une virgule ou un point-virgule en trop, "
        "ou une cellule mal entourée de guillemets ?",
    }


def test_an_unclosed_quote_after_many_cells_on_one_line():
    """A broken export with every record on one line: the quote is found after 100,000
    cells (the search stops at each cell's end, so this stays linear: see `make bench`)."""
    from pipeline.engine.exact import unclosed_quote

    assert unclosed_quote('"a",' * 100_000 + '"b\n', 2, ",", '"') == (2, 100_000)
    assert unclosed_quote('"a",' * 100_000 + '"b"\n', 2, ",", '"') is None
