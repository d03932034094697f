"""Compare two data packages row by row, classify the change and version the package.

``old`` is the committed ``data/published/<dataset>/``, ``new`` what build would produce;
either may be missing. Rows are matched on each resource's primary key and compared as the
strings written in the normalised CSV (build writes one canonical form per value).

Versioning (semantic, for reusers of the published package):
- major: the schema changes incompatibly (field or resource removed, type or format
  changed, primary key changed, a required field added, a constraint relaxed or changed);
- minor: rows added or removed, or a compatible schema change (optional field or resource
  added, a constraint made stricter, fields reordered);
- patch: only values change;
- unchanged otherwise.
"""

from __future__ import annotations

import csv
import json
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from pipeline.errors import ConfigError

Level = Literal["none", "initial", "patch", "minor", "major"]
LEVEL_LABELS = {
    "none": "inchangé",
    "initial": "première publication",
    "patch": "correctif",
    "minor": "mineure",
    "major": "majeure",
}

CHANGELOG_LABELS = {
    "none": "Aucun changement des données",
    "patch": "Correction de valeurs",
    "minor": "Évolution mineure",
    "major": "Évolution majeure",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    key: dict[str, str]  # primary-key field -> value
    changes: list[FieldChange]


@dataclass(frozen=True)
class SchemaChange:
    kind: str  # field-added, field-removed, type-changed, constraints-changed, ...
    compatible: bool
    message: str  # French
    field: str | None = None
    old: object = None
    new: object = None


@dataclass
class ResourceDiff:
    name: str
    path: str
    primary_key: list[str]
    old_rows: int = 0
    new_rows: int = 0
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    schema_changes: list[SchemaChange] = field(default_factory=list)


@dataclass
class PackageDiff:
    name: str
    old_version: str | None
    new_version: str | None  # as declared in the new package, before bumping
    resources: list[ResourceDiff] = field(default_factory=list)
    schema_changes: list[SchemaChange] = field(default_factory=list)  # resources added/removed
    old_exists: bool = True
    new_exists: bool = True

    @property
    def is_new(self) -> bool:
        """First build: nothing published yet."""
        return self.new_exists and not self.old_exists

    @property
    def rows_added(self) -> int:
        return sum(len(r.added) for r in self.resources)

    @property
    def rows_removed(self) -> int:
        return sum(len(r.removed) for r in self.resources)

    @property
    def rows_changed(self) -> int:
        return sum(len(r.changed) for r in self.resources)

    @property
    def all_schema_changes(self) -> list[SchemaChange]:
        return self.schema_changes + [c for r in self.resources for c in r.schema_changes]

    @property
    def level(self) -> Level:
        if self.is_new:
            return "initial"
        schema = self.all_schema_changes
        if any(not c.compatible for c in schema):
            return "major"
        if schema or self.rows_added or self.rows_removed:
            return "minor"
        if self.rows_changed:
            return "patch"
        return "none"

    @property
    def next_version(self) -> str | None:
        base = self.old_version or self.new_version
        return bump(base, self) if base else None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "level": self.level,
            "old_version": self.old_version,
            "next_version": self.next_version,
            "rows_added": self.rows_added,
            "rows_removed": self.rows_removed,
            "rows_changed": self.rows_changed,
            "schema_changes": [asdict(c) for c in self.schema_changes],
            "resources": [asdict(r) for r in self.resources],
        }


# --- reading packages ---------------------------------------------------------------------


def _load_package(folder: Path | None) -> dict | None:
    if folder is None or not (folder / "datapackage.json").is_file():
        return None
    try:
        return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{folder / 'datapackage.json'} est illisible : {exc}") from exc


def _tabular_resources(package: dict | None, folder: Path | None) -> dict[str, dict]:
    """CSV resources by name, each with its schema loaded (inline or from a file)."""
    if package is None or folder is None:
        return {}
    resources = {}
    for res in package.get("resources", []):
        path = res.get("path", "")
        if not isinstance(path, str) or not (
            res.get("format") == "csv" or path.lower().endswith(".csv")
        ):
            continue
        schema = res.get("schema") or {}
        if isinstance(schema, str):
            schema = json.loads((folder / schema).read_text(encoding="utf-8"))
        resources[res.get("name") or Path(path).stem] = {**res, "schema": schema}
    return resources


def _read_rows(folder: Path, path: str) -> tuple[list[str], list[dict[str, str]]]:
    file = folder / path
    if not file.is_file():
        return [], []
    with file.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [dict(row) for row in reader]
        return list(reader.fieldnames or []), rows


