"""``stable-identifier``: a producer's identifier that names another row in the new raw file
than in the published package (``va-14-02`` named Blangy-le-Château, the new list gives it to
Beaumesnil). Reusers who join on the identifier would mix the two up; the diff, which matches
rows on what identifies them in the real world (``diffKey``), reports it as a reassignment.
An identifier may name several rows (an Action cœur de ville territory of two communes): a
row is reassigned when its identifier named, in the published package, none of its key.

Its findings are about the change from the published package, not about the data: they are
reported by ``pipeline validate`` and in the pull request, and vanish once the package is
rebuilt; the package's README does not list them
(:data:`~pipeline.checks.base.TRANSITIONAL`)."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.checks.base import Check, register
from pipeline.errors import ConfigError
from pipeline.options import SELF_FIELD, SEVERITY
from pipeline.sql import ident
from pipeline.sql.published import key_text, published_identifiers


@register
class StableIdentifier(Check):
    name = "stable-identifier"
    options_schema = {
        "type": "object",
        "properties": {
            "check": {"const": "stable-identifier"},
            "identifier": SELF_FIELD,
            "key": {"type": "array", "items": SELF_FIELD, "minItems": 1},
            "label": SELF_FIELD,
            "severity": SEVERITY,
        },
        "additionalProperties": False,
    }

    def settings(self) -> tuple[str, list[str], str | None]:
        """(identifier, key, label): the options, else the resource's primary key, diffKey
        and diffLabel."""
        res = self.ctx.table.resource
        where = f"{self.ctx.table.dataset.folder / 'dataset.json'} : contrôle « {self.name} »"
        identifier = self.options.get("identifier")
        if identifier is None and len(res.primary_key) == 1:
            identifier = res.primary_key[0]
        key = self.options.get("key") or res.diff_key
        if not identifier or not key:
            raise ConfigError(
                f"{where} : nommez l'identifiant (« identifier », sinon une clé primaire d'un "
                "seul champ) et ce qui identifie la ligne (« key », sinon « diffKey »)."
            )
        label = self.options.get("label", res.diff_label)
        unknown = [f for f in [identifier, *key, label] if f and f not in res.field_names]
        if unknown:
            raise ConfigError(f"{where} : champ(s) inconnu(s) : {', '.join(unknown)}.")
        return identifier, list(key), label

    def plan(self, plan) -> None:
        table = self.ctx.table
        self.identifier, self.key, self.label = self.settings()
        self.names: list[str] = []
        found = self.ctx.published_csv()
        if found is None:
            return  # first publication: nothing to compare with
        path, header = found
        wanted = [self.identifier, *self.key, *([self.label] if self.label else [])]
        if any(f not in header for f in wanted) or any(f not in table.fields for f in wanted):
            return  # the columns changed: the schema diff says so
        published = self.ctx.ws.name("published")
        self.ctx.ws.con.execute(
            published_identifiers(published, path, header, self.identifier, self.key, self.label)
        )
        alias = ident(f"si_{plan.id}_{len(plan.predicates)}")
        text = {f: table.fields[f].text for f in wanted}
        join = (
            f"LEFT JOIN {ident(published)} AS {alias} "
            f"ON {alias}.{ident(self.identifier)} = {text[self.identifier]}"
        )
        # reassigned: the identifier named, in the published package, none of this row's key
        # (a territory of two communes shares its identifier: each row names one of them)
        new_key = key_text([text[k] for k in self.key])
        self.cond = f"reassigned_{self.identifier}"
        values = {f"raw:{self.identifier}": table.fields[self.identifier].raw}
        for f in wanted[1:]:
            values[f"new:{f}"] = text[f]
        values["old"] = f"{alias}.named"
        self.names = list(values)
        plan.predicate(self.cond, f"{alias}.{ident(self.identifier)} IS NOT NULL AND NOT "
                       f"list_contains({alias}.keys, {new_key})", values, (join,))  # fmt: skip

    def naming(self, row: dict) -> str:
        values = ", ".join(str(row[f"new:{k}"]) for k in self.key)
        return f"{row[f'new:{self.label}']} ({values})" if self.label else values

    def run(self, result) -> Iterable:
        if not self.names:
            return []
        return self.ctx.rows(
            result,
            self.cond,
            self.names,
            lambda row: self.ctx.finding(
                "identifier-reassigned",
                line=row["line"],
                fld=self.identifier,
                value=row[f"raw:{self.identifier}"],
                severity=self.options.get("severity", "warning"),
                check=self.name,
                old=row["old"],
                new=self.naming(row),
                key=", ".join(self.key),
            ),
        )
