"""Expectation arguments: the load check of the types the pipeline compiles (which does not
import Great Expectations) refuses whatever GX itself refuses; what GX refuses or fails to run
later is a declaration error naming the suite, the JSON path and the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.declarations.gx_arguments import gx_problems
from pipeline.declarations.problems import DeclarationError
from pipeline.declarations.suites import check_suite
from pipeline.declarations.values import Engine
from pipeline.sql.expectations import EXPECTATIONS
from tests.conftest import run
from tests.declaration_cases import FS_SUITE, edit

COLUMNS = {"n": "integer", "x": "number", "s": "string", "d": "date", "b": "boolean"}
BASE = {
    "column": "n",
    "column_A": "n",
    "column_B": "x",
    "column_list": ["n", "x"],
    "value_set": [1, 2],
    "regex": "^a",
    "regex_list": ["^a"],
    "sum_total": 3,
    "value": 3,
}
POOL = [None, 7, -1, 0, 2.5, True, "", "x", "12", "2024-01-01", [], ["n"], ["x", 1], {}, {"x": 1}]
SKIPPED = ("meta", "result_format", "catch_exceptions", "row_condition", "condition_parser")


def base(etype: str) -> dict:
    spec = EXPECTATIONS[etype]
    kw = {k: BASE[k] for k in spec.required}
    if "regex" in spec.optional:  # optional for GX, but then it matches anything
        kw["regex"] = BASE["regex"]
    if etype.endswith("_to_be_between"):
        kw |= {"min_value": 0, "max_value": 1}
    if etype == "expect_table_columns_to_match_ordered_list":
        kw["column_list"] = list(COLUMNS)
    if etype == "expect_table_columns_to_match_set":
        kw["column_set"] = list(COLUMNS)
    return kw


def variants(etype: str):
    kw = base(etype)
    yield kw
    names = sorted(set(EXPECTATIONS[etype].kwargs) - set(SKIPPED))
    for name in names:
        yield {k: v for k, v in kw.items() if k != name}
        for value in POOL:
            yield {**kw, name: value}
    if "min_value" in names:
        yield {**kw, "min_value": 5, "max_value": 4}
        yield {**kw, "min_value": "2024-02-01", "max_value": "2024-01-01"}


def ours(entry: dict) -> list:
    found: list = []
    check_suite({"expectations": [entry]}, COLUMNS, ENGINE, lambda p, m: found.append(m), "s")
    return found


ENGINE = Engine()


@pytest.mark.parametrize("etype", sorted(t for t, s in EXPECTATIONS.items() if s.compiled))
def test_what_gx_refuses_of_a_compiled_type_the_load_check_refuses(etype: str) -> None:
    """GX is not imported at load for a compiled type (seconds on every run): its checks
    must be covered by the JSON Schema and suite_arguments, for every argument and value."""
    refused = 0
    for kw in variants(etype):
        entry = {"type": etype, "kwargs": kw}
        if gx_problems(entry):
            refused += 1
            assert ours(entry), f"GX refuses, the load check accepts: {entry}"
    assert ours({"type": etype, "kwargs": base(etype)}) == []
    assert refused >= 3


def test_a_suite_gx_refuses_while_running_is_a_declaration_error_with_its_line(tmp_path) -> None:
    """The GX engine's own check (a type run by GX refusing its arguments late, say under
    --engine gx): the suite file relative to the repository, the JSON path, the line."""
    from pipeline.checks.gx_engine import ENTRY, load_suite

    suite = tmp_path / "schemas/jeu/jeu.expectations.json"
    suite.parent.mkdir(parents=True)
    entries = [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "n"}},
        {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "n", "min_value": "a"}},
    ]
    suite.write_text(json.dumps({"expectations": entries}, indent=2), encoding="utf-8")
    tagged = [{**e, "meta": {ENTRY: i}} for i, e in enumerate(entries)]
    with pytest.raises(DeclarationError) as caught:
        load_suite(tagged, "jeu", suite, tmp_path)
    (problem,) = caught.value.problems
    lines = suite.read_text(encoding="utf-8").splitlines()
    assert (problem.file, problem.path) == (
        "schemas/jeu/jeu.expectations.json",
        "expectations[1].kwargs.min_value",
    )
    assert lines[problem.line - 1].strip() == '"min_value": "a"'
    assert problem.message.startswith("doit être un nombre ou une date ISO")


def test_a_failure_while_gx_runs_is_a_declaration_error_in_every_format(repo: Path) -> None:
    """A row condition pandas reads, but that compares text with a number: GX fails on the
    data. The JSON report and the GitHub annotation still name the suite, path and line."""
    rule = {
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "lib_fs", "row_condition": "lib_fs > 3"},
    }
    edit(FS_SUITE, lambda d: d["expectations"].append(rule))(repo)
    result = run(repo, "validate", "--format", "json", "france-services")
    assert result.exit_code == 2, result.output
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "declaration-error"
    assert finding["file"] == FS_SUITE
    assert finding["check"] == "expectations[4].kwargs.row_condition"
    assert "n'a pas pu exécuter" in finding["message"]
    lines = (repo / FS_SUITE).read_text(encoding="utf-8").splitlines()
    assert '"row_condition"' in lines[finding["line"] - 1]
    result = run(repo, "validate", "--format", "github", "france-services")
    assert result.exit_code == 2
    assert f"::error file={FS_SUITE},line={finding['line']}" in result.stderr
    assert "Traceback" not in result.output and "Erreur interne" not in result.output


def test_what_gx_cannot_compare_with_dates_is_refused_at_load() -> None:
    """A date column reaches GX as dates, a date and time column as text: a bound, a set
    member, a paired column or a row condition's parameter GX would never find equal, or
    fail to order, is refused at load whatever the engine, with its JSON path."""
    columns = {"d": "date", "dt": "datetime", "s": "string"}
    entries = [
        ("expect_column_values_to_be_between", {"column": "d", "min_value": "2024-01-31T10:00"}),
        ("expect_column_max_to_be_between", {"column": "d", "max_value": "2024-01-31 00:00:00"}),
        ("expect_column_values_to_be_between", {"column": "dt", "max_value": "2024-01-31"}),
        ("expect_column_values_to_not_be_in_set", {"column": "d", "value_set": ["2024-01-31", 3]}),
        ("expect_column_pair_values_to_be_equal", {"column_A": "s", "column_B": "d"}),
        ("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "dt", "column_B": "d"}),
        (
            "expect_column_values_to_not_be_null",
            {
                "column": "s",
                "row_condition": {
                    "type": "or",
                    "conditions": [
                        _compared("d", "IN", ["2024-01-31"]),
                        _compared("d", "==", "31/01/2024"),
                    ],
                },
            },
        ),
        ("expect_column_values_to_match_strftime_format", {"column": "d", "strftime_format": "%Y"}),
        # accepted: ISO dates on dates, the minimum of a date and time column, dates paired
        ("expect_column_values_to_be_between", {"column": "d", "min_value": "2024-01-31"}),
        ("expect_column_min_to_be_between", {"column": "dt", "min_value": "2024-01-31"}),
        ("expect_column_values_to_be_in_set", {"column": "d", "value_set": ["2024-02-29"]}),
        ("expect_column_pair_values_to_be_equal", {"column_A": "d", "column_B": "d"}),
        (
            "expect_column_values_to_not_be_null",
            {"column": "s", "row_condition": _compared("d", ">", "2024-02-29")},
        ),
    ]
    suite = {"expectations": [{"type": t, "kwargs": kw} for t, kw in entries]}
    found: list = []
    check_suite(suite, columns, ENGINE, lambda p, m: found.append((p, m)), "s")
    day = "la colonne « d » est une date sans heure : écrivez la borne sans heure, « 2024-01-31 »"
    assert [("".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in p), m) for p, m in found] == [
        (".expectations[0].kwargs.min_value", f"{day} (AAAA-MM-JJ), la seule que Great "
         "Expectations compare à ses dates"),
        (".expectations[1].kwargs.max_value", f"{day} (AAAA-MM-JJ), la seule que Great "
         "Expectations compare à ses dates"),
        (".expectations[2].kwargs.max_value", "la colonne « dt » est une date et heure : ni "
         "Great Expectations ni le pipeline ne comparent ses valeurs à une borne, ligne à "
         "ligne ; bornez-la dans le Table Schema (« constraints » : « minimum », « maximum »), "
         "ou bornez sa plus petite et sa plus grande valeur (expect_column_min_to_be_between, "
         "expect_column_max_to_be_between)"),
        (".expectations[3].kwargs.value_set[1]", "la colonne « d » est une date : écrivez la "
         "valeur 3 comme une date ISO sans heure entre guillemets (« 2024-01-31 »), sans quoi "
         "elle n'égale aucune valeur"),
        (".expectations[4].kwargs.column_B", "« s » est de type string et « d » de type date : "
         "Great Expectations ne compare une date qu'à une date (une date n'égale jamais un "
         "texte ou un nombre) ; nommez deux colonnes de dates"),
        (".expectations[5].kwargs.column_B", "« dt » est de type datetime et « d » de type "
         "date : Great Expectations ne compare une date qu'à une date (une date n'égale jamais "
         "un texte ou un nombre) ; nommez deux colonnes de dates"),
        (".expectations[6].kwargs.row_condition.conditions[0].operator", "« d » est une date, "
         "que Great Expectations ne cherche pas dans une liste (IN et NOT_IN ne prennent que des "
         "textes et des nombres, qui n'égalent aucune date) : reliez des comparaisons « == » par "
         '{"type": "or", "conditions": […]}'),
        (".expectations[6].kwargs.row_condition.conditions[1].parameter", "« d » est une date : "
         "écrivez « 31/01/2024 » comme une date ISO sans heure entre guillemets (« 2024-01-31 »), "
         "la seule que Great Expectations lui compare"),
        (".expectations[7].kwargs.column", "la colonne « d » est une date : Great Expectations "
         "la reçoit en dates, et cette attente ne lit que du texte ; retirez-la (le format d'une "
         "date se déclare dans son champ du Table Schema, « format », et s'y vérifie)"),
    ]  # fmt: skip


def _compared(column: str, operator: str, parameter: object) -> dict:
    """A comparison of GX's structured row conditions."""
    return {"type": "comparison", "column": {"name": column}, "operator": operator,
            "parameter": parameter}  # fmt: skip


