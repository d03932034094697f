"""`pipeline add RAW_FILE [--name NAME] [--title TITLE] [--sheet SHEET] [--dry-run]
[--format text|json]`."""

from __future__ import annotations

import click

from pipeline.commands._common import repo_from
from pipeline.commands._output import emit, format_option
from pipeline.errors import PipelineError
from pipeline.render import render
from pipeline.render.add import AddResult, render_add_listing


@click.command(name="add")
@click.argument("raw_file")
@click.option("--name", default=None, help="Dataset name (default: from the file name).")
@click.option("--title", default=None, help="Dataset title (default: a placeholder to fill in).")
@click.option(
    "--sheet",
    default=None,
    help="XLSX sheet to declare (default: the one with the most filled rows).",
)
@click.option("--dry-run", is_flag=True, help="Print the files it would write; write nothing.")
@format_option("add")
@click.pass_context
def command(
    ctx: click.Context,
    raw_file: str,
    name: str | None,
    title: str | None,
    sheet: str | None,
    dry_run: bool,
    fmt: str,
) -> None:
    """Declare a new dataset from a raw file: schemas/<name>/ with dataset.json, a Table
    Schema and a starter expectation suite, then validate it.

    In text, the written paths (or, with --dry-run, the files' contents) go to stdout; the
    summary, the validation report and what is left to fill in go to stderr. In json, one
    document on stdout, and the text on stderr. Exit code 0 when the new dataset validates,
    1 when its data has errors, 2 on usage errors (file outside the repository or missing,
    dataset already declared)."""
    from pipeline.add import plan_add, write_add
    from pipeline.validate import validate

    repo = repo_from(ctx)
    plan = plan_add(repo, raw_file, name=name, title=title, sheet=sheet)
    result = AddResult(plan, dry_run=dry_run)
    if not dry_run:
        result.written = [repo.rel(path) for path in write_add(repo, plan)]
        try:
            result.report = validate(repo, [plan.name]).report
        except PipelineError:  # the files are written: say which before the CLI's message
            if fmt == "text":
                click.echo(render_add_listing(result), nl=False)
            click.echo(render("add", result, "text"), err=True, nl=False)
            raise
    if fmt == "text":  # besides the account on stderr, the files for scripts, on stdout
        click.echo(render_add_listing(result), nl=False)
    emit("add", result, fmt, with_text=True)
    ctx.exit(0 if result.valid else 1)