def _primary_key(schema: dict) -> list[str]:
    pk = schema.get("primaryKey") or []
    return [pk] if isinstance(pk, str) else list(pk)


def _index(rows: list[dict[str, str]], key: list[str]) -> dict[tuple, dict[str, str]]:
    """Rows by key; a repeated key gets an occurrence number so no row is lost."""
    indexed: dict[tuple, dict[str, str]] = {}
    for row in rows:
        k = tuple(row.get(f, "") for f in key)
        n = 1
        while (k if n == 1 else (*k, f"#{n}")) in indexed:
            n += 1
        indexed[k if n == 1 else (*k, f"#{n}")] = row
    return indexed


# --- schema comparison --------------------------------------------------------------------

_STRICTER_IF_HIGHER = {"minimum", "minLength", "exclusiveMinimum"}
_STRICTER_IF_LOWER = {"maximum", "maxLength", "exclusiveMaximum"}


def _constraint_stricter(name: str, old: object, new: object) -> bool | None:
    """True when the new constraint promises more than the old one (compatible for
    reusers), False when it promises less, None when the two cannot be compared."""
    if old is None:
        return True  # a new constraint: a new promise
    if new is None:
        return False  # a promise dropped
    if name in {"required", "unique"}:
        return bool(new) >= bool(old)
    if name == "enum" and isinstance(old, list) and isinstance(new, list):
        return set(map(str, new)) <= set(map(str, old))
    try:
        if name in _STRICTER_IF_HIGHER:
            return float(new) >= float(old)  # type: ignore[arg-type]
        if name in _STRICTER_IF_LOWER:
            return float(new) <= float(old)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None  # pattern or anything else that changed


def _is_required(f: dict) -> bool:
    return bool((f.get("constraints") or {}).get("required"))


def compare_schemas(old: dict, new: dict) -> list[SchemaChange]:
    """Field-level differences between two Table Schemas, each classified."""
    old_fields = {f["name"]: f for f in old.get("fields", [])}
    new_fields = {f["name"]: f for f in new.get("fields", [])}
    changes: list[SchemaChange] = []
    for name in old_fields:
        if name not in new_fields:
            changes.append(SchemaChange("field-removed", False, f"Champ `{name}` supprimé.", name))
    for name, f in new_fields.items():
        if name in old_fields:
            continue
        required = _is_required(f)
        changes.append(
            SchemaChange(
                "field-added",
                not required,
                f"Champ {'obligatoire' if required else 'facultatif'} `{name}` ajouté.",
                name,
            )
        )
    for name in [n for n in old_fields if n in new_fields]:
        before, after = old_fields[name], new_fields[name]
        for attr in ("type", "format"):
            a = before.get(attr, "default" if attr == "format" else "string")
            b = after.get(attr, "default" if attr == "format" else "string")
            if a != b:
                changes.append(
                    SchemaChange(
                        "type-changed",
                        False,
                        f"Champ `{name}` : {attr} « {a} » devenu « {b} ».",
                        name,
                        a,
                        b,
                    )
                )
        c_old, c_new = before.get("constraints") or {}, after.get("constraints") or {}
        for key in sorted(c_old.keys() | c_new.keys()):
            a, b = c_old.get(key), c_new.get(key)
            if a == b:
                continue
            stricter = _constraint_stricter(key, a, b)
            word = {True: "renforcée", False: "assouplie", None: "modifiée"}[stricter]
            changes.append(
                SchemaChange(
                    "constraints-changed",
                    stricter is True,
                    f"Champ `{name}` : contrainte {key} {word} ({a!r} → {b!r}).",
                    name,
                    a,
                    b,
                )
            )
    common_old = [n for n in old_fields if n in new_fields]
    common_new = [n for n in new_fields if n in old_fields]
    if common_old != common_new:
        changes.append(SchemaChange("fields-reordered", True, "Ordre des champs modifié.", None))
    if _primary_key(old) != _primary_key(new):
        changes.append(
            SchemaChange(
                "primary-key-changed",
                False,
                f"Clé primaire {_primary_key(old)} devenue {_primary_key(new)}.",
                None,
                _primary_key(old),
                _primary_key(new),
            )
        )
    order = {n: i for i, n in enumerate([*old_fields, *new_fields])}
    return sorted(changes, key=lambda c: (order.get(c.field or "", -1), c.kind))


# --- the diff -----------------------------------------------------------------------------


