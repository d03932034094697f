"""JSON Schema errors (``jsonschema``) as French problems saying what to write instead.

A schema can help the message with two keywords: ``description`` (what the value is, also
shown by editors) and ``x-message`` (the whole message, for rules a generic sentence would
explain badly)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from functools import lru_cache

from jsonschema import Draft7Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError, best_match

from pipeline.declarations.jsonfile import JsonPath

TYPE_FR = {
    "object": "un objet { … }",
    "array": "une liste [ … ]",
    "string": "un texte entre guillemets",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "true ou false",
    "null": "null",
}
LIST_LIMIT = 45


def kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def shown(value: object, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def choices(values: Iterable[object]) -> str:
    items = [shown(v) for v in values]
    more = len(items) - LIST_LIMIT
    listed = ", ".join(items[:LIST_LIMIT])
    return f"{listed} et {more} autres" if more > 0 else listed


def suggestion(value: object, known: Iterable[object]) -> str:
    """' ; vouliez-vous écrire « x » ?' for a close known value, else ''."""
    if not isinstance(value, str):
        return ""
    names = [k for k in known if isinstance(k, str)]
    close = difflib.get_close_matches(value, names, n=1, cutoff=0.6)
    if not close:
        lowered = {n.lower(): n for n in names}
        starting = [n for n in names if n.lower().startswith(value.lower())]
        if value.lower() in lowered:
            close = [lowered[value.lower()]]
        elif len(starting) == 1:
            close = starting
    return f" ; vouliez-vous écrire « {close[0]} » ?" if close else ""


def listing(hint: str, label: str, values: Iterable[object]) -> str:
    """The suggestion, then what is known: ' ; vouliez-vous écrire « a » ? Champs : a, b' or
    ' ; champs : a, b'."""
    known = choices(values)
    return f"{hint} {label[0].upper()}{label[1:]} : {known}" if hint else f" ; {label} : {known}"


def _described(text: str, schema: dict) -> str:
    desc = schema.get("description") if isinstance(schema, dict) else None
    return f"{text}. Attendu : {desc}" if desc else text


def _property_schema(schema: dict, key: str) -> dict:
    sub = (schema.get("properties") or {}).get(key)
    return sub if isinstance(sub, dict) else {}


def messages(error: ValidationError) -> Iterator[tuple[JsonPath, str]]:
    """(JSON path, French message) for one error (several for unknown or missing keys)."""
    path: JsonPath = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    kind = error.validator
    negated = error.validator_value
    if kind == "not" and isinstance(negated, dict) and "x-message" in negated:
        yield path, negated["x-message"]
        return
    if (
        isinstance(schema, dict)
        and "x-message" in schema
        and kind
        not in (
            "additionalProperties",
            "required",
        )
    ):
        yield path, schema["x-message"]
        return
    if kind == "additionalProperties":
        known = sorted(schema.get("properties") or {})
        for key in sorted(set(value) - set(known)):
            yield (
                (*path, key),
                f"clé « {key} » inconnue" + listing(suggestion(key, known), "clés permises", known),
            )
        return
    if kind == "required":
        for key in error.validator_value:
            if isinstance(value, dict) and key not in value:
                sub = _property_schema(schema, key)
                text = f"clé obligatoire « {key} » manquante : ajoutez-la"
                if "x-message" in sub:
                    text = f"clé obligatoire « {key} » manquante : {sub['x-message']}"
                yield (*path, key), _described(text, sub)
        return
    if kind == "type":
        expected = error.validator_value
        wanted = " ou ".join(
            TYPE_FR[t] for t in ([expected] if isinstance(expected, str) else expected)
        )
        text = f"doit être {wanted}, pas {TYPE_FR[kind_of(value)]} ({shown(value)})"
        yield path, _described(text, schema)
        return
    if kind == "enum":
        allowed = error.validator_value
        hint = suggestion(value, allowed)
        text = f"valeur « {shown(value)} » non permise{hint}"
        if schema.get("description"):  # what the value is first: the list can be long
            text += "" if hint else "."
            desc = schema["description"]
            end = "" if desc.endswith(("…", ".")) else "."
            text += f" Attendu : {desc}{end} Valeurs permises : {choices(allowed)}"
        else:
            text += listing(hint, "valeurs permises", allowed)
        yield path, text
        return
    if kind == "const":
        yield path, f"doit valoir « {shown(error.validator_value)} », pas « {shown(value)} »"
        return
    if kind in ("anyOf", "oneOf"):
        branches = [b for b in error.validator_value if isinstance(b, dict)]
        if branches and all(set(b) == {"required"} for b in branches):
            keys = [k for b in branches for k in b["required"]]
            yield path, _described(f"ajoutez l'une des clés : {', '.join(keys)}", schema)
            return
        if error.context:
            for where, text in messages(best_match(_right_type(error.context))):
                # a branch without a description is told with that of the whole choice
                yield where, text if "Attendu :" in text else _described(text, schema)
            return
    yield path, _described(_simple(error), schema)


def _right_type(errors: list[ValidationError]) -> list[ValidationError]:
    """The errors of the branches (anyOf, oneOf) whose type the value has, when there are
    some: a value of the right type but a wrong detail is best told that detail."""
    wrong = {e.schema_path[0] for e in errors if _of_another_type(e)}
    kept = [e for e in errors if e.schema_path and e.schema_path[0] not in wrong]
    return kept or errors


def _of_another_type(error: ValidationError) -> bool:
    """The value is not of the type a branch wants: a ``type``, or an ``enum``/``const``
    whose members are all of other types."""
    if error.relative_path:
        return False
    if error.validator == "type":
        return True
    if error.validator in ("enum", "const"):
        members = error.validator_value if error.validator == "enum" else [error.validator_value]
        kinds = {kind_of(m) for m in members}
        kind = kind_of(error.instance)
        return kind not in kinds and not (kind == "integer" and "number" in kinds)
    return False


def _simple(error: ValidationError) -> str:
    kind, limit, value = error.validator, error.validator_value, error.instance
    if kind == "minimum":
        return f"doit être supérieur ou égal à {limit}, pas {shown(value)}"
    if kind == "exclusiveMinimum":
        return f"doit être strictement supérieur à {limit}, pas {shown(value)}"
    if kind == "maximum":
        return f"doit être inférieur ou égal à {limit}, pas {shown(value)}"
    if kind == "minLength":
        if limit == 1:
            return "ne doit pas être vide"
        return f"doit compter au moins {limit} caractères"
    if kind == "maxLength":
        if limit == 1:
            return f"doit être un seul caractère, pas « {shown(value)} »"
        return f"doit compter au plus {limit} caractères"
    if kind == "minItems":
        return "la liste ne doit pas être vide" if limit == 1 else f"au moins {limit} éléments"
    if kind == "maxItems":
        return f"au plus {limit} élément(s)"
    if kind == "minProperties":
        return "l'objet ne doit pas être vide"
    if kind == "maxProperties":
        return f"au plus {limit} clé(s) dans cet objet"
    if kind == "uniqueItems":
        return "la liste contient des valeurs en double"
    if kind == "pattern":
        return f"« {shown(value)} » n'a pas la forme attendue"
    if kind == "format":
        return (
            f"« {shown(value)} » n'est pas une date valide (AAAA-MM-JJ)"
            if limit == "date"
            else f"« {shown(value)} » n'a pas le format {limit}"
        )
    if kind == "not":
        return "valeur interdite ici"
    return error.message


_VALIDATORS: dict[int, tuple[dict, Draft7Validator]] = {}


# "integer" is a JSON integer: draft 7 also takes 2023.0, which the code would then use as
# a float ("cog2023.0-communes", a count of 3.0 rows)
StrictValidator = validators.extend(
    Draft7Validator,
    type_checker=Draft7Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)


def validator(schema: dict) -> Draft7Validator:
    """One validator per schema object (the schemas are module constants or cached)."""
    known = _VALIDATORS.get(id(schema))
    if known is None or known[0] is not schema:
        checker = FormatChecker(formats=("date",))
        known = (schema, StrictValidator(schema, format_checker=checker))
        _VALIDATORS[id(schema)] = known
    return known[1]


def schema_problems(instance: object, schema: dict) -> list[tuple[JsonPath, str]]:
    """Every problem of ``instance`` against ``schema`` (draft 7), in document order."""
    validator(schema)  # keeps ``schema`` alive, so that its id stays its own
    try:
        text = json.dumps(instance, sort_keys=True)
    except (TypeError, ValueError):
        return _problems(instance, schema)
    return list(_memo(id(schema), text))


@lru_cache(maxsize=4096)
def _memo(schema_id: int, text: str) -> tuple[tuple[JsonPath, str], ...]:
    """The problems of one JSON text, kept: a process (tests, a long CLI run) checks the same
    unchanged declarations again and again."""
    return tuple(_problems(json.loads(text), _VALIDATORS[schema_id][0]))


def _problems(instance: object, schema: dict) -> list[tuple[JsonPath, str]]:
    errors = validator(schema).iter_errors(instance)
    out: list[tuple[JsonPath, str]] = []
    for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        out.extend(messages(error))
    return out
