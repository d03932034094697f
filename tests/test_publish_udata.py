"""Integration tests: the publisher against the REAL udata 17.18 (tests/udata/server.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import requests

from pipeline.datagouv import errors
from pipeline.datagouv.client import Client
from pipeline.datagouv.local import FILE_KEY
from pipeline.datagouv.sync import RefusedExtension, sync
from pipeline.render import render
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
        dataset = requests.get(
            f"{udata_server['base_url']}/api/1/datasets/{ds_id}/", timeout=10
        ).json()
        assert dataset["license"] == "lov2"
        assert dataset["tags"] == ["anct", "cohesion-des-territoires", "communes"]
        assert dataset["temporal_coverage"]["start"].startswith("2021-01-01")
        assert dataset["spatial"]["granularity"] == "fr:commune"
        assert dataset["description"].startswith("# Jeu de test")
        assert dataset["private"] is False
        remote = by_file(remote_resources(udata_server, ds_id))
        assert sorted(remote) == [
            "communes-aidees.csv",
            "communes-aidees.json",
            "communes-aidees.schema.json",
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
        assert paths == {
            remote["communes-aidees.csv"]["latest"],
            remote["communes-aidees.json"]["latest"],
        }
        schema = requests.get(remote["communes-aidees.schema.json"]["latest"], timeout=10).json()
        assert [f["name"] for f in schema["fields"]] == ["code_commune", "nom_commune", "montant"]

    fault_proxy.reset_log()
    second = sync(
        client_for(fault_proxy.url, udata_server["api_key"]), udata_server["org_slug"], folders
    )
    assert [p.action for p in second.plans] == ["unchanged", "unchanged"]
    assert all(s.action == "unchanged" for p in second.plans for s in p.files)
    assert (second.planned_uploads, second.planned_writes) == (0, 0)
    assert (second.uploads, second.writes) == (0, 0)
    assert fault_proxy.count("POST", "PUT", "DELETE", "PATCH") == 0
    assert fault_proxy.count("GET") > 0


def test_changing_one_figure_replaces_only_that_datasets_files(udata_server, fault_proxy, tmp_path):
    folders = [make_package(tmp_path, "ds-gamma"), make_package(tmp_path, "ds-delta")]
    first = sync(
        client_for(fault_proxy.url, udata_server["api_key"]), udata_server["org_slug"], folders
    )
    gamma_id = first.datasets["ds-gamma"]["id"]
    before = by_file(remote_resources(udata_server, gamma_id))

    rows = [dict(DEFAULT_ROWS[0], montant=999.0), DEFAULT_ROWS[1]]
    make_package(tmp_path, "ds-gamma", rows=rows)
    fault_proxy.reset_log()
    second = sync(
        client_for(fault_proxy.url, udata_server["api_key"]), udata_server["org_slug"], folders
    )

    gamma, delta = second.plans
    assert delta.action == "unchanged" and delta.writes == 0
    assert gamma.action == "unchanged"
    actions = {s.file.filename: s.action for s in gamma.files}
    assert actions == {
        "communes-aidees.schema.json": "unchanged",
        "communes-aidees.csv": "replace",
        "communes-aidees.json": "replace",
        "datapackage.json": "replace",
    }
    assert second.uploads == 3
    assert second.writes == 6  # three uploads, three metadata PUTs
    uploads = [p for m, p, _ in fault_proxy.log if m == "POST"]
    assert len(uploads) == 3 and all(gamma_id in p for p in uploads)

    after = by_file(remote_resources(udata_server, gamma_id))
    assert {k: v["id"] for k, v in after.items()} == {k: v["id"] for k, v in before.items()}
    assert after["communes-aidees.csv"]["checksum"]["value"] == sha1(
        tmp_path / "ds-gamma" / "communes-aidees.csv"
    )
    # udata resets the title on replacement: the publisher must have restored it
    assert after["communes-aidees.csv"]["title"] == "Communes aidées (CSV)"
    third = sync(
        client_for(fault_proxy.url, udata_server["api_key"]), udata_server["org_slug"], folders
    )
    assert (third.uploads, third.writes) == (0, 0)


@pytest.mark.parametrize("mode", ["503_after", "reset_after", "timeout_after", "503"])
def test_fault_on_upload_leaves_no_duplicate_and_converges(
    udata_server, fault_proxy, tmp_path, mode
):
    name = f"ds-fault-{mode.replace('_', '-')}"
    folder = make_package(tmp_path, name)
    org = udata_server["org_slug"]
    # The fault hits the upload of the CSV file (a new resource) in the first run.
    fault_proxy.inject("POST", "/upload/", mode, delay=3.0)
    client = client_for(fault_proxy.url, udata_server["api_key"], upload_timeout=1.5)
    first = sync(client, org, [folder], recovery_waits=(0.0, 0.5, 1.0))
    ds_id = first.datasets[name]["id"]

    resources = remote_resources(udata_server, ds_id)
    assert len(resources) == 4, [r["title"] for r in resources]
    assert sorted(by_file(resources)) == [
        "communes-aidees.csv",
        "communes-aidees.json",
        "communes-aidees.schema.json",
        "datapackage.json",
    ]
    failed = [entry for entry in fault_proxy.log if entry[2] in (-1, 503)]
    assert len(failed) == 1
    # not-forwarded 503: the upload never reached udata, so one extra upload; otherwise none
    assert first.uploads == (5 if mode == "503" else 4)

    again = sync(client_for(fault_proxy.url, udata_server["api_key"]), org, [folder])
    assert (again.uploads, again.writes) == (0, 0)


def test_interrupted_run_is_adopted_by_sha1_not_uploaded_twice(udata_server, tmp_path):
    """A run killed between an upload and its metadata PUT leaves a resource without
    pipeline:file; the next run recognises it by sha1."""
    folder = make_package(tmp_path, "ds-killed")
    org = udata_server["org_slug"]
    result = sync(client_for(udata_server["base_url"], udata_server["api_key"]), org, [folder])
    ds_id = result.datasets["ds-killed"]["id"]
    csv_res = by_file(remote_resources(udata_server, ds_id))["communes-aidees.csv"]
    # simulate the interruption: drop the extra, as if the PUT never happened
    client = client_for(udata_server["base_url"], udata_server["api_key"])
    client.request(
        "DELETE", f"/api/2/datasets/{ds_id}/resources/{csv_res['id']}/extras/", json=[FILE_KEY]
    )
    again = sync(client_for(udata_server["base_url"], udata_server["api_key"]), org, [folder])
    steps = {s.file.filename: s.action for s in again.plans[0].files}
    assert steps["communes-aidees.csv"] == "adopt"
    assert again.uploads == 0
    resources = remote_resources(udata_server, ds_id)
    assert len(resources) == 4
    assert by_file(resources)["communes-aidees.csv"]["id"] == csv_res["id"]


def test_chunked_upload_against_real_udata(udata_server, tmp_path):
    rows = [
        {"code_commune": f"{i:05d}", "nom_commune": f"Commune {i}", "montant": i * 1.5}
        for i in range(1000, 1600)
    ]
    folder = make_package(tmp_path, "ds-chunked", rows=rows)
    client = client_for(
        udata_server["base_url"], udata_server["api_key"], chunk_threshold=4000, chunk_size=4000
    )
    result = sync(client, udata_server["org_slug"], [folder])
    remote = by_file(remote_resources(udata_server, result.datasets["ds-chunked"]["id"]))
    csv_path = folder / "communes-aidees.csv"
    assert csv_path.stat().st_size > 3 * 4000
    assert remote["communes-aidees.csv"]["checksum"]["value"] == sha1(csv_path)
    assert remote["communes-aidees.csv"]["filesize"] == csv_path.stat().st_size
    assert client.stats["POST"] > result.uploads + 1  # several parts per large file


def test_odbl_licence_is_mapped_to_the_udata_id(udata_server, tmp_path):
    folder = make_package(tmp_path, "ds-licence")
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["licenses"] = [{"name": "ODbL-1.0"}]
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    # (the rejection of an unknown licence is tested with mocks in test_datagouv_client.py)
    result = sync(
        client_for(udata_server["base_url"], udata_server["api_key"]),
        udata_server["org_slug"],
        [folder],
    )
    ds_id = result.datasets["ds-licence"]["id"]
    assert (
        requests.get(f"{udata_server['base_url']}/api/1/datasets/{ds_id}/", timeout=10).json()[
            "license"
        ]
        == "odc-odbl"
    )


def test_new_formats_are_published_and_parquet_is_left_out_with_one_note(udata_server, tmp_path):
    """udata's default allow-list has geojson, png and svg but no parquet."""
    folder = make_package(tmp_path, "ds-formats", formats=True)
    folders = [folder, make_package(tmp_path, "ds-formats-bis", formats=True)]
    client = client_for(udata_server["base_url"], udata_server["api_key"])
    assert "parquet" not in client.extensions() and "geojson" in client.extensions()

    first = sync(client, udata_server["org_slug"], folders)
    assert first.refused == [
        RefusedExtension(
            "parquet", files=2, datasets=["ds-formats", "ds-formats-bis"], linked=False
        )
    ]
    note = (
        f"{udata_server['base_url']} n'accepte pas les fichiers .parquet : 2 fichier(s) .parquet "
        "(2 jeu(x)) non envoyé(s) ; la description de chaque jeu indique leur chemin dans le "
        "dépôt (ajoutez datagouv.files_url à pipeline.json pour un lien)."
    )
    warning = (
        f"2 fichier(s) .parquet de 2 jeu(x) ne sont pas sur {udata_server['base_url']} et "
        "« files_url » n'est pas configuré : la description de ces jeux ne donne que leur chemin "
        "dans le dépôt, sans lien, et les réutilisateurs ne peuvent pas les télécharger depuis "
        "data.gouv.fr. Ajoutez à la section « datagouv » de pipeline.json "
        '« "files_url": "https://…/data/published/" », l\'adresse http(s) où le dépôt sert '
        "data/published/, puis relancez pipeline publish (voir docs/publish.md)."
    )
    text = render("publish", first, "text")
    assert text.count(f"Note : {note}\n") == 1
    assert "    communes-aidees.parquet : non envoyé (extension refusée" in text
    assert text.endswith(f"écriture(s).\nATTENTION : {warning}\n")  # last: not missed
    annotation = render("publish", first, "github")
    assert annotation.startswith("::warning file=pipeline.json,title=Fichiers sans lien::2 ")
    assert annotation.count("\n") == 1
    data = json.loads(render("publish", first, "json"))
    assert data["notes"] == [note]
    assert data["warnings"] == [warning]
    assert data["refused"] == [
        {
            "extension": "parquet",
            "files": 2,
            "datasets": ["ds-formats", "ds-formats-bis"],
            "linked": False,
        }
    ]
    plan = data["datasets"][0]
    assert plan["skipped"] == ["communes-aidees.parquet"]
    assert [f["file"] for f in plan["files"]] == [
        "communes-aidees.schema.json",
        "communes-aidees.csv",
        "communes-aidees.json",
        "communes-aidees.geojson",
        "apercu.svg",
        "apercu.png",
        "datapackage.json",
    ]
    assert first.uploads == 2 * 7

    ds_id = first.datasets["ds-formats"]["id"]
    remote = by_file(remote_resources(udata_server, ds_id))
    assert {name: (r["type"], r["format"]) for name, r in remote.items()} == {
        "communes-aidees.schema.json": ("documentation", "json"),
        "communes-aidees.csv": ("main", "csv"),
        "communes-aidees.json": ("main", "json"),
        "communes-aidees.geojson": ("main", "geojson"),
        "apercu.svg": ("documentation", "svg"),
        "apercu.png": ("documentation", "png"),
        "datapackage.json": ("documentation", "json"),
    }
    for name in ("communes-aidees.geojson", "apercu.svg", "apercu.png"):
        assert remote[name]["checksum"]["value"] == sha1(folder / name)
    assert remote["communes-aidees.geojson"]["title"] == "Communes aidées (GeoJSON)"
    assert remote["apercu.png"]["mime"] == "image/png"
    geo = requests.get(remote["communes-aidees.geojson"]["latest"], timeout=10).json()
    assert [f["geometry"]["coordinates"] for f in geo["features"]] == [
        [4.926, 46.1534],
        [8.7386, 41.9192],
    ]
    dataset = requests.get(f"{udata_server['base_url']}/api/1/datasets/{ds_id}/", timeout=10)
    description = dataset.json()["description"]
    assert description.endswith(
        "## Fichiers disponibles hors de data.gouv.fr\n\n"
        "data.gouv.fr n'accepte pas les fichiers .parquet : ils sont publiés dans le dépôt du "
        "projet, avec les mêmes empreintes que dans datapackage.json.\n\n"
        "- `data/published/ds-formats/communes-aidees.parquet`"
    )
    # the remote descriptor only lists what can be downloaded from it
    descriptor = requests.get(remote["datapackage.json"]["latest"], timeout=10).json()
    assert [r["format"] for r in descriptor["resources"]] == [
        "csv",
        "json",
        "geojson",
        "svg",
        "png",
    ]

    again = sync(
        client_for(udata_server["base_url"], udata_server["api_key"]),
        udata_server["org_slug"],
        folders,
    )
    assert (again.uploads, again.writes) == (0, 0)
    assert [r.extension for r in again.refused] == ["parquet"]  # still said on every run
    assert render("publish", again, "text").endswith(f"0 écriture.\nATTENTION : {warning}\n")

    # with files_url, the description links the files: no warning
    linked = sync(
        client_for(udata_server["base_url"], udata_server["api_key"]),
        udata_server["org_slug"],
        folders,
        dry_run=True,
        files_url="https://forge.example/anct/donnees/raw/main/data/published/",
    )
    assert [r.linked for r in linked.refused] == [True]
    assert json.loads(render("publish", linked, "json"))["warnings"] == []
    assert "ATTENTION" not in render("publish", linked, "text")
    assert render("publish", linked, "github") == ""


