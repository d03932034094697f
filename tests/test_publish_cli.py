"""`pipeline publish` and `pipeline verify` through the CLI, against the real udata.

Each test builds a small real repository (the COG reference plus copies of real ANCT datasets
and their raw files) with the real `pipeline build`, then publishes it for real. The udata
server is shared by the session, so every test gives its datasets their own names.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from pipeline.cli import cli

pytestmark = pytest.mark.udata

ROOT = Path(__file__).resolve().parents[1]
PAO = "immobilier-commercial"  # 99 rows, data/raw/anct_pao_commerce_202403.csv
ACV = "action-coeur-de-ville"  # 244 rows, data/raw/anct_acv_communes_20240205.csv


def make_repo(root: Path, org_slug: str) -> Path:
    """A repository with the COG reference, no dataset yet, and nothing published."""
    shutil.copytree(ROOT / "schemas/reference", root / "schemas/reference")
    shutil.copytree(ROOT / "data/reference", root / "data/reference")
    (root / "data/raw").mkdir(parents=True)
    (root / "data/published").mkdir(parents=True)
    (root / "pipeline.json").write_text(json.dumps({"datagouv": {"organization": org_slug}}))
    return root


def add_dataset(root: Path, name: str, source: str) -> Path:
    """Copy the real dataset ``schemas/<source>`` as ``<name>``, titled « Jeu <name> » (so its
    udata slug is ``jeu-<name>``), with its real raw file copied to ``data/raw/<name>.csv``.
    Returns the raw file."""
    folder = root / "schemas" / name
    shutil.copytree(ROOT / "schemas" / source, folder)
    meta = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
    (resource,) = meta["resources"]
    raw = root / "data/raw" / f"{name}.csv"
    shutil.copy(ROOT / resource["source"]["path"], raw)
    resource["source"]["path"] = f"data/raw/{name}.csv"
    meta.update(name=name, title=f"Jeu {name}")
    (folder / "dataset.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return raw


@pytest.fixture
def repo(tmp_path, udata_server):
    return make_repo(tmp_path / "repo", udata_server["org_slug"])


def run(root: Path, *args: str, key: str | None = None):
    env = {"DATAGOUV_API_KEY": key or ""}
    return CliRunner().invoke(cli, ["--root", str(root), *args], env=env)


def published(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "data/published").iterdir())


def test_publish_without_target_builds_and_explains(repo):
    add_dataset(repo, "cli-local", PAO)
    result = run(repo, "publish")
    assert result.exit_code == 0, result.output
    assert published(repo) == ["cli-local"]
    assert sorted(p.name for p in (repo / "data/published/cli-local").iterdir()) == [
        "CHANGELOG.md",
        "README.md",
        "apercu.png",
        "apercu.svg",
        "datapackage.json",
        "immobilier-commercial.csv",
        "immobilier-commercial.json",
        "immobilier-commercial.parquet",
    ]
    assert "Paquet prêt : data/published/cli-local" in result.stderr
    assert "Rien n'a été envoyé" in result.stderr
    assert "export DATAGOUV_API_KEY=" in result.stderr
    assert "pipeline publish --to prod" in result.stderr


def test_publish_without_key_exits_2_without_building(repo, fault_proxy):
    add_dataset(repo, "cli-nokey", PAO)
    result = run(repo, "publish", "--to", fault_proxy.url)
    assert result.exit_code == 2
    assert "DATAGOUV_API_KEY" in result.stderr and "Erreur :" in result.stderr
    assert published(repo) == []  # nothing built
    assert fault_proxy.count() == 0


def test_invalid_data_is_never_uploaded(repo, fault_proxy, udata_server):
    raw = add_dataset(repo, "cli-invalid", PAO)
    text = raw.read_text(encoding="utf-8")
    assert text.splitlines()[1] == "pao-02-montage-20,montage,Laon,02408,Laon"
    raw.write_text(text.replace(",02408,Laon", ",2408,Laon", 1), encoding="utf-8")

    result = run(repo, "publish", "--to", fault_proxy.url, key=udata_server["api_key"])
    assert result.exit_code == 1, result.output
    assert "INVALIDE  cli-invalid" in result.stderr
    assert "ERREUR [constraint-error] ligne 2, champ insee_com : « 2408 »" in result.stderr
    assert "rien n'a été construit ni publié" in result.stderr
    assert published(repo) == []
    assert fault_proxy.count() == 0


def test_bad_key_exits_3_with_french_message_without_the_key(repo, fault_proxy):
    add_dataset(repo, "cli-badkey", PAO)
    key = "udata_this-is-not-a-valid-key-0123456789"
    result = run(repo, "publish", "--to", fault_proxy.url, key=key)
    assert result.exit_code == 3, result.output
    assert "clé d'API data.gouv.fr est refusée" in result.stderr
    assert "DATAGOUV_API_KEY" in result.stderr
    assert "Invalid API token" in result.stderr  # the server's own message is kept
    assert key not in result.output and key not in result.stderr
    assert "Traceback" not in result.stderr
    # the first request carrying the key is refused: nothing is written
    assert [status for _, _, status in fault_proxy.log] == [401]


@pytest.mark.parametrize("damage", ["inner space", "inner newline", "euro sign"])
def test_damaged_key_exits_2_before_any_request(repo, fault_proxy, udata_server, damage):
    """Surrounding blanks are stripped; inside the key they used to end as « unexpected
    answer, check the address » (exit 3) or a UnicodeEncodeError traceback (exit 70)."""
    add_dataset(repo, f"cli-key-{damage.split()[1]}", PAO)
    good = udata_server["api_key"]
    key = {
        "inner space": f"{good[:12]} {good[12:]}",
        "inner newline": f"{good[:12]}\n{good[12:]}",
        "euro sign": f"{good}€",
    }[damage]
    result = run(repo, "publish", "--to", fault_proxy.url, key=key)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "Erreur : La variable d'environnement DATAGOUV_API_KEY contient une espace, un saut de "
        "ligne, un caractère de contrôle ou non ASCII : une clé d'API data.gouv.fr n'en a "
        "jamais (copie incomplète ou avec du texte autour ?). Copiez de nouveau la clé depuis "
        "votre espace data.gouv.fr (Profil > Clés d'API), puis lancez « export "
        "DATAGOUV_API_KEY=<votre clé> ».\n"
    )
    assert good[12:] not in result.output
    assert published(repo) == [] and fault_proxy.count() == 0


def test_key_with_surrounding_blanks_is_used(repo, fault_proxy, udata_server):
    add_dataset(repo, "cli-key-blanks", PAO)
    key = f"  {udata_server['api_key']}\r\n"
    result = run(repo, "publish", "--to", fault_proxy.url, "--dry-run", key=key)
    assert result.exit_code == 0, result.output
    assert fault_proxy.count("POST", "PUT", "DELETE") == 0 and fault_proxy.count("GET") > 0


def test_non_member_key_exits_3_with_membership_advice(repo, udata_server):
    add_dataset(repo, "cli-outsider", PAO)
    key = udata_server["outsider_api_key"]
    result = run(repo, "publish", "--to", udata_server["base_url"], key=key)
    assert result.exit_code == 3, result.output
    # udata answers 400 "Permission denied for this organization" to a non-member's create
    assert "HTTP 400" in result.stderr and "Permission denied" in result.stderr
    assert "n'a pas le droit" in result.stderr and "membre" in result.stderr
    assert key not in result.stderr


@pytest.fixture
def files_url(repo):
    """The repository's data/published/ served over HTTP, as a forge would serve it."""
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(repo / "data/published"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config = json.loads((repo / "pipeline.json").read_text())
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    config["datagouv"]["files_url"] = url
    (repo / "pipeline.json").write_text(json.dumps(config))
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def test_dry_run_then_publish_then_no_op_then_verify(repo, fault_proxy, udata_server, files_url):
    add_dataset(repo, "cli-one", PAO)
    key = udata_server["api_key"]

    dry = run(repo, "publish", "--to", fault_proxy.url, "--dry-run", "--format", "json", key=key)
    assert dry.exit_code == 0, dry.output
    plan = json.loads(dry.stdout)
    assert plan["dry_run"] is True
    # create the dataset, then upload the schema, CSV, JSON, the picture (SVG, PNG) and
    # datapackage.json; the Parquet file is left out: udata's default allow-list has no parquet
    assert plan["planned"] == {"uploads": 6, "writes": 13}
    assert plan["done"] == {"uploads": 0, "writes": 0}
    assert [d["dataset"] for d in plan["datasets"]] == ["cli-one"]
    assert plan["datasets"][0]["action"] == "create_dataset"
    assert plan["datasets"][0]["skipped"] == ["immobilier-commercial.parquet"]
    assert "immobilier-commercial.parquet" not in [f["file"] for f in plan["datasets"][0]["files"]]
    note = (
        f"{fault_proxy.url} n'accepte pas les fichiers .parquet : 1 fichier(s) .parquet (1 jeu(x)) "
        "non envoyé(s) ; la description de chaque jeu donne leur lien dans le dépôt du projet."
    )
    assert plan["notes"] == [note]
    assert plan["warnings"] == []  # files_url set: the Parquet file is linked
    assert f"Note : {note}" in dry.stderr
    assert "ATTENTION" not in dry.stderr
    assert "créer le jeu de données" in dry.stderr
    assert fault_proxy.count("POST", "PUT", "DELETE") == 0
    assert published(repo) == ["cli-one"]  # built before planning

    first = run(repo, "publish", "--to", fault_proxy.url, "--format", "json", key=key)
    assert first.exit_code == 0, first.output
    done = json.loads(first.stdout)
    assert done["done"] == {"uploads": 6, "writes": 13}
    assert done["notes"] == [note]
    dataset_id = done["datasets"][0]["remote"]["id"]
    assert key not in first.output
    api = f"{udata_server['base_url']}/api/1/datasets/{dataset_id}/"
    dataset = requests.get(api, timeout=10).json()
    resources = {r["title"]: r for r in dataset["resources"]}
    assert {title: r["type"] for title, r in resources.items()} == {
        "Schéma de la table Accompagnements opérationnels en immobilier commercial (Table Schema)": "documentation",
        "Accompagnements opérationnels en immobilier commercial (CSV)": "main",
        "Accompagnements opérationnels en immobilier commercial (JSON)": "main",
        "Aperçu : Accompagnements d'immobilier commercial (PAO) par région (SVG)": "documentation",
        "Aperçu : Accompagnements d'immobilier commercial (PAO) par région (PNG)": "documentation",
        "Descripteur du paquet de données (datapackage.json)": "documentation",
    }
    png = resources["Aperçu : Accompagnements d'immobilier commercial (PAO) par région (PNG)"]
    assert (png["format"], png["mime"]) == ("png", "image/png")
    local_png = (repo / "data/published/cli-one/apercu.png").read_bytes()
    assert png["checksum"]["value"] == hashlib.sha1(local_png).hexdigest()
    # the description links to the Parquet file in the repository and shows no broken image
    link = f"{files_url}cli-one/immobilier-commercial.parquet"
    assert f"- [immobilier-commercial.parquet]({link})" in dataset["description"]
    assert "](apercu.svg)" not in dataset["description"]
    descriptor = resources["Descripteur du paquet de données (datapackage.json)"]
    remote_package = requests.get(descriptor["latest"], timeout=10).json()
    paths = {r["name"]: r["path"] for r in remote_package["resources"]}
    assert paths["immobilier-commercial-parquet"] == link
    assert paths["apercu-png"] == png["latest"]

    fault_proxy.reset_log()
    second = run(repo, "publish", "cli-one", "--to", fault_proxy.url, key=key)
    assert second.exit_code == 0, second.output
    assert "0 envoi, 0 écriture" in second.stderr
    assert fault_proxy.count("POST", "PUT", "DELETE") == 0

    # verify: by dataset id, by datapackage URL, and the local folder
    ok = run(repo, "verify", dataset_id, "--from", udata_server["base_url"], "--format", "json")
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.stdout)
    # every file checked, the Parquet one downloaded from the repository
    files = {f["resource"]: f["location"] for f in report["files"]}
    assert report["valid"] is True and len(files) == 5
    assert files.pop("immobilier-commercial-parquet") == link
    assert all(location.startswith(udata_server["base_url"]) for location in files.values())
    assert "CONFORME" in ok.stderr
    assert run(repo, "verify", str(repo / "data/published/cli-one")).exit_code == 0

    # tamper with the stored CSV on the server: verify must reject it
    stored = Path(udata_server["fs_root"]).rglob("immobilier-commercial.csv")
    mine = [p for p in stored if "jeu-cli-one" in p.as_posix()]
    assert len(mine) == 1
    content = mine[0].read_bytes()
    assert content.count(b"Laon") == 2  # lib_pao and lib_com of one row
    mine[0].write_bytes(content.replace(b"Laon", b"La0n"))
    bad = run(repo, "verify", dataset_id, "--from", udata_server["base_url"], "--format", "json")
    assert bad.exit_code == 1, bad.output
    codes = {e["code"] for f in json.loads(bad.stdout)["files"] for e in f["errors"]}
    assert codes == {"hash-mismatch"}
    assert "NON CONFORME" in bad.stderr


