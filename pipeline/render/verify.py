"""French account of ``pipeline verify``: each file's verdict, then the package's, control
characters made visible."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.messages import VISIBLE

if TYPE_CHECKING:
    from pipeline.verify import VerifyReport

MAX_ERRORS = 20  # per file; the JSON output holds them all


def render_verify_text(report: VerifyReport) -> str:
    lines = [f"Vérification de {report.name or report.source} ({report.descriptor}) :"]
    for check in report.files:
        status = "CONFORME" if check.valid else "NON CONFORME"
        measured = check.integrity.actual_bytes
        size = f"{measured} octets" if measured is not None else "non lu"
        lines.append(f"  {status}  {check.resource} ({size}) — {check.location}")
        lines += [f"      - {error['message']}" for error in check.errors[:MAX_ERRORS]]
        if len(check.errors) > MAX_ERRORS:
            lines.append(f"      … et {len(check.errors) - MAX_ERRORS} autre(s) erreur(s).")
    if report.valid:
        lines.append("Résultat : CONFORME. Les fichiers sont ceux qui ont été validés et publiés.")
    else:
        bad = sum(not c.valid for c in report.files)
        lines.append(
            f"Résultat : NON CONFORME ({bad} fichier(s) sur {len(report.files)}). Ne réutilisez "
            "pas ces fichiers tels quels ; signalez l'écart aux producteurs des données."
        )
    # names, paths and notes come from an untrusted descriptor: control characters are shown,
    # never sent to the terminal (as validate does)
    return "\n".join(line.translate(VISIBLE) for line in lines) + "\n"
