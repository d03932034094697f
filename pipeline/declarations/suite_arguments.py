"""Arguments of an expectation that its JSON Schema cannot judge alone, checked against the
resource's columns: the bounds of a ``between`` (of the column's kind, in order), value sets,
pandas type names, row conditions and the columns a table-level expectation lists.

Each of these mistakes would otherwise reach the data: an empty interval or value set fails
every row, an unknown type or a column list that cannot match fails the table, a bound of the
wrong kind or a row condition that does not parse stops the run in Great Expectations. The
table's columns are known at load (the schema's fields, then the enrichment columns, as the
engine builds them), so a column list's verdict is too."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from datetime import datetime
from functools import cache

from pipeline.declarations.jsonfile import JsonPath
from pipeline.declarations.schema_errors import listing, shown, suggestion
from pipeline.sql.expectations import iso_date

Report = Callable[[JsonPath, str], None]

NUMERIC = ("integer", "number", "year")
DATES = ("date", "datetime")
# Bounds compared with the column's own values (the other ``between`` compare a count, a
# share or a statistic, whose bounds the JSON Schema already wants as numbers).
VALUE_BOUNDED = (
    "expect_column_values_to_be_between",
    "expect_column_min_to_be_between",
    "expect_column_max_to_be_between",
)
# With an empty value set, these refuse every value; the others check nothing.
REFUSE_ALL = (
    "expect_column_values_to_be_in_set",
    "expect_column_distinct_values_to_be_in_set",
    "expect_column_distinct_values_to_equal_set",
    "expect_column_most_common_value_to_be_in_set",
)
# The names GX's pandas engine reads beside numpy's and pandas' own (type_comparison.py).
NATIVE_TYPES = ("none", "bool", "int", "long", "float", "bytes", "complex", "str", "string_types",
                "list", "dict")  # fmt: skip
USUAL_TYPES = ["Int64", "int64", "float64", "boolean", "bool", "str", "object", "string"]
GX_PARSERS = ("great_expectations", "great_expectations__experimental__")


def check_arguments(
    etype: str, kw: dict, columns: dict[str, str], path: JsonPath, report: Report
) -> None:
    """``kw``: arguments already of the right shape (JSON Schema); ``columns``: every column
    of the table, in its order, with its Table Schema type; ``path``: the entry's."""
    at = (*path, "kwargs")
    if etype.endswith("_to_be_between"):
        _bounds(etype, kw, columns, at, report)
    if kw.get("value_set") == []:
        what = "refuserait toute valeur" if etype in REFUSE_ALL else "ne vérifierait rien"
        report(
            (*at, "value_set"),
            f"« value_set » est vide : l'attente {what} ; écrivez les valeurs attendues, par "
            'exemple ["Principal", "Itinérant"]',
        )
    _types(kw, at, report)
    _value_set(kw, columns, at, report)
    _pair_types(etype, kw, columns, at, report)
    _text_only(etype, kw, columns, at, report)
    _typed_arguments(kw, at, report)
    _row_condition(kw, columns, at, report)
    _table_columns(etype, kw, columns, at, report)


