"""Earlier editions of a resource (``vintages``), read and checked with its declaration: the
raw file of each earlier edition of a list (inside the repository, existing, its dialect),
the Table Schema an edition was read with when its columns differed, and, for a derived
table, what its derivation read then, checked merged over the current options (as
:meth:`pipeline.catalog.ResourceDecl.at` merges them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.declarations import composed
from pipeline.declarations.jsonfile import JsonPath
from pipeline.declarations.problems import Problems
from pipeline.declarations.references import Index, Walker
from pipeline.declarations.schema_errors import schema_problems
from pipeline.declarations.sources import check_source, inside
from pipeline.declarations.table_schema import check_schema
from pipeline.declarations.values import Engine

Report = Callable[[JsonPath, str], None]


@dataclass
class VintageDoc:
    """An earlier edition of a resource (``vintages[index]``), with its own Table Schema."""

    decl: dict[str, Any]
    index: int
    schema: Any = None
    schema_path: Path | None = None
    fields: list[str] | None = None
    raw: Path | None = None  # its raw file, when one inside the repository


def read_vintage(
    root: Path,
    problems: Problems,
    engine: Engine,
    folder: Path,
    here: JsonPath,
    j: int,
    item: dict,
    derived_dialect: dict | None,
) -> VintageDoc:
    """``vintages[j]`` of the resource at ``here`` (of the right shape). ``derived_dialect``:
    for a derived table, the dialect its schema's dates are read with; None for a raw file,
    whose edition declares its own source, checked here."""
    file = folder / "dataset.json"
    path: JsonPath = (*here, "vintages", j)

    def report(at: JsonPath, message: str) -> None:
        problems.add(file, at, message)

    vintage = VintageDoc(item, j)
    if derived_dialect is None:
        vintage.raw = check_source(root, item, path, engine, report)
    if "schema" in item:
        vintage.schema_path = inside(root, folder, item["schema"], (*path, "schema"), report)
        if vintage.schema_path is not None:
            text = problems.read(vintage.schema_path)
            if text.ok:
                vintage.schema = text.value
                schema_file = vintage.schema_path
                vintage.fields = check_schema(
                    text.value,
                    engine,
                    lambda at, message: problems.add(schema_file, at, message),
                )
    return vintage


def derive_names(
    index: Index, derive: dict, cog: int, resource: str | None = None
) -> tuple[list[tuple[JsonPath, str]], list[str]]:
    """(problems of the names, resources named) of a derivation's options."""
    schema = composed.dataset_schema()
    found: list[tuple[JsonPath, str]] = []
    walker = Walker(schema, index, lambda p, m: found.append((p, m)), cog)
    walker.walk(derive, schema["definitions"]["derive"], (), (), resource)
    return found, [name for _, name in walker.named]


def read_by_derivation(index: Index, derive: dict, cog: int) -> list[str] | None:
    """The resources a derivation's options name; None when the options do not follow the
    derivation's schema (their problems are reported with them)."""
    if schema_problems(derive, composed.dataset_schema()["definitions"]["derive"]):
        return None
    return derive_names(index, derive, cog)[1]


def check_earlier_derivations(index: Index, res: Any, cog: int, report: Report) -> None:
    """Each earlier edition of a derived table (``res``, a ResourceDoc) declares what its
    derivation read then: merged over the current options, they follow the derivation's
    schema and name what exists. A problem of the current options is reported once, there."""
    derive, name = res.decl["derive"], res.decl["name"]
    schema = composed.dataset_schema()["definitions"]["derive"]
    current = set(schema_problems(derive, schema)) | set(derive_names(index, derive, cog, name)[0])
    for v in res.vintages:
        then = v.decl.get("derive")
        if not then:
            continue
        merged = {**derive, **then}
        found = schema_problems(merged, schema) + derive_names(index, merged, cog, name)[0]
        base: JsonPath = ("resources", res.index, "vintages", v.index, "derive")
        for path, message in found:
            if (path, message) in current:
                continue
            if path and path[0] in then:
                report((*base, *path), message)
            else:
                report(base, (f"« {path[0]} » (option actuelle) : " if path else "") + message)
