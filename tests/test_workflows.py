"""The GitHub workflows pass actionlint and keep their safety properties; the pre-commit
configuration runs validation on the right files."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
VALIDATE = WORKFLOWS / "validate.yml"
PUBLISH = WORKFLOWS / "publish.yml"


def actionlint() -> str:
    """actionlint from the test environment (PyPI wheel), never skipped."""
    local = Path(sys.executable).parent / "actionlint"
    found = str(local) if local.exists() else shutil.which("actionlint")
    if not found:
        pytest.fail(
            "actionlint est introuvable : installez les extras de test "
            "(`pip install -e '.[test]'` ou `make test`).",
            pytrace=False,
        )
    return found


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean True
    data["on"] = data.pop(True, data.get("on"))
    return data


def walk(node: object, path: tuple = ()):
    """Every (path, string) leaf of a YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, (*path, i))
    elif isinstance(node, str):
        yield path, node


def steps(workflow: dict, job: str) -> dict[str, dict]:
    return {s["name"]: s for s in workflow["jobs"][job]["steps"]}


# --- actionlint ---------------------------------------------------------------------------


def test_actionlint_passes_on_both_workflows() -> None:
    result = subprocess.run(
        [actionlint(), "-no-color", str(VALIDATE), str(PUBLISH)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_actionlint_does_catch_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ steps.nope.outputs.x }}\n"
        "      - uses: actions/upload-artifact@v4\n        if: ${{ !canceled() }}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [actionlint(), "-no-color", "-oneline", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    messages = [line.split(": ", 1)[1] for line in result.stdout.splitlines()]
    assert [m.split(".")[0] for m in messages] == [
        'property "nope" is not defined in object type {} [expression]',
        'missing input "path" which is required by action "actions/upload-artifact@v4"',
        'undefined function "canceled"',
    ]


# --- validate.yml -------------------------------------------------------------------------


def test_validate_runs_on_pull_requests_touching_data_schemas_code_or_itself() -> None:
    on = load(VALIDATE)["on"]
    paths = on["pull_request"]["paths"]
    for watched in (
        "data/raw/**",
        "data/reference/**",
        "schemas/**",
        "pipeline/**",
        "pyproject.toml",
        ".github/workflows/validate.yml",
    ):
        assert watched in paths
    assert on["push"] == {"branches": ["main"], "paths": paths}


def test_validate_has_no_secret_and_read_only_rights() -> None:
    workflow = load(VALIDATE)
    assert "secrets." not in VALIDATE.read_text(encoding="utf-8")
    assert workflow["permissions"] == {"contents": "read"}


def test_validate_steps_run_the_cli_in_github_mode_and_keep_the_reports() -> None:
    s = steps(load(VALIDATE), "validate")
    assert s["Récupérer le dépôt"]["with"]["fetch-depth"] == 0
    python = s["Installer Python"]["with"]
    assert (python["cache"], python["cache-dependency-path"]) == ("pip", "pyproject.toml")
    assert s["Valider les fichiers bruts (annotations)"]["run"] == (
        "pipeline validate --format github"
    )
    assert s["Résumé de la validation"]["run"] == (
        'pipeline validate --format markdown >> "$GITHUB_STEP_SUMMARY" || [ $? -eq 1 ]'
    )
    assert s["Vérifier que data/published est à jour"]["run"] == "pipeline build --check"
    assert s["Comparer avec les données publiées"]["run"] == (
        'pipeline diff --format markdown >> "$GITHUB_STEP_SUMMARY"'
    )
    reports = s["Écrire les rapports JSON et HTML"]
    assert "pipeline validate --format json > reports/validation.json" in reports["run"]
    assert "--format html --output reports/validation.html" in reports["run"]
    upload = s["Joindre les rapports au workflow"]
    assert upload["uses"] == "actions/upload-artifact@v4"
    assert upload["if"] == "${{ !cancelled() }}"
    assert upload["with"]["name"] == "rapport-validation"
    assert reports["if"] == "${{ !cancelled() }}"
    assert steps(load(VALIDATE), "tests")["Lancer les tests"]["run"] == "make test"


# --- publish.yml --------------------------------------------------------------------------


def test_publish_never_runs_on_pull_requests() -> None:
    on = load(PUBLISH)["on"]
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"]["branches"] == ["main"]
    assert on["push"]["tags"] == ["v*"]
    choice = on["workflow_dispatch"]["inputs"]["cible"]
    assert (choice["type"], choice["options"], choice["default"]) == (
        "choice",
        ["demo", "prod"],
        "demo",
    )


def test_the_api_key_is_only_in_the_env_of_the_publish_step() -> None:
    workflow = load(PUBLISH)
    uses_secrets = [path for path, text in walk(workflow) if "secrets." in text]
    publish_steps = workflow["jobs"]["publish"]["steps"]
    index = next(i for i, s in enumerate(publish_steps) if s["name"] == "Publier sur data.gouv.fr")
    assert uses_secrets == [("jobs", "publish", "steps", index, "env", "DATAGOUV_API_KEY")]
    assert publish_steps[index]["env"]["DATAGOUV_API_KEY"] == "${{ secrets.DATAGOUV_API_KEY }}"
    assert publish_steps[index]["run"] == 'pipeline publish --to "$CIBLE"'
    assert publish_steps[index]["env"]["CIBLE"] == "${{ inputs.cible || 'prod' }}"
    assert "env" not in workflow["jobs"]["publish"]
    assert set(workflow["env"]) == {"PYTHONUTF8"}


def test_publish_is_gated_serialised_and_never_cancelled() -> None:
    job = load(PUBLISH)["jobs"]["publish"]
    assert job["needs"] == ["validate"]
    assert "production" in job["environment"]
    assert job["concurrency"] == {"group": "publication-datagouv", "cancel-in-progress": False}
    assert "refs/heads/main" in job["if"] and "refs/tags/v" in job["if"]
    gate = steps(load(PUBLISH), "validate")
    assert gate["Valider les fichiers bruts"]["run"] == "pipeline validate --format github"
    assert gate["Vérifier que data/published est à jour"]["run"] == "pipeline build --check"


# --- pre-commit ---------------------------------------------------------------------------


def precommit_hooks() -> dict[str, dict]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def test_precommit_validates_only_when_data_or_schemas_are_staged() -> None:
    hook = precommit_hooks()["pipeline-validate"]
    assert (hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "pipeline validate",
        "system",
        False,
    )
    files = re.compile(hook["files"])
    for path in ("data/raw/anct_france_services_20240801.csv", "data/reference/cog.csv",
                 "schemas/villages-d-avenir/schema.json"):  # fmt: skip
        assert files.search(path), path
    for path in ("pipeline/cli.py", "README.md", "data/published/x/data.csv", "tests/data/raw/a"):
        assert not files.search(path), path


def test_precommit_hygiene_hooks_leave_data_files_untouched() -> None:
    hooks = precommit_hooks()
    assert {"check-yaml", "check-json", "detect-private-key", "ruff", "ruff-format"} <= set(hooks)
    assert hooks["check-added-large-files"]["args"] == ["--maxkb=5000"]
    for fixer in ("end-of-file-fixer", "trailing-whitespace"):
        exclude = re.compile(hooks[fixer]["exclude"])
        assert exclude.search("data/raw/anct_villages_avenir_communes_20240112.csv")
        assert exclude.search("data/published/villages-d-avenir/villages-d-avenir.csv")
        assert not exclude.search("pipeline/diff.py")
