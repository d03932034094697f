"""`pipeline add RAW_FILE [--name NAME] [--title TITLE] [--sheet SHEET] [--dry-run]`."""

from __future__ import annotations

import sys

import click

from pipeline.commands._common import repo_from


@click.command(name="add")
@click.argument("raw_file")
@click.option("--name", default=None, help="Dataset name (default: from the file name).")
@click.option("--title", default=None, help="Dataset title (default: a placeholder to fill in).")
@click.option("--sheet", default=None, help="XLSX sheet to declare (default: the first with data).")
@click.option("--dry-run", is_flag=True, help="Print the files it would write; write nothing.")
@click.pass_context
def command(
    ctx: click.Context,
    raw_file: str,
    name: str | None,
    title: str | None,
    sheet: str | None,
    dry_run: bool,
) -> None:
    """Declare a new dataset from a raw file: schemas/<name>/ with dataset.json, a Table
    Schema and a starter expectation suite, then validate it.

    Written paths (or, with --dry-run, the files' contents) go to stdout; the summary, the
    validation report and what is left to fill in go to stderr. Exit code 0 when the new
    dataset validates, 1 when its data has errors, 2 on usage errors (file outside the
    repository or missing, dataset already declared)."""
    from pipeline.add import plan_add, write_add
    from pipeline.render.add import render_files, render_summary, render_todo

    repo = repo_from(ctx)
    plan = plan_add(repo, raw_file, name=name, title=title, sheet=sheet)
    click.echo(render_summary(plan), err=True, nl=False)
    if dry_run:
        click.echo(render_files(plan.files), nl=False)
        click.echo(render_todo(plan.todo), err=True, nl=False)
        click.echo("--dry-run : rien n'a été écrit.", err=True)
        return
    for path in write_add(repo, plan):
        click.echo(repo.rel(path))
    sys.stdout.flush()

    from pipeline.render.text import render_text
    from pipeline.validate import validate

    report = validate(repo, [plan.name]).report
    click.echo("", err=True)
    click.echo(render_text(report), err=True, nl=False)
    click.echo(render_todo(plan.todo), err=True, nl=False)
    ctx.exit(0 if report.valid else 1)
