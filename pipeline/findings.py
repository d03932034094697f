"""The one findings model shared by every check and every output format.

Reports are bounded: for each check, file and field, only the first ``limit`` findings are
kept (1,000 by default); the others are counted, so totals stay exact."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
DEFAULT_LIMIT = 1000


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
    def group(self) -> tuple:
        """What the report limit counts by: one check, on one file and field."""
        return (self.dataset, self.severity, self.file, self.code, self.check, self.field)

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
class Truncation:
    """Findings of one check left out of the report (only their number is kept)."""

    dataset: str
    severity: Severity
    file: str | None
    code: str
    check: str | None
    field: str | None
    shown: int
    total: int

    @property
    def left_out(self) -> int:
        return self.total - self.shown

    def to_dict(self) -> dict:
        return {**asdict(self), "left_out": self.left_out}


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
    precision: str = "exact"  # the published figure's precision, in French

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
    notes: list[str] = field(default_factory=list)  # French remarks on how checks ran
    limit: int = DEFAULT_LIMIT
    _counts: Counter = field(default_factory=Counter, repr=False)
    _left_out: Counter = field(default_factory=Counter, repr=False)

    def extend(self, findings) -> None:
        """Add findings, keeping at most ``limit`` per check, file and field."""
        for f in findings:
            key = f.group
            self._counts[key] += 1
            if self._counts[key] <= self.limit:
                self.findings.append(f)
            else:
                self._left_out[key] += 1

    def left_out(self, sample: Finding, count: int) -> None:
        """Record ``count`` more findings like ``sample`` that were never materialised."""
        if count > 0:
            self._counts[sample.group] += count
            self._left_out[sample.group] += count

    def dataset_errors(self, name: str) -> int:
        return self.counts(name)["error"]

    @property
    def truncations(self) -> list[Truncation]:
        shown = Counter(f.group for f in self.findings)
        out = []
        for key, count in sorted(self._left_out.items(), key=lambda kv: str(kv[0])):
            dataset, severity, file, code, check, fld = key
            out.append(
                Truncation(
                    dataset, severity, file, code, check, fld, shown[key], shown[key] + count
                )
            )
        return out

    @property
    def truncated(self) -> int:
        return sum(self._left_out.values())

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
        return self.counts()["error"] == 0

    def for_dataset(self, name: str) -> list[Finding]:
        return [f for f in self.sorted_findings() if f.dataset == name]

    def dataset_valid(self, name: str) -> bool:
        return self.counts(name)["error"] == 0

    def counts(self, name: str | None = None) -> Counter:
        """Exact totals by severity, findings left out of the report included."""
        counts = Counter(f.severity for f in self.findings if name is None or f.dataset == name)
        for (dataset, severity, *_), n in self._left_out.items():
            if name is None or dataset == name:
                counts[severity] += n
        return counts

    def to_dict(self) -> dict:
        findings = self.sorted_findings()
        totals = self.counts()
        out = {
            "valid": self.valid,
            "errors": totals["error"],
            "warnings": totals["warning"],
            "truncated": self.truncated,
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
            "truncations": [t.to_dict() for t in self.truncations],
        }
        if self.notes:
            out["notes"] = list(self.notes)
        return out
