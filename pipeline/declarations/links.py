"""Links inside one dataset.json: the figures and programmes with the derived tables that
read them, the resource of the published figures, and the picture, which draws resources of
its own dataset."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline.declarations.jsonfile import JsonPath
from pipeline.declarations.references import Index
from pipeline.declarations.schema_errors import listing, suggestion
from pipeline.declarations.table_schema import repeated_names
from pipeline.picture import FIGURE_FIELDS

Report = Callable[[Path, JsonPath, str], None]  # (file, JSON path, message)


def _picture(doc, own: dict, report: Report) -> None:
    """The picture draws resources of its own dataset (figures: the verification table)."""
    if not doc.sound("picture"):
        return
    file, spec = doc.folder / "dataset.json", doc.meta["picture"]
    for path, name in _picture_resources(spec):
        if name not in own:
            report(
                file,
                path,
                f"ressource « {name} » absente de ce jeu : l'image montre une ressource du "
                f"jeu ; ressources du jeu : {', '.join(own)}",
            )
        elif spec["kind"] == "figures" and own[name].fields is not None:
            missing = [f for f in FIGURE_FIELDS if f not in own[name].fields]  # type: ignore[operator]
            if missing:
                report(
                    file,
                    path,
                    f"l'image « figures » lit les champs {', '.join(FIGURE_FIELDS)} ; "
                    f"« {name} » n'a pas {', '.join(missing)}",
                )


def check_links(doc, index: Index, owner_of: dict, repeated: set[str], report: Report) -> None:
    """Links inside one dataset.json: figures and programmes with their derived tables."""
    meta, file = doc.meta, doc.folder / "dataset.json"
    own = {r.decl["name"]: r for r in doc.resources}
    kinds = {_kind(r): r.index for r in doc.resources if not r.broken and _kind(r)}
    if "figures" in kinds and not meta.get("figures") and "figures" not in doc.bad:
        report(
            file,
            ("resources", kinds["figures"], "derive"),
            "la dérivation « figures » recalcule les chiffres déclarés sous « figures » : "
            "déclarez-les (clé « figures » du jeu)",
        )
    for res in doc.resources:
        if not res.broken:
            _repeated_checks(file, res, report)
            _derived_fields(file, res, report)
            repeated_names(
                ("diffKey",),
                res.decl.get("diffKey"),
                lambda p, m, i=res.index: report(file, ("resources", i, *p), m),
            )
        if not res.broken and isinstance(res.schema, dict) and res.fields is not None:
            _stable_identifiers(file, res, report)
    coverage_kinds = {"coverage", "coverage-summary"} & set(kinds)
    if coverage_kinds and not meta.get("programmes") and "programmes" not in doc.bad:
        report(
            file,
            ("programmes",),
            "la couverture communale compte les programmes déclarés sous « programmes » : "
            "déclarez-en au moins un",
        )
    source = meta.get("figures_source") if doc.sound("figures_source") else None
    if isinstance(source, dict) and "resource" in source and source["resource"] not in own:
        report(
            file,
            ("figures_source", "resource"),
            f"ressource « {source['resource']} » absente de ce jeu ; ressources du jeu : "
            f"{', '.join(own)}",
        )
    if meta.get("figures") and doc.resources and (source or "figures_source" not in meta):
        _figures_source(file, source or {}, own, doc.resources[0].decl["name"], report)
    _picture(doc, own, report)
    if not doc.sound("programmes"):
        return
    programmes = meta["programmes"]
    coverage = own.get(next((n for n, r in own.items() if _kind(r) == "coverage"), ""))
    seen: set[str] = set()
    for j, prog in enumerate(programmes):
        here: JsonPath = ("programmes", j)
        column = prog["column"]
        if column in seen:
            report(file, (*here, "column"), f"colonne « {column} » déjà prise par un programme")
        seen.add(column)
        if coverage is not None and coverage.fields is not None and column not in coverage.fields:
            report(
                file,
                (*here, "column"),
                f"la table « {coverage.decl['name']} » n'a pas de champ « {column} » : "
                "ajoutez-le à son Table Schema (type boolean)",
            )
        dataset, resource = prog.get("dataset"), prog.get("resource")
        owner_doc = owner_of.get(resource)  # type: ignore[arg-type]
        owner = owner_doc.folder.name if owner_doc is not None else None
        if resource in repeated:
            continue
        if dataset in index.datasets and owner is not None and owner != dataset:
            report(
                file,
                (*here, "dataset"),
                f"la ressource « {resource} » appartient au jeu « {owner} » : écrivez "
                f'"dataset": "{owner}"',
            )


def _identity(spec: dict) -> tuple:
    """What a declared check is about: its name and the fields of the resource it names (a
    check naming no field, like ``cell-too-long``, is about the whole table)."""
    from pipeline.declarations.composed import declared_checks

    properties = declared_checks().get(spec["check"], {}).get("properties", {})

    def names_fields(key: str) -> bool:
        schema = properties.get(key, {})
        return "self" in (schema.get("x-field"), (schema.get("items") or {}).get("x-field"))

    fields = [
        (key, ", ".join(map(str, value)) if isinstance(value, list) else str(value))
        for key, value in sorted(spec.items())
        if names_fields(key)
    ]
    return (spec["check"], *fields)


def _repeated_checks(file: Path, res, report: Report) -> None:
    """A check declared twice on the same fields: two verdicts for one question (and two
    options, of which one would silently win)."""
    first: dict[tuple, int] = {}
    for j, spec in enumerate(res.decl.get("checks") or []):
        if not isinstance(spec, dict) or not isinstance(spec.get("check"), str):
            continue
        identity = _identity(spec)
        if identity in first:
            on = ", ".join(f"{key} « {value} »" for key, value in identity[1:])
            report(
                file,
                ("resources", res.index, "checks", j),
                f"le contrôle « {spec['check']} » est déjà déclaré "
                f"(checks[{first[identity]}]){f' pour {on}' if on else ''} : gardez une seule "
                "déclaration",
            )
        else:
            first[identity] = j


def _stable_identifiers(file: Path, res, report: Report) -> None:
    """``stable-identifier`` compares the identifier with what identifies a row in the world:
    by default, a primary key of one field and the resource's ``diffKey``."""
    pk = res.schema.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else pk
    for j, spec in enumerate(res.decl.get("checks") or []):
        if spec.get("check") != "stable-identifier":
            continue
        here = ("resources", res.index, "checks", j)
        if "identifier" not in spec and len(pk) != 1:
            report(
                file,
                here,
                "nommez l'identifiant du producteur (« identifier ») : la ressource n'a pas de "
                "clé primaire d'un seul champ",
            )
        if "key" not in spec and not res.decl.get("diffKey"):
            report(
                file,
                here,
                "nommez ce qui identifie une ligne dans le monde (« key », par exemple "
                '["insee_com"]), ou déclarez « diffKey » dans la ressource',
            )


