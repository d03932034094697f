"""`pipeline add` on real data: every real file not yet declared, and French-spreadsheet
variants of real files (`;`, cp1252, decimal comma, thousands spaces, dd/mm/yyyy, XLSX with
title rows). Each inferred dataset must validate its own file with no error, tie its INSEE
codes to the COG and keep every code's leading zeros through the build."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from pipeline.add import plan_add, write_add
from pipeline.add.formats import COMMUNE_RE
from pipeline.repo import Repo
from tests.conftest import ROOT, copy_repo, run

SHARED = Path(os.environ.get("PIPELINE_SHARED_DATA", "/work/shared/data"))
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="données partagées absentes")

KEYS = {
    "communes": "code_insee",
    "departements": "code",
    "regions": "code",
    "epci": "code_siren",
    "epci-membres": "epci_siren",
}


def cog(table: str, year: int) -> dict:
    """The reference of a foreign key to a table of the COG ``year``."""
    return {"resource": f"cog{year}-{table}", "fields": KEYS[table]}


# The COG vintage add ties each real file to (pipeline.add.vintage): the one that covers it
# best, else the newest.
VINTAGES = {
    "anct_autres_programmes_2023.csv": 2023,  # 4 names differ from the COG 2023, 5 from 2024
    "anct_frla_operations_202403.csv": 2024,  # codes and names valid in both: the newest
    "anct_acv_entrees_de_ville_communes_20230922.csv": 2024,
    "anct_france_services_communes_20240124.csv": 2023,  # 2 names renamed in 2024
    "anct_pvd_communes_20210122.csv": 2023,  # 4 names differ from the COG 2023, 6 from 2024
    "anct_acv_communes_20240905.csv": 2024,
    "anct_ti_communes_20231114_derived_cog2023.csv": 2023,  # a code the COG 2024 lacks
    "anct_villages_avenir_communes_20240905.csv": 2023,  # 3 names differ from the COG 2024
    "cog2024_communes.csv": 2024,
}


# Real files the repository declares already, added again under another name so that add
# still meets their shapes: the COG's, and a list with two columns of the same names.
REDECLARED = {
    f"cog2024_{kind}.csv": (f"cog2024_{kind}.csv", f"{kind.replace('_', '-')}-cog2024")
    for kind in ("communes", "departements", "regions", "epci", "epci_membres")
} | {
    "anct_villages_avenir_communes_20240905.csv": (
        "liste-va-com2024-20240905.csv",
        "villages-avenir-communes",
    )
}


def undeclared_files() -> list[Path]:
    declared = set()
    for path in (ROOT / "schemas").glob("*/dataset.json"):
        for res in json.loads(path.read_text(encoding="utf-8"))["resources"]:
            for source in [res.get("source"), *res.get("vintages", [])]:
                if source and source.get("path"):
                    declared.add(Path(source["path"]).name)
    return sorted(p for p in SHARED.glob("*.csv") if p.name not in declared)


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def stamp(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


NOTES: dict[str, list[str]] = {}  # dataset -> what add printed as notes


def add(root: Path, rel: str, **options) -> str:
    """Add through the library (the CLI is tested on its own); the raw file must be left
    byte for byte, mtime included."""
    raw = root / rel
    before = stamp(raw)
    plan = plan_add(Repo(root), rel, **options)
    write_add(Repo(root), plan)
    assert stamp(raw) == before
    NOTES[plan.name] = plan.notes
    return plan.name


def declarations(root: Path, name: str) -> tuple[dict, dict, dict]:
    folder = root / "schemas" / name
    return tuple(
        json.loads((folder / f).read_text(encoding="utf-8"))
        for f in ("dataset.json", f"{name}.schema.json", f"{name}.expectations.json")
    )


def foreign_keys(schema: dict) -> dict[str, dict]:
    return {fk["fields"]: fk["reference"] for fk in schema.get("foreignKeys", [])}


def validate_and_build(root: Path, names: list[str], build: list[str] | None = None) -> dict:
    result = run(root, "validate", "--format", "json", *names)
    report = json.loads(result.stdout)
    assert result.exit_code == 0, [f for f in report["findings"] if f["severity"] == "error"]
    assert report["errors"] == 0
    assert run(root, "build", *(names if build is None else build)).exit_code == 0
    return report


def assert_text_kept(root: Path, name: str, raw_rows: list[dict]) -> None:
    """Every text cell of the raw file is published as is: ``01036`` stays ``01036``."""
    _, schema, _ = declarations(root, name)
    published = root / "data/published" / name / f"{name}.csv"
    with published.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(raw_rows)
    for fdesc in schema["fields"]:
        if fdesc["type"] == "string":
            column = fdesc["name"]
            assert sorted(r[column] for r in rows) == sorted(r[column] for r in raw_rows), column


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DECIMAL = re.compile(r"-?\d+\.\d+")


def spreadsheet_variant(source: Path, dest: Path) -> None:
    """``source`` as a French spreadsheet saves it: ``;``, cp1252, CRLF, decimal comma,
    dd/mm/yyyy dates."""
    rows = read_rows(source)
    for column in rows[0]:
        values = [r[column] for r in rows if r[column]]
        if values and all(DECIMAL.fullmatch(v) for v in values):
            for row in rows:
                row[column] = row[column].replace(".", ",")
        elif values and all(ISO_DATE.fullmatch(v) for v in values):
            for row in rows:
                row[column] = french_date(row[column])
    write_csv(dest, rows, ";", "cp1252")


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Every undeclared real file, and its French-spreadsheet variant (dataset
    ``<name>-tableur``), added to one copy of the repository."""
    root = copy_repo(tmp_path_factory.mktemp("real") / "repo", published=False)
    names = {}
    for source in undeclared_files():
        shutil.copy(source, root / "data/raw" / source.name)
        names[source.name] = name = add(root, f"data/raw/{source.name}")
        variant = f"{source.stem}-tableur.csv"
        spreadsheet_variant(source, root / "data/raw" / variant)
        add(root, f"data/raw/{variant}", name=f"{name}-tableur")
    for filename, (raw, name) in REDECLARED.items():
        shutil.copy(SHARED / filename, root / "data/raw" / raw)
        names[filename] = add(root, f"data/raw/{raw}", name=name)
    return root, names


