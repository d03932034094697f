"""Compare a local package with its remote dataset and decide what to write.

Remote objects are found without any state file: the dataset by its ``pipeline:dataset``
extra among the organisation's datasets, each resource by its ``pipeline:file`` extra. A file is
unchanged when the remote sha1 checksum and size equal the local file's. A resource left without
its extra by an interrupted run (uploaded, metadata not yet written) is recognised by its sha1
and adopted instead of being uploaded a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.datagouv.local import DATASET_KEY, FILE_KEY, LocalFile, LocalPackage

UPLOADS = {"upload", "replace"}


@dataclass
class FileStep:
    file: LocalFile
    action: str
    resource: dict | None = None
    changed: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def uploads(self) -> int:
        return int(self.action in UPLOADS)

    @property
    def writes(self) -> int:
        """Expected write requests: the upload itself, then the metadata PUT."""
        return {"upload": 2, "replace": 2, "update_resource": 1, "adopt": 1, "delete": 1}.get(
            self.action, 0
        )

    def to_dict(self) -> dict:
        local = self.action != "delete" and (self.file.kind != "descriptor" or not self.note)
        return {
            "file": self.file.filename,
            "action": self.action,
            "resource_id": (self.resource or {}).get("id"),
            "changed": self.changed,
            "note": self.note,
            "sha1": self.file.sha1 if local else None,
            "bytes": self.file.size if local else None,
        }


@dataclass
class DatasetPlan:
    package: LocalPackage
    remote: dict | None
    action: str
    changed: list[str]
    files: list[FileStep]

    @property
    def name(self) -> str:
        return self.package.name

    @property
    def uploads(self) -> int:
        return sum(step.uploads for step in self.files)

    @property
    def writes(self) -> int:
        return int(self.action != "unchanged") + sum(step.writes for step in self.files)

    def to_dict(self) -> dict:
        return {
            "dataset": self.name,
            "dataset_id": (self.remote or {}).get("id"),
            "action": self.action,
            "changed": self.changed,
            "uploads": self.uploads,
            "writes": self.writes,
            "files": [step.to_dict() for step in self.files],
        }


def dataset_diff(payload: dict, remote: dict) -> list[str]:
    """Names of the fields whose remote value differs from the desired payload."""
    changed = []
    for key in ("title", "description", "license", "frequency"):
        if (remote.get(key) or "") != (payload.get(key) or ""):
            changed.append(key)
    if sorted(remote.get("tags") or []) != payload["tags"]:
        changed.append("tags")
    if _coverage(remote.get("temporal_coverage")) != _coverage(payload["temporal_coverage"]):
        changed.append("temporal_coverage")
    spatial = remote.get("spatial") or {}
    wanted = payload["spatial"]
    if spatial.get("granularity") != wanted["granularity"] or sorted(
        spatial.get("zones") or []
    ) != sorted(wanted["zones"]):
        changed.append("spatial")
    if bool(remote.get("private")) != payload["private"]:
        changed.append("private")
    if bool(remote.get("archived")) != bool(payload["archived"]):
        changed.append("archived")
    extras = remote.get("extras") or {}
    if any(extras.get(k) != v for k, v in payload["extras"].items()):
        changed.append("extras")
    return changed


def _coverage(value: dict | None) -> tuple:
    value = value or {}
    return ((value.get("start") or "")[:10], (value.get("end") or "")[:10])


def resource_diff(metadata: dict, remote: dict) -> list[str]:
    changed = [
        key
        for key in ("title", "description", "type")
        if (remote.get(key) or "") != (metadata.get(key) or "")
    ]
    remote_schema = remote.get("schema") or {}
    wanted = metadata.get("schema") or {}
    if any((remote_schema.get(k) or None) != wanted.get(k) for k in ("url", "name", "version")):
        changed.append("schema")
    extras = remote.get("extras") or {}
    if any(extras.get(k) != v for k, v in metadata["extras"].items()):
        changed.append("extras")
    return changed


def same_content(local: LocalFile, remote: dict) -> bool:
    checksum = remote.get("checksum") or {}
    return (
        checksum.get("type", "sha1") == "sha1"
        and checksum.get("value") == local.sha1
        and remote.get("filesize") == local.size
    )


def find_resource(local: LocalFile, resources: list[dict]) -> tuple[dict | None, bool]:
    """The remote resource of ``local`` and whether it must be adopted (no extra yet)."""
    tagged = [r for r in resources if (r.get("extras") or {}).get(FILE_KEY) == local.filename]
    if tagged:
        # Several resources with one key can only come from a manual edit: prefer the one
        # holding the same bytes, otherwise the oldest (udata lists the newest first): its
        # id and permanent URL are the ones reusers already have.
        tagged.sort(key=lambda r: str(r.get("created_at") or ""))
        return next((r for r in tagged if same_content(local, r)), tagged[0]), False
    for remote in resources:
        if FILE_KEY not in (remote.get("extras") or {}) and same_content(local, remote):
            return remote, True
    return None, False


def plan_file(
    local: LocalFile, resources: list[dict], dataset: str, schema_url: str | None
) -> FileStep:
    remote, adopt = find_resource(local, resources)
    if remote is None:
        return FileStep(local, "upload")
    if not same_content(local, remote):
        return FileStep(local, "replace", remote)
    changed = resource_diff(local.metadata(dataset, schema_url), remote)
    if adopt:
        return FileStep(local, "adopt", remote, changed)
    return FileStep(local, "update_resource" if changed else "unchanged", remote, changed)


def latest_urls(files: list[LocalFile], resources: list[dict]) -> dict[str, str] | None:
    """filename → remote ``latest`` URL for every file, or None if one has no resource yet."""
    urls = {}
    for local in files:
        remote, _ = find_resource(local, resources)
        if remote is None or not remote.get("latest"):
            return None
        urls[local.filename] = remote["latest"]
    return urls


def plan_files(package: LocalPackage, resources: list[dict]) -> list[FileStep]:
    """Schemas first (data resources declare their URL), data files, then the descriptor."""
    steps = [plan_file(f, resources, package.name, None) for f in package.schema_files]
    schema_urls = latest_urls(package.schema_files, resources) or {}
    for local in package.data_files:
        url = schema_urls.get(local.schema_file) if local.schema_file else None
        step = plan_file(local, resources, package.name, url)
        if local.schema_file and not url and step.action == "unchanged":
            step.action, step.changed = "update_resource", ["schema"]
        steps.append(step)
    urls = latest_urls(package.data_files, resources)
    if urls is None:
        placeholder = package.descriptor_file({f.filename: "" for f in package.data_files})
        descriptor, _ = find_resource(placeholder, resources)
        steps.append(
            FileStep(
                placeholder,
                "replace" if descriptor else "upload",
                descriptor,
                note="réécrit avec les liens permanents des nouvelles ressources",
            )
        )
    else:
        steps.append(plan_file(package.descriptor_file(urls), resources, package.name, None))
    return steps + stale_steps([step.file for step in steps], resources)


def stale_steps(files: list[LocalFile], resources: list[dict]) -> list[FileStep]:
    """Deletions of the resources marked ``pipeline:file`` that no file of the package keeps:
    a file dropped from the package (a table renamed, a format no longer written) or a
    duplicate left by a manual edit. Left online, they would serve stale data for ever."""
    kept = {found["id"] for f in files if (found := find_resource(f, resources)[0])}
    steps = []
    for remote in resources:
        filename = (remote.get("extras") or {}).get(FILE_KEY)
        if filename is None or remote["id"] in kept:
            continue
        duplicate = any(f.filename == filename for f in files)
        placeholder = LocalFile(
            str(filename),
            "data",
            remote.get("title") or "",
            "",
            remote.get("type") or "",
            None,
            b"",
        )
        note = (
            "doublon d'une autre ressource du même fichier"
            if duplicate
            else ("fichier qui n'est plus dans le paquet")
        )
        steps.append(FileStep(placeholder, "delete", remote, note=note))
    return steps


def plan_dataset(package: LocalPackage, remote: dict | None) -> DatasetPlan:
    payload = package.dataset_payload()
    if remote is None:
        return DatasetPlan(package, None, "create_dataset", [], plan_files(package, []))
    changed = dataset_diff(payload, remote)
    action = "update_dataset" if changed else "unchanged"
    return DatasetPlan(package, remote, action, changed, plan_files(package, remote["resources"]))


def index_datasets(datasets: list[dict]) -> dict[str, dict]:
    """Remote datasets by their ``pipeline:dataset`` extra: the first one not deleted wins,
    a deleted one only when there is no other (udata lists deleted datasets to members)."""
    found: dict[str, dict] = {}
    for dataset in datasets:
        name = (dataset.get("extras") or {}).get(DATASET_KEY)
        if name and (
            name not in found or (found[name].get("deleted") and not dataset.get("deleted"))
        ):
            found[name] = dataset
    return found
