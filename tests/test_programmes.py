"""Programme datasets: referential checks, the TI commune derivation, commune coverage and
the headline-figure verdicts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.catalog import load_catalog
from pipeline.checks.figures import evaluate
from pipeline.figures import figures_readme_section
from pipeline.precision import parse
from pipeline.repo import Repo
from pipeline.tables import Workspace
from tests.conftest import ROOT, findings

SHARED_TI = Path("/work/shared/data/anct_ti_communes_20231114_derived_cog2023.csv")
COM_PAT = "^([013-9]\\d|2[AB1-9])\\d{3}$"


EXAMPLES = {"string": "x", "integer": 1, "number": 1.5, "boolean": True}


def _field(name, type="string", **cons):
    out = {"name": name, "type": type, "example": EXAMPLES[type]}
    if cons:
        out["constraints"] = cons
    return out


def make_dataset(root: Path, name: str, resources: list[dict], **meta) -> None:
    """Write ``schemas/<name>/`` with one schema per resource; ``resources`` items carry
    ``schema`` (a dict) and optionally ``csv`` (raw text written to data/raw/<name>.csv)."""
    folder = root / "schemas" / name
    folder.mkdir(parents=True, exist_ok=True)
    decls = []
    for res in resources:
        res = dict(res)
        schema = res.pop("schema")
        text = res.pop("csv", None)
        (folder / f"{res['name']}.schema.json").write_text(json.dumps(schema), encoding="utf-8")
        res["schema"] = f"{res['name']}.schema.json"
        if text is not None:
            (root / "data/raw").mkdir(parents=True, exist_ok=True)
            (root / "data/raw" / f"{res['name']}.csv").write_text(text, encoding="utf-8")
            res["source"] = {"path": f"data/raw/{res['name']}.csv"}
        decls.append(res)
    desc = {
        "name": name,
        "title": name,
        "description": "Jeu de test",
        "created": "2024-01-01",
        "licenses": [{"name": "etalab-2.0", "title": "Licence Ouverte 2.0"}],
        "resources": decls,
        **meta,
    }
    (folder / "dataset.json").write_text(json.dumps(desc), encoding="utf-8")


@pytest.fixture
def real_ref(tmp_path: Path) -> Path:
    """A repository holding only the real COG 2023 reference."""
    root = tmp_path / "r"
    shutil.copytree(ROOT / "schemas/reference", root / "schemas/reference")
    shutil.copytree(ROOT / "data/reference", root / "data/reference")
    (root / "data/published").mkdir(parents=True)
    return root


def _codes(found: list[dict]) -> list[tuple]:
    return [(f["code"], f["severity"], f["line"], f["value"]) for f in found]


# ---------------------------------------------------------------- referential checks


def test_unknown_commune_code_is_an_error_naming_row_and_value(real_ref):
    schema = {
        "fields": [_field("insee_com", pattern=COM_PAT), _field("lib_com")],
        "foreignKeys": [
            {
                "fields": "insee_com",
                "reference": {"resource": "cog2023-communes", "fields": "code_insee"},
            }
        ],
    }
    csv = "insee_com,lib_com\n2A004,Ajaccio\n2B033,Bastia\n01999,Nulle part\n"
    make_dataset(real_ref, "t", [{"name": "t", "schema": schema, "csv": csv}])
    code, found = findings(real_ref, "t")
    assert code == 1
    assert _codes(found) == [("foreign-key-error", "error", 4, "01999")]
    assert "01999" in found[0]["message"]


def test_grouping_checked_against_epci_or_ept_by_its_type(real_ref):
    schema = {"fields": [_field("code_groupement"), _field("type_code")]}
    check = {
        "check": "grouping-in-reference",
        "field": "code_groupement",
        "type": "type_code",
        "references": {
            "epci_siren": {"resource": "cog2023-epci", "field": "code_siren"},
            "ept_siren": {"resource": "cog2023-epci-membres", "field": "epci_siren"},
        },
    }
    csv = (
        "code_groupement,type_code\n"
        "200000172,epci_siren\n"  # a real EPCI
        "200057990,ept_siren\n"  # a real EPT, absent from the EPCI list
        "200057990,epci_siren\n"  # the EPT declared as an EPCI
        "123456789,epci_siren\n"  # unknown
        "200000172,region_siren\n"  # no reference for this type
    )
    make_dataset(real_ref, "g", [{"name": "g", "schema": schema, "csv": csv, "checks": [check]}])
    code, found = findings(real_ref, "g")
    assert code == 1
    assert _codes(found) == [
        ("grouping-not-found", "error", 4, "200057990"),
        ("grouping-not-found", "error", 5, "123456789"),
        ("grouping-unknown-kind", "error", 6, "200000172"),
    ]


def test_departement_and_region_must_agree_with_the_reference(real_ref):
    schema = {"fields": [_field("insee_com"), _field("dep"), _field("reg")]}
    check = {"check": "commune-geography", "code": "insee_com", "departement": "dep",
             "region": "reg"}  # fmt: skip
    csv = "insee_com,dep,reg\n2A004,2A,94\n01053,01,11\n76540,27,28\n"
    make_dataset(real_ref, "geo", [{"name": "geo", "schema": schema, "csv": csv,
                                    "checks": [check]}])  # fmt: skip
    code, found = findings(real_ref, "geo")
    assert code == 1
    assert _codes(found) == [
        ("commune-region-mismatch", "error", 3, "11"),
        ("commune-departement-mismatch", "error", 4, "27"),
    ]


def test_qpv_code_pattern_of_the_published_schema(real_ref):
    schema = json.loads(
        (ROOT / "schemas/quartiers-prioritaires/quartiers-prioritaires.schema.json").read_text()
    )
    schema.pop("foreignKeys")
    csv = (
        "code_qp,lib_qp,insee_com,lib_com\n"
        "QN00101M,Quartier,01053,Bourg-en-Bresse\n"
        "QN97101M,Quartier,97101,Les Abymes\n"
        "QN02A01M,Quartier,2A004,Ajaccio\n"
        "QP001001,Ancien code 2015,01053,Bourg-en-Bresse\n"
    )
    make_dataset(real_ref, "q", [{"name": "q", "schema": schema, "csv": csv}])
    code, found = findings(real_ref, "q")
    assert code == 1
    assert _codes(found) == [("constraint-error", "error", 5, "QP001001")]


def test_name_mismatch_is_a_warning(real_ref):
    schema = {"fields": [_field("insee_com"), _field("lib_com")]}
    check = {"check": "commune-name", "code": "insee_com", "name": "lib_com",
             "severity": "warning"}  # fmt: skip
    csv = "insee_com,lib_com\n2A004,Ajaccio\n01053,Lyon\n"
    make_dataset(real_ref, "n", [{"name": "n", "schema": schema, "csv": csv,
                                  "checks": [check]}])  # fmt: skip
    code, found = findings(real_ref, "n")
    assert code == 0
    assert _codes(found) == [("commune-name-mismatch", "warning", 3, "Lyon")]


# ---------------------------------------------------------------- TI derivation


@pytest.mark.skipif(not SHARED_TI.exists(), reason="fichier partagé absent")
def test_ti_communes_derivation_equals_the_shared_file():
    """The shared file expands the list of 14 November 2023 with the COG 2023: the edition
    the 2023 coverage reads (the live package has moved to the 2024 list and COG)."""
    ws = Workspace(load_catalog(Repo(ROOT)))
    report = ws.catalog.datasets["couverture-communale-2023"]
    table = ws.view(report).table("territoires-d-industrie-communes")
    assert table.key == "territoires-d-industrie-communes@2023-11-14#couverture-communale-2023"
    assert table.findings == []
    expected = pd.read_csv(SHARED_TI, dtype=str, keep_default_na=False)
    got = table.text[list(expected.columns)]
    assert len(got) == 18726
    assert set(got.itertuples(index=False, name=None)) == set(
        expected.itertuples(index=False, name=None)
    )


# ---------------------------------------------------------------- coverage

COMMUNES = """code_insee,nom,type,zone,departement,region,arrondissement,siren,population,codes_postaux,epci,ept,chef_lieu,commune_parente,rang_chef_lieu,type_liaison
2A001,Alpha,commune-actuelle,metro,2A,94,,,100,,,,,,,
2A002,Beta,commune-actuelle,metro,2A,94,,,300,,,,,,,
2A003,Delta,commune-deleguee,metro,2A,94,,,,,,,2A002,,,
97101,Gamma,commune-actuelle,drom,971,01,,,600,,,,,,,
97501,Epsilon,commune-actuelle,com,975,975,,,50,,,,,,,
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A hand-made reference: 3 communes in metro + DROM (populations 100, 300, 600), a
    commune déléguée of Beta and a COM commune that must be left out."""
    root = tmp_path / "tiny"
    shutil.copytree(ROOT / "schemas/reference", root / "schemas/reference")
    ref = root / "data/reference"
    ref.mkdir(parents=True)
    (root / "data/published").mkdir(parents=True)
    (ref / "cog2023_communes.csv").write_text(COMMUNES, encoding="utf-8")
    (ref / "cog2023_regions.csv").write_text(
        "code,nom,chef_lieu,zone,type_liaison\n01,Guadeloupe,97105,drom,3\n94,Corse,2A004,metro,0\n"
        "975,Saint-Pierre-et-Miquelon,97502,com,0\n",
        encoding="utf-8",
    )
    (ref / "cog2023_departements.csv").write_text(
        "code,nom,region,chef_lieu,zone,type_liaison\n2A,Corse-du-Sud,94,2A004,metro,0\n"
        "971,Guadeloupe,01,97105,drom,3\n975,Saint-Pierre-et-Miquelon,975,97502,com,0\n",
        encoding="utf-8",
    )
    (ref / "cog2023_epci.csv").write_text(
        "code_siren,nom,type,mode_financement,population_totale,population_municipale,"
        "nb_communes\n200000001,CC Test,CC,FPU,400,400,2\n",
        encoding="utf-8",
    )
    (ref / "cog2023_epci_membres.csv").write_text(
        "epci_siren,epci_nom,code_insee,siren,nom,population_totale,population_municipale\n"
        "200000001,CC Test,2A001,,Alpha,100,100\n200000001,CC Test,2A002,,Beta,300,300\n",
        encoding="utf-8",
    )
    for path in list(ref.glob("cog2023_*.csv")):  # the COG 2024 tables, declared too
        shutil.copy(path, ref / path.name.replace("cog2023", "cog2024"))
    prog = {"fields": [_field("insee_com")]}
    make_dataset(root, "prog-a", [{"name": "prog-a", "schema": prog,
                                   "csv": "insee_com\n2A001\n2A003\n"}])  # fmt: skip
    make_dataset(root, "prog-b", [{"name": "prog-b", "schema": prog,
                                   "csv": "insee_com\n2A001\n97501\n"}])  # fmt: skip
    cov = {"fields": [_field(n) for n in ("code_insee", "nom", "departement", "region")]
           + [_field("population", "integer")]
           + [_field(n, "boolean") for n in ("a", "b")]
           + [_field("nb_programmes", "integer")], "primaryKey": ["code_insee"]}  # fmt: skip
    summary = {"fields": [_field(n) for n in ("niveau", "code", "nom")]
               + [_field(n, "number") for n in (
                   "communes", "communes_couvertes", "part_communes", "population",
                   "population_couverte", "part_population", "communes_a", "communes_b")]}  # fmt: skip
    make_dataset(
        root,
        "couverture",
        [
            {
                "name": "couverture",
                "schema": cov,
                "derive": {
                    "kind": "coverage",
                    "where": [
                        {"field": "type", "op": "==", "value": "commune-actuelle"},
                        {"field": "zone", "op": "in", "value": ["metro", "drom"]},
                    ],
                },
            },
            {
                "name": "synthese",
                "schema": summary,
                "derive": {"kind": "coverage-summary", "coverage": "couverture"},
            },
        ],
        programmes=[
            {"column": "a", "label": "A", "resource": "prog-a", "field": "insee_com"},
            {"column": "b", "label": "B", "resource": "prog-b", "field": "insee_com"},
        ],
    )
    return root


def test_coverage_on_a_hand_made_reference(tiny):
    ws = Workspace(load_catalog(Repo(tiny)))
    cov = ws.table("couverture")
    assert cov.findings == []
    rows = cov.text.set_index("code_insee")[["a", "b", "nb_programmes"]]
    assert rows.to_dict("index") == {
        "2A001": {"a": "true", "b": "true", "nb_programmes": "2"},
        "2A002": {"a": "true", "b": "false", "nb_programmes": "1"},  # via its commune déléguée
        "97101": {"a": "false", "b": "false", "nb_programmes": "0"},
    }
    summary = ws.table("synthese").text.set_index("nom")
    france = summary.loc["France (métropole et DROM)"]
    assert (france["communes"], france["communes_couvertes"]) == ("3", "2")
    assert float(france["part_communes"]) == pytest.approx(66.67)
    assert (france["population"], france["population_couverte"]) == ("1000", "400")
    assert float(france["part_population"]) == pytest.approx(40.0)
    assert (france["communes_a"], france["communes_b"]) == ("2", "1")
    assert float(summary.loc["Corse", "part_communes"]) == 100
    assert float(summary.loc["Guadeloupe", "part_communes"]) == 0
    assert len(summary) == 3


def test_expanded_groupings_in_order_without_repeats(tiny):
    """Each grouping's members in the membership table's order, groupings in file order, then
    the groupings that are communes (named as in the COG, '' when unknown); a row repeating
    the kept values and the commune of an earlier one is left out."""
    schema = {"fields": [_field(n) for n in ("id", "code_groupement", "insee_com")]}
    csv = (
        "id,code_groupement,insee_com\nt1,200000001,\nt2,,97101\nt1,200000001,\n"
        "t2,200000001,\nt1,,2A001\nt3,,99999\n"
    )
    out = {"fields": [_field(n) for n in ("id", "via_groupement", "insee_com", "lib_com")]}
    derive = {
        "kind": "expand-groupings",
        "groupings": "groupes",
        "code": "code_groupement",
        "commune": "insee_com",
        "keep": ["id"],
        "members": "cog2023-epci-membres",
        "member_group": "epci_siren",
        "member_code": "code_insee",
        "member_name": "nom",
        "communes": "cog2023-communes",
        "output": {"code": "insee_com", "name": "lib_com", "via": "via_groupement"},
    }
    make_dataset(
        tiny,
        "groupes",
        [
            {"name": "groupes", "schema": schema, "csv": csv},
            {"name": "communes-des-groupes", "schema": out, "derive": derive},
        ],
    )
    ws = Workspace(load_catalog(Repo(tiny)))
    got = ws.table("communes-des-groupes").text
    assert list(got.itertuples(index=False, name=None)) == [
        ("t1", "200000001", "2A001", "Alpha"),
        ("t1", "200000001", "2A002", "Beta"),
        ("t2", "200000001", "2A001", "Alpha"),
        ("t2", "200000001", "2A002", "Beta"),
        ("t2", "", "97101", "Gamma"),
        ("t3", "", "99999", ""),
    ]


# ---------------------------------------------------------------- figures


def test_a_verdict_is_concorde_within_the_precision_of_the_published_figure():
    exact, hundred, point = parse("exact"), parse("hundred"), parse("point")
    assert (exact.verdict(2458, 2458), exact.verdict(501, 493)) == ("concorde", "écart")
    assert parse(None) == exact
    # « 2 700 » rounded to the hundred covers 2 650 to 2 750
    assert [hundred.verdict(2700, v) for v in (2705, 2650, 2750, 2649, 2751)] == [
        "concorde", "concorde", "concorde", "écart", "écart"]  # fmt: skip
    # « 63 % » to the point covers 62.5 % to 63.5 %
    assert [point.verdict(63, v) for v in (62.5, 63.49, 60.81, 63.51)] == [
        "concorde", "concorde", "écart", "écart"]  # fmt: skip
    assert parse("thousand").verdict(19000, 19499) == "concorde"
    assert parse("tenth").verdict(19.5, 19.56) == "écart"
    about = parse({"about": 0.05})  # « environ 54 millions »: ± 2.7
    assert (about.verdict(54, 56.24), about.verdict(54, 56.8)) == ("concorde", "écart")
    assert exact.verdict(88, None) == "non vérifiable"
    assert [parse(p).text for p in ("exact", "unit", "ten", "hundred", "thousand", "point")] == [
        "exact", "arrondi à l'unité", "arrondi à la dizaine", "arrondi à la centaine",
        "arrondi au millier", "pourcentage arrondi au point"]  # fmt: skip
    assert about.text == "environ (± 5 %)"


def test_headline_figures_on_the_repository():
    from pipeline.validate import validate

    v = validate(Repo(ROOT), ["chiffres-cles-2023"])
    checks = {c.figure_id: c for c in v.report.figures}
    assert {c.verdict for c in checks.values()} == {"concorde", "écart", "non vérifiable"}
    assert (checks["tiers-lieux-crees"].recomputed, checks["tiers-lieux-crees"].verdict) == (
        493,
        "écart",
    )
    # « 2 700 » is rounded to the hundred: the 2 705 principal sites agree with it
    france_services = checks["france-services-labellisees"]
    assert (france_services.recomputed, france_services.verdict) == (2705, "concorde")
    assert france_services.precision == "arrondi à la centaine"
    assert france_services.method == (
        "nombre de lignes de la ressource france-services (édition du 1er août 2024 : "
        "data/raw/anct_france_services_20240801.csv) où type_fs = « Principal » et "
        "date_labellisation ≤ « 2023-12-31 »"
    )
    for fid, value in (("va-communes-labellisees", 2458), ("ti-laureats-temps-2", 183),
                       ("immobilier-commercial-accompagnements", 99)):  # fmt: skip
        assert (checks[fid].recomputed, checks[fid].verdict) == (value, "concorde")
    assert checks["couverture-communes"].verdict == "écart"
    assert 60 < checks["couverture-communes"].recomputed < 62
    unverifiable = {k for k, c in checks.items() if c.verdict == "non vérifiable"}
    assert unverifiable == {
        "ingenierie-credits-engages",
        "ingenierie-projets-accompagnes",
        "ingenierie-projets-crte",
        "beneficiaires-moins-3500",
    }
    codes = sorted(f.code for f in v.report.findings if f.dataset == "chiffres-cles-2023")
    assert codes == ["figure-gap"] * 2 + ["figure-unverifiable"] * 4
    assert all(f.severity == "warning" for f in v.report.findings)
    table = v.workspace.table("verification").text
    assert len(table) == 11 and set(table["verdict"]) == {"concorde", "écart", "non vérifiable"}
    section = figures_readme_section(
        v.report.figures, v.workspace.catalog.datasets["chiffres-cles-2023"]
    )
    assert "Tiers-lieux créés | 501 tiers-lieux | 493 tiers-lieux | -8 | exact | écart" in section
    # French numbers for people (decimal comma, narrow no-break space between thousands)…
    assert (
        "| 2\u202f700 structures | 2\u202f705 structures | 5 | arrondi à la centaine | concorde |"
        in section
    )
    assert "| 63 % | 60,81 % | -2,19 | pourcentage arrondi au point | écart |" in section
    assert "| 19,5 millions d'euros | — | — | arrondi au dixième | non vérifiable |" in section
    messages = {f.check: f.message for f in v.report.findings if f.dataset == "chiffres-cles-2023"}
    tiers_lieux = messages["tiers-lieux-crees"]
    assert "publié 501 tiers-lieux, recalculé 493 tiers-lieux" in tiers_lieux
    assert tiers_lieux.endswith("(écart -8 tiers-lieux ; précision du chiffre publié : exact).")
    assert "publié 63 %, recalculé 60,81 %" in messages["couverture-communes"]
    assert messages["couverture-communes"].endswith(
        "(écart -2,19 % ; précision du chiffre publié : pourcentage arrondi au point)."
    )
    assert "(1\u202f733 projets) : non vérifiable" in messages["ingenierie-projets-accompagnes"]
    # …but machine-readable values in the published verification table
    rows = table.set_index("figure_id")
    coverage = rows.loc["couverture-communes"]
    assert [coverage.valeur_publiee, coverage.valeur_recalculee, coverage.ecart] == [
        "63",
        "60.81",
        "-2.19",
    ]
    assert rows.loc["france-services-labellisees", "valeur_recalculee"] == "2705"
    assert rows.loc["france-services-labellisees", "precision"] == "arrondi à la centaine"
    assert rows.loc["ingenierie-credits-engages", "valeur_publiee"] == "19.5"


def test_french_figure_formatting():
    from pipeline.checks.figures import fmt, fr

    assert fr(2705, "structures") == "2\u202f705 structures"
    assert fr(1234567.891) == "1\u202f234\u202f567,89"
    assert fr(60.81, "%") == "60,81 %"
    assert fr(-2.19, "%", sign=True) == "-2,19 %"
    assert fr(5, "structures", sign=True) == "+5 structures"
    assert fr(0, sign=True) == "0"
    assert fr(None, "%") == "—"
    assert (fmt(1234567.891), fmt(60.81), fmt(2705.0), fmt(None)) == (
        "1234567.89",
        "60.81",
        "2705",
        "",
    )


def test_unknown_figure_method_is_a_config_error(tmp_path):
    from pipeline.errors import ConfigError

    ws = Workspace(load_catalog(Repo(ROOT)))
    with pytest.raises(ConfigError, match="median"):
        evaluate(ws, _with_figures(ws, [{"id": "tiers-lieux-crees", "method": "median",
                                         "resource": "fabriques-de-territoire"}]))  # fmt: skip
    # options are checked against the method's schema: a precision it does not know, a
    # hand-written methode (now written from the declaration) are refused, naming the figure
    for bad, word in (({"precision": "approx"}, "approx"), ({"methode": "à la main"}, "methode")):
        spec = {"id": "tiers-lieux-crees", "method": "row-count",
                "resource": "fabriques-de-territoire", **bad}  # fmt: skip
        with pytest.raises(ConfigError, match=f"tiers-lieux-crees.*{word}"):
            evaluate(ws, _with_figures(ws, [spec]))


def _with_figures(ws, figures):
    from dataclasses import replace

    ds = ws.catalog.datasets["chiffres-cles-2023"]
    return replace(ds, meta={**ds.meta, "figures": figures})


def test_figure_naming_a_resource_the_repository_lacks_is_a_declaration_error(tmp_path):
    """A figure whose detail resource is not declared is refused at load (a typo in a
    resource name would otherwise turn the figure « non vérifiable » in silence)."""
    from pipeline.declarations.problems import DeclarationError
    from pipeline.validate import validate
    from tests.conftest import copy_repo

    root = copy_repo(tmp_path / "solo", published=False, datasets=("chiffres-cles-2023",))
    with pytest.raises(DeclarationError) as caught:
        validate(Repo(root), ["chiffres-cles-2023"])
    problems = caught.value.problems
    assert {p.file for p in problems} == {"schemas/chiffres-cles-2023/dataset.json"}
    paths = [p.path for p in problems]
    assert "figures[8].parts[0].resource" in paths
    tiers = next(p for p in problems if p.path == "figures[8].parts[0].resource")
    assert tiers.message.startswith("ressource « fabriques-de-territoire » inconnue")
    assert tiers.line is not None
