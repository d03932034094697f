"""`pipeline publish`: build (validating first), then sync the packages to data.gouv.fr."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.commands._common import repo_from, show_progress
from pipeline.errors import ConfigError
from pipeline.repo import Repo


def organization_slug(repo: Repo) -> str:
    """``datagouv.organization`` in pipeline.json at the repository root."""
    path = repo.config_file
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
        slug = config["datagouv"]["organization"]
    except FileNotFoundError:
        raise ConfigError(f"{path} absent : il doit indiquer datagouv.organization.") from None
    except (json.JSONDecodeError, KeyError, TypeError):
        raise ConfigError(
            f'{path} invalide : attendu {{"datagouv": {{"organization": "<slug>"}}}}.'
        ) from None
    if not isinstance(slug, str) or not slug.strip():
        raise ConfigError(f"{path} : datagouv.organization doit être le slug de l'organisation.")
    return slug.strip()


def files_url(repo: Repo) -> str | None:
    """Optional ``datagouv.files_url`` in pipeline.json: the address where the repository
    serves ``data/published/`` (e.g. ``https://<forge>/<org>/<repo>/raw/main/data/published/``),
    used to link the files data.gouv.fr refuses (Parquet) from the dataset descriptions."""
    try:
        config = json.loads(repo.config_file.read_text(encoding="utf-8"))
        url = (config.get("datagouv") or {}).get("files_url")
    except (FileNotFoundError, json.JSONDecodeError, AttributeError):
        return None  # organization_slug has already refused a missing or broken file
    if url is None:
        return None
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ConfigError(
            f"{repo.config_file} : datagouv.files_url doit être l'adresse http(s) où le dépôt "
            "sert data/published/."
        )
    return url if url.endswith("/") else url + "/"


def build_packages(repo: Repo, names: list[str] | None) -> list[Path]:
    """Validate and build; raises DataError (nothing built) when the data is invalid."""
    from pipeline.build import InvalidData, build
    from pipeline.commands.validate import render

    try:
        return list(build(repo, names).packages)
    except InvalidData as exc:
        click.echo(render(exc.report, "text"), err=True, nl=False)
        raise


@click.command(name="publish")
@click.argument("datasets", nargs=-1)
@click.option(
    "--to",
    "target",
    default=None,
    help="demo, prod or the root URL of a udata server (e.g. http://127.0.0.1:7000). "
    "Without it, build only.",
)
@click.option("--dry-run", is_flag=True, help="Print the plan and stop (no write).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--no-progress", is_flag=True, help="Never show the upload progress bar.")
@click.pass_context
def command(
    ctx: click.Context,
    datasets: tuple[str, ...],
    target: str | None,
    dry_run: bool,
    fmt: str,
    no_progress: bool,
) -> None:
    """Validate, build, then publish DATASETS (default: all) to data.gouv.fr.

    The API key is read from the DATAGOUV_API_KEY environment variable only.
    """
    repo = repo_from(ctx)
    client = None
    if target:
        from pipeline.datagouv.client import Client  # lazy: keeps other commands fast

        client = Client.from_env(target)  # fail fast (exit 2) before building
        organization = organization_slug(repo)
        repository = files_url(repo)
    folders = build_packages(repo, list(datasets) or None)
    if client is None:
        _built_only(repo, folders, fmt)
        return

    from pipeline.commands._publish_render import ProgressBars, render_text
    from pipeline.datagouv.sync import sync

    bars = ProgressBars() if show_progress(no_progress) and not dry_run else None
    try:
        result = sync(
            client, organization, folders, dry_run=dry_run, progress=bars, files_url=repository
        )
    finally:
        if bars:
            bars.stop()
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    render_text(result)


def _built_only(repo: Repo, folders: list[Path], fmt: str) -> None:
    if fmt == "json":
        payload = {"published": False, "packages": [repo.rel(f) for f in folders]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    for folder in folders:
        click.echo(f"Paquet prêt : {repo.rel(folder)}", err=True)
    click.echo(
        "Rien n'a été envoyé. Pour publier sur data.gouv.fr :\n"
        "  export DATAGOUV_API_KEY=<votre clé d'API>   # Profil > Clés d'API sur data.gouv.fr\n"
        "  pipeline publish --to prod            # ou --to demo pour une répétition\n"
        "Ajoutez --dry-run pour voir le plan sans rien modifier.",
        err=True,
    )
