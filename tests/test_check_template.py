"""Template for the test of a new check: copy this file as ``tests/test_<your check>.py``.

The example check below, ``trimmed-example``, flags text cells with spaces around them. A
real check lives in its own module ``pipeline/checks/<name>.py``, is decorated with
``@register`` and imported in ``pipeline/checks/__init__.py``, and its French message is
added to ``pipeline/messages.py``. Here it is registered for the duration of the tests only.
Keep the assertions: exact code, line, field, value, severity and message of every finding,
options refused at load, and the report's truncation beyond the limit with exact totals."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest

from pipeline.checks import REGISTRY, Check, register
from pipeline.errors import ConfigError
from pipeline.messages import MESSAGES
from pipeline.repo import Repo
from pipeline.validate import validate
from tests.conftest import findings

CODE = "untrimmed-value"
TEMPLATE = "« {value} » commence ou finit par des espaces dans « {field} ». Supprimez-les."


class Trimmed(Check):
    """Text cells of ``field`` must not start or end with white space."""

    name = "trimmed-example"
    options_schema = {
        "type": "object",
        "required": ["field"],
        "properties": {
            "check": {"const": "trimmed-example"},
            "field": {"type": "string"},
            "severity": {"enum": ["error", "warning"]},
        },
        "additionalProperties": False,
    }

    def plan(self, plan) -> None:
        field = self.options["field"]
        f = self.ctx.table.fields[field]
        # TRUE when the row fails; evaluated with every other check in one row scan
        fails = f"NOT ({f.missing}) AND regexp_matches({f.raw}, '^\\s|\\s$')"
        self.key = plan.predicate(f"trimmed_{field}", fails, {f"raw:{field}": f.raw})

    def run(self, result) -> Iterable:
        field = self.options["field"]
        return self.ctx.rows(  # the first failing rows; the others are counted
            result,
            self.key,
            [f"raw:{field}"],
            lambda row: self.ctx.finding(
                CODE,
                line=row["line"],
                fld=field,
                value=row[f"raw:{field}"],
                severity=self.options.get("severity", "error"),
                check=self.name,
            ),
        )


@pytest.fixture
def registered(monkeypatch):
    register(Trimmed)
    monkeypatch.setitem(MESSAGES, CODE, TEMPLATE)
    yield
    REGISTRY.pop(Trimmed.name)


ROWS = [  # (id, insee_com, lib_com) — lib_com with spaces around it on lines 3, 5, 6 and 7
    (1, "01036", "Valromey-sur-Séran"),
    (2, "01063", " Brion"),
    (3, "01004", "Ambérieu-en-Bugey"),
    (4, "01005", "Ambérieux-en-Dombes "),
    (5, "01006", " Ambléon "),
    (6, "01007", "Ambronay\t"),
]


@pytest.fixture
def repo(mini, registered):
    text = "id,insee_com,lib_com,montant,taux,date\n" + "".join(
        f"{i},{code},{name},,,\n" for i, code, name in ROWS
    )
    root = mini(text)
    declare(root, {"check": "trimmed-example", "field": "lib_com", "severity": "warning"})
    return root


def declare(root, spec: dict) -> None:
    meta_path = root / "schemas/mini/dataset.json"
    meta = json.loads(meta_path.read_text())
    meta["resources"][0]["checks"] = [spec]
    meta_path.write_text(json.dumps(meta))


def test_findings_are_exact(repo):
    code, found = findings(repo, "mini")
    assert code == 0  # warnings only
    mine = [f for f in found if f["code"] == CODE]
    assert [(f["line"], f["field"], f["value"], f["severity"], f["check"]) for f in mine] == [
        (3, "lib_com", " Brion", "warning", "trimmed-example"),
        (5, "lib_com", "Ambérieux-en-Dombes ", "warning", "trimmed-example"),
        (6, "lib_com", " Ambléon ", "warning", "trimmed-example"),
        (7, "lib_com", "Ambronay\t", "warning", "trimmed-example"),
    ]
    assert mine[0]["message"] == (
        "«  Brion » commence ou finit par des espaces dans « lib_com ». Supprimez-les."
    )
    assert mine[0]["column"] == 3  # the field's column in the file


def test_options_are_validated_at_load(repo):
    declare(repo, {"check": "trimmed-example", "field": "lib_com", "severity": "fatal"})
    with pytest.raises(ConfigError, match=r"dataset\.json.*checks\[0\]\.severity.*fatal"):
        validate(Repo(repo), ["mini"])


def test_findings_beyond_the_limit_are_counted(repo):
    report = validate(Repo(repo), ["mini"], limit=2).report
    mine = [f for f in report.sorted_findings() if f.code == CODE]
    assert [f.line for f in mine] == [3, 5]  # the first ones, in file order
    (truncation,) = [t for t in report.truncations if t.code == CODE]
    assert (truncation.shown, truncation.total, truncation.left_out) == (2, 4, 2)
    assert report.counts()["warning"] == 4  # exact totals
    assert report.to_dict()["truncated"] == 2
