"""Helpers to drive the real CLI group while `pipeline build` lives in another branch.

TODO(merge): once pipeline/build.py and the build/validate commands are merged, drop the stubs
below and make the publish CLI tests build real fixture data with the real `build`.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path

import click

from pipeline.errors import DataError


def get_cli() -> click.Group:
    import pipeline.commands

    for name in ("build", "validate"):
        module_name = f"pipeline.commands.{name}"
        if module_name not in sys.modules and importlib.util.find_spec(module_name) is None:
            stub = types.ModuleType(module_name)
            stub.command = click.Command(name, callback=lambda: None, help="(stub for tests)")
            sys.modules[module_name] = stub
            setattr(pipeline.commands, name, stub)
    from pipeline.cli import cli

    return cli


def fake_build(monkeypatch, error: str | None = None) -> list:
    """Replace pipeline.build.build by one returning the folders already in data/published/
    (or raising DataError). Returns the list of calls for assertions."""
    calls: list = []

    def build(repo, names=None):
        calls.append(names)
        if error:
            raise DataError(error)
        folders = sorted(p for p in Path(repo.published).iterdir() if p.is_dir())
        if names:
            folders = [p for p in folders if p.name in names]
        return types.SimpleNamespace(packages=folders)

    if importlib.util.find_spec("pipeline.build") is None:
        module = types.ModuleType("pipeline.build")
        module.build = build
        monkeypatch.setitem(sys.modules, "pipeline.build", module)
    else:  # pragma: no cover - after the merge
        monkeypatch.setattr("pipeline.build.build", build)
    return calls
