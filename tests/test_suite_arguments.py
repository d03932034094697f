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