def added(root: Path) -> list[str]:
    """The datasets added to a copy of the repository."""
    return sorted(
        {p.name for p in (root / "schemas").iterdir()}
        - {p.name for p in (ROOT / "schemas").iterdir()}
    )


@pytest.fixture(scope="module")
def real_report(real) -> dict:
    """Every dataset validated at once; those under 10,000 rows (not the variants) built too:
    the three large COG-sized files would triple the time for no other code path."""
    root, names = real
    small = sorted(n for f, n in names.items() if len(read_rows(SHARED / f)) < 10_000)
    assert len(small) >= 10
    return validate_and_build(root, added(root), build=small)


def test_the_undeclared_real_files_are_the_expected_ones(real):
    _, names = real
    assert {
        "anct_autres_programmes_2023.csv",
        "anct_frla_operations_202403.csv",
        "anct_acv_entrees_de_ville_communes_20230922.csv",
        "anct_france_services_communes_20240124.csv",
        "anct_pvd_communes_20210122.csv",
        "anct_acv_communes_20240905.csv",
        "anct_villages_avenir_communes_20240905.csv",
        "cog2024_communes.csv",
    } <= set(names)
    assert names["anct_frla_operations_202403.csv"] == "frla-operations"
    assert names["anct_ti_communes_20231114_derived_cog2023.csv"] == "ti-communes-derived"


