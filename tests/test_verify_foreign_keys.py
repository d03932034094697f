"""`pipeline verify` on foreign keys between the tables of a package: every committed package
verifies (two of them have such keys, which frictionless refuses to check without the
package), a value missing from the referenced table is a finding naming it, and a key to a
table the package lacks is said in French."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, run

PACKAGES = sorted(p.name for p in (ROOT / "data/published").iterdir() if p.is_dir())


@pytest.mark.parametrize("name", PACKAGES)
def test_every_committed_package_verifies(name: str) -> None:
    result = run(ROOT, "verify", str(ROOT / "data/published" / name), "--format", "json")
    report = json.loads(result.stdout)
    assert [e for f in report["files"] for e in f["errors"]] == []
    assert (result.exit_code, report["valid"]) == (0, True)


def test_both_packages_with_keys_between_tables_are_committed() -> None:
    with_keys = [
        name
        for name in PACKAGES
        for res in json.loads((ROOT / "data/published" / name / "datapackage.json").read_text())[
            "resources"
        ]
        if any(
            fk["reference"]["resource"] not in ("", res["name"])
            for fk in (res.get("schema") or {}).get("foreignKeys", [])
        )
    ]
    assert {"chiffres-cles-2023", "territoires-d-industrie"} <= set(with_keys)


TABLES = {
    "t": (b"id,nom\n1,Ain\n2,Aisne\n", [{"name": "id", "type": "integer"},
                                         {"name": "nom", "type": "string"}]),
    "u": (b"code,t_id\na,1\nb,3\nc,\n", [{"name": "code", "type": "string"},
                                          {"name": "t_id", "type": "integer"}]),
}  # fmt: skip


def package(folder: Path, names: list[str], reference: str = "t") -> Path:
    folder.mkdir()
    resources = []
    for name in names:
        content, fields = TABLES[name]
        (folder / f"{name}.csv").write_bytes(content)
        schema: dict = {"fields": fields}
        if name == "u":
            schema["foreignKeys"] = [
                {"fields": "t_id", "reference": {"resource": reference, "fields": "id"}}
            ]
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "format": "csv",
                "bytes": len(content),
                "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
                "schema": schema,
            }
        )
    descriptor = {"name": "p", "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def errors_of(folder: Path) -> tuple[int, list[tuple]]:
    result = run(ROOT, "verify", str(folder), "--format", "json")
    report = json.loads(result.stdout)
    found = [
        (f["resource"], e["code"], e["line"], e["field"], e["message"])
        for f in report["files"]
        for e in f["errors"]
    ]
    return result.exit_code, found


@pytest.mark.parametrize("order", [["t", "u"], ["u", "t"]])
def test_a_value_missing_from_the_referenced_table_is_a_finding(tmp_path, order) -> None:
    code, found = errors_of(package(tmp_path / "p", order))
    assert code == 1
    assert found == [
        (
            "u",
            "foreign-key",
            3,
            "t_id",
            "u : ligne 3, colonne t_id : non conforme au schéma : « 3 » est absent de la table "
            "de référence « t » (id)",
        )
    ]  # the empty cell of line 4 refers to nothing: not a finding


def test_a_key_to_a_table_the_package_lacks_is_said_in_french(tmp_path) -> None:
    code, found = errors_of(package(tmp_path / "p", ["u"], reference="absente"))
    assert code == 1
    assert found == [
        (
            "u",
            "resource-error",
            None,
            None,
            "u : non conforme au schéma : la clé étrangère renvoie à la table « absente », "
            "absente du paquet ou illisible : clé non vérifiée",
        )
    ]