def _picture_resources(spec: dict) -> list[tuple[JsonPath, str]]:
    named = [(("picture", "resource"), spec["resource"])] if "resource" in spec else []
    for i, item in enumerate(spec.get("series", [])):
        named.append((("picture", "series", i, "resource"), item["resource"]))
    return named


def _kind(res) -> object:
    derive = res.decl.get("derive")
    return derive.get("kind") if isinstance(derive, dict) else None


def _figures_source(file, source: dict, own: dict, first: str, report: Report) -> None:
    """The published figures are read from ``figures_source`` (by default the dataset's
    first resource, keyed by ``id``): its key and the columns the figures read exist."""
    from pipeline.checks.figures import SOURCE_COLUMNS

    res = own.get(source.get("resource", first))
    if res is None or res.fields is None:
        return  # an unknown resource is reported above; an unreadable schema, with it
    name = res.decl["name"]
    key = source.get("id", "id")
    if key not in res.fields:
        hint = listing(suggestion(key, res.fields), "champs", res.fields)
        path = ("figures_source", "id") if "id" in source else ("figures_source",)
        report(file, path, f"champ identifiant « {key} » absent de la ressource « {name} »{hint}")
    missing = [c for c in SOURCE_COLUMNS if c not in res.fields]
    if missing:
        report(
            file,
            ("figures_source", "resource") if "resource" in source else ("figures_source",),
            f"la ressource des chiffres publiés « {name} » n'a pas les champs "
            f"{', '.join(missing)} que lit leur vérification",
        )


def _derived_fields(file: Path, res, report: Report) -> None:
    """The derivation produces every field of the resource's Table Schema."""
    from pipeline.declarations.schema_errors import schema_problems
    from pipeline.derive import DERIVATIONS

    spec = res.decl.get("derive")
    cls = DERIVATIONS.get(spec.get("kind")) if isinstance(spec, dict) else None
    if cls is None or res.fields is None or schema_problems(spec, cls.options_schema):
        return  # no derivation, or its own problems are reported
    problem = cls.unproduced(spec, res.fields)
    if problem:
        key, message = problem
        where = ("resources", res.index, "derive", *([key] if key in spec else []))
        report(file, where, message)
