"""Headline figures recomputed from detail data: one Check class per method, declared in the
report's ``dataset.json`` under ``figures`` (never in code). Each item names the figure ``id``
(a row of the figures resource), its ``method`` and the method's options, its ``precision``
(:mod:`pipeline.precision`) and the ``severity`` of the finding an écart or a non-verifiable
figure yields (warning by default). The French ``methode`` of each verdict is written from
the declaration and the data it was computed from (:meth:`Figure.describe`), never by hand.

Methods: ``row-count`` (``resource``), ``filtered-count`` (``resource``, ``where``),
``distinct-count`` (``resource``, ``field``), ``sum`` (``parts``: methods added up),
``coverage-share`` and ``coverage-population`` (over a coverage table: rows whose ``field``
is above 0), ``none`` (no detail data: ``reason``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from pipeline import precision as prec
from pipeline.catalog import Dataset
from pipeline.checks.base import Check, TableContext
from pipeline.errors import ConfigError, DependencyInvalid
from pipeline.findings import FigureCheck, Finding
from pipeline.numbers_fr import NNBSP, edition_fr, fmt_int, fmt_number
from pipeline.options import RESOURCE, SEVERITY, check_options, conditions, field_of
from pipeline.sql import figures as q

FIGURES: dict[str, type[Figure]] = {}
DECLARATION = {"type": "object", "required": ["id", "method"]}  # every item of ``figures``
# The parts of a ``sum`` are figure methods themselves: in the schema of dataset.json
# (:mod:`pipeline.declarations.composed`), this reference is to all of them.
PART = {"$ref": "#/definitions/figure-method"}
OPS_FR = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "in": "parmi"}


def register_figure(cls: type[Figure]) -> type[Figure]:
    """Class decorator: make a figure method available by its name."""
    if cls.name in FIGURES:
        raise ValueError(f"figure method {cls.name} registered twice")
    FIGURES[cls.name] = cls
    return cls


def options(name: str, required: list[str], **properties: dict) -> dict:
    """The JSON Schema of a method's options, with the keys every figure may carry."""
    return {
        "type": "object",
        "required": ["method", *required],
        "properties": {
            "id": {"type": "string", "minLength": 1},
            "method": {"const": name},
            "severity": SEVERITY,
            "precision": prec.SCHEMA,
            **properties,
        },
        "additionalProperties": False,
    }


FIELD = field_of("resource")


def _text(value: object) -> str:
    return f"« {value} »"


def conditions_fr(conditions: list[dict]) -> str:
    parts = []
    for c in conditions:
        op = c.get("op", "==")
        value = ", ".join(map(_text, c["value"])) if op == "in" else _text(c["value"])
        parts.append(f"{c['field']} {OPS_FR[op]} {value}")
    return " et ".join(parts)


class Figure(Check):
    """A figure method. ``value`` recomputes the figure in SQL over the published text of
    the detail resources, as the report's view of the workspace reads them (the editions it
    names under ``inputs``); ``describe`` says how, in French."""

    name: ClassVar[str] = ""
    row: dict[str, str] | None = None  # the figure's row in the figures resource
    outcome: FigureCheck | None = None

    @property
    def ws(self):
        return self.ctx.ws

    def resources(self) -> list[str]:
        return [self.options["resource"]] if "resource" in self.options else []

    def value(self) -> float | None:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def scalar(self, columns: list[str], query) -> tuple:
        """The one row of ``query(relation)`` over the published text of ``columns`` of the
        figure's resource (:meth:`Workspace.text_rows`: no table is made for it)."""
        return self.ws.text_rows(self.options["resource"], columns, query)[0]

    def edition(self, resource: str) -> str:
        """Which data a resource holds in this view: « édition du 12 janvier 2024 :
        data/raw/… » for a raw file, « jeu … » for a derived table."""
        loaded = self.ws.table(resource)
        decl = loaded.resource
        if decl.source is None:
            return f"jeu {loaded.dataset.name}, calculé par le pipeline"
        date = decl.edition or decl.source.date
        return (f"{edition_fr(date)} : " if date else "") + decl.source.path

    def of(self, resource: str) -> str:
        """« la ressource <nom> (édition du 12 janvier 2024 : data/raw/…) »."""
        return f"la ressource {resource} ({self.edition(resource)})"

    def run(self, result=None) -> Iterable[Finding]:
        """Compare the recomputed value with the published one: the verdict goes to
        :attr:`outcome`, an écart or a non-verifiable figure to a finding."""
        o, row = self.options, self.row or {}
        published = float(row["valeur"]) if row.get("valeur", "") != "" else None
        missing = missing_resources(self.ws, self)
        blocked = None
        if missing:
            recomputed = None
            method = f"{self.describe_absent()} (données détaillées absentes de ce dépôt : "
            method += ", ".join(missing) + ")"
        else:
            try:
                recomputed = self.value()
                method = self.describe()
            except DependencyInvalid as exc:  # a detail resource is unreadable
                recomputed, method, blocked = None, exc.message, exc
        precision = prec.parse(o.get("precision"))
        gap = None if published is None or recomputed is None else round(recomputed - published, 2)
        verdict = precision.verdict(published, recomputed)
        unit = row.get("unite", "")
        self.outcome = FigureCheck(
            figure_id=o["id"],
            label=row.get("libelle", ""),
            published=published,
            recomputed=recomputed,
            gap=gap,
            verdict=verdict,  # type: ignore[arg-type]
            unit=unit,
            method=method,
            severity=o.get("severity", "warning"),
            precision=precision.text,
        )
        if blocked is not None:
            return [
                self.ctx.finding(
                    "dependency-invalid",
                    fld="valeur",
                    check=o["id"],
                    file=False,
                    what=f"Chiffre clé « {self.outcome.label} »",
                    dependency=blocked.label,
                )
            ]
        if verdict == "concorde":
            return []
        code = "figure-gap" if verdict == "écart" else "figure-unverifiable"
        return [
            self.ctx.finding(
                code,
                fld="valeur",
                value=fmt(published),
                severity=o.get("severity", "warning"),
                check=o["id"],
                file=False,
                label=self.outcome.label,
                published=fr(published, unit),
                recomputed=fr(recomputed, unit),
                method=method,
                gap=fr(gap, unit, sign=True),
                precision=precision.text,
            )
        ]

    def describe_absent(self) -> str:
        """The method in words when its detail data are absent (no edition to name)."""
        return f"calcul « {self.name} » sur {', '.join(self.resources())}"