def _as_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _bounds(etype: str, kw: dict, columns: dict[str, str], at: JsonPath, report: Report) -> None:
    column = kw.get("column")
    ftype = columns.get(column, "string") if isinstance(column, str) else None
    values: dict[str, object] = {}
    for key in ("min_value", "max_value"):
        value = kw.get(key)
        if value is None:
            continue
        if etype in VALUE_BOUNDED and ftype is not None:
            problem = _bound_problem(etype, column, ftype, value)
            if problem:
                report((*at, key), problem)
                continue
        if isinstance(value, str):
            values[key] = _as_date(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            values[key] = float(value)
    if _above(values.get("min_value"), values.get("max_value")):
        report(
            (*at, "min_value"),
            f"« min_value » ({shown(kw['min_value'])}) dépasse « max_value » "
            f"({shown(kw['max_value'])}) : aucune valeur ne tiendrait entre les deux ; "
            "échangez-les",
        )


def _above(low: object, high: object) -> bool:
    """``low > high``, for two numbers or two dates (False for anything else)."""
    if low is None or high is None or type(low) is not type(high):
        return False
    try:
        return bool(low > high)  # type: ignore[operator]
    except TypeError:  # a date with a time zone and one without
        return False


def _bound_problem(etype: str, column: str, ftype: str, value: object) -> str | None:
    """A bound compared with the values of ``column`` (of Table Schema type ``ftype``). GX
    reads « 2024-01-31 » as a date and « 2024-01-31T12:00:00 » as a date and time: it
    compares a date column's dates with the first only; a date and time column reaches it
    as text, which its minimum and maximum parse, but which it compares with no bound row
    by row."""
    if ftype in NUMERIC:
        if isinstance(value, str):
            return (
                f"la colonne « {column} » est numérique ({ftype}) : écrivez la borne comme un "
                f"nombre, sans guillemets (par exemple {value.strip() or 0})"
            )
        return None
    if ftype in DATES:
        if not isinstance(value, str):
            return (
                f"la colonne « {column} » est une date : écrivez la borne comme une date ISO "
                "entre guillemets, par exemple « 2024-01-31 »"
            )
        if _as_date(value) is None:
            return (
                f"borne « {value} » illisible : la colonne « {column} » est une date ; écrivez "
                "une date ISO entre guillemets, par exemple « 2024-01-31 »"
            )
        if ftype == "date" and iso_date(value) is None:
            day = _as_date(value).date().isoformat()  # type: ignore[union-attr]
            return (
                f"la colonne « {column} » est une date sans heure : écrivez la borne sans heure, "
                f"« {day} » (AAAA-MM-JJ), la seule que Great Expectations compare à ses dates"
            )
        if ftype == "datetime" and etype == "expect_column_values_to_be_between":
            return (
                f"la colonne « {column} » est une date et heure : ni Great Expectations ni le "
                "pipeline ne comparent ses valeurs à une borne, ligne à ligne ; bornez-la dans "
                "le Table Schema (« constraints » : « minimum », « maximum »), ou bornez sa "
                "plus petite et sa plus grande valeur (expect_column_min_to_be_between, "
                "expect_column_max_to_be_between)"
            )
        return None
    return (
        f"la colonne « {column} » est de type {ftype} : ses valeurs ne se comparent pas à une "
        "borne ; bornez une colonne numérique ou une date (pour une longueur de texte : "
        "expect_column_value_lengths_to_be_between)"
    )


@cache
def pandas_type_known(name: str) -> bool:
    """Whether GX's pandas engine knows the type name ``name`` (numpy's dtypes, pandas'
    classes, Python's own names), as ``expect_column_values_to_be_of_type`` looks it up."""
    import numpy as np
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            np.dtype(name)
            return True
        except Exception:  # numpy raises TypeError, and others on odd strings
            pass
        for module in (pd, pd.core.dtypes.dtypes):
            if isinstance(getattr(module, name, None), type):
                return True
    return name.lower() in NATIVE_TYPES


def _types(kw: dict, at: JsonPath, report: Report) -> None:
    names = [(("type_",), kw["type_"])] if isinstance(kw.get("type_"), str) else []
    names += [(("type_list", i), n) for i, n in enumerate(kw.get("type_list") or [])]
    for where, name in names:
        if isinstance(name, str) and not pandas_type_known(name):
            hint = listing(suggestion(name, USUAL_TYPES), "types usuels", USUAL_TYPES)
            report(
                (*at, *where),
                f"type « {name} » inconnu de Great Expectations (types numpy et pandas){hint}",
            )


RESULT_FORMATS = ("BOOLEAN_ONLY", "BASIC", "SUMMARY", "COMPLETE")


def _value_set(kw: dict, columns: dict[str, str], at: JsonPath, report: Report) -> None:
    """On a text column, a number or a boolean of ``value_set`` is never equal to a value
    (GX compares "3" and 3 as different); on a date column, anything but an ISO date (which
    GX is handed as a date, :func:`pipeline.sql.expectations.gx_kwargs`): the expectation
    would refuse, or let through, every row, whatever the engine."""
    column, values = kw.get("column"), kw.get("value_set")
    ftype = columns.get(column) if isinstance(column, str) else None
    if not isinstance(values, list) or ftype not in ("string", "date"):
        return
    for i, value in enumerate(values):
        if ftype == "string" and not isinstance(value, str):
            report(
                (*at, "value_set", i),
                f"la colonne « {column} » est du texte : écrivez la valeur {shown(value)} entre "
                f'guillemets ("{shown(value)}"), sans quoi elle n\'égale aucune valeur',
            )
        elif ftype == "date" and iso_date(value) is None:
            report(
                (*at, "value_set", i),
                f"la colonne « {column} » est une date : écrivez la valeur {_quoted(value)} comme "
                "une date ISO sans heure entre guillemets (« 2024-01-31 »), sans quoi elle "
                "n'égale aucune valeur",
            )


def _quoted(value: object) -> str:
    return f"« {shown(value)} »" if isinstance(value, str) else shown(value)


PAIRED = (
    "expect_column_pair_values_to_be_equal",
    "expect_column_pair_values_a_to_be_greater_than_b",
)


def _pair_types(
    etype: str, kw: dict, columns: dict[str, str], at: JsonPath, report: Report
) -> None:
    """A date column compared with a column of another type: GX never finds a date equal to
    a text or a number, and fails to order them."""
    a, b = kw.get("column_A"), kw.get("column_B")
    if etype not in PAIRED or not isinstance(a, str) or not isinstance(b, str):
        return
    types = columns.get(a), columns.get(b)
    if None in types or types.count("date") != 1:
        return
    report(
        (*at, "column_B"),
        f"« {a} » est de type {types[0]} et « {b} » de type {types[1]} : Great Expectations ne "
        "compare une date qu'à une date (une date n'égale jamais un texte ou un nombre) ; "
        "nommez deux colonnes de dates",
    )


TEXT_ONLY = (  # GX refuses any value but a text
    "expect_column_values_to_be_dateutil_parseable",
    "expect_column_values_to_match_strftime_format",
)


def _text_only(etype: str, kw: dict, columns: dict[str, str], at: JsonPath, report: Report) -> None:
    column = kw.get("column")
    if etype in TEXT_ONLY and isinstance(column, str) and columns.get(column) == "date":
        report(
            (*at, "column"),
            f"la colonne « {column} » est une date : Great Expectations la reçoit en dates, et "
            "cette attente ne lit que du texte ; retirez-la (le format d'une date se déclare "
            "dans son champ du Table Schema, « format », et s'y vérifie)",
        )


def _typed_arguments(kw: dict, at: JsonPath, report: Report) -> None:
    """Arguments GX takes without checking them when the expectation is declared, and
    refuses (or misreads) only when it runs: judged here whatever the engine."""
    result = kw.get("result_format")
    level = result.get("result_format") if isinstance(result, dict) else result
    if "result_format" in kw and level not in RESULT_FORMATS:
        where = (*at, "result_format", *(("result_format",) if isinstance(result, dict) else ()))
        report(
            where,
            f"« result_format » vaut {shown(level)} : écrivez l'un de {', '.join(RESULT_FORMATS)}",
        )
    if "strftime_format" in kw and not isinstance(kw["strftime_format"], str):
        report(
            (*at, "strftime_format"),
            f"« strftime_format » doit être un texte entre guillemets, par exemple "
            f"« %Y-%m-%d », pas {shown(kw['strftime_format'])}",
        )
    ranges = kw.get("quantile_ranges")
    if isinstance(ranges, dict):
        quantiles, bounds = ranges.get("quantiles"), ranges.get("value_ranges")
        if (
            isinstance(quantiles, list)
            and isinstance(bounds, list)
            and len(quantiles) != len(bounds)
        ):
            report(
                (*at, "quantile_ranges", "value_ranges"),
                f"{len(bounds)} intervalle(s) pour {len(quantiles)} quantile(s) : "
                "« value_ranges » donne un intervalle [min, max] par valeur de « quantiles »",
            )


def _row_condition(kw: dict, columns: dict[str, str], at: JsonPath, report: Report) -> None:
    condition = kw.get("row_condition")
    if isinstance(condition, dict):
        _dated_comparisons(condition, columns, (*at, "row_condition"), report)
    if not isinstance(condition, str):
        return
    where = (*at, "row_condition")
    if kw.get("condition_parser") in GX_PARSERS:  # its syntax is GX's to check (gx_arguments)
        for name in re.findall(r"col\(\s*[\"']([^\"']*)[\"']\s*\)", condition):
            if name not in columns:
                hint = listing(suggestion(name, columns), "colonnes", columns)
                report(where, f"« row_condition » cite la colonne « {name} », inconnue{hint}")
                return
        return
    problem = query_problem(condition, columns)
    if problem:
        report(where, problem)


def _dated_comparisons(
    condition: dict, columns: dict[str, str], where: JsonPath, report: Report
) -> None:
    """The comparisons of a date column in a structured row condition: GX is handed their
    ISO dates as dates (:func:`pipeline.sql.expectations.gx_kwargs`), and compares a date
    with nothing else; its IN and NOT_IN take only texts and numbers, which equal no date."""
    subs = condition.get("conditions")
    for i, sub in enumerate(subs if isinstance(subs, list) else []):
        if isinstance(sub, dict):
            _dated_comparisons(sub, columns, (*where, "conditions", i), report)
    named = condition.get("column")
    column = named.get("name") if isinstance(named, dict) else None
    if condition.get("type") != "comparison" or columns.get(column) != "date":  # type: ignore[arg-type]
        return
    parameter = condition.get("parameter")
    if condition.get("operator") in ("IN", "NOT_IN"):
        report(
            (*where, "operator"),
            f"« {column} » est une date, que Great Expectations ne cherche pas dans une liste "
            "(IN et NOT_IN ne prennent que des textes et des nombres, qui n'égalent aucune "
            'date) : reliez des comparaisons « == » par {"type": "or", "conditions": […]}',
        )
    elif iso_date(parameter) is None:
        report(
            (*where, "parameter"),
            f"« {column} » est une date : écrivez {_quoted(parameter)} comme une date ISO sans "
            "heure entre guillemets (« 2024-01-31 »), la seule que Great Expectations lui "
            "compare",
        )


def query_problem(condition: str, columns: dict[str, str]) -> str | None:
    """What keeps pandas' ``DataFrame.query`` (GX's reading of a text row condition) from
    reading ``condition`` on the table's columns, tried on an empty frame of their types."""
    import pandas as pd
    from pandas.errors import UndefinedVariableError

    dtypes = {"integer": "Int64", "year": "Int64", "number": "float64", "boolean": "boolean"}
    frame = pd.DataFrame({n: pd.Series(dtype=dtypes.get(t, "object")) for n, t in columns.items()})
    if not condition.strip():
        return "« row_condition » est vide : retirez-la, ou écrivez une condition"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame.query(condition)
    except UndefinedVariableError as exc:
        found = re.search(r"'([^']*)'", str(exc))
        name = found.group(1) if found else str(exc)
        hint = listing(suggestion(name, columns), "colonnes", columns)
        return f"« row_condition » cite « {name} », qui n'est pas une colonne{hint}"
    except Exception as exc:  # pandas raises SyntaxError, ValueError, TypeError, KeyError…
        detail = " ".join(str(exc).split())[:200]
        return (
            f"« row_condition » ne se lit pas comme une condition pandas ({detail}) : écrivez "
            'par exemple type_fs == "Principal" and latitude > 40'
        )
    return None


def _table_columns(
    etype: str, kw: dict, columns: dict[str, str], at: JsonPath, report: Report
) -> None:
    key = {
        "expect_table_columns_to_match_ordered_list": "column_list",
        "expect_table_columns_to_match_set": "column_set",
    }.get(etype)
    names = kw.get(key) if key else None
    if not isinstance(names, list):
        return
    actual = list(columns)
    unknown = False
    for i, name in enumerate(names):
        if name not in columns:
            unknown = True
            hint = listing(suggestion(name, actual), "colonnes de la table", actual)
            report((*at, key, i), f"colonne « {name} » inconnue{hint}")  # type: ignore[misc]
    if unknown:
        return
    table = ", ".join(actual)
    if key == "column_list" and names != actual:
        report(
            (*at, key),
            f"la liste ne suit pas les colonnes de la table, qui sont, dans cet ordre : {table} "
            "(champs du Table Schema, puis colonnes d'enrichissement) ; l'attente échouerait à "
            "chaque validation : écrivez-les toutes, dans cet ordre",
        )
    missing = [c for c in actual if c not in names]
    if key == "column_set" and kw.get("exact_match", True) and missing:
        report(
            (*at, key),
            f"il manque {', '.join(missing)} : avec « exact_match » (true par défaut), la liste "
            "nomme toutes les colonnes de la table ; ajoutez-les, ou écrivez "
            '"exact_match": false',
        )