def test_a_row_condition_comparing_a_date_with_a_text_says_how_to_write_it(repo: Path) -> None:
    """A date column reaches GX as dates: a text row condition comparing it with a text
    fails in GX (whatever the engine: a row condition runs there), told in French with the
    two forms that run; these select the same rows."""

    def rule(condition) -> dict:
        kw = {"column": "type_fs", "value_set": ["Principal"], "row_condition": condition}
        return {"type": "expect_column_values_to_be_in_set", "kwargs": kw}

    edit(FS_SUITE, lambda d: d["expectations"].append(rule('date_labellisation > "2023-06-01"')))(
        repo
    )
    result = run(repo, "validate", "--format", "json", "france-services")
    assert result.exit_code == 2, result.output
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["check"]) == (
        "declaration-error",
        "expectations[4].kwargs.row_condition",
    )
    assert "remise à Great Expectations en dates" in finding["message"]
    assert 'date_debut.astype("str") > "2024-01-31"' in finding["message"]
    found = []
    for condition in (
        'date_labellisation.astype("str") > "2023-06-01"',
        {"type": "comparison", "column": {"name": "date_labellisation"}, "operator": ">",
         "parameter": "2023-06-01"},
    ):  # fmt: skip
        edit(FS_SUITE, lambda d, c=condition: d["expectations"].__setitem__(4, rule(c)))(repo)
        result = run(repo, "validate", "--format", "json", "france-services")
        assert result.exit_code == 1, result.output
        found.append([
            (f["line"], f["value"]) for f in json.loads(result.stdout)["findings"]
            if f["check"] == "expect_column_values_to_be_in_set"
        ])  # fmt: skip
    assert found[0] == found[1] and found[0]
