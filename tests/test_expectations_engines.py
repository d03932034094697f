"""The native evaluator and Great Expectations give the same findings, on every committed
suite and on fixtures where each supported expectation type fails."""

from __future__ import annotations

import json

import pytest

from pipeline.catalog import load_catalog
from pipeline.errors import ConfigError
from pipeline.repo import Repo
from pipeline.validate import validate
from tests.conftest import MINI_OK, ROOT


def _key(findings):
    return [
        (f.dataset, f.severity, f.code, f.check, f.line, f.field, f.value, f.message)
        for f in findings
    ]


def test_engines_agree_on_every_committed_suite():
    repo = Repo(ROOT)
    suites = [r for d in load_catalog(repo).datasets.values() for r in d.resources if r.suite]
    assert len(suites) >= 10
    fast = validate(repo, engine="fast").report.sorted_findings()
    gx = validate(repo, engine="gx").report.sorted_findings()
    assert _key(fast) == _key(gx)
    assert sum(f.code == "expectation-failed" for f in fast) >= 9  # the Villages d'avenir ones


SUITE = {
    "name": "mini",
    "expectations": [
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "taux", "min_value": 1, "max_value": 40},
            "meta": {"id": "between", "severity": "warning"},
        },
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "montant", "max_value": 100, "mostly": 0.5},
            "meta": {"id": "mostly"},
        },
        {
            "type": "expect_column_values_to_match_regex",
            "kwargs": {"column": "lib_com", "regex": "^B"},
            "meta": {
                "id": "regex",
                "severity": "warning",
                "message": "{lib_com} ne commence pas par B",
            },
        },
        {
            "type": "expect_column_values_to_not_match_regex",
            "kwargs": {"column": "lib_com", "regex": "rom"},
            "meta": {"id": "not-regex", "severity": "warning"},
        },
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "insee_com", "value_set": ["01036", "01063"]},
            "meta": {"id": "in-set", "severity": "warning"},
        },
        {
            "type": "expect_column_values_to_not_be_in_set",
            "kwargs": {"column": "insee_com", "value_set": ["01063"]},
            "meta": {"id": "not-in-set", "severity": "warning"},
        },
        {
            "type": "expect_column_values_to_be_unique",
            "kwargs": {"column": "lib_com"},
            "meta": {"id": "unique", "severity": "warning"},
        },
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "date"},
            "meta": {"id": "not-null", "severity": "warning"},
        },
        {
            "type": "expect_column_value_lengths_to_be_between",
            "kwargs": {"column": "lib_com", "max_value": 6},
            "meta": {"id": "lengths", "severity": "warning"},
        },
        {
            "type": "expect_table_row_count_to_be_between",
            "kwargs": {"min_value": 10},
            "meta": {
                "id": "rows",
                "severity": "warning",
                "message": "{observed} lignes, {min_value} attendues au moins",
            },
        },
        {
            "type": "expect_column_unique_value_count_to_be_between",
            "kwargs": {"column": "lib_com", "max_value": 1},
            "meta": {"id": "distinct", "severity": "warning"},
        },
    ],
}


def _with_suite(mini, suite: dict):
    root = mini(MINI_OK.replace("Ajaccio", "Brion").replace("1234.5", "12"))
    meta_path = root / "schemas/mini/dataset.json"
    meta = json.loads(meta_path.read_text())
    meta["resources"][0]["expectations"] = "mini.expectations.json"
    meta_path.write_text(json.dumps(meta))
    (root / "schemas/mini/mini.expectations.json").write_text(json.dumps(suite))
    return root


def test_engines_agree_when_each_type_fails(mini):
    root = _with_suite(mini, SUITE)
    fast = validate(Repo(root), ["mini"], engine="fast").report.sorted_findings()
    gx = validate(Repo(root), ["mini"], engine="gx").report.sorted_findings()
    assert _key(fast) == _key(gx)
    assert {f.check for f in fast} == {
        "between",
        "regex",
        "not-regex",
        "in-set",
        "not-in-set",
        "unique",
        "not-null",
        "lengths",
        "rows",
        "distinct",
    }  # "mostly" passes: 1 of 2 values > 100 allowed
    by_check = {}
    for f in fast:
        by_check.setdefault(f.check, []).append(f.line)
    assert by_check["between"] == [2, 4]  # 50 > 40, 0 < 1
    assert by_check["unique"] == [3, 4]  # every member of the duplicate group
    assert by_check["not-null"] == [4]
    assert by_check["not-regex"] == [2]
    assert by_check["distinct"] == [None]
    assert [f.message for f in fast if f.check == "regex"] == [
        "Valromey-sur-Séran ne commence pas par B"
    ]
    assert [f.message for f in fast if f.check == "rows"] == ["3 lignes, 10 attendues au moins"]


def test_wrong_parameter_is_a_configuration_error(mini):
    suite = {
        "name": "mini",
        "expectations": [
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "taux", "maximum": 3},
            }
        ],
    }
    root = _with_suite(mini, suite)
    with pytest.raises(ConfigError, match="maximum"):
        validate(Repo(root), ["mini"], engine="fast")
