"""Integration tests: the publisher against the REAL udata 17.18 (tests/udata/server.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import requests

from pipeline.datagouv.client import Client
from pipeline.datagouv.local import FILE_KEY
from pipeline.datagouv.sync import sync
from tests.udata.packages import DEFAULT_ROWS, make_package

pytestmark = pytest.mark.udata


def client_for(url: str, key: str, **kwargs) -> Client:
    kwargs.setdefault("timeout", 20)
    return Client(url, key, **kwargs)


def remote_resources(server: dict, dataset_id: str) -> list[dict]:
    url = f"{server['base_url']}/api/2/datasets/{dataset_id}/resources/?page_size=100"
    return requests.get(url, timeout=10).json()["data"]


def by_file(resources: list[dict]) -> dict[str, dict]:
    return {r["extras"][FILE_KEY]: r for r in resources if FILE_KEY in (r.get("extras") or {})}


def sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def test_first_publish_creates_then_second_is_a_no_op(udata_server, fault_proxy, tmp_path):
    folders = [make_package(tmp_path, "ds-alpha"), make_package(tmp_path, "ds-beta")]
    client = client_for(fault_proxy.url, udata_server["api_key"])

    first = sync(client, udata_server["org_slug"], folders)
    assert [p.action for p in first.plans] == ["create_dataset", "create_dataset"]
    # per dataset: 1 schema file, 2 data files, datapackage.json
    assert first.uploads == 8
    assert fault_proxy.count("POST") == 2 + 8  # two dataset creates, eight uploads

    for folder in folders:
        ds_id = first.datasets[folder.name]["id"]
        dataset = requests.get(f"{udata_server['base_url']}/api/1/datasets/{ds_id}/", timeout=10).json()
        assert dataset["license"] == "lov2"
        assert dataset["tags"] == ["anct", "cohesion-des-territoires", "communes"]
        assert dataset["temporal_coverage"]["start"].startswith("2021-01-01")
        assert dataset["spatial"]["granularity"] == "fr:commune"
        assert dataset["description"].startswith("# Jeu de test")
        assert dataset["private"] is False
        remote = by_file(remote_resources(udata_server, ds_id))
        assert sorted(remote) == [
            "communes-aidees.csv", "communes-aidees.json", "communes-aidees.schema.json",
            "datapackage.json",
        ]
        for name in ("communes-aidees.csv", "communes-aidees.json"):
            assert remote[name]["checksum"] == {"type": "sha1", "value": sha1(folder / name)}
            assert remote[name]["filesize"] == (folder / name).stat().st_size
            assert remote[name]["type"] == "main"
            assert remote[name]["title"] == f"Communes aidées ({name.rsplit('.', 1)[1].upper()})"
            assert remote[name]["schema"]["url"] == remote["communes-aidees.schema.json"]["latest"]
        assert remote["datapackage.json"]["type"] == "documentation"
        descriptor = requests.get(remote["datapackage.json"]["latest"], timeout=10).json()
        paths = {r["path"] for r in descriptor["resources"]}
        assert paths == {remote["communes-aidees.csv"]["latest"], remote["communes-aidees.json"]["latest"]}
        schema = requests.get(remote["communes-aidees.schema.json"]["latest"], timeout=10).json()
        assert [f["name"] for f in schema["fields"]] == ["code_commune", "nom_commune", "montant"]

    fault_proxy.reset_log()
    second = sync(client_for(fault_proxy.url, udata_server["api_key"]), udata_server["org_slug"], folders)
    assert [p.action for p in second.plans] == ["unchanged", "unchanged"]
    assert all(s.action == "unchanged" for p in second.plans for s in p.files)
    assert (second.planned_uploads, second.planned_writes) == (0, 0)
    assert (second.uploads, second.writes) == (0, 0)
    assert fault_proxy.count("POST", "PUT", "DELETE", "PATCH") == 0
    assert fault_proxy.count("GET") > 0
