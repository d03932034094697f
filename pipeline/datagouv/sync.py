"""Make the organisation's datasets on a udata server match local data packages.

Order per dataset: dataset metadata (full payload), then schema files, data files, and last
the datapackage.json rewritten with the resources' permanent ``latest`` URLs. Every step is
re-planned from the live remote state, so a re-run after any interruption converges. An upload
(POST) is never retried blindly: after a failure the resources are listed again and the local
sha1 looked for before a single new attempt.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from contextlib import nullcontext, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.datagouv import errors
from pipeline.datagouv.client import Client
from pipeline.datagouv.http import api_path
from pipeline.datagouv.local import FILE_KEY, LocalFile, LocalPackage, extension, load_package
from pipeline.datagouv.plan import (
    DatasetPlan,
    FileStep,
    find_resource,
    index_datasets,
    latest_urls,
    plan_dataset,
    plan_file,
    same_content,
    stale_steps,
)
from pipeline.errors import ConfigError

RECOVERABLE = (
    errors.ServerError,
    errors.RemoteTimeout,
    errors.RemoteConnectionError,
    errors.RateLimited,
)

# Called with (label, total bytes); returns a callback fed with the bytes sent.
ProgressFactory = Callable[[str, int], Callable[[int], None]]


@dataclass(frozen=True)
class RefusedExtension:
    """Files left out of the plan because the server does not accept their extension."""

    extension: str  # lower case, no dot
    files: int
    datasets: list[str]  # in package order, each once
    linked: bool  # every such file has a link in the repository (datagouv.files_url)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SyncResult:
    target: str
    organization: str
    plans: list[DatasetPlan]
    dry_run: bool
    uploads: int = 0  # files actually uploaded (a chunked upload counts once)
    writes: int = 0  # POST/PUT/DELETE requests actually sent
    datasets: dict[str, dict] = field(default_factory=dict)  # name -> {id, page, uri}
    refused: list[RefusedExtension] = field(default_factory=list)

    @property
    def planned_uploads(self) -> int:
        return sum(p.uploads for p in self.plans)

    @property
    def planned_writes(self) -> int:
        return sum(p.writes for p in self.plans)

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            "organization": self.organization,
            "dry_run": self.dry_run,
            "planned": {"uploads": self.planned_uploads, "writes": self.planned_writes},
            "done": {"uploads": self.uploads, "writes": self.writes},
            "refused": [r.to_dict() for r in self.refused],
            "datasets": [
                {
                    **plan.to_dict(),
                    "skipped": [f.filename for f in plan.package.skipped],
                    "remote": self.datasets.get(plan.name),
                }
                for plan in self.plans
            ],
        }


class Syncer:
    def __init__(
        self,
        client: Client,
        organization: str,
        *,
        progress: ProgressFactory | None = None,
        recovery_waits: Iterable[float] = (0.0, 2.0, 5.0),
    ):
        self.client = client
        self.organization = organization
        self.progress = progress
        self.recovery_waits = tuple(recovery_waits)
        self.org: dict = {}
        self.refused: list[RefusedExtension] = []

    # -- planning --------------------------------------------------------------------------

    def plan(self, packages: list[LocalPackage]) -> list[DatasetPlan]:
        self.org = self.client.organization(self.organization)
        self.refused = refuse_extensions(packages, self.client.extensions())
        remote = index_datasets(list(self.client.organization_datasets(self.org["id"])))
        deleted = [p.name for p in packages if (remote.get(p.name) or {}).get("deleted")]
        if deleted:  # before any write, for every package
            raise errors.DatasetDeleted(deleted[0], remote[deleted[0]], self.client.base_url)
        plans = []
        for package in packages:
            dataset = remote.get(package.name)
            if dataset is not None:
                dataset = {**dataset, "resources": self.client.resources(dataset["id"])}
            plans.append(plan_dataset(package, dataset))
        return plans

    # -- applying --------------------------------------------------------------------------

    def apply(self, plan: DatasetPlan, staging: Path) -> dict:
        package, payload = plan.package, plan.package.dataset_payload()
        if plan.action == "create_dataset":
            dataset = self._create_dataset(package, payload)
        elif plan.action == "update_dataset":
            dataset = self.client.update_dataset(plan.remote["id"], payload)
            self._check_license(dataset, payload)
        else:
            dataset = plan.remote
        resources = list(plan.remote["resources"]) if plan.remote else []
        ds_id = dataset["id"]

        for local in package.schema_files:
            step = plan_file(local, resources, package.name, None)
            self._apply_step(ds_id, package.name, step, resources, staging)
        schema_urls = latest_urls(package.schema_files, resources) or {}
        for local in package.data_files:
            url = schema_urls.get(local.schema_file) if local.schema_file else None
            step = plan_file(local, resources, package.name, url)
            self._apply_step(ds_id, package.name, step, resources, staging, url)
        urls = latest_urls(package.data_files, resources)
        if urls is None:  # cannot happen after successful uploads
            raise errors.ApiError(
                "GET", self.client.url(api_path(2, "datasets", ds_id, "resources"))
            )
        descriptor = package.descriptor_file(urls)
        step = plan_file(descriptor, resources, package.name, None)
        self._apply_step(ds_id, package.name, step, resources, staging)
        # last: the descriptor no longer points at them
        kept = [*package.schema_files, *package.data_files, descriptor]
        for step in stale_steps(kept, resources):
            self._delete_resource(ds_id, step.resource["id"])
            resources.remove(step.resource)
        return {"id": ds_id, "page": dataset.get("page"), "uri": dataset.get("uri")}

    def _create_dataset(self, package: LocalPackage, payload: dict) -> dict:
        try:
            dataset = self.client.create_dataset({**payload, "organization": self.org["id"]})
        except RECOVERABLE:
            # A create is a POST: never repeated blindly. It may have been stored anyway.
            found = index_datasets(list(self.client.organization_datasets(self.org["id"])))
            if package.name not in found:
                raise
            dataset = self.client.update_dataset(found[package.name]["id"], payload)
        self._check_license(dataset, payload)
        return dataset

    def _check_license(self, dataset: dict, payload: dict) -> None:
        if dataset.get("license") != payload["license"]:
            raise errors.LicenseRejected(
                f"data.gouv.fr a enregistré la licence « {dataset.get('license')} » au lieu de "
                f"« {payload['license']} » pour le jeu {dataset.get('id')} : la licence n'existe "
                "pas sur cette plateforme. Corrigez la licence du paquet ou signalez-le à "
                "data.gouv.fr, puis relancez la publication."
            )

    def _apply_step(
        self,
        ds_id: str,
        name: str,
        step: FileStep,
        resources: list[dict],
        staging: Path,
        schema_url: str | None = None,
    ) -> None:
        """Carry out one file step and keep ``resources`` in line with the remote state."""
        local, remote = step.file, step.resource
        if step.action == "unchanged":
            return
        if step.action in ("upload", "replace"):
            remote = self._upload(ds_id, local, remote, staging)
            if not same_content(local, remote):
                raise errors.ApiError(
                    "POST",
                    self.client.url(api_path(1, "datasets", ds_id, "upload")),
                    server_message=(
                        f"empreinte reçue {(remote.get('checksum') or {}).get('value')} au lieu "
                        f"de {local.sha1} pour {local.filename}"
                    ),
                )
        # After an upload udata has reset the title: the metadata is always written again.
        updated = self.client.update_resource(ds_id, remote["id"], local.metadata(name, schema_url))
        _replace(resources, updated)

    def _delete_resource(self, ds_id: str, resource_id: str) -> None:
        # a 404: a retry after a lost answer, or deleted by hand meanwhile; gone either way
        with suppress(errors.NotFound):
            self.client.delete_resource(ds_id, resource_id)

    def _upload(self, ds_id: str, local: LocalFile, remote: dict | None, staging: Path) -> dict:
        path = local.path
        if path is None:
            path = staging / ds_id / local.filename
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(local.read())
        rid = remote["id"] if remote else None
        for attempt in range(2):
            with self._bar(local) as progress:
                try:
                    return self.client.upload(
                        ds_id, path, resource_id=rid, filename=local.filename, progress=progress
                    )
                except RECOVERABLE:
                    found = self._find_uploaded(ds_id, local, rid)
                    if found is not None:
                        return found
                    if attempt:
                        raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _find_uploaded(self, ds_id: str, local: LocalFile, rid: str | None) -> dict | None:
        """After a failed upload: did the server store the file anyway? (matched by sha1)"""
        for wait in self.recovery_waits:
            if wait:
                self.client.sleep(wait)
            try:
                resources = self.client.resources(ds_id)
            except RECOVERABLE:
                continue
            if rid is not None:
                match = next((r for r in resources if r["id"] == rid), None)
            else:
                match, _ = find_resource(local, resources)
                if match is not None and (match.get("extras") or {}).get(FILE_KEY):
                    match = None  # an older resource holding other bytes: not our upload
            if match is not None and same_content(local, match):
                return match
        return None

    def _bar(self, local: LocalFile):
        if self.progress is None:
            return nullcontext(None)
        return nullcontext(self.progress(local.filename, local.size))

    # -- whole run -------------------------------------------------------------------------

    def run(self, packages: list[LocalPackage], *, dry_run: bool = False) -> SyncResult:
        start_uploads, start_writes = self.client.stats["upload"], self.client.writes
        plans = self.plan(packages)
        result = SyncResult(self.client.base_url, self.organization, plans, dry_run)
        result.refused = self.refused
        if not dry_run:
            with tempfile.TemporaryDirectory(prefix="pipeline-publish-") as staging:
                for plan in plans:
                    result.datasets[plan.name] = self.apply(plan, Path(staging))
        result.uploads = self.client.stats["upload"] - start_uploads
        result.writes = self.client.writes - start_writes
        return result


def refuse_extensions(packages: list[LocalPackage], allowed: set[str]) -> list[RefusedExtension]:
    """Leave out of every package the files the server refuses by extension."""
    refused: dict[str, list[LocalPackage]] = {}
    for package in packages:
        for local in package.refuse(allowed):
            refused.setdefault(extension(local.filename), []).append(package)
    return [
        RefusedExtension(
            extension=ext,
            files=len(owners),
            datasets=list(dict.fromkeys(p.name for p in owners)),
            linked=all(p.files_url for p in owners),
        )
        for ext, owners in sorted(refused.items())
    ]


def _replace(resources: list[dict], updated: dict) -> None:
    for index, resource in enumerate(resources):
        if resource["id"] == updated["id"]:
            resources[index] = updated
            return
    resources.append(updated)


def sync(
    client: Client,
    organization: str,
    folders: list[Path],
    *,
    dry_run: bool = False,
    progress: ProgressFactory | None = None,
    recovery_waits: Iterable[float] = (0.0, 2.0, 5.0),
    files_url: str | None = None,
) -> SyncResult:
    """Publish the built packages in ``folders`` under ``organization`` (a slug or id).
    ``files_url``: where the repository serves data/published/, to link the files the server
    refuses (e.g. Parquet) from the dataset descriptions."""
    if not folders:
        raise ConfigError("Aucun paquet à publier : lancez d'abord pipeline build.")
    packages = [load_package(folder) for folder in folders]
    for package in packages:
        package.files_url = files_url
    syncer = Syncer(client, organization, progress=progress, recovery_waits=recovery_waits)
    return syncer.run(packages, dry_run=dry_run)
