"""The one Check protocol. A check has a ``name``, an ``options_schema`` (JSON Schema of its
options in ``dataset.json``, validated when the declaration is loaded; ``"x-field": "self"``
and ``"x-resource": true`` mark the names of fields and resources that must exist, see
:mod:`pipeline.declarations.options`), a ``plan`` that adds
its SQL conditions to the resource's scans, and a ``run`` that turns what the scans found into
findings. Findings are built here only (:meth:`TableContext.finding`)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from pipeline.findings import Finding
from pipeline.messages import message, shorten

if TYPE_CHECKING:
    from pathlib import Path

    from pipeline.engine.scan import ScanPlan, ScanResult
    from pipeline.tables import LoadedTable, Workspace

REGISTRY: dict[str, type[Check]] = {}
# Findings about the change from the published package, not about the data: reported by
# ``pipeline validate`` and in the pull request, they vanish once the package is rebuilt, and
# the package's README does not list them.
TRANSITIONAL = frozenset({"identifier-reassigned", "field-emptied"})


def register(cls: type[Check]) -> type[Check]:
    """Class decorator: make a check available by its name."""
    if cls.name in REGISTRY:
        raise ValueError(f"check {cls.name} registered twice")
    REGISTRY[cls.name] = cls
    return cls


@dataclass
class TableContext:
    """What a check of one resource can use: the workspace (other tables, the connection),
    the loaded table (source, compiled fields) and the report limit."""

    ws: Workspace
    table: LoadedTable
    limit: int | None
    left_out: list[tuple[Finding, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # French remarks on how checks ran

    @property
    def dataset(self) -> str:
        return self.table.dataset.name

    @property
    def file(self) -> str | None:
        return self.table.file

    def published_csv(self) -> tuple[Path, list[str]] | None:
        """This resource's CSV in the published package (``data/published/<dataset>/``)
        and its header; None before the first publication."""
        path = self.ws.repo.published / self.dataset / f"{self.table.resource.name}.csv"
        if not path.is_file():
            return None
        with path.open(encoding="utf-8", newline="") as handle:
            return path, next(csv.reader(handle), [])

    def column_number(self, fld: str | None) -> int | None:
        if not fld or fld not in self.table.columns:
            return None
        return self.table.columns[fld] + 1

    def finding(
        self,
        code: str,
        *,
        line: int | None = None,
        fld: str | None = None,
        value: object = None,
        severity: str = "error",
        check: str | None = None,
        text: str | None = None,
        message_code: str | None = None,
        file: str | None | bool = True,
        **kw: object,
    ) -> Finding:
        """A finding of this resource. ``text`` is a message already written (expectations);
        otherwise the French message of ``message_code`` (default ``code``) is filled."""
        if text is None:
            text = message(message_code or code, field=fld, value=shorten(value), **kw)
        return Finding(
            dataset=self.dataset,
            severity=severity,  # type: ignore[arg-type]
            code=code,
            check=check,
            message=text,
            file=self.file if file is True else (file or None),
            line=line,
            column=self.column_number(fld) if line is not None else None,
            field=fld,
            value=None if value is None else shorten(value, 200),
        )

    def rows(
        self,
        result: ScanResult,
        key: str,
        names: list[str],
        make,
        computed: dict[str, str] | None = None,
    ) -> list[Finding]:
        """Findings for the first failing rows of condition ``key``; the others counted."""
        rows, total = result.failing(key, names, computed)
        out = [make(row) for row in rows]
        if out and total > len(out):
            self.left_out.append((out[-1], total - len(out)))
        return out


class Check:
    """Base class: subclasses set ``name`` and ``options_schema`` and implement ``plan`` and
    ``run``."""

    name: ClassVar[str] = ""
    options_schema: ClassVar[dict] = {"type": "object"}

    def __init__(self, ctx: TableContext, options: dict | None = None):
        self.ctx = ctx
        self.options = options or {}

    def plan(self, plan: ScanPlan) -> None:
        """Add this check's conditions to the scans (default: none)."""

    def run(self, result: ScanResult) -> Iterable[Finding]:
        raise NotImplementedError