def test_every_real_file_validates_builds_and_keeps_its_codes(real, real_report):
    root, names = real
    report = real_report
    assert {d["name"] for d in report["datasets"]} == set(added(root))
    assert len(added(root)) == 2 * len(undeclared_files()) + len(REDECLARED)
    built = {n for f, n in names.items() if len(read_rows(SHARED / f)) < 10_000}
    assert len(built) >= 10
    for filename, name in names.items():
        if name in built:  # every built package was written, and keeps its codes
            assert_text_kept(root, name, read_rows(SHARED / filename))
    published = root / "data/published/villages-avenir-communes/villages-avenir-communes.csv"
    assert "va-01-01,Valromey-sur-Séran,01036,Valromey-sur-Séran\n" in published.read_text()
    # Schœlcher (COG) and Schoelcher (the list) are one name to the check add proposes: of
    # 18,726 rows, only the one whose name really differs is reported.
    assert findings(report, "ti-communes-derived", "commune-name-mismatch") == [
        (
            12438,
            "lib_com",
            "La commune 24177 s'appelle « Faux » dans le COG, pas « 0 ». Vérifiez le code ou le nom.",
        )
    ]


def findings(report: dict, dataset: str, *codes: str) -> list[tuple]:
    """(line, field, message) of a dataset's findings, of the given codes or all."""
    return [
        (f["line"], f["field"], f["message"])
        for f in report["findings"]
        if f["dataset"] == dataset and (not codes or f["code"] in codes)
    ]


def test_a_french_spreadsheet_variant_of_every_undeclared_file(real, real_report):
    """`;`, cp1252, CRLF, dd/mm/yyyy dates (and decimal comma, where a file has decimals):
    the same declaration but for its dialect, the same COG, and the same findings line for
    line, so no error and no leading zero lost (a lost zero would fail the commune pattern,
    or add a foreign-key finding where the key is a warning). The 18,726-row TI list is
    checked so, without a build."""
    root, names = real
    for source in undeclared_files():
        original = names[source.name]
        variant = f"{original}-tableur"
        meta, schema, _ = declarations(root, variant)
        dialect = meta["resources"][0]["source"]["dialect"]
        assert (dialect["delimiter"], dialect["encoding"]) == (";", "cp1252"), variant
        rows = read_rows(source)
        columns = [[r[c] for r in rows if r[c]] for c in rows[0]]
        dated = any(values and all(map(ISO_DATE.fullmatch, values)) for values in columns)
        dates = "%d/%m/%Y" if dated else "%Y-%m-%d"
        assert dialect["dateFormat"] == dates, variant
        original_meta, original_schema, _ = declarations(root, original)
        assert meta["cog"] == original_meta["cog"]
        assert foreign_keys(schema) == foreign_keys(original_schema)
        assert foreign_keys(schema)["insee_com"] == cog("communes", meta["cog"])
        insee = next(f for f in schema["fields"] if f["name"] == "insee_com")
        assert insee["type"] == "string"
        assert not [n for n in NOTES[variant] if "zéro initial perdu" in n], variant
        assert findings(real_report, variant) == findings(real_report, original), variant
    missing = findings(real_report, "pvd-communes-tableur", "foreign-key-error")
    assert [f for f in missing if f[1] == "insee_com"] == [
        (
            1516,
            "insee_com",
            "« 999999 » (insee_com) est introuvable dans les communes du COG 2023. Vérifiez le "
            "code (1 code(s) absent(s) de la référence lors de l'ajout du jeu : le fichier suit "
            "peut-être un autre millésime du COG).",
        )
    ]


