"""The one findings model shared by every validator and every output format."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One thing a check found. ``line`` is the physical line in the raw file (header = 1)."""

    dataset: str
    severity: Severity
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    value: str | None = None
    check: str | None = None  # stable id of the rule that fired (expectation, figure id, ...)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def sort_key(self) -> tuple:
        return (
            self.dataset,
            0 if self.severity == "error" else 1,
            self.file or "",
            self.line or 0,
            self.column or 0,
            self.code,
            self.message,
        )


@dataclass(frozen=True)
class FigureCheck:
    """A headline figure compared with the value recomputed from detail data."""

    figure_id: str
    label: str
    published: float | None
    recomputed: float | None
    gap: float | None
    verdict: Literal["concorde", "écart", "non vérifiable"]
    unit: str = ""
    method: str = ""
    severity: Severity = "warning"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DatasetResult:
    """What validation found for one dataset, with the counts the reports need."""

    name: str
    title: str = ""
    rows: dict[str, int] = field(default_factory=dict)  # resource name -> data rows
    files: list[str] = field(default_factory=list)  # raw files, relative to the repository

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    datasets: list[DatasetResult] = field(default_factory=list)
    figures: list[FigureCheck] = field(default_factory=list)

    def extend(self, findings) -> None:
        self.findings.extend(findings)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: f.sort_key)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.sorted_findings() if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.sorted_findings() if f.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def for_dataset(self, name: str) -> list[Finding]:
        return [f for f in self.sorted_findings() if f.dataset == name]

    def dataset_valid(self, name: str) -> bool:
        return not any(f.severity == "error" and f.dataset == name for f in self.findings)

    def counts(self, name: str | None = None) -> Counter:
        return Counter(f.severity for f in self.findings if name is None or f.dataset == name)

    def to_dict(self) -> dict:
        findings = self.sorted_findings()
        return {
            "valid": self.valid,
            "errors": sum(f.severity == "error" for f in findings),
            "warnings": sum(f.severity == "warning" for f in findings),
            "datasets": [
                {
                    "name": d.name,
                    "title": d.title,
                    "valid": self.dataset_valid(d.name),
                    "rows": d.rows,
                    "files": d.files,
                    "errors": self.counts(d.name)["error"],
                    "warnings": self.counts(d.name)["warning"],
                }
                for d in self.datasets
            ],
            "findings": [f.to_dict() for f in findings],
            "figures": [c.to_dict() for c in self.figures],
        }
