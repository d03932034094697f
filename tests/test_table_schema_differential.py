"""Differential test: the engine's verdicts on every Table Schema type, format and constraint
against frictionless 5's, on the same files and schemas (tests/table_schema_cases.py).

Findings are compared as sets of (line, field, code). A difference is allowed only when
docs/deviations-table-schema.md lists it (case and value, and which side finds what), and
never when frictionless finds an invalid cell that we do not. Every listed deviation must
still occur, so the table stays true."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from frictionless import Package, Resource

from tests.conftest import ROOT, run
from tests.table_schema_cases import Column, KeyTable, columns
from tests.table_schema_tables import key_tables

DOC = ROOT / "docs/deviations-table-schema.md"
PER_TABLE = 40
V2 = "https://datapackage.org/profiles/2.0/dataresource.json"
CODES = {"primary-key": "primary-key-error", "foreign-key": "foreign-key-error"}
KEY_CODES = {"primary-key-error", "foreign-key-error"}
CELL_CODES = {"type-error", "constraint-error", "unique-error", *KEY_CODES}


@dataclass
class Table:
    name: str
    fields: list[dict]
    rows: list[list[str]]
    keys: dict = field(default_factory=dict)
    columns: dict[str, Column] = field(default_factory=dict)  # field name -> case
    key_table: KeyTable | None = None
    lines: list[int] = field(default_factory=list)  # physical line of each row
    cog: bool = False
    reference: str | None = None

    @property
    def schema(self) -> dict:
        return {"fields": self.fields, "missingValues": [""], **self.keys}

    def numbered(self) -> None:
        """A first column numbering the rows, so that no row is blank."""
        self.fields = [{"name": "rownum", "type": "integer"}, *self.fields]
        self.rows = [[str(i + 1), *row] for i, row in enumerate(self.rows)]

    def write(self, path: Path) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([f["name"] for f in self.fields])
        line = 2
        for row in self.rows:
            self.lines.append(line)
            before = buffer.tell()
            writer.writerow(row)
            line += buffer.getvalue()[before:].count("\n")
        path.write_text(buffer.getvalue(), encoding="utf-8")

    def case(self, line: int | None, name: str | None) -> tuple[str, str]:
        """(label, value) of the case behind a finding."""
        row = self.lines.index(line) if line in self.lines else None
        if self.key_table is not None:
            cells = "*" if row is None else json.dumps(self.rows[row][1:], ensure_ascii=False)
            return self.key_table.label, cells
        column = self.columns.get(name or "")
        if column is None or row is None:
            return f"table {self.name}", "*"
        position = list(self.columns).index(name)
        return column.label, self.rows[row][position + 1]


def _tables() -> list[Table]:
    out: list[Table] = []
    alone = [c for c in columns() if c.alone]
    packed = [c for c in columns() if not c.alone]
    groups = [packed[i : i + PER_TABLE] for i in range(0, len(packed), PER_TABLE)]
    groups += [[c] for c in alone]
    for i, group in enumerate(groups):
        names = [f"c{j}" for j in range(len(group))]
        height = max(len(c.values) for c in group)
        rows = [
            [str(r + 1)] + [c.values[r] if r < len(c.values) else "" for c in group]
            for r in range(height)
        ]
        fields = [{"name": "n", "type": "integer"}]
        fields += [{"name": n, **c.fdesc} for n, c in zip(names, group, strict=True)]
        out.append(Table(f"cols-{i}", fields, rows, columns=dict(zip(names, group, strict=True))))
    references: dict[str, Table] = {}
    for i, kt in enumerate(key_tables()):
        table = Table(f"keys-{i}", kt.fields, kt.rows, dict(kt.keys), key_table=kt, cog=kt.cog)
        table.numbered()
        if kt.reference is not None:
            ref = references.get(kt.reference.label)
            if ref is None:
                ref = Table("parent", kt.reference.fields, kt.reference.rows, kt.reference.keys)
                ref.key_table = kt.reference
                ref.numbered()
                references[kt.reference.label] = ref
                out.append(ref)
            table.reference = ref.name
            for fk in table.keys["foreignKeys"]:
                fk["reference"]["resource"] = ref.name
        out.append(table)
    return out


def _repository(root: Path, tables: list[Table]) -> None:
    shutil.copytree(ROOT / "schemas/reference", root / "schemas/reference")
    shutil.copytree(ROOT / "data/reference", root / "data/reference")
    (root / "data/raw").mkdir(parents=True)
    (root / "data/published").mkdir(parents=True)
    folder = root / "schemas/diff"
    folder.mkdir(parents=True)
    resources = []
    for table in tables:
        table.write(root / f"data/raw/{table.name}.csv")
        (folder / f"{table.name}.schema.json").write_text(json.dumps(table.schema), "utf-8")
        resources.append(
            {
                "name": table.name,
                "schema": f"{table.name}.schema.json",
                "source": {"path": f"data/raw/{table.name}.csv", "dialect": {"encoding": "utf-8"}},
            }
        )
    meta = {
        "name": "diff",
        "title": "Cas Table Schema",
        "description": "Cas générés pour comparer le moteur et frictionless",
        "created": "2024-01-01",
        "licenses": [{"name": "etalab-2.0", "title": "Licence Ouverte 2.0"}],
        "resources": resources,
    }
    (folder / "dataset.json").write_text(json.dumps(meta), encoding="utf-8")


Finding = tuple[str, int | None, str | None, str]  # table, line, field, code


def _normal(table: Table, line, name, code) -> Finding:
    return (table.name, line, None if code in KEY_CODES else name, code)


def ours(root: Path, tables: list[Table]) -> set[Finding]:
    result = run(root, "validate", "--format", "json", "diff")
    assert result.exit_code in (0, 1), result.output
    by_file = {f"data/raw/{t.name}.csv": t for t in tables}
    out = set()
    for f in json.loads(result.stdout)["findings"]:
        if f["code"] in CELL_CODES and f.get("file") in by_file:
            out.add(_normal(by_file[f["file"]], f["line"], f["field"], f["code"]))
    return out


def _resource(root: Path, table: Table) -> dict:
    return {
        "$schema": V2,
        "name": table.name,
        "path": f"data/raw/{table.name}.csv",
        "schema": table.schema,
        "dialect": {"delimiter": ","},
        "encoding": "utf-8",
    }


def theirs(root: Path, tables: list[Table]) -> tuple[set[Finding], set[str]]:
    """frictionless's findings, and the tables on which it crashed."""
    out: set[Finding] = set()
    crashed: set[str] = set()
    for table in tables:
        try:
            if table.cog or table.reference:
                others = [_resource(root, t) for t in tables if t.name == table.reference]
                if table.cog:
                    others.append(
                        {
                            "$schema": V2,
                            "name": "cog2023-communes",
                            "path": "data/reference/cog2023_communes.csv",
                            "schema": json.loads(
                                (
                                    root / "schemas/reference/cog2023-communes.schema.json"
                                ).read_text()
                            ),
                            "encoding": "utf-8",
                        }
                    )
                package = Package.from_descriptor(
                    {"resources": [_resource(root, table), *others]}, basepath=str(root)
                )
                report = package.get_resource(table.name).validate(limit_errors=10**6)
            else:
                resource = Resource.from_descriptor(_resource(root, table), basepath=str(root))
                report = resource.validate(limit_errors=10**6)
        except Exception:  # noqa: BLE001 - a crash of frictionless is a finding of the suite
            crashed.add(table.name)
            continue
        for task in report.tasks:
            for error in task.errors:
                code = CODES.get(error.type, error.type)
                if code in CELL_CODES:
                    row = getattr(error, "row_number", None)
                    line = table.lines[row - 2] if row else None
                    out.add(_normal(table, line, getattr(error, "field_name", None), code))
    return out, crashed