@register_figure
class RowCount(Figure):
    name = "row-count"
    options_schema = options(name, ["resource"], resource=RESOURCE)

    def value(self) -> float:
        where = self.options.get("where", [])
        fields = [c["field"] for c in where]
        return float(self.scalar(fields, lambda t: q.row_count(t, where))[0])

    def describe(self) -> str:
        where = self.options.get("where")
        cond = f" où {conditions_fr(where)}" if where else ""
        return f"nombre de lignes de {self.of(self.options['resource'])}{cond}"


@register_figure
class FilteredCount(RowCount):
    name = "filtered-count"
    options_schema = options(
        name, ["resource", "where"], resource=RESOURCE, where=conditions("resource")
    )


@register_figure
class DistinctCount(Figure):
    name = "distinct-count"
    options_schema = options(name, ["resource", "field"], resource=RESOURCE, field=FIELD)

    def value(self) -> float:
        fld = self.options["field"]
        return float(self.scalar([fld], lambda t: q.distinct_count(t, fld))[0])

    def describe(self) -> str:
        o = self.options
        return f"nombre de valeurs distinctes de {o['field']} dans {self.of(o['resource'])}"


@register_figure
class Sum(Figure):
    name = "sum"
    options_schema = options(name, ["parts"], parts={"type": "array", "minItems": 1})
    # (in dataset.json's schema, each part follows its own method's: see :data:`PART`)

    def __init__(self, ctx: TableContext, options: dict | None = None):
        super().__init__(ctx, options)
        self.parts = [
            make(ctx, part, f"{self.options.get('id')} : parts") for part in self.options["parts"]
        ]

    def resources(self) -> list[str]:
        return [r for part in self.parts for r in part.resources()]

    def value(self) -> float | None:
        values = [part.value() for part in self.parts]
        return None if any(v is None for v in values) else float(sum(values))  # type: ignore[arg-type]

    def describe(self) -> str:
        return " plus ".join(part.describe() for part in self.parts)

    def describe_absent(self) -> str:
        return " plus ".join(part.describe_absent() for part in self.parts)


@register_figure
class CoverageShare(Figure):
    """Percentage of the rows of a coverage table whose ``field`` is above 0."""

    name = "coverage-share"
    options_schema = options(name, ["resource"], resource=RESOURCE, field=FIELD)

    _counts: tuple | None = None

    def population(self) -> str | None:
        """The field summed over the covered rows, if any."""
        return None

    def counts(self) -> tuple:
        """(rows, covered rows, population of the covered rows), one query per figure."""
        if self._counts is None:
            field, population = self.options.get("field", "nb_programmes"), self.population()
            fields = [field, *([population] if population else [])]
            self._counts = self.scalar(fields, lambda t: q.coverage(t, field, population))
        return self._counts

    def value(self) -> float | None:
        total, covered, _ = self.counts()
        return round(100 * covered / total, 2) if total else None

    def describe(self) -> str:
        o = self.options
        total = self.counts()[0]
        return (
            f"part (en %) des {fmt_int(total, NNBSP)} lignes de {self.of(o['resource'])} "
            f"où {o.get('field', 'nb_programmes')} > 0"
        )


