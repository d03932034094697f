"""The line of a finding is the line of its record, on large files too: DuckDB reads a CSV with
all its threads, and a join (a foreign key, the COG) does not keep file order; the engine
must not depend on it (a regression: lines drifted past the first thread's share)."""

from __future__ import annotations

from tests.conftest import findings

ROWS = 1_200_000
BAD_EVERY = 99_991


def big_file() -> tuple[str, dict[int, str]]:
    lines = ["id,insee_com,lib_com,montant,taux,date"]
    expected: dict[int, str] = {}
    line = 1
    for i in range(1, ROWS + 1):
        line += 1
        code = "01036"
        if i % BAD_EVERY == 0:
            code = "01999"  # unknown to the COG: a foreign-key error found through a join
            expected[line] = code
        name = '"Valromey\nsur-Séran"' if i % 50 == 0 else "Valromey-sur-Séran"
        lines.append(f"{i},{code},{name},19.5,50,2023-12-31")
        line += name.count("\n")
    return "\n".join(lines) + "\n", expected


def test_lines_of_findings_are_exact_on_a_file_read_in_parallel(mini):
    text, expected = big_file()
    root = mini(text)
    for _ in range(2):  # and the same on every run
        code, items = findings(root, "mini")
        assert code == 1
        got = {f["line"]: f["value"] for f in items if f["code"] == "foreign-key-error"}
        assert got == expected


def test_every_committed_csv_is_read_by_the_fast_path():
    """The exact reader is for files DuckDB cannot read as they are, never a cover for SQL
    the engine generated wrong (a column a join reads but the first pass did not keep made
    villages-d-avenir fall back to it, silently, at a tenth of the speed). Checked on what
    each table was finally read with, whichever route led to the exact reader."""
    from pipeline.repo import Repo
    from pipeline.validate import validate
    from tests.conftest import ROOT

    run = validate(Repo(ROOT))
    assert run.report.valid
    csv_tables = [
        t for t in run.workspace.loaded() if t.source and (t.source.file or "").endswith(".csv")
    ]
    assert len(csv_tables) >= 20  # 22 raw CSV tables today, editions included
    assert [t.resource.name for t in csv_tables if not t.source.fast] == []
