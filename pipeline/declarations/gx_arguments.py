"""Great Expectations' own check of an expectation (its pydantic models, its condition
parser), told in French with the JSON path of the argument at fault. Used at load for the
expectations GX runs, and by the GX engine (:mod:`pipeline.checks.gx_engine`) for what GX
refuses or fails to run later, so that those are declaration errors too.

It imports GX (seconds): the load check calls it only for an expectation GX will run anyway.
The types the pipeline compiles are checked by their JSON Schema and
:mod:`pipeline.declarations.suite_arguments`, which tests hold to be at least as strict."""

from __future__ import annotations

import math
import re
import warnings

from pipeline.declarations.jsonfile import JsonPath
from pipeline.declarations.schema_errors import shown

# pydantic's error types: what the value should have been
EXPECTED = {
    "type_error.float": "un nombre",
    "type_error.integer": "un nombre entier",
    "type_error.bool": "true ou false",
    "type_error.list": "une liste [ … ]",
    "type_error.set": "une liste [ … ]",
    "type_error.str": "un texte entre guillemets",
    "value_error.date": "une date ISO entre guillemets (« 2024-01-31 »)",
    "value_error.datetime": "une date et heure ISO entre guillemets (« 2024-01-31T12:00:00 »)",
    "type_error.none.not_allowed": "une valeur (pas null)",
    "type_error.dict": None,  # a suite parameter {"$PARAMETER": …}: not offered
}
LIMITS = {
    "value_error.number.not_le": "inférieur ou égal à",
    "value_error.number.not_lt": "strictement inférieur à",
    "value_error.number.not_ge": "supérieur ou égal à",
    "value_error.number.not_gt": "strictement supérieur à",
}
# GX's own sentences (root validators), in French
SENTENCES = [
    (r"min_value and max_value cannot both be None",
     "ajoutez au moins une borne : « min_value » ou « max_value »"),
    (r"min_value \((.*)\) must be less than or equal to max_value \((.*)\)",
     "« min_value » ({0}) dépasse « max_value » ({1}) : échangez-les"),
    (r"min_value cannot be greater than max_value",
     "« min_value » dépasse « max_value » : échangez-les"),
    (r"column_list must contain at least two columns",
     "« column_list » doit nommer au moins deux colonnes"),
    (r"Column values, min_value, and max_value must either be None or of the same type",
     "les bornes ne sont pas du type des valeurs de la colonne : écrivez des nombres sans "
     "guillemets pour une colonne de nombres, des dates ISO entre guillemets (« 2019-01-01 ») "
     "pour une colonne de dates"),
    (r"operation '\w+' not supported for dtype '(?:str|string|object)'"
     r"|Cannot perform reduction '\w+' with string dtype"
     r"|could not convert string to float",
     "cette attente calcule sur des nombres, et la colonne est du texte : déclarez la colonne "
     "en nombre dans le schéma (« type »: « number » ou « integer ») ou choisissez une attente "
     "sur le texte"),
    (r"unhashable type: '(?:dict|list)'",
     "une valeur est un objet {{ … }} ou une liste [ … ] : écrivez des textes, des nombres ou "
     "des booléens"),
    (r"escape must be a single character",
     "« escape » doit être un seul caractère, par exemple « ! » : écrivez \"escape\": \"!\""),
    (r"'(.)' is a bad directive in format",
     "« %{0} » n'est pas une directive de date : utilisez %Y, %m, %d, %H, %M, %S (par exemple "
     "« %d/%m/%Y »)"),
    (r"not supported between instances of '(?:datetime\.date' and 'str|str' and 'datetime\.date)'",
     "une colonne de dates est remise à Great Expectations en dates, qu'il ne compare pas à un "
     "texte ; dans une « row_condition », écrivez la condition en objet ({{\"type\": \"comparison\", "
     "\"column\": {{\"name\": \"date_debut\"}}, \"operator\": \">\", \"parameter\": "
     "\"2024-01-31\"}}), ou comparez le texte de la date (date_debut.astype(\"str\") > "
     "\"2024-01-31\")"),
    (r"not supported between instances of '\w+' and '[\w.]+'",
     "les bornes ne se comparent pas entre elles : écrivez deux nombres finis, ou deux dates "
     "ISO entre guillemets (« 2019-01-01 »)"),
]  # fmt: skip
REFUSED = "Great Expectations refuse ces arguments"