def test_dataset_deleted_by_hand_is_refused_before_any_write(udata_server, fault_proxy, tmp_path):
    """udata still lists a deleted dataset to the organisation's members, with every field
    unchanged: the sync used to call it « unchanged » and exit 0 with nothing online."""
    folders = [make_package(tmp_path, "ds-deleted-a"), make_package(tmp_path, "ds-deleted-b")]
    org, key = udata_server["org_slug"], udata_server["api_key"]
    first = sync(client_for(udata_server["base_url"], key), org, folders)
    ds_id = first.datasets["ds-deleted-b"]["id"]
    gone = requests.delete(
        f"{udata_server['base_url']}/api/1/datasets/{ds_id}/", headers={"X-API-KEY": key}
    )
    assert gone.status_code == 204
    make_package(tmp_path, "ds-deleted-a", rows=DEFAULT_ROWS[:1])  # a change to publish

    fault_proxy.reset_log()
    with pytest.raises(errors.DatasetDeleted) as caught:
        sync(client_for(fault_proxy.url, key), org, folders)
    listing = requests.get(
        f"{udata_server['base_url']}/api/1/organizations/{org}/datasets/?page_size=100",
        headers={"X-API-KEY": key},
        timeout=10,
    ).json()["data"]
    (deleted,) = [d for d in listing if d["id"] == ds_id]
    assert str(caught.value) == (
        f"Le jeu de données du paquet ds-deleted-b (identifiant {ds_id}, "
        f"« jeu-de-test-ds-deleted-b ») a été supprimé sur {fault_proxy.url} le "
        f"{deleted['deleted'][:10]} : rien n'a été publié. Si la suppression est une "
        "erreur, faites restaurer le jeu (par l'équipe de data.gouv.fr) puis relancez la "
        "publication ; si elle est voulue, retirez le dossier schemas/ds-deleted-b/ du dépôt. "
        "Le pipeline ne recrée pas de lui-même un jeu supprimé à la main."
    )
    assert caught.value.exit_code == 3
    assert fault_proxy.count("POST", "PUT", "DELETE") == 0  # ds-deleted-a untouched too
    csv_a = by_file(remote_resources(udata_server, first.datasets["ds-deleted-a"]["id"]))
    assert csv_a["communes-aidees.csv"]["checksum"]["value"] != sha1(
        tmp_path / "ds-deleted-a" / "communes-aidees.csv"
    )


