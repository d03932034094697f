"""`pipeline add` through the CLI: streams, exit codes, refusals, --dry-run; and the sniffing
and inference helpers on hand-made cells."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from pipeline.add import default_name
from pipeline.add.formats import Reference, luhn, siret_valid
from pipeline.add.infer import infer, shape_pattern
from pipeline.add.sniff import Dialect, sniff_delimiter, sniff_encoding, sniff_values
from pipeline.add.write import file_date
from pipeline.names import name_key, name_key_sql
from tests.conftest import ROOT, run, tree_bytes

ACV = "anct_acv_communes_20240205.csv"  # a committed raw file, copied under a new name
RAW = "data/raw/acv-copie-20240205.csv"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The reference and one raw file not declared yet."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "schemas/reference", root / "schemas/reference")
    shutil.copytree(ROOT / "data/reference", root / "data/reference")
    (root / "data/raw").mkdir(parents=True)
    shutil.copy(ROOT / "data/raw" / ACV, root / RAW)
    return root


def test_add_writes_validates_and_lists_what_is_left(repo):
    raw = repo / RAW
    before = (raw.read_bytes(), raw.stat().st_mtime_ns)
    result = run(repo, "add", RAW, "--title", "Action cœur de ville : communes")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "schemas/acv-copie/dataset.json",
        "schemas/acv-copie/acv-copie.schema.json",
        "schemas/acv-copie/acv-copie.expectations.json",
    ]
    assert (raw.read_bytes(), raw.stat().st_mtime_ns) == before
    assert "Jeu « acv-copie » depuis data/raw/acv-copie-20240205.csv" in result.stderr
    assert "VALIDE    acv-copie — 244 lignes, 0 erreur(s)" in result.stderr
    assert "Reste à compléter" in result.stderr
    assert "fields « id_acv ».description : À COMPLÉTER" in result.stderr
    assert "fields « id_acv ».title : À COMPLÉTER" in result.stderr
    assert "fields « insee_com ».title" not in result.stderr  # a well-known name: titled
    schema = json.loads((repo / "schemas/acv-copie/acv-copie.schema.json").read_text("utf-8"))
    assert [f["title"] for f in schema["fields"]] == [
        "À COMPLÉTER",
        "À COMPLÉTER",
        "Code INSEE de la commune",
        "Nom de la commune",
        "À COMPLÉTER",
    ]
    meta = json.loads((repo / "schemas/acv-copie/dataset.json").read_text(encoding="utf-8"))
    assert meta["title"] == meta["resources"][0]["title"] == "Action cœur de ville : communes"
    assert meta["created"] == "2024-02-05"
    assert run(repo, "validate", "acv-copie").exit_code == 0


def test_add_says_when_codes_lost_their_zeros_and_validation_fails(repo):
    """An export whose commune codes were number cells: add says so (column, count,
    examples), declares the codes as a well-exported file's, and the validation it runs fails
    (exit 1) on exactly the damaged rows, then lists what is left to fill in."""
    import csv
    import io

    with (repo / RAW).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    damaged = [i for i, r in enumerate(rows, start=2) if r["insee_com"].startswith("0")]
    for row in rows:
        row["insee_com"] = row["insee_com"].lstrip("0")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (repo / "data/raw/acv-nombres.csv").write_text(buffer.getvalue(), encoding="utf-8")
    result = run(repo, "add", "data/raw/acv-nombres.csv")
    assert result.exit_code == 1
    assert len(damaged) == 23
    assert (
        "  Note : « insee_com » (code commune INSEE) : zéro initial perdu dans 23 cellule(s), 23 "
        "valeur(s) distincte(s) (1004 pour 01004, 1053 pour 01053, 1283 pour 01283 …)"
    ) in result.stderr
    report = json.loads(run(repo, "validate", "--format", "json", "acv-nombres").stdout)
    assert sorted({f["line"] for f in report["findings"] if f["severity"] == "error"}) == damaged
    assert report["errors"] == 2 * len(damaged)
    assert "Reste à compléter" in result.stderr


def test_dry_run_prints_the_files_and_writes_nothing(repo):
    before = tree_bytes(repo)
    result = run(repo, "add", RAW, "--name", "acv", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert tree_bytes(repo) == before
    assert not list((repo).glob(".pipeline-add-*"))
    assert "==> schemas/acv/dataset.json <==" in result.stdout
    assert '"path": "data/raw/acv-copie-20240205.csv"' in result.stdout
    assert "==> schemas/acv/acv.expectations.json <==" in result.stdout
    assert "rien n'a été écrit" in result.stderr
    written = run(repo, "add", RAW, "--name", "acv")
    assert written.exit_code == 0
    for path in written.stdout.splitlines():  # the dry run showed exactly what is written
        content = (repo / path).read_text(encoding="utf-8")
        assert f"==> {path} <==\n{content}\n" in result.stdout


def test_refuses_to_overwrite_an_existing_dataset(repo):
    assert run(repo, "add", RAW, "--name", "acv").exit_code == 0
    shutil.copy(repo / RAW, repo / "data/raw/autre.csv")
    before = tree_bytes(repo / "schemas")
    result = run(repo, "add", "data/raw/autre.csv", "--name", "acv")
    assert result.exit_code == 2
    assert "Le jeu « acv » existe déjà (schemas/acv/)" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_bytes(repo / "schemas") == before


def test_refuses_a_raw_file_already_declared(repo):
    assert run(repo, "add", RAW, "--name", "acv").exit_code == 0
    result = run(repo, "add", RAW, "--name", "acv-bis")
    assert result.exit_code == 2
    assert "data/raw/acv-copie-20240205.csv est déjà déclaré par le jeu « acv »" in result.stderr


def test_refuses_missing_outside_or_unsupported_files_and_bad_names(repo, tmp_path):
    outside = tmp_path / "dehors.csv"
    shutil.copy(repo / RAW, outside)
    cases = {
        "data/raw/absent.csv": "Fichier introuvable : data/raw/absent.csv",
        str(outside): "est hors du dépôt",
        "../dehors.csv": "est hors du dépôt",
    }
    (repo / "data/raw/liste.ods").write_bytes(b"PK")
    cases["data/raw/liste.ods"] = "format non pris en charge (.ods)"
    for path, message in cases.items():
        result = run(repo, "add", path)
        assert result.exit_code == 2, path
        assert message in result.stderr, path
    result = run(repo, "add", RAW, "--name", "Mon Jeu")
    assert result.exit_code == 2
    assert "Nom de jeu invalide : « Mon Jeu »" in result.stderr
    assert not (repo / "schemas/acv-copie").exists()


def test_a_ragged_file_is_refused_with_its_line(repo):
    (repo / "data/raw/bancal.csv").write_text(
        "id,insee_com\n1,01036\n2,01063,en trop\n", encoding="utf-8"
    )
    result = run(repo, "add", "data/raw/bancal.csv")
    assert result.exit_code == 1
    assert "data/raw/bancal.csv, ligne 3 : 3 cellule(s), 2 attendues" in result.stderr
    assert not (repo / "schemas/bancal").exists()


@pytest.mark.parametrize("content", [b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n\r\n", b"\n\n"])
def test_a_file_of_a_bom_or_blank_lines_is_empty(repo, content):
    (repo / "data/raw/vide.csv").write_bytes(content)
    result = run(repo, "add", "data/raw/vide.csv", "--dry-run")
    assert (result.exit_code, result.stderr) == (
        1,
        "Erreur : data/raw/vide.csv est vide : aucune ligne à lire.\n",
    )


def test_a_header_error_names_the_header_line_after_blank_lines(repo):
    (repo / "data/raw/double.csv").write_text("\n\nid,id\n1,2\n", encoding="utf-8")
    result = run(repo, "add", "data/raw/double.csv", "--dry-run")
    assert result.exit_code == 1
    assert "data/raw/double.csv, ligne 3 : colonne(s) en double dans l'en-tête : id" in (
        result.stderr
    )


def _xlsx_bytes() -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", "insee_com"])
    book.active.append([1, "01036"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_header_names_differing_only_by_case_are_refused_before_writing(repo):
    """DuckDB compares column names without their case: LIB_COM and lib_com cannot be two
    columns of one table (validate ended on an internal error, schemas/ half-written)."""
    (repo / "data/raw/casse.csv").write_text(
        "id;lib_com;LIB_COM\n1;Ambérieu;AMBERIEU\n", encoding="cp1252"
    )
    result = run(repo, "add", "data/raw/casse.csv")
    assert (result.exit_code, result.stderr) == (
        1,
        "Erreur : data/raw/casse.csv, ligne 1 : les colonnes « lib_com » et « LIB_COM » ne "
        "diffèrent que par des majuscules, que le moteur de validation ne distingue pas dans "
        "un nom de colonne. Renommez l'une des deux dans le fichier source.\n",
    )
    assert sorted(p.name for p in (repo / "schemas").iterdir()) == ["reference"]


@pytest.mark.parametrize(
    ("content", "what", "advice"),
    [
        (
            b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4,
            "un fichier compressé gzip",
            "Décompressez-le",
        ),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "un document PDF", "exportez-le de nouveau"),
        (bytes(range(256)) * 20, "un fichier binaire, pas du texte", "exportez-le de nouveau"),
        ("id,insee_com\n1,01036\n".encode("utf-16-le"), "du texte encodé en UTF-16", "UTF-8"),
        (None, "un classeur XLSX enregistré avec l'extension .csv", "Renommez-le en .xlsx"),
    ],
)
def test_a_file_that_is_not_text_is_refused_as_validate_refuses_it(repo, content, what, advice):
    """Never a crash (exit 70) nor a declaration read from binary bytes: the same diagnosis
    as ``pipeline validate`` (engine.sniff), exit 1, nothing written."""
    (repo / "data/raw/liste.csv").write_bytes(_xlsx_bytes() if content is None else content)
    result = run(repo, "add", "data/raw/liste.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Erreur : data/raw/liste.csv : Le fichier n'est pas un CSV : d'après ses premiers "
        f"octets, c'est {what}. "
    )
    assert advice in result.stderr
    assert "Traceback" not in result.stderr
    assert not (repo / "schemas/liste").exists()


def test_old_mac_line_ends_and_a_lone_cr_in_a_cell(repo):
    """Lines ended by a lone CR (old Mac exports) are read as pipeline validate reads
    them; a CR inside an unquoted cell cuts the record, said with its line."""
    (repo / "data/raw/mac.csv").write_bytes(b"id,insee_com\r1,01036\r2,01063\r")
    result = run(repo, "add", "--dry-run", "--format", "json", "data/raw/mac.csv")
    assert result.exit_code == 0, result.stderr
    assert "2 lignes, 2 colonnes" in result.stderr
    (repo / "data/raw/cr.csv").write_bytes(b"id,insee_com\n1,01\r036\n2,01063\n")
    result = run(repo, "add", "data/raw/cr.csv")
    assert result.exit_code == 1
    assert "data/raw/cr.csv, ligne 3 : 1 cellule(s), 2 attendues" in result.stderr
    assert "Traceback" not in result.stderr


def test_rows_of_empty_cells_after_the_last_record_are_left_out_as_validate_does(repo):
    """« ;; » rows a spreadsheet leaves at the end (one of them ragged): validate ignores
    them with a warning, so add infers from the records alone (they made every column
    optional and lost the primary key, and the ragged one refused the file)."""
    (repo / "data/raw/fin.csv").write_bytes(
        "id;insee_com;lib_com\r\n1;01036;Valromey-sur-Séran\r\n2;01063;Bourg\r\n"
        ";;\r\n;;\r\n;\r\n".encode("cp1252")
    )
    result = run(repo, "add", "data/raw/fin.csv", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "  2 lignes, 3 colonnes ; clé primaire : id\n" in result.stderr
    schema = json.loads((repo / "schemas/fin/fin.schema.json").read_text(encoding="utf-8"))
    assert [f["constraints"]["required"] for f in schema["fields"]] == [True, True, True]
    assert schema["primaryKey"] == ["id"]
    document = json.loads(result.stdout)
    assert (document["rows"], document["validation"]["warnings"]) == (2, 1)
    assert [f["code"] for f in document["validation"]["findings"]] == ["trailing-blank-lines"]


def test_sheet_option_errors_are_usage_errors(repo):
    """--sheet naming no sheet of the workbook, or given with a CSV: exit 2, nothing written."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Communes"
    workbook.active.append(["insee_com", "lib_com"])
    workbook.active.append(["01036", "Valromey-sur-Séran"])
    workbook.create_sheet("Notes").append(["Liste ANCT"])
    workbook.save(repo / "data/raw/liste.xlsx")
    before = tree_bytes(repo)
    result = run(repo, "add", "data/raw/liste.xlsx", "--sheet", "Absente")
    assert result.exit_code == 2
    assert (
        "data/raw/liste.xlsx n'a pas de feuille « Absente » (option --sheet). Feuilles du "
        "classeur : Communes, Notes." in result.stderr
    )
    result = run(repo, "add", RAW, "--sheet", "Communes")
    assert result.exit_code == 2
    assert (
        "data/raw/acv-copie-20240205.csv n'est pas un classeur XLSX : l'option --sheet ne "
        "s'applique qu'aux classeurs. Relancez sans --sheet." in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert tree_bytes(repo) == before


def test_a_workbook_time_with_seconds_only_is_read_as_validate_reads_it(repo):
    """00:00:30 is a date and time for the validation: add read it as a bare date (its own
    copy of the cell reader ignored seconds), and the new dataset failed on every row."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["id", "horodatage"])
    workbook.active.append([1, datetime(2024, 1, 1, 0, 0, 30)])
    workbook.active.append([2, datetime(2024, 1, 2, 0, 0, 30)])
    workbook.save(repo / "data/raw/horaires.xlsx")
    result = run(repo, "add", "data/raw/horaires.xlsx")
    assert result.exit_code == 0, result.stderr
    assert "    horodatage  date et heure\n" in result.stderr
    assert "VALIDE    horaires — 2 lignes, 0 erreur(s), 0 avertissement(s)" in result.stderr


@pytest.mark.parametrize(
    ("above", "header", "line", "column"),
    [
        ([], [None, "id", "insee_com", "lib_com"], 1, 1),  # pandas' index, unnamed
        ([["Identification", None, None, "Commune"]], ["id", None, "insee_com", "lib_com"], 2, 2),
    ],
    ids=["index-column", "gap-under-a-merged-band"],
)
def test_a_workbook_header_with_an_unnamed_column_is_refused_not_replaced(
    repo, above, header, line, column
):
    """A header filled less widely than the data below it (an unnamed column) is still the
    header: add took the first row of text data for it and declared its values as names."""
    from openpyxl import Workbook

    workbook = Workbook()
    for row in [*above, header]:
        workbook.active.append(row)
    for i, (code, name) in enumerate([("01036", "Valromey-sur-Séran"), ("01063", "Bourg")]):
        workbook.active.append([i, str(i + 1), code, name])
    workbook.save(repo / "data/raw/index.xlsx")
    result = run(repo, "add", "data/raw/index.xlsx")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Erreur : data/raw/index.xlsx, feuille « Sheet », ligne {line} : la colonne {column} "
        "n'a pas de nom dans l'en-tête. Nommez-la dans le fichier source.\n",
    )
    assert sorted(p.name for p in (repo / "schemas").iterdir()) == ["reference"]


def test_a_header_cell_with_a_line_break_stays_on_its_line_in_the_account(repo):
    """A header cell typed with Alt+Enter in the spreadsheet, here followed by a workflow
    command: the summary and the list of what is left show it on one line."""
    (repo / "data/raw/saut.csv").write_bytes(
        'id;"rem\n::error::injecté"\r\n1;a\r\n2;b\r\n'.encode("cp1252")
    )
    result = run(repo, "add", "data/raw/saut.csv", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("::")] == []
    assert "    rem ::error::injecté  texte\n" in result.stderr
    assert "    fields « rem ::error::injecté ».title : À COMPLÉTER\n" in result.stderr


def _formula_workbook(path: Path, computed: int) -> None:
    """Three rows whose « somme » is a formula; the first ``computed`` of them carry the
    value a spreadsheet stores beside a formula (openpyxl writes none)."""
    import re
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["id", "a", "b", "somme"])
    for n in range(1, 4):
        workbook.active.append([n, n, 2 * n, f"=B{n + 1}+C{n + 1}"])
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for n in range(1, computed + 1):
        sheet = re.sub(rf"(<c r=\"D{n + 1}\"><f>[^<]*</f>)<v ?/>", rf"\g<1><v>{3 * n}</v>", sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_a_workbook_saved_without_computing_its_formulas_is_refused(repo):
    """Read as values, formulas a program wrote without computing them are empty cells:
    the new dataset would have published an empty column."""
    _formula_workbook(repo / "data/raw/calcul.xlsx", computed=0)
    result = run(repo, "add", "data/raw/calcul.xlsx")
    assert (result.exit_code, result.stderr) == (
        1,
        "Erreur : data/raw/calcul.xlsx, feuille « Sheet » : la cellule D2 contient la formule "
        "« =B2+C2 » sans valeur calculée (3 formule(s) dans la feuille, aucune calculée) : le "
        "classeur a été écrit par un programme qui ne calcule pas les formules, et chacune se "
        "lirait comme une cellule vide. Ouvrez-le dans le tableur et enregistrez-le (il "
        "calculera les formules), puis relancez.\n",
    )
    assert sorted(p.name for p in (repo / "schemas").iterdir()) == ["reference"]


@pytest.mark.parametrize("computed", [3, 2], ids=["all-computed", "one-computes-to-nothing"])
def test_computed_formulas_are_read_as_their_values(repo, computed):
    _formula_workbook(repo / "data/raw/calcul.xlsx", computed)
    result = run(repo, "add", "data/raw/calcul.xlsx", "--dry-run")
    assert result.exit_code == 0, result.stderr
    shown = "entier" if computed == 3 else "entier · facultatif"
    assert f"    somme  {shown}\n" in result.stderr


def test_headerrow_is_refused_for_csv(repo):
    assert run(repo, "add", RAW, "--name", "acv").exit_code == 0
    path = repo / "schemas/acv/dataset.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["resources"][0]["source"]["headerRow"] = 2
    path.write_text(json.dumps(meta), encoding="utf-8")
    result = run(repo, "validate", "acv")
    assert result.exit_code == 2
    assert "« headerRow » ne vaut que pour un fichier XLSX" in result.stderr


# ------------------------------------------------------------------------- helpers


def test_sniff_encoding():
    text = "insee_com;lib_com\n97209;Fort-de-France\n01036;Valromey-sur-Séran, œuvre €\n"
    assert sniff_encoding(text.encode("utf-8")) == ("utf-8", False)
    assert sniff_encoding(text.encode("utf-8-sig")) == ("utf-8", True)
    assert sniff_encoding(text.encode("cp1252")) == ("cp1252", False)
    assert sniff_encoding("Séran".encode("latin-1") + b"\x81") == ("latin-1", False)


def test_sniff_delimiter():
    assert sniff_delimiter("a;b;c\n1;2,5;3\n4;5;6\n") == ";"
    assert sniff_delimiter('a,b\n"1;2",3\n') == ","
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"
    assert sniff_delimiter("seule\n1\n2\n") == ","


def test_sniff_values_finds_french_numbers_and_dates():
    table = pd.DataFrame(
        {
            "montant": ["1\u00a0234,50", "12,5", ""],
            "taux": ["19,5", "7", "0,25"],
            "code": ["01036", "2A004", "01063"],
            "date": ["31/12/2023", "01/02/2024", ""],
        },
        dtype=object,
    )
    assert sniff_values(table) == (",", "\u00a0", "%d/%m/%Y")
    english = pd.DataFrame({"x": ["1.5", "2"], "d": ["2024-01-31", "2023-12-01"]}, dtype=object)
    assert sniff_values(english) == (".", "", "%Y-%m-%d")
    assert sniff_values(pd.DataFrame({"d": ["31/02/2024"]}, dtype=object))[2] == "%Y-%m-%d"


def test_shape_pattern():
    assert shape_pattern(["pvd-84-01-1", "pvd-94-2A-12", "pvd-01-971-3"]) == (
        "^pvd-\\d{2}-[0-9A-Z]{2,3}-\\d+$"
    )
    assert shape_pattern(["QN01001M", "QN97402Z"]) == "^[0-9A-Z]{8}$"
    assert shape_pattern(["1", "22", "333"]) == "^\\d+$"
    assert shape_pattern(["cde-001", "cde-002 ; cde-061"]) is None
    assert shape_pattern(["seul"]) is None


def test_luhn_siren_and_siret():
    assert luhn("200073344") and not luhn("200073345")
    assert siret_valid("21010036400012") is luhn("21010036400012")
    assert siret_valid("35600000000047") and not siret_valid("35600000000048")  # La Poste


def test_default_name_and_file_date():
    assert default_name("anct_frla_operations_202403.csv") == "frla-operations"
    assert default_name("anct_pvd_communes_20210122.csv") == "pvd-communes"
    assert default_name("Liste FS (export).XLSX") == "liste-fs-export"
    assert default_name("20240101.csv") == "20240101"
    assert default_name("anct_ti_communes_20231114_derived_cog2023.csv") == "ti-communes-derived"
    assert default_name("liste-va-com2024-20240905.csv") == "liste-va"
    assert default_name("anct_qpv_202401_communes.csv") == "qpv-communes"
    assert default_name("anct_autres_programmes_2023.csv") == "autres-programmes-2023"
    assert default_name("quartiers_123456_liste.csv") == "quartiers-123456-liste"  # not a date
    assert file_date("anct_pvd_communes_20210122.csv") == "2021-01-22"
    assert file_date("anct_frla_operations_202403.csv") is None


def test_a_link_to_a_file_outside_the_repository_is_refused(repo, tmp_path):
    outside = tmp_path / "dehors.csv"
    shutil.copy(repo / RAW, outside)
    (repo / "data/raw/lien.csv").symlink_to(outside)
    result = run(repo, "add", "data/raw/lien.csv")
    assert result.exit_code == 2
    assert "data/raw/lien.csv est hors du dépôt" in result.stderr


COMMUNES = frozenset({"01036", "01063", "02019", "02020", "02021", "02408", "2A004", "97209"})


def _reference(year: int = 2023, communes: frozenset[str] = COMMUNES) -> Reference:
    return Reference(year, keys={"commune": communes, "departement": frozenset({"01", "02", "2A"})})


def test_missing_markers_keep_a_column_numeric():
    table = pd.DataFrame(
        {"insee_com": ["01036", "01063", "2A004"], "pop": ["1 234", "NA", "n.c."]}, dtype=object
    )
    result = infer(table, Dialect(group_char=" "), _reference())
    assert result.missing_values == ["", "NA", "n.c."]
    pop = result.fields[1]
    assert (pop.type, pop.required, pop.example) == ("number", False, 1234)
    assert result.foreign_keys == [
        {
            "fields": "insee_com",
            "reference": {"resource": "cog2023-communes", "fields": "code_insee"},
        }
    ]


def test_codes_that_lost_their_zeros_keep_their_pattern_and_key():
    """Codes a spreadsheet stored as numbers are declared as a well-exported file's would be
    (pattern, foreign key as an error), so that validation reports the damaged cells; a note
    names the column, the count and examples. Zeros are restored only where codes are
    certain: a column named for the code, or holding full codes too."""
    table = pd.DataFrame(
        {
            "insee_com": ["1036", "1063", "2408", "1036"],  # named for communes
            "code": ["1036", "1063", "2408", "97209"],  # holds a full code
            "valeur": ["1036", "1063", "2408", "1063"],  # neither: integers, pointed out
            "annee": ["2019", "2020", "2021", "2019"],  # 02019… are communes, not years
            "dep": ["1", "1", "2", "2A"],
            "cp": ["1000", "1260", "2400", "75001"],
            "tel": ["474000000", "0474000001", "04 74 00 00 02", "0474000001"],
        },
        dtype=object,
    )
    result = infer(table, Dialect(), _reference())
    fields = {f.name: f for f in result.fields}
    assert {n: (f.type, f.pattern) for n, f in fields.items()} == {
        "insee_com": ("string", "^([013-9]\\d|2[AB1-9])\\d{3}$"),
        "code": ("string", "^([013-9]\\d|2[AB1-9])\\d{3}$"),
        "valeur": ("integer", None),
        "annee": ("year", None),
        "dep": ("string", "^(\\d{2}|2[AB]|9[78]\\d)$"),
        "cp": ("string", "^\\d{5}$"),
        "tel": ("string", "^(?:(?:\\+|00)33 ?[1-9]|0[1-9])(?:[ .-]?\\d{2}){4}$"),
    }
    assert fields["tel"].detected.lost == {"474000000": "0474000000"}
    assert fields["insee_com"].detected.lost == {"1036": "01036", "1063": "01063", "2408": "02408"}
    assert fields["dep"].detected.lost == {"1": "01", "2": "02"}
    hint = (
        "un code de moins de 5 caractères a perdu son zéro initial dans un tableur, comme "
        "1036 pour 01036 : exportez la colonne au format texte"
    )
    assert result.foreign_keys[:2] == [  # errors: no "severity"
        {
            "fields": "insee_com",
            "reference": {"resource": "cog2023-communes", "fields": "code_insee"},
            "hint": hint,
        },
        {
            "fields": "code",
            "reference": {"resource": "cog2023-communes", "fields": "code_insee"},
            "hint": hint,
        },
    ]
    assert result.foreign_keys[2]["fields"] == "dep" and "severity" not in result.foreign_keys[2]
    notes = result.notes[1:]  # after the COG vintage's
    assert notes[0] == (
        "« insee_com » (code commune INSEE) : zéro initial perdu dans 4 cellule(s), 3 valeur(s) "
        "distincte(s) (1036 pour 01036, 1063 pour 01063, 2408 pour 02408) : le tableur a "
        "enregistré ces codes comme des nombres. Le motif et la clé étrangère vers le COG sont "
        "déclarés comme pour un export correct : pipeline validate signale ces cellules en "
        "erreur tant que la colonne n'est pas exportée au format texte depuis le fichier source."
    )
    assert [n.split(" : ")[0] for n in notes[1:5]] == [
        "« code » (code commune INSEE)",
        "« dep » (code département)",
        "« cp » (code postal)",
        "« tel » (téléphone)",
    ]
    assert "Le motif est déclaré comme pour un export correct" in notes[3]  # no key for cp
    assert notes[5:] == [
        "La colonne « valeur » ressemble à des codes commune qui ont perdu leur zéro initial "
        "(1036 pour 01036) : le tableur les a pris pour des nombres. Réexportez-la en texte ; "
        "elle est déclarée « integer » en attendant, sans clé étrangère."
    ]


def test_an_email_column_with_cells_off_is_noted():
    table = pd.DataFrame(
        {"mail": [f"mairie{i}@exemple.fr" for i in range(19)] + ["a@exemple.fr - b@exemple.fr"]},
        dtype=object,
    )
    result = infer(table, Dialect(), _reference())
    assert result.fields[0].pattern is None
    assert result.fields[0].description == "Adresse électronique"
    assert result.notes == [
        "« mail » : 1 valeur(s) sans la forme d'un courriel (a@exemple.fr - b@exemple.fr) : "
        "aucun motif n'est déclaré pour ce champ : corrigez-les dans le fichier source (une "
        "valeur par cellule), puis ajoutez au schéma le motif ^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$."
    ]


def test_the_cog_vintage_that_covers_the_codes_best():
    older = _reference(2023, frozenset({"01036", "01063"}))
    newer = _reference(2024, frozenset({"01036", "01063", "01999"}))
    table = pd.DataFrame({"insee_com": ["01036", "01999", "01063"]}, dtype=object)
    result = infer(table, Dialect(), [newer, older])
    assert result.cog == 2024
    assert result.foreign_keys[0]["reference"]["resource"] == "cog2024-communes"
    assert result.fields[0].description == "Code INSEE de la commune (COG 2024)"
    assert result.notes[0] == (
        "COG 2024 retenu (« cog »: 2024 dans dataset.json, tables cog2024-… des clés) : 0 code(s) "
        "absent(s) du référentiel, contre 1 au COG 2023. Pour suivre un autre millésime, changez "
        "« cog » et les noms cog2024-… des clés étrangères et des contrôles."
    )
    both = pd.DataFrame({"insee_com": ["01036", "01063"]}, dtype=object)
    tie = infer(both, Dialect(), [newer, older])
    assert tie.cog == 2024
    assert "couverts également par le COG 2023 : le plus récent est retenu" in tie.notes[0]
    named = infer(both, Dialect(), [newer, older], prefer=2023)  # …_cog2023.csv
    assert named.cog == 2023
    assert "le nom du fichier dit 2023" in named.notes[0]
    nothing = infer(pd.DataFrame({"x": ["a", "b"]}, dtype=object), Dialect(), [newer, older])
    assert (nothing.cog, nothing.notes) == (None, [])


NAMES = [
    ("Schœlcher", "Schoelcher"),
    ("SCHŒLCHER", "schoelcher"),
    ("Lætitia", "Laetitia"),
    ("L’Haÿ-les-Roses", "L'Haÿ-les-Roses"),
    ("Marseille 1er Arrondissement", "Marseille 1er"),
    ("Saint-Étienne", "saint etienne"),
    ("  Val   d'Usiers ", "Val-d'Usiers"),
]


def test_add_and_the_commune_name_check_compare_names_alike():
    """add's normaliser and the engine's SQL are one definition: œ/æ spelt out, the
    typographic apostrophe straightened, before accents are stripped (Schœlcher = Schoelcher,
    where both used to drop the œ on one side only)."""
    import duckdb

    texts = [text for pair in NAMES for text in pair] + ["Céreste", "Céreste-en-Luberon"]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, name VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
    in_sql = [
        key
        for _, key in con.execute(f"SELECT i, {name_key_sql('name')} FROM t ORDER BY i").fetchall()
    ]
    assert in_sql == [name_key(text) for text in texts]
    for given, expected in NAMES:
        assert name_key(given) == name_key(expected), given
    assert name_key("Schœlcher") == "schoelcher"
    assert name_key("Céreste") != name_key("Céreste-en-Luberon")


def test_the_sheet_with_the_most_filled_rows_is_declared(repo):
    """A « Notice » sheet of a few lines before the list: the list is what is declared."""
    from openpyxl import Workbook

    book = Workbook()
    notice = book.active
    notice.title = "Notice"
    for line in (["Liste des communes"], ["Source : ANCT"], ["Mise à jour : 2024"]):
        notice.append(line)
    listing = book.create_sheet("Liste")
    listing.append(["id", "insee_com"])
    for n, code in enumerate(["01036", "01063", "01004", "01005"], start=1):
        listing.append([n, code])
    book.save(repo / "data/raw/classeur.xlsx")
    result = run(repo, "add", "--dry-run", "--format", "json", "data/raw/classeur.xlsx")
    assert result.exit_code == 0, result.stderr
    assert "XLSX, feuille « Liste », en-tête ligne 1" in result.stderr
