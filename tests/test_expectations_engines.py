"""The SQL compiler and Great Expectations itself give the same findings (line, field,
check, value, message), on every committed suite and on generated cases of every compiled
type; what the compiler cannot reproduce runs in GX, and the report says so."""

from __future__ import annotations

import json
import random

import pytest

from pipeline.catalog import load_catalog
from pipeline.checks import gx_engine
from pipeline.errors import ConfigError
from pipeline.repo import Repo
from pipeline.sql.expectations import EXPECTATIONS, SUPPORTED
from pipeline.validate import validate
from tests import gx_cases, gx_date_cases
from tests.conftest import MINI_OK, ROOT


def _key(findings):
    return sorted(
        (
            f.dataset,
            f.severity,
            f.code,
            f.check or "",
            f.line or 0,
            f.field or "",
            f.value or "",
            f.message,
        )
        for f in findings
    )


def both(root, names=None):
    """The reports of both engines."""
    fast = validate(Repo(root), names, engine="fast").report
    gx = validate(Repo(root), names, engine="gx").report
    return fast, gx


def test_engines_agree_on_every_committed_suite(monkeypatch):
    repo = Repo(ROOT)
    suites = [r for d in load_catalog(repo).datasets.values() for r in d.resources if r.suite]
    assert len(suites) >= 10
    gx = validate(repo, engine="gx").report
    # every committed expectation is compiled: no pandas frame is ever made
    monkeypatch.setattr(gx_engine, "typed_frame", lambda *a: pytest.fail("pandas frame made"))
    fast = validate(repo, engine="fast").report
    assert _key(fast.findings) == _key(gx.findings)
    assert fast.notes == []
    assert sum(f.code == "expectation-failed" for f in fast.findings) >= 9  # Villages d'avenir


SEEDS = (1, 15)


def test_engines_agree_on_generated_cases(tmp_path):
    """Random tables of edge values, random suites of every compiled type: the same
    findings; and every type both fails and passes somewhere, so none is compared vacuously."""
    failed, passed = set(), set()
    for seed in SEEDS:
        rng = random.Random(seed)
        table = gx_cases.rows(rng, 30)
        suite = gx_cases.suite(rng, per_type=4, table=table)
        root = gx_cases.write_repo(tmp_path / str(seed), table, suite)
        fast, gx = both(root, ["gen"])
        assert _key(fast.findings) == _key(gx.findings), f"seed {seed}"
        assert all(("2**53" in note or "zéro signé" in note) for note in fast.notes)
        fired = {f.check for f in fast.findings if f.code == "expectation-failed"}
        for e in suite["expectations"]:
            (failed if e["meta"]["id"] in fired else passed).add(e["type"])
    # The table's columns are the schema's: a column list that would fail is refused at load
    # (pipeline.declarations.suite_arguments), so these two only pass here.
    static = {"expect_table_columns_to_match_ordered_list", "expect_table_columns_to_match_set"}
    assert failed == SUPPORTED - static
    assert passed == SUPPORTED


def test_engines_agree_on_generated_date_cases(tmp_path):
    """Date columns, handed to GX as dates: bounds written as ISO dates (on values, strict or
    not, around empty and unreadable cells), sets, minimum and maximum, pairs and rows give
    the same findings in both engines, all compiled; a ``between`` finds exactly the dates
    outside its bounds; every type both fails and passes somewhere."""
    failed, passed, unreadable_seen = set(), set(), 0
    for seed, size in ((2, 24), (11, 6), (3, 3), (5, 12)):
        rng = random.Random(seed)
        table = gx_date_cases.rows(rng, size)
        suite = gx_date_cases.suite(rng, per_type=3, table=table)
        root = gx_cases.write_repo(tmp_path / str(seed), table, suite, gx_date_cases.FIELDS)
        fast, gx = both(root, ["gen"])
        assert _key(fast.findings) == _key(gx.findings), f"seed {seed}"
        assert fast.notes == [] and gx.notes == []
        found: dict[str, set] = {}
        for f in fast.findings:
            found.setdefault(f.check or f.code, set()).add((f.code, f.line, f.field))
        unreadable = {  # a type error, and a null for the expectations
            ("type-error", i + 2, column)
            for i, row in enumerate(table)
            for column, raw in zip("de", row[:2], strict=True)
            if raw and gx_date_cases.cell_date(row, column) is None
        }
        assert found.get("type-error", set()) == unreadable
        unreadable_seen += len(unreadable)
        for e in suite["expectations"]:
            fired = e["meta"]["id"] in found
            (failed if fired else passed).add(e["type"])
            if e["type"] == "expect_column_values_to_be_between":
                column = e["kwargs"]["column"]
                outside = {
                    ("expectation-failed", i + 2, column)
                    for i, row in enumerate(table)
                    if gx_date_cases.outside(gx_date_cases.cell_date(row, column), e["kwargs"])
                }
                assert found.get(e["meta"]["id"], set()) == outside, (seed, e)
    assert failed == passed == set(gx_date_cases.TYPES)
    assert unreadable_seen


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


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"column": "taux", "maximum": 3}, "kwargs.maximum : clé « maximum » inconnue"),
        # gone in GX 1.x: dates are compared as the ISO text GX sees
        ({"column": "date", "min_value": "2024-01-01", "parse_strings_as_datetimes": True},
         "parse_strings_as_datetimes"),
        ({"min_value": 1}, "kwargs.column : clé obligatoire « column » manquante"),
        ({"column": "nulle_part", "min_value": 1}, "colonne « nulle_part » inconnue"),
    ],
)  # fmt: skip
def test_wrong_parameter_is_a_configuration_error(mini, kwargs, error):
    suite = {
        "name": "mini",
        "expectations": [{"type": "expect_column_values_to_be_between", "kwargs": kwargs}],
    }
    root = _with_suite(mini, suite)
    for engine in ("fast", "gx"):
        with pytest.raises(ConfigError, match=error):
            validate(Repo(root), ["mini"], engine=engine)