@register_figure
class CoveragePopulation(CoverageShare):
    """Sum of ``population`` over the covered rows, divided by ``scale``."""

    name = "coverage-population"
    options_schema = options(
        name,
        ["resource"],
        resource=RESOURCE,
        field=FIELD,
        population=FIELD,
        scale={"type": "number", "exclusiveMinimum": 0},
    )

    def population(self) -> str:
        return self.options.get("population", "population")

    def value(self) -> float | None:
        _, _, pop = self.counts()
        return round(float(pop or 0) / float(self.options.get("scale", 1)), 2)

    def describe(self) -> str:
        o = self.options
        scale = float(o.get("scale", 1))
        unit = {1e3: ", en milliers", 1e6: ", en millions"}.get(scale)
        if unit is None and scale != 1:
            unit = f", divisée par {fmt_number(scale, NNBSP)}"
        return (
            f"somme de {o.get('population', 'population')} des lignes de "
            f"{self.of(o['resource'])} où {o.get('field', 'nb_programmes')} > 0{unit or ''}"
        )


@register_figure
class Unverifiable(Figure):
    """No detail data: the figure is listed as « non vérifiable », with the reason."""

    name = "none"
    options_schema = options(name, ["reason"], reason={"type": "string", "minLength": 1})

    def value(self) -> None:
        return None

    def describe(self) -> str:
        return self.options["reason"]


def make(ctx: TableContext, spec: dict, where: str) -> Figure:
    """The figure method of a declaration, its options checked against its schema."""
    method = spec.get("method") if isinstance(spec, dict) else None
    cls = FIGURES.get(method)  # type: ignore[arg-type]
    if cls is None:
        raise ConfigError(
            f"{where} : méthode de calcul inconnue « {method} ». Méthodes disponibles : "
            f"{', '.join(sorted(FIGURES))}."
        )
    check_options(spec, cls.options_schema, f"{where} : méthode « {method} »")
    return cls(ctx, spec)


def missing_resources(ws, figure: Figure) -> list[str]:
    """Detail resources the figure needs that this repository does not declare."""
    known = {r.name for ds in ws.catalog.datasets.values() for r in ds.resources}
    return [r for r in figure.resources() if r not in known]


def evaluate(ws, dataset: Dataset) -> tuple[list[FigureCheck], list[Finding]]:
    """Every figure of a report, as the report's view reads the data: (verdicts, findings).
    A figure whose detail data are unreadable is « non vérifiable », with one
    ``dependency-invalid`` finding; raises :class:`DependencyInvalid` when the figures
    resource itself is. Computed once per run (the verification table, then validate)."""
    key = ("figures", dataset.name)
    with ws.locks(key):
        if key not in ws.computed:
            ws.computed[key] = _evaluate(ws.view(dataset), dataset)
    return ws.computed[key]


SOURCE_COLUMNS = ("libelle", "valeur", "unite")  # read from the published figures


def _evaluate(ws, dataset: Dataset) -> tuple[list[FigureCheck], list[Finding]]:
    where = f"{dataset.folder / 'dataset.json'} : « figures »"
    spec = dataset.meta.get("figures_source", {})
    resource = spec.get("resource", dataset.resources[0].name)
    key = spec.get("id", "id")
    table = ws.table(resource)
    if table.source is None:  # its own findings say why; what is computed from it, one each
        raise table.invalid()
    columns = list(SOURCE_COLUMNS)
    rows = {
        r[0]: dict(zip(columns, r[1:], strict=True))
        for r in ws.text_rows(
            resource, [key, *columns], lambda t: q.published_figures(t, key, columns)
        )
    }
    ctx = TableContext(ws, table, ws.limit)
    outcomes, findings = [], []
    for i, item in enumerate(dataset.meta.get("figures", [])):
        check_options(item, DECLARATION, f"{where}[{i}]")
        figure = make(ctx, item, f"{where}[{i}] ({item['id']})")
        if item["id"] not in rows:
            raise ConfigError(f"{where}[{i}] : chiffre « {item['id']} » absent de « {resource} ».")
        figure.row = {k: v or "" for k, v in rows[item["id"]].items()}
        findings.extend(figure.run())
        assert figure.outcome is not None
        outcomes.append(figure.outcome)
    return outcomes, findings


def fmt(value: float | None) -> str:
    """Machine-readable value for the published CSV: decimal point, no thousands separator
    (2705, 60.81); '' for None."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def fr(value: float | None, unit: str = "", sign: bool = False) -> str:
    """French display for messages and the README: decimal comma, narrow no-break space between
    thousands (« 60,81 % », « 2 705 structures »); '—' for None. ``sign`` puts a '+' before a
    positive value."""
    if value is None:
        return "—"
    text = ("+" if sign and value > 0 else "") + fmt_number(value, NNBSP)
    return f"{text} {unit}" if unit else text