def test_dataset_archived_by_hand_is_published_again(udata_server, fault_proxy, tmp_path):
    """An archived dataset leaves data.gouv.fr's search: the sync used to leave it so and
    call it « unchanged ». Like ``private``, the package decides."""
    folder = make_package(tmp_path, "ds-archived")
    org, key = udata_server["org_slug"], udata_server["api_key"]
    ds_id = sync(client_for(udata_server["base_url"], key), org, [folder]).datasets["ds-archived"][
        "id"
    ]
    api = f"{udata_server['base_url']}/api/1/datasets/{ds_id}/"
    before = requests.get(api, timeout=10).json()
    archived = requests.put(
        api,
        headers={"X-API-KEY": key},
        json={
            "archived": "2025-01-01T00:00:00",
            **{k: before[k] for k in ("tags", "temporal_coverage", "spatial")},
        },
        timeout=10,
    )
    assert archived.json()["archived"].startswith("2025-01-01")

    fault_proxy.reset_log()
    again = sync(client_for(fault_proxy.url, key), org, [folder])
    assert (again.plans[0].action, again.plans[0].changed) == ("update_dataset", ["archived"])
    assert (again.uploads, again.writes) == (0, 1)
    assert [(m, p) for m, p, _ in fault_proxy.log if m != "GET"] == [
        ("PUT", f"/api/1/datasets/{ds_id}/")
    ]
    after = requests.get(api, timeout=10).json()
    assert after["archived"] is None
    assert after["tags"] == before["tags"] and after["description"] == before["description"]
    last = sync(client_for(udata_server["base_url"], key), org, [folder])
    assert (last.uploads, last.writes) == (0, 0)