# --- edge cases with known answers ----------------------------------------------------------

EDGE_ROWS = [  # n, m, x, y, s, t, b, d: lines 2, 3, 4-5, 6-8 (cells with newlines), 9
    ["1", "1", "0.1", "0.2", "a1", "a1", "true", "2024-01-15"],
    ["2", "1", "-0", "0", "١٢٣", "b", "false", "2024-01-16"],
    ["", "3", "0", "1e3", "x\ny", "", "", ""],
    ["007", "7", "1000", "1000", "ab\n", "ab\n", "1", "2024-01-15"],
    ["9", "", "", "2.5", "", "É", "0", "2023-12-31"],
]


def _edge(etype: str, check: str, **kw) -> dict:
    return {"type": etype, "kwargs": kw, "meta": {"id": check, "message": "{n}|{x}|{s}"}}


EDGE_SUITE = {
    "name": "gen",
    "expectations": [
        # Python's \d matches Arabic-Indic digits; RE2's would not
        _edge("expect_column_values_to_match_regex", "digits", column="s", regex=r"^\d+$"),
        # Python's $ also matches before a final newline
        _edge("expect_column_values_to_not_match_regex", "b-end", column="s", regex="b$"),
        # 1 of 4 values unexpected: 0.75 passes exactly, 0.76 does not
        _edge(
            "expect_column_values_to_be_in_set",
            "mostly-75",
            column="n",
            value_set=[1, 2, 7],
            mostly=0.75,
        ),
        _edge(
            "expect_column_values_to_be_in_set",
            "mostly-76",
            column="n",
            value_set=[1, 2, 7],
            mostly=0.76,
        ),
        # 1 == 1.0 == True; "7" is text
        _edge(
            "expect_column_values_to_not_be_in_set",
            "set-types",
            column="m",
            value_set=[True, 3.0, "7"],
        ),
        # -0 and 0 are one value; both rows are reported
        _edge("expect_column_values_to_be_unique", "zero", column="x"),
        # 0.1 + 0.2 is 0.30000000000000004 in floats, as numpy adds
        _edge(
            "expect_multicolumn_sum_to_equal",
            "sum",
            column_list=["x", "y"],
            sum_total=0.30000000000000004,
            ignore_row_if="any_value_is_missing",
        ),
        _edge(
            "expect_column_pair_values_a_to_be_greater_than_b",
            "pair",
            column_A="y",
            column_B="x",
            or_equal=True,
        ),
        _edge("expect_compound_columns_to_be_unique", "compound", column_list=["d", "b"]),
        {
            "type": "expect_column_median_to_be_between",
            "kwargs": {"column": "n", "max_value": 3},
            "meta": {"id": "median", "message": "médiane {observed}"},
        },
        {
            "type": "expect_column_max_to_be_between",
            "kwargs": {"column": "d", "max_value": "2024-01-15", "strict_max": True},
            "meta": {"id": "max-date", "message": "dernière date {observed}"},
        },
        # GX is handed dates, and the bounds as dates: the empty date is skipped
        _edge(
            "expect_column_values_to_be_between",
            "date-between",
            column="d",
            min_value="2024-01-01",
            max_value="2024-01-15",
        ),
        _edge(
            "expect_column_values_to_not_be_in_set",
            "date-set",
            column="d",
            value_set=["2024-01-16"],
        ),
        {
            "type": "expect_column_most_common_value_to_be_in_set",
            "kwargs": {"column": "m", "value_set": [7]},
            "meta": {"id": "mode", "message": "valeur la plus fréquente {observed}"},
        },
    ],
}