def test_every_insee_code_column_is_tied_to_the_cog(real):
    """To the COG vintage that covers the file best (declared as « cog »), never with a
    lost leading zero."""
    root, names = real
    chosen = {}
    for filename, name in names.items():
        meta, schema, suite = declarations(root, name)
        year = chosen[filename] = meta.get("cog")
        fields = {f["name"]: f for f in schema["fields"]}
        keys = foreign_keys(schema)
        for column in ("insee_com", "code_insee"):
            if column in fields:
                assert keys[column] == cog("communes", year), (filename, column)
                description = f"Code INSEE de la commune (COG {year})"
                assert fields[column]["description"] == description
                assert fields[column]["constraints"].get("pattern", COMMUNE_RE) == COMMUNE_RE
        assert not [n for n in NOTES[name] if "zéro initial perdu" in n], filename
        assert NOTES[name][0].startswith(f"COG {year} retenu (« cog »: {year} dans dataset.json")
    assert {f: chosen[f] for f in VINTAGES} == VINTAGES
    assert set(chosen.values()) == {2023, 2024}
    assert NOTES[names["anct_ti_communes_20231114_derived_cog2023.csv"]][0] == (
        "COG 2023 retenu (« cog »: 2023 dans dataset.json, tables cog2023-… des clés) : 0 code(s) "
        "absent(s) du référentiel, contre 1 au COG 2024. Pour suivre un autre millésime, changez "
        "« cog » et les noms cog2023-… des clés étrangères et des contrôles."
    )
    _, schema, _ = declarations(root, names["cog2024_communes.csv"])
    assert foreign_keys(schema) == {
        "code_insee": cog("communes", 2024),
        "departement": cog("departements", 2024),
        "region": cog("regions", 2024),
        "epci": cog("epci", 2024),
        "ept": cog("epci-membres", 2024),
        "chef_lieu": cog("communes", 2024),
        "commune_parente": cog("communes", 2024),
    }
    assert schema["primaryKey"] == ["code_insee", "type"]
    meta, _, _ = declarations(root, "villages-avenir-communes")
    assert meta["resources"][0]["checks"] == [  # lib_va holds the same names: lib_com wins
        {"check": "commune-name", "code": "insee_com", "name": "lib_com", "severity": "warning"}
    ]


def test_frla_declaration_has_the_repository_shape(real):
    root, _ = real
    meta, schema, suite = declarations(root, "frla-operations")
    assert meta["resources"][0]["source"] == {
        "path": "data/raw/anct_frla_operations_202403.csv",
        "format": "csv",
        "dialect": {
            "delimiter": ",",
            "encoding": "utf-8",
            "decimalChar": ".",
            "groupChar": "",
            "dateFormat": "%Y-%m-%d",
        },
    }
    assert meta["resources"][0]["checks"] == [
        {"check": "commune-name", "code": "insee_com", "name": "lib_com", "severity": "warning"}
    ]
    assert meta["licenses"][0]["name"] == "etalab-2.0"
    assert schema["missingValues"] == [""]
    assert schema["primaryKey"] == ["id_frla"]
    assert schema["fields"][0] == {
        "name": "id_frla",
        "title": "À COMPLÉTER",
        "description": "À COMPLÉTER",
        "type": "string",
        "example": "frla-1-01-13",
        "constraints": {"required": True, "pattern": "^frla-\\d-\\d+-\\d+$"},
    }
    assert schema["fields"][1]["type"] == "integer"
    assert [(f["name"], f["title"]) for f in schema["fields"][2:]] == [
        ("zonages", "À COMPLÉTER"),
        ("insee_com", "Code INSEE de la commune"),  # well-known names have a title
        ("lib_com", "Nom de la commune"),
    ]
    assert schema["fields"][1]["constraints"] == {"required": True, "enum": [1, 2]}
    assert schema["fields"][3]["constraints"] == {
        "required": True,
        "pattern": "^([013-9]\\d|2[AB1-9])\\d{3}$",
    }
    assert foreign_keys(schema) == {"insee_com": cog("communes", 2024)}
    assert (meta["cog"], list(meta)[5:7]) == (2024, ["cog", "licenses"])
    count, not_null = suite["expectations"]
    assert count["kwargs"] == {"min_value": 83, "max_value": 340}
    assert not_null["kwargs"] == {"column": "insee_com"}
    assert not_null["meta"]["severity"] == "error"


def test_codes_absent_from_the_cog_give_warnings_not_errors(real):
    """The 2021 PVD list holds 999999 / département 99 and an EPCI of COG 2020: the keys are
    declared, as warnings, and validation names each row."""
    root, _ = real
    _, schema, _ = declarations(root, "pvd-communes")
    fks = {fk["fields"]: fk for fk in schema["foreignKeys"]}
    assert set(fks) == {"insee_com", "insee_dep", "siren_epci"}
    assert all(fk["severity"] == "warning" for fk in fks.values())
    insee = next(f for f in schema["fields"] if f["name"] == "insee_com")
    assert "pattern" not in insee["constraints"]  # 999999 has not the shape of a code
    report = json.loads(run(root, "validate", "--format", "json", "pvd-communes").stdout)
    missing = sorted(
        (f["field"], f["value"]) for f in report["findings"] if f["code"] == "foreign-key-error"
    )
    assert ("insee_com", "999999") in missing and ("insee_dep", "99") in missing
    assert missing.count(("siren_epci", "200067221")) == 3


