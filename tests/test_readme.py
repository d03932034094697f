"""The README stays true to the code it describes."""

from __future__ import annotations

import re

from pipeline.catalog import load_catalog
from pipeline.repo import Repo
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(start: str) -> list[str]:
    """The lines from the one starting with ``start`` to the next blank line after a table."""
    lines = README.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    rows = []
    for line in lines[first + 1 :]:
        if rows and not line.startswith("|"):
            break
        if line.startswith("|"):
            rows.append(line)
    return rows


def test_the_readme_lists_every_published_package_with_its_title() -> None:
    rows = section("Paquets publiés")
    assert rows[:2] == ["| paquet | contenu |", "|---|---|"]
    listed = [re.fullmatch(r"\| `([^`]+)` \| (.+) \|", row).groups() for row in rows[2:]]
    packages = load_catalog(Repo(ROOT)).packages()
    assert listed == [(d.name, d.title) for d in packages]
    built = sorted(p.name for p in (ROOT / "data/published").iterdir() if p.is_dir())
    assert [name for name, _ in listed] == built


def test_the_readme_lists_the_expectation_types_compiled_to_sql() -> None:
    from pipeline.sql.expectations import EXPECTATIONS, SUPPORTED

    start = README.index("<!-- compiled expectation types")
    end = README.index("<!-- end of compiled expectation types -->")
    listed = re.findall(r"`(expect_[a-z_]+)`", README[start:end])
    assert listed == [name for name in EXPECTATIONS if name in SUPPORTED]