def test_edge_cases_have_exact_findings(tmp_path):
    root = gx_cases.write_repo(tmp_path, EDGE_ROWS, EDGE_SUITE)
    fast, gx = both(root, ["gen"])
    assert _key(fast.findings) == _key(gx.findings)
    assert fast.notes == []
    found = {}
    for f in fast.sorted_findings():
        if f.code == "expectation-failed":
            found.setdefault(f.check, []).append(f.line if f.line else f.message)
    assert found == {
        "digits": [2, 4, 6],  # a1, x\ny, ab\n — not ١٢٣
        "b-end": [6],  # ab\n
        "mostly-76": [9],  # 9
        "set-types": [2, 3, 4],  # 1 == True, twice; 3 == 3.0
        "zero": [3, 4],
        "sum": [3, 4, 6],  # 0.1 + 0.2 is the sum expected; the empty x is ignored
        "pair": [9],  # y >= x fails when x is empty (both_values_are_missing keeps the row)
        "compound": [2, 6],
        "median": ["médiane 4.5"],
        "max-date": ["dernière date 2024-01-16"],
        "date-between": [3, 9],  # 2024-01-16, 2023-12-31
        "date-set": [3],
        "mode": ["valeur la plus fréquente [np.int64(1)]"],
    }


def test_what_the_compiler_cannot_reproduce_runs_in_gx_and_is_noted(tmp_path):
    rows = [r for r in EDGE_ROWS]
    suite = {
        "name": "gen",
        "expectations": [
            _edge(
                "expect_column_values_to_match_regex", "lookahead", column="s", regex=r"^(?=.*\d)"
            ),
            {
                "type": "expect_column_stdev_to_be_between",
                "kwargs": {"column": "x", "max_value": 1},
                "meta": {"id": "stdev", "message": "écart type {observed}"},
            },
            _edge(
                "expect_column_values_to_be_between",
                "condition",
                column="n",
                max_value=5,
                row_condition={
                    "type": "comparison",
                    "column": {"name": "m"},
                    "operator": ">",
                    "parameter": 1,
                },
            ),
            _edge(
                "expect_column_value_z_scores_to_be_less_than",
                "z",
                column="x",
                threshold=1,
                double_sided=True,
            ),
            _edge("expect_column_values_to_be_in_set", "compiled", column="b", value_set=[True]),
            _edge("expect_column_values_to_be_increasing", "increasing", column="m", strictly=True),
        ],
    }
    root = gx_cases.write_repo(tmp_path, rows, suite)
    fast, gx = both(root, ["gen"])
    assert _key(fast.findings) == _key(gx.findings)
    assert {f.check for f in fast.findings if f.code == "expectation-failed"} == {
        "lookahead",
        "stdev",
        "condition",
        "z",
        "compiled",
        "increasing",
    }
    (note,) = fast.notes
    assert note.startswith("gen / gen : attente(s) exécutée(s) par Great Expectations")
    for etype in (
        "expect_column_values_to_match_regex (paramètres",
        "expect_column_stdev_to_be_between (type évalué par GX seul)",
        "expect_column_values_to_be_between (row_condition)",
        "expect_column_value_z_scores_to_be_less_than (type non compilé en SQL)",
    ):
        assert etype in note
    assert "expect_column_values_to_be_in_set" not in note
    assert gx.notes == []  # --engine gx: nothing to say, GX runs everything


def test_the_table_of_types_is_gx_own():
    """Required and optional kwargs, and their defaults, are those of GX's models (the table
    issue 9's load-time checks rely on)."""
    from great_expectations.expectations.registry import get_expectation_impl

    base = {
        "id",
        "meta",
        "notes",
        "result_format",
        "description",
        "catch_exceptions",
        "rendered_content",
        "batch_id",
        "windows",
        "severity",
        "library_metadata",
    }
    for etype, spec in EXPECTATIONS.items():
        fields = get_expectation_impl(etype).__fields__
        assert set(spec.required) == {n for n, f in fields.items() if f.required}, etype
        optional = {n: f.default for n, f in fields.items() if not f.required and n not in base}
        assert spec.optional == optional, etype