# ------------------------------------------------------------------ French spreadsheet variants


def write_csv(path: Path, rows: list[dict], delimiter: str, encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(rows[0]), delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def french_date(iso: str) -> str:
    return "/".join(reversed(iso.split("-"))) if iso else ""


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> Path:
    root = copy_repo(tmp_path_factory.mktemp("variants") / "repo", published=False)
    raw = root / "data/raw"
    # France services as a French spreadsheet saves it: ';', cp1252, CRLF, decimal comma,
    # the labelling date as its own dd/mm/yyyy column.
    rows = read_rows(SHARED / "anct_france_services_20240801.csv")
    for row in rows:
        row["latitude"] = row["latitude"].replace(".", ",")
        row["longitude"] = row["longitude"].replace(".", ",")
        row["date_labellisation"] = row.pop("labellisation_fs").removeprefix("Espace labellisé ")
    write_csv(raw / "fs-tableur.csv", rows, ";", "cp1252")
    # The 2021 PVD list with UTF-8 BOM, ';' and populations grouped by narrow no-break spaces.
    rows = read_rows(SHARED / "anct_pvd_communes_20210122.csv")
    for row in rows:
        row["pop"] = f"{int(row['pop']):,}".replace(",", "\u202f")
    write_csv(raw / "pvd-2021-tableur.csv", rows, ";", "utf-8-sig")
    # The 2024 PVD list, tab-separated, cp1252, dd/mm/yyyy signature dates.
    rows = read_rows(SHARED / "anct_pvd_communes_20240102.csv")
    for row in rows:
        row["date_signature"] = french_date(row["date_signature"])
    write_csv(raw / "pvd-2024-tableur.tsv", rows, "\t", "cp1252")
    write_xlsx(raw / "pvd-2024.xlsx", read_rows(SHARED / "anct_pvd_communes_20240102.csv"))
    for rel, name in (
        ("data/raw/fs-tableur.csv", "fs-tableur"),
        ("data/raw/pvd-2021-tableur.csv", "pvd-2021-tableur"),
        ("data/raw/pvd-2024-tableur.tsv", "pvd-2024-tableur"),
        ("data/raw/pvd-2024.xlsx", "pvd-2024-xlsx"),
    ):
        assert add(root, rel, name=name) == name
    return root


def write_xlsx(path: Path, rows: list[dict]) -> None:
    """Two title rows above the header, codes as text cells, dates as date cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Communes"
    sheet.append(["Petites villes de demain : communes lauréates (ANCT)"])
    sheet.append([])
    sheet.append(list(rows[0]))
    for row in rows:
        signed = row["date_signature"]
        sheet.append([*list(row.values())[:-1], date.fromisoformat(signed) if signed else None])
    workbook.save(path)


def test_variants_validate_and_build_keeping_codes(variants):
    names = ["fs-tableur", "pvd-2021-tableur", "pvd-2024-tableur", "pvd-2024-xlsx"]
    validate_and_build(variants, names)
    for name, source in (
        ("pvd-2021-tableur", "anct_pvd_communes_20210122.csv"),
        ("pvd-2024-tableur", "anct_pvd_communes_20240102.csv"),
        ("pvd-2024-xlsx", "anct_pvd_communes_20240102.csv"),
    ):
        assert_text_kept(variants, name, read_rows(SHARED / source))
    for name in names:
        _, schema, _ = declarations(variants, name)
        assert foreign_keys(schema)["insee_com"] == cog("communes", 2023)


def test_french_spreadsheet_dialect_types_and_formats(variants):
    meta, schema, _ = declarations(variants, "fs-tableur")
    resource = meta["resources"][0]
    assert resource["source"]["dialect"] == {
        "delimiter": ";",
        "encoding": "cp1252",
        "decimalChar": ",",
        "groupChar": "",
        "dateFormat": "%d/%m/%Y",
    }
    fields = {f["name"]: f for f in schema["fields"]}
    assert fields["latitude"]["type"] == "number"
    assert fields["latitude"]["example"] == 46.1060711578546
    assert fields["latitude"]["constraints"] == {"required": True, "minimum": -90, "maximum": 90}
    assert fields["longitude"]["constraints"]["maximum"] == 180
    assert fields["date_labellisation"]["type"] == "date"
    assert fields["date_labellisation"]["example"] == "2020-01-01"
    assert fields["code_postal"]["constraints"] == {"required": True, "pattern": "^\\d{5}$"}
    assert fields["telephone"]["description"] == "Téléphone"
    assert fields["type_fs"]["constraints"] == {"required": True, "enum": ["Antenne", "Principal"]}
    assert fields["id_fs"]["constraints"] == {"required": True, "pattern": "^\\d+$"}
    assert schema["primaryKey"] == ["id_fs"]
    assert foreign_keys(schema) == {
        "insee_dep": cog("departements", 2023),
        "insee_com": cog("communes", 2023),
    }
    assert {c["check"] for c in resource["checks"]} == {
        "commune-name",
        "commune-geography",
        "coordinates-in-france",
    }
    published = variants / "data/published/fs-tableur/fs-tableur.csv"
    first = read_rows(published)[0]
    assert (first["id_fs"], first["insee_dep"], first["insee_com"]) == ("1", "01", "01033")
    assert (first["latitude"], first["date_labellisation"]) == ("46.1060711578546", "2020-01-01")


def test_thousands_narrow_spaces_and_bom(variants):
    meta, schema, _ = declarations(variants, "pvd-2021-tableur")
    dialect = meta["resources"][0]["source"]["dialect"]
    assert (dialect["delimiter"], dialect["encoding"], dialect["groupChar"]) == (
        ";",
        "utf-8",
        "\u202f",
    )
    pop = next(f for f in schema["fields"] if f["name"] == "pop")
    assert (pop["type"], pop["example"]) == ("number", 3439)
    published = read_rows(variants / "data/published/pvd-2021-tableur/pvd-2021-tableur.csv")
    assert {r["insee_com"]: r["pop"] for r in published}["78003"] == "3439"


def test_tab_cp1252_french_dates(variants):
    meta, schema, _ = declarations(variants, "pvd-2024-tableur")
    dialect = meta["resources"][0]["source"]["dialect"]
    assert (dialect["delimiter"], dialect["encoding"], dialect["dateFormat"]) == (
        "\t",
        "cp1252",
        "%d/%m/%Y",
    )
    signed = next(f for f in schema["fields"] if f["name"] == "date_signature")
    assert signed["type"] == "date" and signed["constraints"] == {"required": False}
    published = read_rows(variants / "data/published/pvd-2024-tableur/pvd-2024-tableur.csv")
    expected = read_rows(SHARED / "anct_pvd_communes_20240102.csv")
    assert sorted(r["date_signature"] for r in published) == sorted(
        r["date_signature"] for r in expected
    )


def test_xlsx_sheet_and_header_row(variants):
    meta, schema, _ = declarations(variants, "pvd-2024-xlsx")
    source = meta["resources"][0]["source"]
    assert source == {
        "path": "data/raw/pvd-2024.xlsx",
        "format": "xlsx",
        "sheet": "Communes",
        "headerRow": 3,
        "dialect": {"decimalChar": ".", "groupChar": "", "dateFormat": "%Y-%m-%d"},
    }
    assert [f["name"] for f in schema["fields"]] == [
        "id_pvd",
        "lib_pvd",
        "insee_com",
        "lib_com",
        "date_signature",
    ]
    assert next(f for f in schema["fields"] if f["name"] == "date_signature")["type"] == "date"


def test_xlsx_findings_give_the_sheet_row(variants, tmp_path):
    """With title rows skipped, a bad cell is still reported at its row in the sheet."""
    from openpyxl import load_workbook

    root = tmp_path / "repo"
    shutil.copytree(variants, root)
    path = root / "data/raw/pvd-2024.xlsx"
    workbook = load_workbook(path)
    workbook["Communes"]["C5"] = "0103"
    workbook.save(path)
    result = run(root, "validate", "--format", "json", "pvd-2024-xlsx")
    assert result.exit_code == 1
    errors = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert {(f["code"], f["line"], f["field"]) for f in errors} == {
        ("constraint-error", 5, "insee_com"),
        ("foreign-key-error", 5, "insee_com"),
    }


# ------------------------------------------------------------------ codes stored as numbers


def as_number(code: str) -> str:
    """A code as a spreadsheet keeps it when typed in a number cell: ``01033`` → ``1033``."""
    return str(int(code)) if code.isdigit() else code


@pytest.fixture(scope="module")
def numbers(tmp_path_factory) -> tuple[Path, dict[str, list[str]]]:
    """Two real lists whose codes a spreadsheet stored as numbers: the 2024 PVD list as an
    XLSX with number cells, France services as a French CSV export (`;`, cp1252, decimal
    comma) of such a sheet. Their notes, by dataset."""
    from openpyxl import Workbook

    root = copy_repo(tmp_path_factory.mktemp("numbers") / "repo", published=False)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Communes"
    rows = read_rows(SHARED / "anct_pvd_communes_20240102.csv")
    sheet.append(list(rows[0]))
    for row in rows:
        code = row["insee_com"]
        sheet.append(
            [*row.values()][:2] + [int(code) if code.isdigit() else code] + [*row.values()][3:]
        )
    workbook.save(root / "data/raw/pvd-nombres.xlsx")
    rows = read_rows(SHARED / "anct_france_services_20240801.csv")
    for row in rows:
        for column in ("insee_dep", "insee_com", "code_postal"):
            row[column] = as_number(row[column])
        for column in ("latitude", "longitude"):
            row[column] = row[column].replace(".", ",")
    write_csv(root / "data/raw/fs-nombres.csv", rows, ";", "cp1252")
    notes = {}
    for rel, name in (
        ("data/raw/pvd-nombres.xlsx", "pvd-nombres"),
        ("data/raw/fs-nombres.csv", "fs-nombres"),
    ):
        plan = plan_add(Repo(root), rel, name=name)
        write_add(Repo(root), plan)
        notes[name] = plan.notes
    return root, notes


LOST_ZERO_HINT = (
    "un code de moins de {width} caractères a perdu son zéro initial dans un tableur, comme "
    "{example} : exportez la colonne au format texte"
)


def lost_zero_note(
    column: str, label: str, cells: int, distinct: int, shown: str, key: bool
) -> str:
    declared = (
        "Le motif et la clé étrangère vers le COG sont déclarés" if key else "Le motif est déclaré"
    )
    return (
        f"« {column} » ({label}) : zéro initial perdu dans {cells} cellule(s), {distinct} "
        f"valeur(s) distincte(s) ({shown}) : le tableur a enregistré ces codes comme des "
        f"nombres. {declared} comme pour un export correct : pipeline validate signale ces "
        "cellules en erreur tant que la colonne n'est pas exportée au format texte depuis le "
        "fichier source."
    )


def error_counts(root: Path, name: str) -> tuple[int, Counter, list[dict]]:
    result = run(root, "validate", "--format", "json", name)
    report = json.loads(result.stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    return result.exit_code, Counter((f["code"], f["field"]) for f in errors), errors


def test_xlsx_codes_stored_as_numbers_are_errors_to_fix_at_the_source(numbers):
    """The 2024 PVD list with its codes in number cells: 127 communes of départements 01 to
    09 lost their zero. The column keeps the commune pattern and an error-level key to the
    COG, so validation fails on exactly those 127 rows, saying why; the same sheet
    re-exported with text cells then validates."""
    root, notes = numbers
    assert (
        lost_zero_note(
            "insee_com",
            "code commune INSEE",
            127,
            127,
            "1033 pour 01033, 1034 pour 01034, 1072 pour 01072 …",
            True,
        )
        in notes["pvd-nombres"]
    )
    meta, schema, _ = declarations(root, "pvd-nombres")
    insee = next(f for f in schema["fields"] if f["name"] == "insee_com")
    assert (insee["type"], insee["constraints"]["pattern"]) == ("string", COMMUNE_RE)
    assert schema["foreignKeys"] == [
        {
            "fields": "insee_com",
            "reference": cog("communes", meta["cog"]),
            "hint": LOST_ZERO_HINT.format(width=5, example="1033 pour 01033"),
        }
    ]
    code, counts, errors = error_counts(root, "pvd-nombres")
    assert code == 1
    assert counts == {
        ("constraint-error", "insee_com"): 127,
        ("foreign-key-error", "insee_com"): 127,
    }
    zeros = read_rows(SHARED / "anct_pvd_communes_20240102.csv")
    lines = sorted(i for i, r in enumerate(zeros, start=2) if r["insee_com"].startswith("0"))
    assert sorted({f["line"] for f in errors}) == lines
    first = next(f for f in errors if f["code"] == "foreign-key-error")
    assert first["message"] == (
        f"« {first['value']} » (insee_com) est introuvable dans les communes du COG "
        f"{meta['cog']}. Vérifiez le code (un code de moins de 5 caractères a perdu son zéro "
        "initial dans un tableur, comme 1033 pour 01033 : exportez la colonne au format texte)."
    )
    from openpyxl import load_workbook

    path = root / "data/raw/pvd-nombres.xlsx"
    workbook = load_workbook(path)
    for (cell,) in workbook["Communes"].iter_rows(min_row=2, min_col=3, max_col=3):
        if isinstance(cell.value, int):
            cell.value = f"{cell.value:05d}"
    workbook.save(path)
    assert error_counts(root, "pvd-nombres")[:2] == (0, Counter())


def test_csv_codes_stored_as_numbers_are_errors_to_fix_at_the_source(numbers):
    """France services from a sheet whose département, commune and postal codes were number
    cells: each column is noted, keeps its pattern (and its error-level key to the COG), and
    validation names every damaged cell."""
    root, notes = numbers
    assert notes["fs-nombres"][1:] == [
        lost_zero_note(
            "insee_dep", "code département", 225, 9, "1 pour 01, 2 pour 02, 3 pour 03 …", True
        ),
        lost_zero_note(
            "insee_com",
            "code commune INSEE",
            225,
            204,
            "1004 pour 01004, 1024 pour 01024, 1033 pour 01033 …",
            True,
        ),
        lost_zero_note(
            "code_postal",
            "code postal",
            226,
            197,
            "1000 pour 01000, 1090 pour 01090, 1100 pour 01100 …",
            False,
        ),
        "« mail » : 2 valeur(s) sans la forme d'un courriel (france-service@carct.fr - "
        "maisondelagglo@carct.fr, mairie@dourgne.fr - aini.abdou@dourgne.fr - "
        "christel.dauzat@dourgne.fr) : aucun motif n'est déclaré pour ce champ : corrigez-les "
        "dans le fichier source (une valeur par cellule), puis ajoutez au schéma le motif "
        "^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$.",
    ]
    meta, schema, _ = declarations(root, "fs-nombres")
    assert meta["resources"][0]["source"]["dialect"]["decimalChar"] == ","
    fields = {f["name"]: f for f in schema["fields"]}
    assert fields["code_postal"]["constraints"] == {"required": True, "pattern": "^\\d{5}$"}
    assert {fk["fields"]: ("severity" in fk, fk["hint"][:40]) for fk in schema["foreignKeys"]} == {
        "insee_dep": (False, "un code de moins de 2 caractères a perdu"),
        "insee_com": (False, "un code de moins de 5 caractères a perdu"),
    }
    code, counts, _ = error_counts(root, "fs-nombres")
    assert code == 1
    assert counts == {
        ("constraint-error", "insee_dep"): 225,
        ("foreign-key-error", "insee_dep"): 225,
        ("constraint-error", "insee_com"): 225,
        ("foreign-key-error", "insee_com"): 225,
        ("constraint-error", "code_postal"): 226,
    }
