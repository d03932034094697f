"""What a change of data package means for its reusers: schema compatibility and the
semantic version it calls for.

- major: the schema changes incompatibly (field or resource removed, type or format
  changed, primary key changed, a required field added, a constraint relaxed or changed);
- minor: rows added or removed, a producer's identifier given to another row (rows matched
  on their ``diffKey``), or a compatible schema change (optional field or resource added, a
  constraint made stricter, fields reordered);
- patch: only values change;
- none otherwise; ``initial`` for a first publication.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from pipeline.errors import ConfigError
from pipeline.markdown import md_code

Level = Literal["none", "initial", "patch", "minor", "major"]


@dataclass(frozen=True)
class SchemaChange:
    kind: str  # field-added, field-removed, type-changed, constraints-changed, ...
    compatible: bool
    message: str  # French
    field: str | None = None
    old: object = None
    new: object = None


def primary_key(schema: dict) -> list[str]:
    pk = schema.get("primaryKey") or []
    return [pk] if isinstance(pk, str) else list(pk)


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


def _shown(value: object) -> str:
    """A schema value in a message read as Markdown (CHANGELOG, CI summary) and as text:
    numbers as they are, anything else (a pattern, an enum, a name from a producer's
    header) in a code span, inert."""
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    return md_code(json.dumps(value, ensure_ascii=False))


def _is_required(f: dict) -> bool:
    return bool((f.get("constraints") or {}).get("required"))


def _field_changes(name: str, before: dict, after: dict) -> list[SchemaChange]:
    changes = []
    for attr in ("type", "format"):
        a = before.get(attr, "default" if attr == "format" else "string")
        b = after.get(attr, "default" if attr == "format" else "string")
        if a != b:
            # types and formats are known values (checked at load): plain text
            message = f"Champ {md_code(name)} : {attr} « {a} » devenu « {b} »."
            changes.append(SchemaChange("type-changed", False, message, name, a, b))
    c_old, c_new = before.get("constraints") or {}, after.get("constraints") or {}
    for key in sorted(c_old.keys() | c_new.keys()):
        a, b = c_old.get(key), c_new.get(key)
        if a == b:
            continue
        stricter = _constraint_stricter(key, a, b)
        word = {True: "renforcée", False: "assouplie", None: "modifiée"}[stricter]
        message = f"Champ {md_code(name)} : contrainte {key} {word} ({_shown(a)} → {_shown(b)})."
        changes.append(SchemaChange("constraints-changed", stricter is True, message, name, a, b))
    return changes


def compare_schemas(old: dict, new: dict) -> list[SchemaChange]:
    """Field-level differences between two Table Schemas, each classified."""
    old_fields = {f["name"]: f for f in old.get("fields", [])}
    new_fields = {f["name"]: f for f in new.get("fields", [])}
    changes: list[SchemaChange] = []
    for name in old_fields:
        if name not in new_fields:
            changes.append(
                SchemaChange("field-removed", False, f"Champ {md_code(name)} supprimé.", name)
            )
    for name, f in new_fields.items():
        if name in old_fields:
            continue
        required = _is_required(f)
        changes.append(
            SchemaChange(
                "field-added",
                not required,
                f"Champ {'obligatoire' if required else 'facultatif'} {md_code(name)} ajouté.",
                name,
            )
        )
    for name in [n for n in old_fields if n in new_fields]:
        changes += _field_changes(name, old_fields[name], new_fields[name])
    common_old = [n for n in old_fields if n in new_fields]
    common_new = [n for n in new_fields if n in old_fields]
    if common_old != common_new:
        changes.append(SchemaChange("fields-reordered", True, "Ordre des champs modifié.", None))
    old_pk, new_pk = primary_key(old), primary_key(new)
    if old_pk != new_pk:
        message = f"Clé primaire {_shown(old_pk)} devenue {_shown(new_pk)}."
        changes.append(SchemaChange("primary-key-changed", False, message, None, old_pk, new_pk))
    order = {n: i for i, n in enumerate([*old_fields, *new_fields])}
    return sorted(changes, key=lambda c: (order.get(c.field or "", -1), c.kind))


def bump(version: str, level: Level) -> str:
    """The next semantic version after ``version`` for a change of this level ('1.2.3' ->
    '1.2.4' for a patch, '1.3.0' minor, '2.0.0' major); unchanged for no change or a first
    build."""
    parts = version.strip().split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ConfigError(
            f"Version « {version} » invalide : attendu MAJEURE.MINEURE.CORRECTIF, ex. 1.0.0."
        )
    major, minor, patch = (int(p) for p in [*parts, "0", "0"][:3])
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return f"{major}.{minor}.{patch}"