# --- the deviations table ---------------------------------------------------------------------

ROW = re.compile(r"^\|\s*`((?:[^`\\]|\\.)*)`\s*\|\s*`(.*?)`\s*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|")
SHOWN = 60


def show(value: str) -> str:
    """A cell as the deviations table writes it: JSON escapes without the quotes, long
    values cut."""
    if value == "*":
        return "*"
    text = json.dumps(value, ensure_ascii=False)[1:-1]
    if len(text) > SHOWN:
        text = f"{text[:20]}…[{len(value)} caractères]"
    return text.replace("|", "\\|")


def listed_deviations() -> dict[tuple[str, str], tuple[str, str]]:
    """(label, shown value) -> (frictionless, pipeline) from docs/deviations-table-schema.md."""
    out = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            label, value, friction, pipeline = match.groups()
            out[(label.replace("\\|", "|"), value)] = (friction, pipeline)
    return out


def _verdicts(items: set[Finding]) -> str:
    return ", ".join(sorted({code for _, _, _, code in items})) or "valide"


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    root = tmp_path_factory.mktemp("differential")
    tables = _tables()
    _repository(root, tables)
    mine = ours(root, tables)
    their, crashed = theirs(root, tables)
    return tables, mine, their, crashed


def _by_case(tables, items: set[Finding]) -> dict[tuple[str, str], set[Finding]]:
    """Findings grouped by case: (label, shown value)."""
    by_name = {t.name: t for t in tables}
    out: dict[tuple[str, str], set[Finding]] = {}
    for item in items:
        label, value = by_name[item[0]].case(item[1], item[2])
        out.setdefault((label, show(value)), set()).add(item)
    return out


def _row(case, friction: str, pipeline: str) -> str:
    label, value = case
    return f"| `{label.replace('|', chr(92) + '|')}` | `{value}` | {friction} | {pipeline} | |"


def test_no_invalid_cell_frictionless_finds_is_missed(comparison):
    tables, mine, their, crashed = comparison
    missed = _by_case(tables, their - mine)
    assert not missed, "\n".join(
        f"{label} « {value} » : frictionless {_verdicts(items)}"
        for (label, value), items in sorted(missed.items())
    )


def test_every_other_difference_is_a_listed_deviation(comparison):
    tables, mine, their, crashed = comparison
    extra = _by_case(tables, {f for f in mine - their if f[0] not in crashed})
    ours_by_case, theirs_by_case = _by_case(tables, mine), _by_case(tables, their)
    for name in crashed:  # one deviation for the table: frictionless gives no verdict
        table = next(t for t in tables if t.name == name)
        label = (
            table.key_table.label if table.key_table else next(iter(table.columns.values())).label
        )
        ours_by_case[(label, "*")] = {f for f in mine if f[0] == name}
        extra.setdefault((label, "*"), set())
    listed = listed_deviations()
    unlisted = sorted(case for case in extra if case not in listed)
    assert not unlisted, (
        "Différences non listées dans docs/deviations-table-schema.md :\n"
        + "\n".join(
            _row(
                case,
                "plante" if case[1] == "*" else _verdicts(theirs_by_case.get(case, set())),
                _verdicts(ours_by_case.get(case, set())),
            )
            for case in unlisted
        )
    )
    stale = sorted(case for case in listed if case not in extra)
    assert not stale, f"Écarts listés qui ne se produisent plus : {stale}"