def test_resources_no_file_keeps_are_deleted_last_and_foreign_ones_kept(
    udata_server, fault_proxy, tmp_path
):
    """A format dropped from the package and a duplicate made by hand used to stay online
    for ever (the dropped JSON serving stale data); a resource added by hand is not ours."""
    folder = make_package(tmp_path, "ds-stale")
    org, key = udata_server["org_slug"], udata_server["api_key"]
    # one client for both runs: it spaces two uploads of one file name (udata answers 500
    # to two in the same second)
    client = client_for(fault_proxy.url, key, backoff=0)
    ds_id = sync(client, org, [folder]).datasets["ds-stale"]["id"]
    before = by_file(remote_resources(udata_server, ds_id))
    hand = client_for(udata_server["base_url"], key)
    foreign = hand.upload(
        ds_id, folder / "README.md", filename="notes.txt"
    )  # no pipeline:file: not ours
    twin = hand.upload(ds_id, folder / "communes-aidees.csv", filename="copie.csv")
    hand.update_resource(
        ds_id, twin["id"], {"title": "Copie", "extras": {FILE_KEY: "communes-aidees.csv"}}
    )
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"] = [r for r in descriptor["resources"] if r["format"] != "json"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    (folder / "communes-aidees.json").unlink()

    dry = sync(client_for(fault_proxy.url, key), org, [folder], dry_run=True)
    assert [
        (s.file.filename, s.action, s.note)
        for s in dry.plans[0].files
        if s.changed or s.action != "unchanged"
    ] == [
        ("datapackage.json", "replace", ""),
        ("communes-aidees.csv", "delete", "doublon d'une autre ressource du même fichier"),
        ("communes-aidees.json", "delete", "fichier qui n'est plus dans le paquet"),
    ]
    assert dry.planned_writes == 4

    fault_proxy.reset_log()
    fault_proxy.inject("DELETE", "/resources/", "503_after")  # first deletion done, answer lost
    again = sync(client, org, [folder])
    assert again.uploads == 1
    writes = [(m, p, s) for m, p, s in fault_proxy.log if m != "GET"]
    assert [m for m, _, _ in writes] == ["POST", "PUT", "DELETE", "DELETE", "DELETE"]
    assert [s for _, _, s in writes[2:]] == [-1, 404, 204]  # the retry finds it gone
    after = remote_resources(udata_server, ds_id)
    assert sorted((r["id"], (r.get("extras") or {}).get(FILE_KEY)) for r in after) == sorted(
        [
            (before["communes-aidees.schema.json"]["id"], "communes-aidees.schema.json"),
            (before["communes-aidees.csv"]["id"], "communes-aidees.csv"),
            (before["datapackage.json"]["id"], "datapackage.json"),
            (foreign["id"], None),
        ]
    )
    remote_descriptor = requests.get(before["datapackage.json"]["latest"], timeout=10).json()
    assert [r["path"] for r in remote_descriptor["resources"]] == [
        before["communes-aidees.csv"]["latest"]
    ]
    last = sync(client_for(udata_server["base_url"], key), org, [folder])
    assert (last.uploads, last.writes) == (0, 0)
