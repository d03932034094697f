"""`pipeline verify SOURCE`: check a published package's files and data."""

from __future__ import annotations

import json

import click

from pipeline.verify import VerifyReport, verify


@click.command(name="verify")
@click.argument("source")
@click.option(
    "--from",
    "remote",
    default="prod",
    show_default=True,
    help="demo, prod or the root URL of a udata server, for a dataset id or slug.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def command(source: str, remote: str, fmt: str) -> None:
    """Check SOURCE: a package folder, a datapackage.json path or URL, or a data.gouv.fr
    dataset id or slug. Exit 0 when every file matches datapackage.json and its schema."""
    report = verify(source, remote)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    render(report)
    if not report.valid:
        raise click.exceptions.Exit(1)


def render(report: VerifyReport) -> None:
    click.echo(f"Vérification de {report.name or report.source} ({report.descriptor}) :", err=True)
    for check in report.files:
        status = "CONFORME" if check.valid else "NON CONFORME"
        size = f"{check.actual_bytes} octets" if check.actual_bytes is not None else "non lu"
        click.echo(f"  {status}  {check.resource} ({size}) — {check.location}", err=True)
        for error in check.errors[:20]:
            click.echo(f"      - {error['message']}", err=True)
        if len(check.errors) > 20:
            click.echo(f"      … et {len(check.errors) - 20} autre(s) erreur(s).", err=True)
    if report.valid:
        click.echo(
            "Résultat : CONFORME. Les fichiers sont ceux qui ont été validés et publiés.", err=True
        )
    else:
        bad = sum(not c.valid for c in report.files)
        click.echo(
            f"Résultat : NON CONFORME ({bad} fichier(s) sur {len(report.files)}). Ne réutilisez "
            "pas ces fichiers tels quels ; signalez l'écart aux producteurs des données.",
            err=True,
        )
