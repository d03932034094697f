"""`pipeline publish` and `pipeline verify` through the CLI, against the real udata."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli_helpers import fake_build, get_cli
from tests.udata.packages import make_package

pytestmark = pytest.mark.udata


@pytest.fixture
def repo(tmp_path, udata_server):
    root = tmp_path / "repo"
    (root / "schemas").mkdir(parents=True)
    (root / "pipeline.json").write_text(
        json.dumps({"datagouv": {"organization": udata_server["org_slug"]}})
    )
    return root


def run(root: Path, *args: str, key: str | None = None):
    env = {"DATAGOUV_API_KEY": key or ""}
    return CliRunner().invoke(get_cli(), ["--root", str(root), *args], env=env)


def test_publish_without_target_builds_and_explains(repo, monkeypatch):
    make_package(repo / "data" / "published", "cli-local")
    calls = fake_build(monkeypatch)
    result = run(repo, "publish")
    assert result.exit_code == 0, result.output
    assert calls == [None]
    assert "Rien n'a été envoyé" in result.stderr
    assert "export DATAGOUV_API_KEY=" in result.stderr
    assert "pipeline publish --to prod" in result.stderr


def test_publish_without_key_exits_2_without_building(repo, monkeypatch, fault_proxy):
    calls = fake_build(monkeypatch)
    result = run(repo, "publish", "--to", fault_proxy.url)
    assert result.exit_code == 2
    assert "DATAGOUV_API_KEY" in result.stderr and "Erreur :" in result.stderr
    assert calls == [] and fault_proxy.count() == 0


def test_invalid_data_is_never_uploaded(repo, monkeypatch, fault_proxy, udata_server):
    fake_build(monkeypatch, error="2 erreurs dans data/raw/x.csv")
    result = run(repo, "publish", "--to", fault_proxy.url, key=udata_server["api_key"])
    assert result.exit_code == 1
    assert "2 erreurs" in result.stderr
    assert fault_proxy.count() == 0


def test_bad_key_exits_3_with_french_message_without_the_key(repo, monkeypatch, fault_proxy):
    make_package(repo / "data" / "published", "cli-badkey")
    fake_build(monkeypatch)
    key = "udata_this-is-not-a-valid-key-0123456789"
    result = run(repo, "publish", "--to", fault_proxy.url, key=key)
    assert result.exit_code == 3, result.output
    assert "clé d'API data.gouv.fr est refusée" in result.stderr
    assert "DATAGOUV_API_KEY" in result.stderr
    assert "Invalid API token" in result.stderr  # the server's own message is kept
    assert key not in result.output and key not in result.stderr
    assert "Traceback" not in result.stderr


def test_non_member_key_exits_3_with_membership_advice(repo, monkeypatch, udata_server):
    make_package(repo / "data" / "published", "cli-outsider")
    fake_build(monkeypatch)
    key = udata_server["outsider_api_key"]
    result = run(repo, "publish", "--to", udata_server["base_url"], key=key)
    assert result.exit_code == 3, result.output
    # udata answers 400 "Permission denied for this organization" to a non-member's create
    assert "HTTP 400" in result.stderr and "Permission denied" in result.stderr
    assert "n'a pas le droit" in result.stderr and "membre" in result.stderr
    assert key not in result.stderr


def test_dry_run_then_publish_then_no_op_then_verify(repo, monkeypatch, fault_proxy, udata_server):
    published = repo / "data" / "published"
    make_package(published, "cli-one")
    fake_build(monkeypatch)
    key = udata_server["api_key"]

    dry = run(repo, "publish", "--to", fault_proxy.url, "--dry-run", "--format", "json", key=key)
    assert dry.exit_code == 0, dry.output
    plan = json.loads(dry.stdout)
    assert plan["dry_run"] is True
    assert plan["planned"] == {"uploads": 4, "writes": 9}
    assert plan["done"] == {"uploads": 0, "writes": 0}
    assert plan["datasets"][0]["action"] == "create_dataset"
    assert "créer le jeu de données" in dry.stderr
    assert fault_proxy.count("POST", "PUT", "DELETE") == 0

    first = run(repo, "publish", "--to", fault_proxy.url, "--format", "json", key=key)
    assert first.exit_code == 0, first.output
    done = json.loads(first.stdout)
    assert done["done"] == {"uploads": 4, "writes": 9}
    dataset_id = done["datasets"][0]["remote"]["id"]
    assert key not in first.output

    fault_proxy.reset_log()
    second = run(repo, "publish", "cli-one", "--to", fault_proxy.url, key=key)
    assert second.exit_code == 0, second.output
    assert "0 envoi, 0 écriture" in second.stderr
    assert fault_proxy.count("POST", "PUT", "DELETE") == 0

    # verify: by dataset id, by datapackage URL, and the local folder
    ok = run(repo, "verify", dataset_id, "--from", udata_server["base_url"], "--format", "json")
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.stdout)
    assert report["valid"] is True and len(report["files"]) == 2
    assert all(f["location"].startswith(udata_server["base_url"]) for f in report["files"])
    assert "CONFORME" in ok.stderr
    assert run(repo, "verify", str(published / "cli-one")).exit_code == 0

    # tamper with the stored CSV on the server: verify must reject it
    stored = [p for p in Path(udata_server["fs_root"]).rglob("communes-aidees.csv")]
    mine = [p for p in stored if "jeu-de-test-cli-one" in p.as_posix()]
    assert len(mine) == 1
    mine[0].write_bytes(mine[0].read_bytes().replace(b"Ajaccio", b"Ajacci0"))
    bad = run(repo, "verify", dataset_id, "--from", udata_server["base_url"], "--format", "json")
    assert bad.exit_code == 1, bad.output
    codes = {e["code"] for f in json.loads(bad.stdout)["files"] for e in f["errors"]}
    assert codes == {"hash-mismatch"}
    assert "NON CONFORME" in bad.stderr


def test_verify_rejects_a_tampered_local_file_with_schema_errors(tmp_path):
    folder = make_package(tmp_path, "local-check")
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    csv_path = copy / "communes-aidees.csv"
    csv_path.write_text(csv_path.read_text().replace("01001", "1001"))
    result = CliRunner().invoke(
        get_cli(), ["verify", str(copy / "datapackage.json"), "--format", "json"]
    )
    assert result.exit_code == 1
    files = {f["resource"]: f for f in json.loads(result.stdout)["files"]}
    codes = {e["code"] for e in files["communes-aidees-csv"]["errors"]}
    assert codes == {"bytes-mismatch", "hash-mismatch", "constraint-error"}
    assert files["communes-aidees-json"]["errors"] == []
    line = [e for e in files["communes-aidees-csv"]["errors"] if e["code"] == "constraint-error"]
    assert line[0]["line"] == 2 and line[0]["field"] == "code_commune"