def test_changing_one_raw_cell_replaces_exactly_one_datasets_files(repo, fault_proxy, udata_server):
    add_dataset(repo, "cli-pao", PAO)
    acv_raw = add_dataset(repo, "cli-acv", ACV)
    key = udata_server["api_key"]

    first = run(repo, "publish", "--to", fault_proxy.url, "--format", "json", key=key)
    assert first.exit_code == 0, first.output
    created = json.loads(first.stdout)
    assert [(d["dataset"], d["action"]) for d in created["datasets"]] == [
        ("cli-acv", "create_dataset"),
        ("cli-pao", "create_dataset"),
    ]
    # per dataset: schema, CSV, JSON, SVG, PNG, datapackage.json (Parquet refused by udata)
    assert created["done"] == {"uploads": 12, "writes": 26}
    # no files_url in pipeline.json: the Parquet files are neither sent nor linked
    [warning] = created["warnings"]
    assert warning.startswith(
        f"2 fichier(s) .parquet de 2 jeu(x) ne sont pas sur {fault_proxy.url}"
    )
    assert '« "files_url": "https://…/data/published/" »' in warning
    assert first.stderr.endswith(f"ATTENTION : {warning}\n")
    ids = {d["dataset"]: d["remote"]["id"] for d in created["datasets"]}

    # one cell of one raw file: the signature date of Abbeville's ACV convention
    text = acv_raw.read_text(encoding="utf-8")
    old = "acv-001,Abbeville,80001,Abbeville,2018-09-28\n"
    assert text.count(old) == 1
    acv_raw.write_text(text.replace(old, old.replace("2018-09-28", "2018-09-27")), "utf-8")

    fault_proxy.reset_log()
    second = run(repo, "publish", "--to", fault_proxy.url, "--format", "json", key=key)
    assert second.exit_code == 0, second.output
    result = json.loads(second.stdout)
    plans = {d["dataset"]: d for d in result["datasets"]}
    pao, acv = plans["cli-pao"], plans["cli-acv"]
    assert pao["action"] == "unchanged"
    assert {f["file"]: f["action"] for f in pao["files"]} == {
        "immobilier-commercial.schema.json": "unchanged",
        "immobilier-commercial.csv": "unchanged",
        "immobilier-commercial.json": "unchanged",
        "apercu.svg": "unchanged",
        "apercu.png": "unchanged",
        "datapackage.json": "unchanged",
    }
    # the package version and README move on, so the description is rewritten
    assert acv["action"] == "update_dataset"
    assert {f["file"]: f["action"] for f in acv["files"]} == {
        "action-coeur-de-ville.schema.json": "unchanged",
        "action-coeur-de-ville.csv": "replace",
        "action-coeur-de-ville.json": "replace",
        "apercu.svg": "unchanged",  # a signature date moved: still as many communes per région
        "apercu.png": "unchanged",
        "datapackage.json": "replace",
    }
    assert acv["skipped"] == ["action-coeur-de-ville.parquet"]  # changed, but never sent
    # three files sent again, each followed by its resource metadata, plus the dataset PUT
    assert result["done"] == {"uploads": 3, "writes": 7}
    writes = [path for method, path, _ in fault_proxy.log if method in {"POST", "PUT", "DELETE"}]
    assert len(writes) == 7
    assert all(ids["cli-acv"] in path and ids["cli-pao"] not in path for path in writes)

    fault_proxy.reset_log()
    env = {"DATAGOUV_API_KEY": key, "GITHUB_ACTIONS": "true"}  # as in the publish workflow
    third = CliRunner().invoke(
        cli, ["--root", str(repo), "publish", "--to", fault_proxy.url], env=env
    )
    assert third.exit_code == 0, third.output
    assert "0 envoi, 0 écriture" in third.stderr
    assert f"ATTENTION : {warning}\n" in third.stderr  # said on every run
    assert third.stderr.endswith(
        "::warning file=pipeline.json,title=Fichiers sans lien::2 "
        + warning.removeprefix("2 ")
        + "\n"
    )
    assert fault_proxy.count("POST", "PUT", "DELETE") == 0


