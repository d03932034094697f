"""The raw files a report was computed from, pinned to their content.

A report names, under ``inputs``, the dated edition of each list it is computed from; its
published ``datapackage.json`` records, under ``inputs``, the raw file of each of those
editions and its sha256. At every later run that computes the report again, each edition
must still be that file, with those bytes: pointing a list's ``source`` at a new file while
keeping its date, or overwriting a raw file in place, would otherwise rewrite a past report
without a word. Refused (exit 2), naming what to do: a new list is a new edition, with its
own date, the old one staying under ``vintages``."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from pipeline.catalog import Catalog, Dataset, ResourceDecl
from pipeline.errors import ConfigError
from pipeline.numbers_fr import edition_fr
from pipeline.staging import file_info

DESCRIPTOR_KEY = "inputs"  # in the published datapackage.json of a report


def _edition(res: ResourceDecl, date: str) -> ResourceDecl:
    return res.at(date) if date in res.vintages else res


def _sha256(root: Path, path: str) -> str | None:
    file = root / path
    return file_info(file).hash if file.is_file() else None


def input_files(catalog: Catalog, ds: Dataset) -> list[dict]:
    """For each edition the report ``ds`` names that is read from a raw file: resource,
    dataset, edition, path and sha256 of the file, in the order of its ``inputs``."""
    known = {r.name: (d, r) for d in catalog.datasets.values() for r in d.resources}
    records = []
    for name, date in ds.inputs.items():
        if name not in known:
            continue
        owner, res = known[name]
        source = _edition(res, date).source
        if source is None:
            continue  # a derived table: its own inputs are pinned
        records.append(
            {
                "resource": name,
                "dataset": owner.name,
                "edition": date,
                "path": source.path,
                "hash": _sha256(catalog.repo.root, source.path),
            }
        )
    return records


def recorded_inputs(catalog: Catalog, ds: Dataset) -> list[dict]:
    """What the published package of the report ``ds`` recorded (nothing before its first
    build, or for a package built before the record existed)."""
    path = catalog.repo.published / ds.name / "datapackage.json"
    try:
        recorded = json.loads(path.read_text(encoding="utf-8")).get(DESCRIPTOR_KEY)
    except (OSError, ValueError, AttributeError):
        return []
    if not isinstance(recorded, list):
        return []
    wanted = ("resource", "edition", "path", "hash")
    return [
        r
        for r in recorded
        if isinstance(r, dict) and all(isinstance(r.get(k), str) for k in wanted)
    ]


def _where(owner: Dataset, res: ResourceDecl, date: str) -> str:
    """JSON path, in the list's dataset.json, of the edition of that date."""
    i = next(k for k, r in enumerate(owner.resources) if r.name == res.name)
    if date not in res.vintages:
        return f"resources[{i}].source"
    declared = owner.meta["resources"][i].get("vintages") or []
    j = next(k for k, v in enumerate(declared) if v.get("date") == date)
    return f"resources[{i}].vintages[{j}]"


def check_inputs_unchanged(catalog: Catalog, datasets: list[Dataset]) -> None:
    """Refuse a run that would compute a report again from an edition that is no longer the
    file, or the bytes, its published package was computed from."""
    known = {r.name: (d, r) for d in catalog.datasets.values() for r in d.resources}
    moved: dict[tuple, list[str]] = defaultdict(list)
    for ds in datasets:
        if not ds.inputs:
            continue
        recorded = recorded_inputs(catalog, ds)
        if not recorded:
            continue
        now = {(r["resource"], r["edition"]): r for r in input_files(catalog, ds)}
        for old in recorded:
            new = now.get((old["resource"], old["edition"]))
            if new is None or new["hash"] is None and new["path"] == old["path"]:
                continue  # another edition named now; a missing file is reported when read
            if (new["path"], new["hash"]) != (old["path"], old["hash"]):
                key = (new["resource"], new["edition"], old["path"], old["hash"], new["path"])
                moved[(*key, new["hash"])].append(ds.name)
    if moved:
        raise ConfigError("\n".join(_message(catalog, known, k, v) for k, v in moved.items()))


def _message(catalog: Catalog, known: dict, key: tuple, reports: list[str]) -> str:
    name, date, old_path, old_hash, new_path, new_hash = key
    owner, res = known[name]
    file = catalog.repo.rel(owner.folder / "dataset.json")
    which = ", ".join(f"« {r} »" for r in reports)
    records = ", ".join(f"data/published/{r}/datapackage.json" for r in reports)
    said = f"{file} : {_where(owner, res, date)} : l'{edition_fr(date)} ({date}) de « {name} »"
    plural = len(reports) > 1
    report = f"le{'s' if plural else ''} rapport{'s' if plural else ''} {which}"
    computed = f"{'ont' if plural else 'a'} été calculé{'s' if plural else ''}"
    if new_path != old_path:
        return (
            f"{said} est maintenant le fichier {new_path}, mais {report} {computed} sur "
            f"{old_path} ({old_hash}, relevé dans {records}) : {report} serai"
            f"{'en' if plural else ''}t réécrit{'s' if plural else ''} sans un mot. Une "
            f"nouvelle liste est une nouvelle édition : déclarez {new_path} dans « source » "
            f"avec sa propre date (celle de la liste), et gardez {old_path}, tel quel, sous "
            f"« vintages » avec la date {date} (README, « Mettre à jour un programme »)."
        )
    return (
        f"{said} est toujours le fichier {old_path}, mais son contenu a changé ({new_hash}) "
        f"depuis que {report} en {computed} ({old_hash}, relevé dans {records}). Un fichier "
        "brut ne se retouche pas : remettez l'ancien fichier tel quel, et déposez le nouvel "
        "export sous son propre nom, comme une nouvelle édition avec sa date, l'ancienne "
        "restant sous « vintages » (README, « Mettre à jour un programme »)."
    )
