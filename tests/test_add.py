"""`pipeline add` on real data: every real file not yet declared, and French-spreadsheet
variants of real files (`;`, cp1252, decimal comma, thousands spaces, dd/mm/yyyy, XLSX with
title rows). Each inferred dataset must validate its own file with no error, tie its INSEE
codes to the COG and keep every code's leading zeros through the build."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from pipeline.add import plan_add, write_add
from pipeline.repo import Repo
from tests.conftest import ROOT, copy_repo, run

SHARED = Path(os.environ.get("PIPELINE_SHARED_DATA", "/work/shared/data"))
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="données partagées absentes")

COMMUNES = {"resource": "cog2023-communes", "fields": "code_insee"}
DEPARTEMENTS = {"resource": "cog2023-departements", "fields": "code"}
REGIONS = {"resource": "cog2023-regions", "fields": "code"}
EPCI = {"resource": "cog2023-epci", "fields": "code_siren"}
EPCI_EPT = {"resource": "cog2023-epci-membres", "fields": "epci_siren"}


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


def add(root: Path, rel: str, **options) -> str:
    """Add through the library (the CLI is tested on its own); the raw file must be left
    byte for byte, mtime included."""
    raw = root / rel
    before = stamp(raw)
    plan = plan_add(Repo(root), rel, **options)
    write_add(Repo(root), plan)
    assert stamp(raw) == before
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


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = copy_repo(tmp_path_factory.mktemp("real") / "repo", published=False)
    names = {}
    for source in undeclared_files():
        shutil.copy(source, root / "data/raw" / source.name)
        names[source.name] = add(root, f"data/raw/{source.name}")
    for filename, (raw, name) in REDECLARED.items():
        shutil.copy(SHARED / filename, root / "data/raw" / raw)
        names[filename] = add(root, f"data/raw/{raw}", name=name)
    return root, names


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


def test_every_real_file_validates_builds_and_keeps_its_codes(real):
    """All validate; those under 10,000 rows are also built (the three large COG-sized files
    would triple the test's time for no other code path)."""
    root, names = real
    rows = {n: read_rows(SHARED / f) for f, n in names.items()}
    small = sorted(n for n in names.values() if len(rows[n]) < 10_000)
    assert len(small) >= 10
    report = validate_and_build(root, sorted(names.values()), build=small)
    assert {d["name"] for d in report["datasets"]} == set(names.values())
    for name in small:
        assert_text_kept(root, name, rows[name])
    published = root / "data/published/villages-avenir-communes/villages-avenir-communes.csv"
    assert "va-01-01,Valromey-sur-Séran,01036,Valromey-sur-Séran\n" in published.read_text()
    # Schœlcher (COG) and Schoelcher (the list) are one name to the check add proposes: of
    # 18,726 rows, only the one whose name really differs is reported.
    ti = names["anct_ti_communes_20231114_derived_cog2023.csv"]
    assert [
        (f["line"], f["message"])
        for f in report["findings"]
        if f["dataset"] == ti and f["code"] == "commune-name-mismatch"
    ] == [
        (
            12438,
            "La commune 24177 s'appelle « Faux » dans le COG, pas « 0 ». Vérifiez le code ou le nom.",
        )
    ]


def test_every_insee_code_column_is_tied_to_the_cog(real):
    root, names = real
    for filename, name in names.items():
        _, schema, suite = declarations(root, name)
        fields = {f["name"]: f for f in schema["fields"]}
        keys = foreign_keys(schema)
        for column in ("insee_com", "code_insee"):
            if column in fields:
                assert keys[column] == COMMUNES, (filename, column)
                assert fields[column]["description"] == "Code INSEE de la commune (COG 2023)"
    _, schema, _ = declarations(root, names["cog2024_communes.csv"])
    assert foreign_keys(schema) == {
        "code_insee": COMMUNES,
        "departement": DEPARTEMENTS,
        "region": REGIONS,
        "epci": EPCI,
        "ept": EPCI_EPT,
        "chef_lieu": COMMUNES,
        "commune_parente": COMMUNES,
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
    assert foreign_keys(schema) == {"insee_com": COMMUNES}
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
        assert foreign_keys(schema)["insee_com"] == COMMUNES


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
    assert foreign_keys(schema) == {"insee_dep": DEPARTEMENTS, "insee_com": COMMUNES}
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
