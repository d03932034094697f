"""Command-line entry point. It only parses options, calls the library and renders."""

from __future__ import annotations

import gc
import signal
import traceback

import click

from pipeline import __version__
from pipeline.commands import add, build, diff, publish, validate, verify
from pipeline.commands._output import emit_failure
from pipeline.declarations.problems import DeclarationError
from pipeline.errors import InvalidData, PipelineError

INTERNAL_ERROR = 70


class PipelineGroup(click.Group):
    """Turns known errors into a French message and their exit code (after the validation
    report, in the command's format, for invalid data and mistakes in declarations), and
    crashes into a one-line message (traceback only with --debug). Works the same under
    CliRunner."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PipelineError as exc:
            if isinstance(exc, InvalidData):
                emit_failure(exc.report, ctx.obj, with_text=True)
            elif isinstance(exc, DeclarationError):
                emit_failure(exc.report(), ctx.obj, with_text=False)
            click.echo(f"Erreur : {exc.message}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:
            if (ctx.obj or {}).get("debug"):
                click.echo(traceback.format_exc(), err=True)
            click.echo(
                f"Erreur interne ({type(exc).__name__}) : {exc}. "
                "Relancez avec --debug pour le détail, et signalez-le à l'équipe.",
                err=True,
            )
            ctx.exit(INTERNAL_ERROR)


@click.group(cls=PipelineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipeline")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Repository root (default: $PIPELINE_ROOT or the nearest folder holding schemas/).",
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks for unexpected crashes.")
@click.pass_context
def cli(ctx: click.Context, root: str | None, debug: bool) -> None:
    """Validate ANCT raw data, build Frictionless data packages and publish them."""
    ctx.obj = {"root": root, "debug": debug}


for module in (validate, build, diff, publish, verify, add):
    cli.add_command(module.command)


def main() -> None:
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        cli(prog_name="pipeline")
    finally:
        # The command is done: the interpreter's last garbage collections need not walk the
        # run's objects (0.05 to 0.1 s of a whole-repository validate); every file the
        # commands write is closed by then, and the exit handlers still run.
        gc.freeze()
