"""Mistakes in declarations: each names its file (relative to the repository), its JSON path
and line, and says in French what to write instead. They are collected over the whole run and
raised together as one :class:`DeclarationError` (exit 2), which every output format renders as
findings of code ``declaration-error``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.declarations.jsonfile import JsonPath, JsonText, format_path, parse_path, read_json
from pipeline.errors import ConfigError
from pipeline.findings import Finding, Report

DECLARATION_ERROR = "declaration-error"


@dataclass(frozen=True)
class Problem:
    file: str  # relative to the repository root, forward slashes
    path: str  # JSON path in the file ("" for the whole file or folder)
    message: str  # French: what is wrong and what to write instead
    line: int | None = None

    @property
    def dataset(self) -> str:
        """The dataset folder the file belongs to; for a file of the repository itself
        (pipeline.json), its name."""
        parts = self.file.split("/")
        return parts[1] if len(parts) > 1 and parts[0] == "schemas" else self.file

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.path, self.message)

    def text(self) -> str:
        where = self.file + (f", ligne {self.line}" if self.line else "")
        return (
            f"{where}, {self.path} : {self.message}" if self.path else f"{where} : {self.message}"
        )

    def finding(self) -> Finding:
        return Finding(
            dataset=self.dataset,
            severity="error",
            code=DECLARATION_ERROR,
            message=f"{self.path} : {self.message}" if self.path else self.message,
            file=self.file,
            line=self.line,
            check=self.path or None,
        )


class DeclarationError(ConfigError):
    """Every mistake found in the declarations of one run."""

    def __init__(self, problems: list[Problem]):
        unique = {(p.file, p.path, p.message): p for p in problems}
        self.problems = sorted(unique.values(), key=lambda p: p.sort_key)
        n = len(self.problems)
        head = (
            f"{n} erreur(s) dans les déclarations (schemas/, pipeline.json) : rien n'a été "
            "validé, construit ni publié. Corrigez-les puis relancez."
        )
        super().__init__("\n".join([head, *(f"  - {p.text()}" for p in self.problems)]))

    def report(self) -> Report:
        """The problems as a validation report of ``declaration-error`` findings."""
        report = Report(limit=None)  # every declaration problem is listed
        report.extend(p.finding() for p in self.problems)
        return report


class Problems:
    """Collects the problems of a run; the line of each is found from its JSON path in the
    text of its file."""

    def __init__(self, root: Path):
        self.root = root
        self.resolved_root = root.resolve()
        self.items: list[Problem] = []
        self._texts: dict[str, JsonText] = {}

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            try:
                return path.resolve().relative_to(self.resolved_root).as_posix()
            except ValueError:
                return path.as_posix()

    def remember(self, file: Path, text: JsonText) -> None:
        self._texts[self.rel(file)] = text

    def read(self, file: Path) -> JsonText:
        """A declaration file read and parsed; what kept it from being read is reported."""
        text = read_json(file.read_bytes())
        self.remember(file, text)
        if text.error:
            line, message = text.error
            self.add(file, "", message, line=line)
        else:
            for path in text.located.duplicates if text.repeated_keys else []:
                self.add(
                    file,
                    path,
                    f"clé « {path[-1]} » écrite deux fois dans le même objet : seule la dernière "
                    "compterait ; gardez-en une seule",
                )
        return text

    def add(
        self,
        file: Path,
        path: JsonPath | str,
        message: str,
        line: int | None = None,
    ) -> None:
        rel = self.rel(file)
        steps = parse_path(path) if isinstance(path, str) else path
        if line is None and rel in self._texts and self._texts[rel].ok:
            line = self._texts[rel].located.line(steps)
        self.items.append(Problem(rel, format_path(steps), message, line))

    def count(self, file: Path | None = None) -> int:
        if file is None:
            return len(self.items)
        rel = self.rel(file)
        return sum(p.file == rel for p in self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise DeclarationError(self.items)
