"""Run, locally, the shell commands of the validate workflow on a fixture repository.

The commands are read from .github/workflows/validate.yml, so the test and the workflow
cannot drift apart. Each step runs as GitHub runs it (``bash --noprofile --norc -eo
pipefail``) with ``GITHUB_ACTIONS=true`` and ``$GITHUB_STEP_SUMMARY`` pointing to a file, and
its ``if:`` condition is honoured.

Needs the validate, build and diff commands and the committed datasets (schemas/, data/).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.headless_chromium import render

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "validate.yml"
BROKEN_FILE = "data/raw/chiffres-cles-2023.csv"
BROKEN_LINE = 3
PIPELINE_STEP = re.compile(r"\bpipeline (validate|build|diff)\b")


@dataclass
class StepRun:
    name: str
    outcome: str  # success, failure or skipped, as steps.<id>.outcome
    output: str = ""


def workflow_steps() -> list[dict]:
    """The validate job's steps that call the pipeline (not checkout, install or upload)."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return [
        s for s in workflow["jobs"]["validate"]["steps"] if PIPELINE_STEP.search(s.get("run", ""))
    ]


def condition_holds(expression: str | None, runs: dict[str, StepRun], failed: bool) -> bool:
    """The subset of GitHub expressions the workflow uses: status functions, step outcomes,
    !, && and ||. No status function means success() && (...), as on GitHub."""
    if expression is None:
        return not failed
    text = expression.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2].strip()
    implicit_success = not re.search(r"\b(success|failure|always|cancelled)\(\)", text)
    text = re.sub(
        r"steps\.([\w-]+)\.outcome",
        lambda m: repr(runs[m.group(1)].outcome if m.group(1) in runs else ""),
        text,
    )
    text = (
        text.replace("!cancelled()", "True")
        .replace("cancelled()", "False")
        .replace("always()", "True")
        .replace("success()", repr(not failed))
        .replace("failure()", repr(failed))
        .replace("&&", " and ")
        .replace("||", " or ")
        .replace("!=", " != ")
        .replace("!", " not ")
        .replace(" not  = ", " != ")
    )
    value = bool(eval(text, {"__builtins__": {}}, {}))  # noqa: S307 - our own workflow file
    return value and not failed if implicit_success else value


def make_fixture(tmp_path: Path, *, broken: bool) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for folder in ("schemas", "data"):
        assert (ROOT / folder).is_dir(), f"{folder}/ manque dans le dépôt : fusionnez d'abord main"
        shutil.copytree(ROOT / folder, repo / folder)
    if broken:
        raw = repo / BROKEN_FILE
        assert raw.is_file(), f"{BROKEN_FILE} manque dans le dépôt"
        lines = raw.read_bytes().split(b"\n")
        header = lines[0]
        delimiter = b";" if header.count(b";") > header.count(b",") else b","
        target = lines[BROKEN_LINE - 1]
        ending = b"\r" if target.endswith(b"\r") else b""
        lines[BROKEN_LINE - 1] = (
            target.removesuffix(b"\r") + delimiter + b"cellule-en-trop" + ending
        )
        raw.write_bytes(b"\n".join(lines))
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "fixture"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    return repo


def run_workflow(repo: Path, summary: Path) -> dict[str, StepRun]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env |= {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("PIPELINE_ROOT", None)
    runs: dict[str, StepRun] = {}
    failed = False
    for step in workflow_steps():
        key = step.get("id", step["name"])
        if not condition_holds(step.get("if"), runs, failed):
            runs[key] = StepRun(step["name"], "skipped")
            continue
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        outcome = "success" if result.returncode == 0 else "failure"
        failed = failed or outcome == "failure"
        runs[key] = StepRun(step["name"], outcome, result.stdout + result.stderr)
    return runs


def test_condition_evaluator_follows_github_semantics() -> None:
    ok = {"validate": StepRun("v", "success")}
    ko = {"validate": StepRun("v", "failure")}
    both = "${{ !cancelled() && steps.validate.outcome == 'success' }}"
    assert condition_holds(None, ok, failed=False)
    assert not condition_holds(None, ko, failed=True)
    assert condition_holds("${{ !cancelled() }}", ko, failed=True)
    assert condition_holds(both, ok, failed=True)
    assert not condition_holds(both, ko, failed=True)
    assert not condition_holds("steps.validate.outcome == 'success'", ok, failed=True)


def test_workflow_commands_on_a_repository_with_one_broken_raw_file(tmp_path: Path) -> None:
    repo = make_fixture(tmp_path, broken=True)
    summary = tmp_path / "step-summary.md"
    runs = run_workflow(repo, summary)
    names = {key: run.outcome for key, run in runs.items()}
    assert names == {
        "validate": "failure",
        "Résumé de la validation": "success",
        "Vérifier que data/published est à jour": "skipped",
        "Comparer avec les données publiées": "skipped",
        "Écrire les rapports JSON et HTML": "success",
    }, {k: r.output[-3000:] for k, r in runs.items()}

    # an annotation on the broken file and line, at most 10 errors
    output = runs["validate"].output
    annotations = [line for line in output.splitlines() if line.startswith("::error ")]
    assert any(
        line.startswith(f"::error file={BROKEN_FILE},line={BROKEN_LINE},") for line in annotations
    ), output[-3000:]
    assert 1 <= len(annotations) <= 10
    assert "Traceback" not in output

    # the French summary
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Validation des données : ❌ INVALIDE\n")
    assert re.search(r"\| ❌ INVALIDE \|", text)
    assert f"| `{BROKEN_FILE}` | {BROKEN_LINE} |" in text
    assert "artefact `rapport-validation`" in text

    # the reports of the artifact
    report = json.loads((repo / "reports" / "validation.json").read_text(encoding="utf-8"))
    assert report["valid"] is False
    assert any(
        f["file"] == BROKEN_FILE and f["line"] == BROKEN_LINE and f["severity"] == "error"
        for f in report["findings"]
    )
    html = repo / "reports" / "validation.html"
    rendered = render(html, tmp_path)
    assert f"<h4>{BROKEN_FILE} — " in rendered.dom
    assert f'<td class="num">{BROKEN_LINE}</td>' in rendered.dom
    assert rendered.page_requests == []


def test_workflow_commands_on_the_repository_as_committed(tmp_path: Path) -> None:
    repo = make_fixture(tmp_path, broken=False)
    summary = tmp_path / "step-summary.md"
    runs = run_workflow(repo, summary)
    assert {key: run.outcome for key, run in runs.items()} == {
        "validate": "success",
        "Résumé de la validation": "success",
        "Vérifier que data/published est à jour": "success",
        "Comparer avec les données publiées": "success",
        "Écrire les rapports JSON et HTML": "success",
    }, {k: r.output[-3000:] for k, r in runs.items()}
    assert not any(line.startswith("::error ") for line in runs["validate"].output.splitlines())
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Validation des données : ✅ VALIDE\n")
    assert "## Changements des données publiées" in text
    report = json.loads((repo / "reports" / "validation.json").read_text(encoding="utf-8"))
    assert report["valid"] is True