def _diff_resource(
    name: str,
    old_res: dict | None,
    new_res: dict | None,
    old_dir: Path | None,
    new_dir: Path | None,
) -> ResourceDiff:
    ref = new_res or old_res or {}
    old_schema = (old_res or {}).get("schema") or {}
    new_schema = (new_res or {}).get("schema") or {}
    old_header, old_rows = _read_rows(old_dir, old_res["path"]) if old_res and old_dir else ([], [])
    new_header, new_rows = _read_rows(new_dir, new_res["path"]) if new_res and new_dir else ([], [])
    key = _primary_key(new_schema) or _primary_key(old_schema)
    if not key or not set(key) <= set(old_header or key) or not set(key) <= set(new_header or key):
        key = [f for f in new_header if f in old_header] or new_header or old_header
    diff = ResourceDiff(name, ref.get("path", ""), key, len(old_rows), len(new_rows))
    if old_res and new_res:
        diff.schema_changes = compare_schemas(old_schema, new_schema)
    old_index, new_index = _index(old_rows, key), _index(new_rows, key)
    common = [f for f in new_header if f in old_header]
    for k, row in new_index.items():
        before = old_index.get(k)
        if before is None:
            diff.added.append(row)
            continue
        changes = [FieldChange(f, before[f], row[f]) for f in common if before[f] != row[f]]
        if changes:
            diff.changed.append(RowChange({f: row.get(f, "") for f in key}, changes))
    diff.removed = [row for k, row in old_index.items() if k not in new_index]
    return diff


def diff_package(old_dir: Path | None, new_dir: Path | None) -> PackageDiff:
    """Row-by-row and schema differences between two package folders. A missing folder
    (or one without ``datapackage.json``) is an empty package."""
    old_pkg, new_pkg = _load_package(old_dir), _load_package(new_dir)
    old_res = _tabular_resources(old_pkg, old_dir)
    new_res = _tabular_resources(new_pkg, new_dir)
    name = (new_pkg or old_pkg or {}).get("name") or (new_dir or old_dir or Path("?")).name
    diff = PackageDiff(
        name=name,
        old_version=(old_pkg or {}).get("version"),
        new_version=(new_pkg or {}).get("version"),
    )
    diff.old_exists, diff.new_exists = old_pkg is not None, new_pkg is not None
    for res_name in [*old_res, *(n for n in new_res if n not in old_res)]:
        before, after = old_res.get(res_name), new_res.get(res_name)
        diff.resources.append(_diff_resource(res_name, before, after, old_dir, new_dir))
        if old_pkg is not None and before is None:
            diff.schema_changes.append(
                SchemaChange("resource-added", True, f"Ressource `{res_name}` ajoutée.")
            )
        elif after is None:
            diff.schema_changes.append(
                SchemaChange("resource-removed", False, f"Ressource `{res_name}` supprimée.")
            )
    return diff


def bump(version: str, diff: PackageDiff) -> str:
    """The next semantic version after ``version`` for this change ('1.2.3' -> '1.2.4' for
    a patch, '1.3.0' minor, '2.0.0' major); unchanged for no change or a first build."""
    parts = version.strip().split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ConfigError(
            f"Version « {version} » invalide : attendu MAJEURE.MINEURE.CORRECTIF, ex. 1.0.0."
        )
    major, minor, patch = (int(p) for p in [*parts, "0", "0"][:3])
    level = diff.level
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return f"{major}.{minor}.{patch}"


# --- dates from the data ------------------------------------------------------------------