def french(text: str) -> str:
    """A GX sentence in French when it is a known one, else quoted as GX wrote it inside a
    French sentence."""
    for pattern, told in SENTENCES:
        found = re.search(pattern, text)
        if found:
            return told.format(*found.groups())
    quoted = " ".join(text.split())[:300]
    return f"{REFUSED} (son message, en anglais : « {quoted} ») : corrigez-les"


def _infinite(value: object, path: tuple = ()) -> tuple | None:
    """The path of the first number too large to be finite (1e400) in ``value``."""
    if isinstance(value, float) and not math.isfinite(value):
        return path
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found = _infinite(item, (*path, key))
        if found is not None:
            return found
    return None


def gx_problems(entry: dict, name: str = "suite") -> list[tuple[JsonPath, str]]:
    """GX's verdict on one expectation ``entry`` (type, kwargs, meta): (path under the entry,
    French message) for each problem; empty when GX accepts it."""
    import great_expectations as gx

    kept = {k: v for k, v in entry.items() if k in ("type", "kwargs", "meta")}
    infinite = _infinite(entry.get("kwargs") or {})
    if infinite is not None:
        return [
            (("kwargs", *infinite), "nombre trop grand pour être lu (infini) : écrivez un "
             "nombre fini, ou retirez la borne pour ne pas en mettre")
        ]  # fmt: skip
    try:
        with warnings.catch_warnings():  # GX deprecates text row conditions (still run)
            warnings.simplefilter("ignore")
            suite = gx.ExpectationSuite(name=name, expectations=[kept])
    except Exception as exc:  # pydantic, GX's condition parser, or anything GX raises
        return _told(exc, entry.get("kwargs") or {})
    if not suite.expectations:  # GX leaves out a type it does not know
        return [
            (("type",), f"type d'attente « {entry.get('type')} » inconnu de Great Expectations")
        ]
    return []


def _told(exc: Exception, kw: dict) -> list[tuple[JsonPath, str]]:
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        detail = " ".join(str(exc).split())[:300]
        if isinstance(kw.get("row_condition"), str) and "condition" in type(exc).__name__.lower():
            return [
                (
                    ("kwargs", "row_condition"),
                    f"« row_condition » ne se lit pas avec la syntaxe de Great Expectations "
                    f'(« {detail} ») : écrivez par exemple col("type_fs") == "Principal"',
                )
            ]
        return [(("kwargs",), french(detail))]
    by_place: dict[tuple, list[dict]] = {}
    for error in errors():
        loc = tuple(x for x in error.get("loc", ()) if x != "__root__")
        by_place.setdefault(loc, []).append(error)
    return [(("kwargs", *loc), _message(found, kw, loc)) for loc, found in by_place.items()]


def _message(errors: list[dict], kw: dict, loc: tuple) -> str:
    """One message for the errors pydantic gives at one place (a union gives one per type)."""
    for error in errors:
        kind = error.get("type", "")
        if kind == "value_error.missing":
            return "clé obligatoire manquante : ajoutez-la"
        if kind == "value_error.extra":
            return "argument inconnu de Great Expectations pour ce type : retirez-le ou corrigez son nom"
        if kind in LIMITS:
            limit = (error.get("ctx") or {}).get("limit_value")
            return f"doit être {LIMITS[kind]} {limit}"
        if kind in ("type_error.enum", "value_error.const"):
            allowed = (error.get("ctx") or {}).get("enum_values") or []
            listed = ", ".join(str(getattr(v, "value", v)) for v in allowed)
            return "valeur non permise" + (f" ; valeurs permises : {listed}" if listed else "")
        if kind not in EXPECTED:
            return french(str(error.get("msg", "")))
    wanted = list(dict.fromkeys(w for e in errors if (w := EXPECTED.get(e.get("type", "")))))
    value: object = kw
    for step in loc:
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            value = None
    return f"doit être {' ou '.join(wanted) or 'une autre valeur'}, pas {shown(value)}"
