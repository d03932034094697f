"""The output registry: each format maps a kind of result to the function that renders it
as a string. Every command takes its ``--format`` from here (see
:mod:`pipeline.commands._output`), so a format means the same thing, and goes to the same
stream, whatever the command:

- ``text`` and ``github``: for people (French) and for GitHub's log, on stderr;
- ``json`` and ``markdown``: machine output, on stdout;
- ``html``: a page, written to the file that ``--output`` names.

Kinds of result: ``report`` (validation :class:`~pipeline.findings.Report`), ``build``
(:class:`~pipeline.build.BuildResult`), ``diff`` (a list of
:class:`~pipeline.diff.PackageDiff`), ``publish`` (:class:`~pipeline.datagouv.sync.SyncResult`),
``unpublished`` (the BuildResult of ``publish`` without a target), ``verify``
(:class:`~pipeline.verify.VerifyReport`) and ``add`` (:class:`~pipeline.render.add.AddResult`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pipeline.render import add, build, diff, github, html, json, markdown, publish, text, verify

Stream = Literal["stdout", "stderr", "file"]


@dataclass(frozen=True)
class Format:
    name: str
    stream: Stream
    renderers: Mapping[str, Callable[[Any], str]]  # kind of result -> renderer


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "text",
            "stderr",
            {
                "report": text.render_text,
                "build": build.render_build_text,
                "diff": diff.render_diff_text,
                "publish": publish.render_sync_text,
                "unpublished": publish.render_unpublished_text,
                "verify": verify.render_verify_text,
                "add": add.render_add_text,
            },
        ),
        Format(
            "json",
            "stdout",
            {
                "report": json.render_json,
                "build": json.render_object,
                "diff": json.render_object,
                "publish": publish.render_sync_json,
                "unpublished": publish.render_unpublished_json,
                "verify": json.render_object,
                "add": add.render_add_json,
            },
        ),
        Format(
            "github",
            "stderr",
            {"report": github.render_github, "publish": publish.render_sync_github},
        ),
        Format(
            "markdown",
            "stdout",
            {"report": markdown.render_markdown, "diff": diff.render_diff_markdown},
        ),
        Format("html", "file", {"report": html.render_html}),
    )
}


def formats(*kinds: str) -> list[str]:
    """The formats that can render every one of ``kinds``, text first."""
    return [name for name, f in FORMATS.items() if all(k in f.renderers for k in kinds)]


def render(kind: str, result: Any, fmt: str) -> str:
    return FORMATS[fmt].renderers[kind](result)
