"""Typed errors. Each carries its exit code and a French message for data officers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.findings import Report


class PipelineError(Exception):
    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DataError(PipelineError):
    """The data is invalid: the officer must fix a file."""

    exit_code = 1


class InvalidData(DataError):
    """Validation found errors: nothing was built nor published. The CLI shows the report."""

    def __init__(self, report: Report):
        super().__init__(
            f"{report.counts()['error']} erreur(s) bloquante(s) : rien n'a été construit ni "
            "publié. Corrigez-les puis relancez (détail avec « pipeline validate »)."
        )
        self.report = report


class ConfigError(PipelineError):
    """Usage or configuration error: unknown dataset, broken schema, missing variable."""

    exit_code = 2


class RemoteError(PipelineError):
    """The remote platform failed or refused: retry later or fix the key."""

    exit_code = 3


class DependencyInvalid(DataError):
    """A resource needed to compute another one (a derived table, a headline figure, a
    reference a check joins) cannot be read: its own findings say why. Validation turns it
    into one ``dependency-invalid`` finding for what depends on it, and goes on."""

    def __init__(self, resource: str, dataset: str, edition: str | None = None):
        self.resource, self.dataset, self.edition = resource, dataset, edition
        super().__init__(f"non calculable : {self.label} est invalide")

    @property
    def label(self) -> str:
        """The invalid resource, with its dataset when the names differ and the edition a
        report reads when it is not the current one."""
        from pipeline.numbers_fr import edition_fr

        details = [] if self.resource == self.dataset else [f"jeu {self.dataset}"]
        if self.edition:
            details.append(edition_fr(self.edition))
        return self.resource + (f" ({', '.join(details)})" if details else "")