def test_verify_rejects_a_tampered_local_file_with_schema_errors(repo):
    add_dataset(repo, "local-check", PAO)
    assert run(repo, "build").exit_code == 0
    copy = repo.parent / "copy"
    shutil.copytree(repo / "data/published/local-check", copy)
    assert run(repo, "verify", str(copy / "datapackage.json")).exit_code == 0

    csv_path = copy / "immobilier-commercial.csv"
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines[1]
    code = first.split(",")[3]
    assert len(code) == 5 and code.startswith("0")
    lines[1] = first.replace(f",{code},", f",{code[1:]},", 1)
    csv_path.write_text("".join(lines), encoding="utf-8")

    result = run(repo, "verify", str(copy / "datapackage.json"), "--format", "json")
    assert result.exit_code == 1
    files = {f["resource"]: f for f in json.loads(result.stdout)["files"]}
    codes = {e["code"] for e in files["immobilier-commercial"]["errors"]}
    assert codes == {"bytes-mismatch", "hash-mismatch", "constraint-error"}
    assert files["immobilier-commercial-json"]["errors"] == []
    line = [e for e in files["immobilier-commercial"]["errors"] if e["code"] == "constraint-error"]
    assert line[0]["line"] == 2 and line[0]["field"] == "insee_com"


def test_bad_files_url_exits_2_before_building(repo, fault_proxy, udata_server):
    add_dataset(repo, "cli-url", PAO)
    config = json.loads((repo / "pipeline.json").read_text())
    config["datagouv"]["files_url"] = "data/published"
    (repo / "pipeline.json").write_text(json.dumps(config))
    result = run(repo, "publish", "--to", fault_proxy.url, key=udata_server["api_key"])
    assert result.exit_code == 2, result.output
    assert "datagouv.files_url : doit être l'adresse http(s)" in result.stderr
    assert published(repo) == [] and fault_proxy.count() == 0


def test_placeholders_left_by_add_are_never_published(repo, fault_proxy, udata_server):
    add_dataset(repo, "cli-todo", PAO)
    meta_path = repo / "schemas/cli-todo/dataset.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["description"] = "À COMPLÉTER : ce que contient le jeu, sa source et sa date."
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    result = run(repo, "publish", "--to", fault_proxy.url, key=udata_server["api_key"])
    assert result.exit_code == 2, result.output
    assert "1 texte(s) « À COMPLÉTER » dans les déclarations : rien n'a été publié" in (
        result.stderr
    )
    assert (
        "  - schemas/cli-todo/dataset.json : description : « À COMPLÉTER : ce que contient le "
        "jeu, sa source et sa date. »"
    ) in result.stderr
    assert published(repo) == [] and fault_proxy.count() == 0
    # building to look at the result stays possible
    assert run(repo, "build").exit_code == 0