def raw_file_date(repo_root: Path, rel_path: str) -> str | None:
    """ISO date (YYYY-MM-DD) of the last commit that touched ``rel_path``, or None outside
    git, for an untracked file, or when git is missing. In CI the checkout needs its history
    (``fetch-depth: 0``): in a shallow clone every file dates from the checked-out commit."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", rel_path],
            cwd=repo_root,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    date = result.stdout.strip()
    return date if result.returncode == 0 and date else None


# --- renderers ----------------------------------------------------------------------------


def _n(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n <= 1 else plural}"


def counts_sentence(diff: PackageDiff) -> str:
    """'1 ligne ajoutée, 0 ligne supprimée, 3 lignes modifiées'."""
    return ", ".join(
        [
            _n(diff.rows_added, "ligne ajoutée", "lignes ajoutées"),
            _n(diff.rows_removed, "ligne supprimée", "lignes supprimées"),
            _n(diff.rows_changed, "ligne modifiée", "lignes modifiées"),
        ]
    )


def _key_text(key: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in key.items())


def _version_text(diff: PackageDiff) -> str:
    label = LEVEL_LABELS[diff.level]
    if diff.old_version and diff.next_version and diff.old_version != diff.next_version:
        return f"version {diff.old_version} → {diff.next_version} ({label})"
    return f"version {diff.next_version or '?'} ({label})"


def changelog_entry(date: str, version: str, diff: PackageDiff, raw_files: list[str]) -> str:
    """A French CHANGELOG.md entry: version and date, counts, schema changes, raw files."""
    lines = [f"## {version} — {date}", ""]
    if diff.level == "initial":
        lines.append(f"- Première publication : {_n(diff.rows_added, 'ligne', 'lignes')}.")
    else:
        lines.append(f"- {CHANGELOG_LABELS[diff.level]} : {counts_sentence(diff)}.")
    if len(diff.resources) > 1:
        for r in diff.resources:
            lines.append(
                f"  - `{r.path}` : +{len(r.added)} / −{len(r.removed)} / ~{len(r.changed)}"
            )
    for change in diff.all_schema_changes:
        compat = "compatible" if change.compatible else "incompatible"
        lines.append(f"- Schéma ({compat}) : {change.message}")
    if raw_files:
        lines.append("- Fichiers bruts : " + ", ".join(f"`{p}`" for p in raw_files) + ".")
    return "\n".join(lines) + "\n"


def render_diff_text(diffs: list[PackageDiff], max_rows: int = 50) -> str:
    """Plain French text for a terminal, one block per package."""
    out: list[str] = []
    for d in diffs:
        out.append(f"{d.name} : {_version_text(d)} — {counts_sentence(d)}")
        for c in d.all_schema_changes:
            out.append(
                f"  schéma ({'compatible' if c.compatible else 'incompatible'}) : {c.message}"
            )
        for r in d.resources:
            rows = (
                [f"  + {r.path} : {_key_text({k: row.get(k, '') for k in r.primary_key})}"
                 for row in r.added]
                + [f"  - {r.path} : {_key_text({k: row.get(k, '') for k in r.primary_key})}"
                   for row in r.removed]
                + [f"  ~ {r.path} : {_key_text(c.key)} : "
                   + " ; ".join(f"{x.field} « {x.old} » → « {x.new} »" for x in c.changes)
                   for c in r.changed]
            )  # fmt: skip
            out += rows[:max_rows]
            if len(rows) > max_rows:
                out.append(f"  … et {len(rows) - max_rows} autres lignes (voir --format json)")
    return "\n".join(out) + ("\n" if out else "")


def _md(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).splitlines())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`" if text else "*(vide)*"


def render_diff_markdown(diffs: list[PackageDiff], max_rows: int = 50) -> str:
    """French Markdown for the job summary: a table per package, then the first
    ``max_rows`` changed, added and removed rows of each resource."""
    out = [
        "## Changements des données publiées",
        "",
        "| Jeu de données | Version | Lignes ajoutées | supprimées | modifiées | Schéma |",
        "|---|---|--:|--:|--:|---|",
    ]
    for d in diffs:
        schema = d.all_schema_changes
        schema_text = (
            "incompatible"
            if any(not c.compatible for c in schema)
            else ("compatible" if schema else "inchangé")
        )
        out.append(
            f"| `{d.name}` | {_version_text(d)} | {d.rows_added} | {d.rows_removed} "
            f"| {d.rows_changed} | {schema_text} |"
        )
    for d in diffs:
        if d.level in ("none",):
            continue
        out += ["", f"### `{d.name}`"]
        if d.all_schema_changes:
            out.append("")
        for c in d.all_schema_changes:
            compat = "compatible" if c.compatible else "**incompatible**"
            out.append(f"- Schéma ({compat}) : {c.message.replace('|', chr(92) + '|')}")
        for r in d.resources:
            rows = [
                f"| modifiée | {_md(_key_text(c.key))} | {_md(x.field)} | {_md(x.old)} "
                f"| {_md(x.new)} |"
                for c in r.changed
                for x in c.changes
            ]
            rows += [
                f"| ajoutée | {_md(_key_text({k: row.get(k, '') for k in r.primary_key}))} | | | |"
                for row in r.added
            ]
            rows += [
                f"| supprimée | {_md(_key_text({k: row.get(k, '') for k in r.primary_key}))} "
                "| | | |"
                for row in r.removed
            ]
            if not rows:
                continue
            out += [
                "",
                f"`{r.path}` :",
                "",
                "| Ligne | Clé | Champ | Avant | Après |",
                "|---|---|---|---|---|",
                *rows[:max_rows],
            ]
            if len(rows) > max_rows:
                out += ["", f"> {len(rows) - max_rows} autres changements non affichés."]
    return "\n".join(out) + "\n"
