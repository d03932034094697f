"""A corpus of broken declarations: each case breaks one thing in a copy of the repository
and names the file and the JSON path the error must point at (see test_declarations.py)."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

VA = "schemas/villages-d-avenir"
VA_DS = f"{VA}/dataset.json"
VA_SCHEMA = f"{VA}/villages-d-avenir.schema.json"
VA_SUITE = f"{VA}/villages-d-avenir.expectations.json"
VA_OLD = f"{VA}/villages-d-avenir-20240112.schema.json"  # the schema of the January 2024 list
FS = "schemas/france-services"
FS_DS = f"{FS}/dataset.json"
FS_SCHEMA = f"{FS}/france-services.schema.json"
FS_SUITE = f"{FS}/france-services.expectations.json"
TI_DS = "schemas/territoires-d-industrie/dataset.json"
CC_DS = "schemas/chiffres-cles-2023/dataset.json"
FS_RAW = "data/raw/anct_france_services_20240801.csv"
FS_JULY = "data/raw/anct_france_services_20240701.csv"  # an earlier edition a case adds
FS_XLSX = "data/raw/anct_france_services_20240801.xlsx"
COV_DS = "schemas/couverture-communale-2023/dataset.json"


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Callable[[Path], None]
    file: str  # the file the error must name
    path: str  # the JSON path it must name ("" when the whole file is at fault)
    words: str = ""  # a word the French message must contain


def edit(rel: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    """Load a JSON file of the repository, change it, write it back (2-space indent)."""

    def mutate(root: Path) -> None:
        path = root / rel
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    return mutate


def text(rel: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / rel
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    return mutate


def res(data: dict, i: int = 0) -> dict:
    return data["resources"][i]


def field(data: dict, name: str) -> dict:
    return next(f for f in data["fields"] if f["name"] == name)


def cons(data: dict, name: str) -> dict:
    return field(data, name).setdefault("constraints", {})


def expectation(data: dict, etype: str) -> dict:
    return next(e for e in data["expectations"] if e["type"] == etype)


def figure(data: dict, fid: str) -> dict:
    return next(f for f in data["figures"] if f["id"] == fid)


def _cp1252(root: Path) -> None:
    path = root / VA_DS
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))


def _symlink_out(root: Path) -> None:
    outside = root.parent / "outside.csv"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    os.symlink(outside, root / "data/raw/lien.csv")
    edit(VA_DS, lambda d: res(d)["source"].update(path="data/raw/lien.csv"))(root)


def _empty_folder(root: Path) -> None:
    (root / "schemas/nouveau-jeu").mkdir()


def _folder_without_dataset(root: Path) -> None:
    (root / "schemas/nouveau-jeu").mkdir()
    (root / "schemas/nouveau-jeu/nouveau-jeu.schema.json").write_text("{}", encoding="utf-8")


def _dataset_json_folder(root: Path) -> None:
    (root / VA_DS).unlink()
    (root / VA_DS).mkdir()
    (root / VA_DS / "dataset.json").write_text("{}", encoding="utf-8")


def _xlsx_as_csv(root: Path) -> None:
    (root / "data/raw/export.xlsx").write_bytes(b"PK\x03\x04")
    edit(VA_DS, lambda d: res(d)["source"].update(path="data/raw/export.xlsx"))(root)


def _folder_symlink_out(root: Path) -> None:
    outside = root.parent / "ailleurs"
    outside.mkdir(exist_ok=True)
    (outside / "dataset.json").write_text("{}", encoding="utf-8")
    os.symlink(outside, root / "schemas/lien")


def _duplicate_resource(root: Path) -> None:
    edit(FS_DS, lambda d: res(d).update(name="villages-d-avenir"))(root)


def _between_without_bounds(d: dict) -> None:
    del expectation(d, "expect_column_values_to_be_between")["kwargs"]["max_value"]


def _fs_rule(etype: str, **kwargs) -> Callable[[Path], None]:
    """A rule added to the France services suite (its fifth: expectations[4])."""
    return edit(FS_SUITE, lambda d: d["expectations"].append({"type": etype, "kwargs": kwargs}))


def _drop(key: str):
    return lambda d: d.pop(key)


def _inputs(change: Callable[[dict], None]) -> Callable[[Path], None]:
    return edit(CC_DS, lambda d: change(d["inputs"]))


def _va_vintage(change: Callable[[dict], None]) -> Callable[[Path], None]:
    return edit(VA_DS, lambda d: change(res(d)["vintages"][0]))


def _ti_vintage(change: Callable[[dict], None]) -> Callable[[Path], None]:
    return edit(TI_DS, lambda d: change(res(d, 1)["vintages"][0]))


def _fs_computed(change: Callable[[list], None]) -> Callable[[Path], None]:
    return edit(FS_DS, lambda d: change(res(d)["computed"]))


def _fs_labels(root: Path, *more: str) -> list[str]:
    """The header of the France services list, then ``more``."""
    with (root / FS_RAW).open(encoding="utf-8") as handle:
        return [*next(csv.reader(handle)), *more]


def _fs_earlier_edition(root: Path) -> None:
    """An earlier edition of the France services list, in cp1252 with « ; », whose file
    already holds ``date_labellisation`` (after an accented label, so that only the
    declared encoding and delimiter find it)."""
    labels = _fs_labels(root, "remarque_élu", "date_labellisation")
    (root / FS_JULY).write_bytes((";".join(labels) + "\r\n").encode("cp1252"))
    vintage = {
        "date": "2024-07-01",
        "path": FS_JULY,
        "dialect": {"delimiter": ";", "encoding": "cp1252"},
    }
    edit(FS_DS, lambda d: res(d).update(vintages=[vintage]))(root)


def _fs_workbook(root: Path) -> None:
    """The France services list as a workbook: a title row, then a header that already
    holds ``date_labellisation``."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Structures France services, août 2024"])
    workbook.active.append(_fs_labels(root, "date_labellisation"))
    workbook.save(root / FS_XLSX)
    edit(FS_DS, lambda d: res(d)["source"].update(path=FS_XLSX, format="xlsx", headerRow=2))(root)


CASES = [
    # --- JSON syntax and encoding -------------------------------------------------------
    Case("dataset-truncated", text(VA_DS, lambda t: t[: len(t) // 2]), VA_DS, "", "JSON"),
    Case("schema-trailing-comma", text(VA_SCHEMA, lambda t: t.replace('"id_va",', '"id_va",,', 1)), VA_SCHEMA, "", "JSON"),
    Case("suite-single-quotes", text(VA_SUITE, lambda t: t.replace('"name"', "'name'", 1)), VA_SUITE, "", "JSON"),
    Case("pipeline-json-truncated", text("pipeline.json", lambda t: t[:20]), "pipeline.json", "", "JSON"),
    Case("dataset-cp1252", _cp1252, VA_DS, "", "UTF-8"),
    Case("dataset-empty-file", text(VA_DS, lambda t: ""), VA_DS, "", "vide"),
    Case("dataset-duplicate-key", text(VA_DS, lambda t: t.replace('"version"', '"title": "Autre",\n  "version"', 1)), VA_DS, "title", "deux fois"),
    Case("schema-nan", text(VA_OLD, lambda t: t.replace('"minimum": "2023-01-01"', '"minimum": NaN', 1)), VA_OLD, "", "NaN"),
    # --- missing and mistyped keys ------------------------------------------------------
    Case("licenses-missing", edit(VA_DS, _drop("licenses")), VA_DS, "licenses", "manquante"),
    Case("resources-missing", edit(VA_DS, _drop("resources")), VA_DS, "resources", "manquante"),
    Case("resources-object", edit(VA_DS, lambda d: d.update(resources=d["resources"][0])), VA_DS, "resources", "liste"),
    Case("resource-without-name", edit(VA_DS, lambda d: res(d).pop("name")), VA_DS, "resources[0].name", "manquante"),
    Case("resource-without-source", edit(VA_DS, lambda d: res(d).pop("source")), VA_DS, "resources[0]", "source"),
    Case("resource-source-and-derive", edit(VA_DS, lambda d: res(d).update(derive={"kind": "figures"})), VA_DS, "resources[0]", "pas les deux"),
    Case("source-without-path", edit(VA_DS, lambda d: res(d)["source"].pop("path")), VA_DS, "resources[0].source.path", "manquante"),
    Case("title-number", edit(VA_DS, lambda d: d.update(title=3)), VA_DS, "title", "texte"),
    Case("name-not-folder", edit(VA_DS, lambda d: d.update(name="villages-davenir")), VA_DS, "name", "dossier"),
    Case("unknown-top-key", edit(VA_DS, lambda d: d.update(licences=d["licenses"])), VA_DS, "licences", "licenses"),
    Case("created-french-date", edit(VA_DS, lambda d: d.update(created="12/01/2024")), VA_DS, "created", "AAAA-MM-JJ"),
    Case("created-impossible-date", edit(VA_DS, lambda d: d.update(created="2024-02-30")), VA_DS, "created", "date"),
    Case("homepage-not-url", edit(VA_DS, lambda d: d.update(homepage="www.anct.fr")), VA_DS, "homepage", "https"),
    Case("frequency-unknown", edit(VA_DS, lambda d: d.update(frequency="mensuel")), VA_DS, "frequency", "monthly"),
    Case("version-not-semver", edit(VA_DS, lambda d: d.update(version="v1")), VA_DS, "version", "1.0.0"),
    Case("pipeline-json-no-organization", edit("pipeline.json", lambda d: d["datagouv"].clear()), "pipeline.json", "datagouv.organization", "slug"),
    Case("schema-without-fields", edit(VA_SCHEMA, _drop("fields")), VA_SCHEMA, "fields", "manquante"),
    Case("schema-fields-object", edit(VA_SCHEMA, lambda d: d.update(fields={"id_va": {}})), VA_SCHEMA, "fields", "liste"),
    Case("field-without-name", edit(VA_SCHEMA, lambda d: d["fields"][1].pop("name")), VA_SCHEMA, "fields[1].name", "manquante"),
    Case("constraints-list", edit(VA_SCHEMA, lambda d: d["fields"][1].update(constraints=[])), VA_SCHEMA, "fields[1].constraints", "objet"),
    Case("required-yes", edit(VA_SCHEMA, lambda d: cons(d, "lib_va").update(required="yes")), VA_SCHEMA, "fields[1].constraints.required", "true ou false"),
    Case("schema-unknown-key", edit(VA_SCHEMA, lambda d: d.update(primarykey=d.pop("primaryKey"))), VA_SCHEMA, "primarykey", "primaryKey"),
    # --- unknown types and formats ------------------------------------------------------
    Case("field-type-dat", edit(VA_OLD, lambda d: field(d, "date_signature").update(type="dat")), VA_OLD, "fields[4].type", "dat"),
    Case("source-format-parquet", edit(VA_DS, lambda d: res(d)["source"].update(format="parquet")), VA_DS, "resources[0].source.format", "csv"),
    Case("string-format-unknown", edit(FS_SCHEMA, lambda d: field(d, "mail").update(format="courriel")), FS_SCHEMA, "fields[10].format", "email"),
    Case("date-format-minutes", edit(VA_OLD, lambda d: field(d, "date_signature").update(format="%Y-%M-%d")), VA_OLD, "fields[4].format", "%M"),
    Case("date-format-unknown-directive", edit(VA_OLD, lambda d: field(d, "date_signature").update(format="%Y-%Q-%d")), VA_OLD, "fields[4].format", "%Q"),
    Case("date-format-week-number", edit(VA_OLD, lambda d: field(d, "date_signature").update(format="%Y-%U")), VA_OLD, "fields[4].format", "%U"),
    Case("dialect-date-format-typo", edit(VA_DS, lambda d: res(d)["source"]["dialect"].update(dateFormat="%d/%m/%Q")), VA_DS, "resources[0].source.dialect.dateFormat", "%Q"),
    Case("parquet-decimal-precision-50", edit(FS_SCHEMA, lambda d: field(d, "latitude").update({"x-parquet-decimal": {"precision": 50, "scale": 6}})), FS_SCHEMA, "fields[8].x-parquet-decimal", "1 ≤ P ≤ 38"),
    Case("parquet-decimal-scale-above-precision", edit(FS_SCHEMA, lambda d: field(d, "longitude").update({"x-parquet-decimal": {"precision": 4, "scale": 6}})), FS_SCHEMA, "fields[9].x-parquet-decimal", "0 ≤ S ≤ P"),
    Case("parquet-decimal-not-an-object", edit(FS_SCHEMA, lambda d: field(d, "latitude").update({"x-parquet-decimal": 12})), FS_SCHEMA, "fields[8].x-parquet-decimal", "precision"),
    Case("example-not-a-date", edit(VA_OLD, lambda d: field(d, "date_signature").update(example="24/11/2023")), VA_OLD, "fields[4].example", "24/11/2023"),
    # --- expectation types, arguments and severities ------------------------------------
    Case("expectation-type-typo", text(VA_SUITE, lambda t: t.replace("to_be_between", "to_be_betwen", 1)), VA_SUITE, "expectations[0].type", "expect_column_values_to_be_between"),
    Case("severity-critical", edit(VA_SUITE, lambda d: d["expectations"][1]["meta"].update(severity="critical")), VA_SUITE, "expectations[1].meta.severity", "warning"),
    Case("severity-outside-meta", edit(VA_SUITE, lambda d: d["expectations"][1].update(severity="warning")), VA_SUITE, "expectations[1].severity", "meta"),
    Case("expectation-without-regex", edit(FS_SUITE, lambda d: expectation(d, "expect_column_values_to_match_regex")["kwargs"].pop("regex")), FS_SUITE, "expectations[1].kwargs.regex", "manquante"),
    Case("expectation-bad-regex", edit(FS_SUITE, lambda d: expectation(d, "expect_column_values_to_match_regex")["kwargs"].update(regex="(abc")), FS_SUITE, "expectations[1].kwargs.regex", "expression régulière"),
    Case("between-without-bounds", edit(VA_SUITE, _between_without_bounds), VA_SUITE, "expectations[0].kwargs", "min_value"),
    Case("between-string-bound", edit(VA_SUITE, lambda d: d["expectations"][0]["kwargs"].update(max_value="3499")), VA_SUITE, "expectations[0].kwargs.max_value", "nombre"),
    Case("expectation-unknown-argument", edit(VA_SUITE, lambda d: d["expectations"][0]["kwargs"].update(maximum=3)), VA_SUITE, "expectations[0].kwargs.maximum", "max_value"),
    Case("expectation-unknown-column", edit(VA_SUITE, lambda d: d["expectations"][1]["kwargs"].update(column="insee")), VA_SUITE, "expectations[1].kwargs.column", "insee_com"),
    Case("expectations-object", edit(VA_SUITE, lambda d: d.update(expectations={})), VA_SUITE, "expectations", "liste"),
    Case("meta-message-typo", edit(VA_SUITE, lambda d: d["expectations"][1]["meta"].update(messsage=d["expectations"][1]["meta"].pop("message"))), VA_SUITE, "expectations[1].meta.messsage", "message"),
    Case("row-count-negative", edit(VA_SUITE, lambda d: d["expectations"][2]["kwargs"].update(min_value=-1)), VA_SUITE, "expectations[2].kwargs.min_value", "0"),
    Case("value-set-empty", _fs_rule("expect_column_values_to_be_in_set", column="type_fs", value_set=[]), FS_SUITE, "expectations[4].kwargs.value_set", "vide"),
    Case("value-lengths-min-above-max", _fs_rule("expect_column_value_lengths_to_be_between", column="lib_fs", min_value=10, max_value=2), FS_SUITE, "expectations[4].kwargs.min_value", "dépasse"),
    Case("row-count-min-above-max", edit(VA_SUITE, lambda d: d["expectations"][2]["kwargs"].update(min_value=5000, max_value=1000)), VA_SUITE, "expectations[2].kwargs.min_value", "échangez"),
    Case("mean-bound-not-a-number", _fs_rule("expect_column_mean_to_be_between", column="latitude", min_value="abc"), FS_SUITE, "expectations[4].kwargs.min_value", "nombre"),
    Case("stdev-bound-not-a-number", _fs_rule("expect_column_stdev_to_be_between", column="latitude", max_value="2"), FS_SUITE, "expectations[4].kwargs.max_value", "nombre"),
    Case("between-on-a-text-column", _fs_rule("expect_column_values_to_be_between", column="lib_fs", min_value=3), FS_SUITE, "expectations[4].kwargs.min_value", "string"),
    Case("of-type-unknown", _fs_rule("expect_column_values_to_be_of_type", column="lib_fs", type_="foo"), FS_SUITE, "expectations[4].kwargs.type_", "str"),
    Case("in-type-list-unknown", _fs_rule("expect_column_values_to_be_in_type_list", column="lib_fs", type_list=["str", "chaine"]), FS_SUITE, "expectations[4].kwargs.type_list[1]", "chaine"),
    Case("ordered-list-unknown-column", _fs_rule("expect_table_columns_to_match_ordered_list", column_list=["id_fs", "libelle"]), FS_SUITE, "expectations[4].kwargs.column_list[1]", "lib_fs"),
    Case("ordered-list-incomplete", _fs_rule("expect_table_columns_to_match_ordered_list", column_list=["id_fs", "lib_fs"]), FS_SUITE, "expectations[4].kwargs.column_list", "dans cet ordre"),
    Case("column-set-unknown-column", _fs_rule("expect_table_columns_to_match_set", column_set=["id_fs", "typ_fs"], exact_match=False), FS_SUITE, "expectations[4].kwargs.column_set[1]", "type_fs"),
    Case("row-condition-unparsable", _fs_rule("expect_column_values_to_not_be_null", column="lib_fs", row_condition="type_fs ==== (", condition_parser="pandas"), FS_SUITE, "expectations[4].kwargs.row_condition", "pandas"),
    Case("row-condition-unknown-column", _fs_rule("expect_column_values_to_not_be_null", column="lib_fs", row_condition='col("typ") == "Principal"', condition_parser="great_expectations"), FS_SUITE, "expectations[4].kwargs.row_condition", "type_fs"),
    Case("row-condition-gx-syntax", _fs_rule("expect_column_values_to_not_be_null", column="lib_fs", row_condition='col("type_fs") = "Principal"', condition_parser="great_expectations"), FS_SUITE, "expectations[4].kwargs.row_condition", "syntaxe"),
    Case("multicolumn-single-column", _fs_rule("expect_compound_columns_to_be_unique", column_list=["id_fs"]), FS_SUITE, "expectations[4].kwargs.column_list", "2"),
    # found only when GX runs the rule on the data: still a declaration error, with its line
    Case("row-condition-fails-on-the-data", _fs_rule("expect_column_values_to_not_be_null", column="lib_fs", row_condition="lib_fs > 3"), FS_SUITE, "expectations[4].kwargs.row_condition", "n'a pas pu exécuter"),
    # --- bad constraints ----------------------------------------------------------------
    Case("enum-not-a-list", edit(FS_SCHEMA, lambda d: cons(d, "type_fs").update(enum="Principal")), FS_SCHEMA, "fields[20].constraints.enum", "liste"),
    Case("max-length-negative", edit(FS_SCHEMA, lambda d: cons(d, "lib_fs").update(maxLength=-1)), FS_SCHEMA, "fields[2].constraints.maxLength", "0"),
    Case("minimum-abc", edit(FS_SCHEMA, lambda d: cons(d, "latitude").update(minimum="abc")), FS_SCHEMA, "fields[8].constraints.minimum", "nombre"),
    Case("pattern-invalid", edit(VA_SCHEMA, lambda d: cons(d, "insee_com").update(pattern="^(\\d{5}$")), VA_SCHEMA, "fields[2].constraints.pattern", "expression régulière"),
    Case("pattern-lookahead-re2", edit(VA_SCHEMA, lambda d: cons(d, "insee_com").update(pattern="^(?=\\d)\\d{5}$")), VA_SCHEMA, "fields[2].constraints.pattern", "RE2"),
    Case("date-minimum-unreadable", edit(VA_OLD, lambda d: cons(d, "date_signature").update(minimum="01/01/2023")), VA_OLD, "fields[4].constraints.minimum", "date"),
    Case("min-length-above-max", edit(FS_SCHEMA, lambda d: cons(d, "lib_fs").update(minLength=10, maxLength=2)), FS_SCHEMA, "fields[2].constraints.minLength", "maxLength"),
    Case("enum-member-not-a-number", edit(FS_SCHEMA, lambda d: cons(d, "latitude").update(enum=[1, "nord"])), FS_SCHEMA, "fields[8].constraints.enum[1]", "nord"),
    Case("constraint-typo", edit(VA_SCHEMA, lambda d: cons(d, "lib_va").update(requried=True)), VA_SCHEMA, "fields[1].constraints.requried", "required"),
    Case("duplicate-field-name", edit(VA_SCHEMA, lambda d: d["fields"].append(dict(d["fields"][3]))), VA_SCHEMA, "fields[4].name", "lib_com"),
    Case("field-name-differs-only-by-case", edit(VA_SCHEMA, lambda d: d["fields"].append(dict(d["fields"][3], name="LIB_COM"))), VA_SCHEMA, "fields[4].name", "le champ « LIB_COM » ne diffère de « lib_com » (fields[3]) que par des majuscules : le moteur de validation ne les distingue pas dans un nom de colonne, renommez l'un des deux"),
    Case("enum-empty", edit(FS_SCHEMA, lambda d: cons(d, "type_fs").update(enum=[])), FS_SCHEMA, "fields[20].constraints.enum", "vide"),
    # --- keys and options naming missing fields -----------------------------------------
    Case("primary-key-unknown-field", edit(VA_SCHEMA, lambda d: d.update(primaryKey=["id"])), VA_SCHEMA, "primaryKey[0]", "id_va"),
    Case("unique-keys-unknown-field", edit(VA_SCHEMA, lambda d: d.update(uniqueKeys=[["insee_com", "lib"]])), VA_SCHEMA, "uniqueKeys[0][1]", "lib"),
    Case("foreign-key-unknown-field", edit(VA_SCHEMA, lambda d: d["foreignKeys"][0].update(fields="code_com")), VA_SCHEMA, "foreignKeys[0].fields", "code_com"),
    Case("foreign-key-unknown-resource", edit(VA_SCHEMA, lambda d: d["foreignKeys"][0]["reference"].update(resource="cog-communes")), VA_SCHEMA, "foreignKeys[0].reference.resource", "inconnue"),
    Case("foreign-key-unknown-reference-field", edit(VA_SCHEMA, lambda d: d["foreignKeys"][0]["reference"].update(fields="insee")), VA_SCHEMA, "foreignKeys[0].reference.fields", "code_insee"),
    Case("check-unknown-field", edit(VA_DS, lambda d: res(d)["checks"][0].update(name="lib_comm")), VA_DS, "resources[0].checks[0].name", "lib_com"),
    Case("check-unknown", edit(VA_DS, lambda d: res(d)["checks"][0].update(check="commune-nom")), VA_DS, "resources[0].checks[0].check", "commune-name"),
    Case("check-unknown-option", edit(VA_DS, lambda d: res(d)["checks"][0].update(colonne="x")), VA_DS, "resources[0].checks[0].colonne", "inconnue"),
    Case("check-missing-option", edit(FS_DS, lambda d: res(d)["checks"][2].pop("longitude")), FS_DS, "resources[0].checks[2].longitude", "manquante"),
    Case("check-bad-severity", edit(FS_DS, lambda d: res(d)["checks"][2].update(severity="fatal")), FS_DS, "resources[0].checks[2].severity", "error"),
    Case("coordinates-unknown-field", edit(FS_DS, lambda d: res(d)["checks"][2].update(latitude="lat")), FS_DS, "resources[0].checks[2].latitude", "latitude"),
    Case("computed-unknown-from", edit(FS_DS, lambda d: res(d)["computed"][0].update(**{"from": "labellisation"})), FS_DS, "resources[0].computed[0].from", "labellisation_fs"),
    Case("computed-bad-regex", edit(FS_DS, lambda d: res(d)["computed"][0].update(pattern="(\\d{2}/(\\d{2})")), FS_DS, "resources[0].computed[0].pattern", "expression régulière"),
    Case("computed-bad-replace", edit(FS_DS, lambda d: res(d)["computed"][0].update(replace="\\4-\\2-\\1")), FS_DS, "resources[0].computed[0].replace", "\\4"),
    Case("computed-fewer-groups", _fs_computed(lambda c: c[0].update(pattern="(\\d{2})/(\\d{2})/\\d{4}")), FS_DS, "resources[0].computed[0].replace", "2 groupe(s)"),
    Case("computed-from-itself", _fs_computed(lambda c: c[0].update(**{"from": "date_labellisation"})), FS_DS, "resources[0].computed[0].from", "lui-même calculé"),
    Case("computed-name-unknown", _fs_computed(lambda c: c[0].update(name="date_label")), FS_DS, "resources[0].computed[0].name", "date_labellisation"),
    Case("computed-twice", _fs_computed(lambda c: c.append(dict(c[0]))), FS_DS, "resources[0].computed[1].name", "computed[0]"),
    Case("computed-raw-column", _fs_computed(lambda c: c[0].update(name="lib_com")), FS_DS, "resources[0].computed[0].name", "colonne 8 du fichier brut"),
    Case("computed-raw-column-earlier-edition", _fs_earlier_edition, FS_DS, "resources[0].computed[0].name", "(édition du 2024-07-01)"),
    Case("computed-raw-column-workbook", _fs_workbook, FS_DS, "resources[0].computed[0].name", "colonne 25"),
    Case("computed-on-derived-table", edit(TI_DS, lambda d: res(d, 1).update(computed=[{"name": "lib_ti", "from": "id_ti", "pattern": "(.+)", "replace": "TI \\1"}])), TI_DS, "resources[1].computed", "derive"),
    Case("enrich-unknown-reference", edit(VA_DS, lambda d: res(d)["enrich"][0].update(reference="cog-communes")), VA_DS, "resources[0].enrich[0].reference", "cog2023-communes"),
    Case("enrich-unknown-reference-field", edit(VA_DS, lambda d: res(d)["enrich"][0].update(on={"insee_com": "insee"})), VA_DS, "resources[0].enrich[0].on.insee_com", "code_insee"),
    Case("enrich-two-keys", edit(VA_DS, lambda d: res(d)["enrich"][0]["on"].update(lib_com="nom")), VA_DS, "resources[0].enrich[0].on", "un seul champ"),
    Case("enrich-column-taken", edit(VA_DS, lambda d: res(d)["enrich"][0].update(columns={"population": "lib_com"})), VA_DS, "resources[0].enrich[0].columns.population", "lib_com"),
    Case("figure-unknown-field", edit(CC_DS, lambda d: figure(d, "ti-laureats-temps-2").update(field="id_tii")), CC_DS, "figures[0].field", "id_ti"),
    Case("figure-unknown-method", edit(CC_DS, lambda d: figure(d, "ti-laureats-temps-2").update(method="median")), CC_DS, "figures[0].method", "median"),
    Case("figure-unknown-resource", edit(CC_DS, lambda d: figure(d, "va-communes-labellisees").update(resource="villages-avenir")), CC_DS, "figures[1].resource", "villages-d-avenir"),
    Case("figure-missing-field", edit(CC_DS, lambda d: figure(d, "ti-laureats-temps-2").pop("field")), CC_DS, "figures[0].field", "manquante"),
    Case("figure-where-unknown-field", edit(CC_DS, lambda d: figure(d, "france-services-labellisees")["where"][0].update(field="type")), CC_DS, "figures[10].where[0].field", "type_fs"),
    Case("programme-unknown-resource", edit(COV_DS, lambda d: d["programmes"][0].update(resource="pvd")), COV_DS, "programmes[0].resource", "petites-villes-de-demain"),
    Case("programme-unknown-dataset", edit(COV_DS, lambda d: d["programmes"][0].update(dataset="petites-villes")), COV_DS, "programmes[0].dataset", "petites-villes-de-demain"),
    Case("derive-unknown-kind", edit(TI_DS, lambda d: res(d, 1)["derive"].update(kind="expand")), TI_DS, "resources[1].derive.kind", "expand-groupings"),
    Case("derive-unknown-member-field", edit(TI_DS, lambda d: res(d, 1)["derive"].update(member_code="insee")), TI_DS, "resources[1].derive.member_code", "code_insee"),
    Case("grouping-unknown-resource", edit(TI_DS, lambda d: res(d)["checks"][0]["references"]["epci_siren"].update(resource="epci")), TI_DS, "resources[0].checks[0].references.epci_siren.resource", "cog2023-epci"),
    # --- files and paths ----------------------------------------------------------------
    Case("source-missing-file", edit(VA_DS, lambda d: res(d)["source"].update(path="data/raw/anct_villages_avenir_communes_20240113.csv")), VA_DS, "resources[0].source.path", "anct_villages_avenir_communes_20240112.csv"),
    Case("source-absolute-path", edit(VA_DS, lambda d: res(d)["source"].update(path="/etc/passwd")), VA_DS, "resources[0].source.path", "absolu"),
    Case("source-dot-dot", edit(VA_DS, lambda d: res(d)["source"].update(path="../../../../../../etc/passwd")), VA_DS, "resources[0].source.path", "sort du dépôt"),
    Case("source-symlink-out", _symlink_out, VA_DS, "resources[0].source.path", "sort du dépôt"),
    Case("source-is-a-folder", edit(VA_DS, lambda d: res(d)["source"].update(path="data/raw")), VA_DS, "resources[0].source.path", "pas un fichier"),
    Case("schema-file-missing", edit(VA_DS, lambda d: res(d).update(schema="villages.schema.json")), VA_DS, "resources[0].schema", "introuvable"),
    Case("schema-path-escapes", edit(VA_DS, lambda d: res(d).update(schema="../../../outside.schema.json")), VA_DS, "resources[0].schema", "sort du dépôt"),
    Case("suite-file-missing", edit(VA_DS, lambda d: res(d).update(expectations="va.expectations.json")), VA_DS, "resources[0].expectations", "introuvable"),
    Case("empty-dataset-folder", _empty_folder, "schemas/nouveau-jeu", "", "dataset.json"),
    Case("folder-without-dataset-json", _folder_without_dataset, "schemas/nouveau-jeu", "", "dataset.json"),
    Case("dataset-json-is-a-folder", _dataset_json_folder, VA_DS, "", "dossier"),
    Case("xlsx-declared-as-csv", _xlsx_as_csv, VA_DS, "resources[0].source.format", "xlsx"),
    # --- dialects -----------------------------------------------------------------------
    Case("dialect-delimeter", edit(VA_DS, lambda d: res(d)["source"]["dialect"].update(delimeter=";")), VA_DS, "resources[0].source.dialect.delimeter", "delimiter"),
    Case("dialect-two-char-delimiter", edit(VA_DS, lambda d: res(d)["source"]["dialect"].update(delimiter=";;")), VA_DS, "resources[0].source.dialect.delimiter", "un seul caractère"),
    Case("dialect-encoding-utf9", edit(VA_DS, lambda d: res(d)["source"]["dialect"].update(encoding="utf-9")), VA_DS, "resources[0].source.dialect.encoding", "utf-8"),
    Case("dialect-encoding-utf16", edit(VA_DS, lambda d: res(d)["source"]["dialect"].update(encoding="utf-16")), VA_DS, "resources[0].source.dialect.encoding", "UTF-8"),
    Case("dialect-encoding-unicode-escape", edit(VA_DS, lambda d: res(d)["source"]["dialect"].update(encoding="unicode_escape")), VA_DS, "resources[0].source.dialect.encoding", "cp1252"),
    Case("dialect-encoding-base64", edit(VA_DS, lambda d: res(d)["source"]["dialect"].update(encoding="base64")), VA_DS, "resources[0].source.dialect.encoding", "latin-1"),
    Case("dialect-header-false", edit(VA_DS, lambda d: res(d)["source"]["dialect"].update(header=False)), VA_DS, "resources[0].source.dialect.header", "en-tête"),
    Case("dialect-quote-is-delimiter", edit(VA_DS, lambda d: res(d)["source"]["dialect"].update(quoteChar=",")), VA_DS, "resources[0].source.dialect.delimiter", "différer"),
    Case("dialect-decimal-is-group", edit(VA_DS, lambda d: res(d)["source"]["dialect"].update(decimalChar=",", groupChar=",")), VA_DS, "resources[0].source.dialect.groupChar", "différer"),
    Case("header-row-on-csv", edit(VA_DS, lambda d: res(d)["source"].update(headerRow=3)), VA_DS, "resources[0].source.headerRow", "XLSX"),
    # --- placeholders, licences, datasets -----------------------------------------------
    Case("placeholder-unknown", edit(VA_SUITE, lambda d: d["expectations"][1]["meta"].update(message="La commune {lib_comm} est en double.")), VA_SUITE, "expectations[1].meta.message", "lib_com"),
    Case("placeholder-field-in-table-message", edit(VA_SUITE, lambda d: d["expectations"][2]["meta"].update(message="{lib_com} : {observed} lignes")), VA_SUITE, "expectations[2].meta.message", "observed"),
    Case("placeholder-lone-brace", edit(VA_SUITE, lambda d: d["expectations"][1]["meta"].update(message="La commune {insee_com est en double.")), VA_SUITE, "expectations[1].meta.message", "accolade"),
    Case("licence-unknown", edit(VA_DS, lambda d: d["licenses"][0].update(name="etalab-2")), VA_DS, "licenses[0].name", "etalab-2.0"),
    Case("contributor-email", edit(VA_DS, lambda d: d["contributors"][0].update(email="donnees at anct")), VA_DS, "contributors[0].email", "donnees@anct.gouv.fr"),
    Case("licences-empty", edit(VA_DS, lambda d: d.update(licenses=[])), VA_DS, "licenses", "vide"),
    Case("resource-name-taken", _duplicate_resource, VA_DS, "resources[0].name", "déjà déclarée"),
    # --- more shapes ------------------------------------------------------------------
    Case("source-backslashes", edit(VA_DS, lambda d: res(d)["source"].update(path="data\\raw\\anct_villages_avenir_communes_20240112.csv")), VA_DS, "resources[0].source.path", "/"),
    Case("dataset-folder-symlink-out", _folder_symlink_out, "schemas/lien", "", "lien symbolique"),
    Case("resource-name-uppercase", edit(VA_DS, lambda d: res(d).update(name="Villages-d-avenir")), VA_DS, "resources[0].name", "minuscules"),
    Case("where-operator-typo", edit(CC_DS, lambda d: figure(d, "france-services-labellisees")["where"][0].update(op="=")), CC_DS, "figures[10].where[0].op", "=="),
    Case("figures-source-unknown", edit(CC_DS, lambda d: d.update(figures_source={"resource": "chiffres", "id": "id"})), CC_DS, "figures_source.resource", "chiffres-cles-2023"),
    Case("derive-figures-without-figures", edit(CC_DS, _drop("figures")), CC_DS, "resources[1].derive", "figures"),
    Case("programme-column-twice", edit(COV_DS, lambda d: d["programmes"][1].update(column="pvd")), COV_DS, "programmes[1].column", "pvd"),
    Case("programme-column-not-in-table", edit(COV_DS, lambda d: d["programmes"][1].update(column="acv2")), COV_DS, "programmes[1].column", "Table Schema"),
    Case("mostly-above-one", edit(VA_SUITE, lambda d: d["expectations"][0]["kwargs"].update(mostly=95)), VA_SUITE, "expectations[0].kwargs.mostly", "1"),
    Case("value-set-string", edit(FS_SUITE, lambda d: d["expectations"].append({"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "type_fs", "value_set": "Principal"}})), FS_SUITE, "expectations[4].kwargs.value_set", "liste"),
    Case("foreign-key-field-count", edit(VA_SCHEMA, lambda d: d["foreignKeys"][0]["reference"].update(fields=["code_insee", "nom"])), VA_SCHEMA, "foreignKeys[0].reference.fields", "autant"),
    Case("check-severity-capitalised", edit(VA_DS, lambda d: res(d)["checks"][0].update(severity="Warning")), VA_DS, "resources[0].checks[0].severity", "warning"),
    Case("header-row-zero", edit(VA_DS, lambda d: res(d)["source"].update(headerRow=0)), VA_DS, "resources[0].source.headerRow", "1"),
    Case("missing-values-string", edit(VA_SCHEMA, lambda d: d.update(missingValues="")), VA_SCHEMA, "missingValues", "liste"),
    Case("picture-unknown-kind", edit(VA_DS, lambda d: d["picture"].update(kind="carte")), VA_DS, "picture.kind", "map"),
    Case("picture-resource-of-another-dataset", edit(VA_DS, lambda d: d["picture"]["series"][0].update(resource="france-services")), VA_DS, "picture.series[0].resource", "absente de ce jeu"),
    Case("picture-distinct-unknown-field", edit(VA_DS, lambda d: d["picture"]["series"][0].update(distinct="insee")), VA_DS, "picture.series[0].distinct", "insee_com"),
    Case("picture-without-title", edit(VA_DS, lambda d: d["picture"].pop("title")), VA_DS, "picture.title", "manquante"),
    Case("files-url-not-http", edit("pipeline.json", lambda d: d["datagouv"].update(files_url="data/published")), "pipeline.json", "datagouv.files_url", "http"),
    Case("date-between-number-bound", edit(FS_SUITE, lambda d: d["expectations"].append({"type": "expect_column_values_to_be_between", "kwargs": {"column": "date_labellisation", "min_value": 2023}})), FS_SUITE, "expectations[4].kwargs.min_value", "date"),
    # --- editions, COG vintages, figures' precision ---------------------------------------
    Case("inputs-unknown-edition", _inputs(lambda i: i.update({"villages-d-avenir": "2024-02-01"})), CC_DS, "inputs.villages-d-avenir", "2024-01-12"),
    Case("inputs-date-in-words", _inputs(lambda i: i.update({"villages-d-avenir": "12 janvier 2024"})), CC_DS, "inputs.villages-d-avenir", "AAAA-MM-JJ"),
    Case("inputs-unknown-resource", _inputs(lambda i: i.update({"village-d-avenir": i.pop("villages-d-avenir")})), CC_DS, "inputs.village-d-avenir", "villages-d-avenir"),
    Case("inputs-reference-resource", _inputs(lambda i: i.update({"cog2023-communes": "2023"})), CC_DS, "inputs.cog2023-communes", "référentiel"),
    Case("report-reads-a-list-without-edition", _inputs(lambda i: i.pop("villages-d-avenir")), CC_DS, "figures[1].resource", "inputs"),
    Case("vintage-file-missing", _va_vintage(lambda v: v.update(path="data/raw/anct_villages_avenir_20240112.csv")), VA_DS, "resources[0].vintages[0].path", "introuvable"),
    Case("vintage-schema-missing", _va_vintage(lambda v: v.update(schema="villages-d-avenir-2024.schema.json")), VA_DS, "resources[0].vintages[0].schema", "introuvable"),
    Case("vintage-without-date", _va_vintage(lambda v: v.pop("date")), VA_DS, "resources[0].vintages[0].date", "manquante"),
    Case("vintage-date-of-the-source", _va_vintage(lambda v: v.update(date="2024-09-05")), VA_DS, "resources[0].vintages[0].date", "deux éditions"),
    Case("vintage-derive-on-a-raw-file", _va_vintage(lambda v: v.update(derive={"kind": "coverage"})), VA_DS, "resources[0].vintages[0].derive", "ressource calculée"),
    Case("vintage-dialect-encoding", _va_vintage(lambda v: v.setdefault("dialect", {}).update(encoding="utf8-bom")), VA_DS, "resources[0].vintages[0].dialect.encoding", "utf-8"),
    Case("vintage-path-on-a-derived-table", _ti_vintage(lambda v: v.update(path="data/raw/anct_ti_groupements_20231114.csv")), TI_DS, "resources[1].vintages[0].path", "dérivation"),
    Case("vintage-derive-unknown-resource", _ti_vintage(lambda v: v["derive"].update(members="cog2023-epci-membre")), TI_DS, "resources[1].vintages[0].derive.members", "cog2023-epci-membres"),
    Case("vintage-derive-unknown-option", _ti_vintage(lambda v: v["derive"].update(member=v["derive"].pop("members"))), TI_DS, "resources[1].vintages[0].derive.member", "members"),
    Case("diffkey-unknown-field", edit(VA_DS, lambda d: res(d).update(diffKey=["code_commune"])), VA_DS, "resources[0].diffKey[0]", "insee_com"),
    Case("difflabel-unknown-field", edit(VA_DS, lambda d: res(d).update(diffLabel="libelle")), VA_DS, "resources[0].diffLabel", "lib_com"),
    Case("source-date-in-words", edit(VA_DS, lambda d: res(d)["source"].update(date="5 septembre 2024")), VA_DS, "resources[0].source.date", "AAAA-MM-JJ"),
    Case("cog-unknown", edit(VA_DS, lambda d: d.update(cog=2025)), VA_DS, "cog", "2023, 2024"),
    Case("cog-as-text", edit(VA_DS, lambda d: d.update(cog="2024")), VA_DS, "cog", "nombre entier"),
    Case("cog-table-of-another-vintage", edit(VA_DS, lambda d: res(d)["enrich"][0].update(reference="cog2023-communes")), VA_DS, "resources[0].enrich[0].reference", "cog2024-communes"),
    Case("description-unknown-placeholder", edit(VA_DS, lambda d: d.update(description="{lignes} communes")), VA_DS, "description", "{rows}"),
    Case("precision-unknown", edit(CC_DS, lambda d: figure(d, "ti-laureats-temps-2").update(precision="approx")), CC_DS, "figures[0].precision", "hundred"),
    Case("precision-about-a-percentage", edit(CC_DS, lambda d: figure(d, "couverture-habitants").update(precision={"about": 5})), CC_DS, "figures[6].precision.about", "1"),
    Case("tolerance-replaced-by-precision", edit(CC_DS, lambda d: figure(d, "ti-laureats-temps-2").update(tolerance={"absolute": 0})), CC_DS, "figures[0].tolerance", "precision"),
    Case("stable-identifier-without-key", edit(VA_DS, lambda d: res(d).pop("diffKey")), VA_DS, "resources[0].checks[2]", "diffKey"),
    # --- found by fuzzing the declarations: limits of Python's parsers, repeated checks ----
    Case("dataset-nested-500-deep", text(VA_DS, lambda t: t.replace('"version"', '"x-deep": ' + "[" * 500 + "]" * 500 + ',\n  "version"', 1)), VA_DS, "", "imbriqués"),
    Case("schema-integer-of-5000-digits", text(VA_SCHEMA, lambda t: t.replace('"fields"', '"x-n": ' + "9" * 5000 + ',\n  "fields"', 1)), VA_SCHEMA, "", "4 300 chiffres"),
    Case("pattern-repetition-too-large", edit(FS_SCHEMA, lambda d: cons(d, "id_fs").update(pattern="a{99999999999}")), FS_SCHEMA, "fields[0].constraints.pattern", "répétitions"),
    Case("suite-regex-repetition-too-large", edit(FS_SUITE, lambda d: expectation(d, "expect_column_values_to_match_regex")["kwargs"].update(regex="a{99999999999}")), FS_SUITE, "expectations[1].kwargs.regex", "répétitions"),
    Case("check-declared-twice", edit(FS_DS, lambda d: res(d)["checks"].append(dict(res(d)["checks"][0]))), FS_DS, "resources[0].checks[3]", "déjà déclaré"),
    Case("table-check-declared-twice", edit(FS_DS, lambda d: res(d)["checks"].extend([{"check": "cell-too-long", "max_length": 100}, {"check": "cell-too-long", "max_length": 200}])), FS_DS, "resources[0].checks[4]", "déjà déclaré"),
    Case("source-path-with-nul", edit(VA_DS, lambda d: res(d)["source"].update(path="data/raw/a\u0000.csv")), VA_DS, "resources[0].source.path", "contrôle"),
    Case("date-format-directive-twice", edit(VA_OLD, lambda d: field(d, "date_signature").update(format="%Y-%Y")), VA_OLD, "fields[4].format", "deux fois"),
    Case("stable-identifier-unknown-field", edit(VA_DS, lambda d: res(d)["checks"][2].update(identifier="id")), VA_DS, "resources[0].checks[2].identifier", "id_va"),
    # --- found by fuzzing: Table Schema metadata of the wrong type (published, then refused by verify)
    Case("schema-title-number", edit(FS_SCHEMA, lambda d: d.update(title=3)), FS_SCHEMA, "title", "texte"),
    Case("schema-description-number", edit(FS_SCHEMA, lambda d: d.update(description=3)), FS_SCHEMA, "description", "texte"),
    Case("schema-licenses-text", edit(FS_SCHEMA, lambda d: d.update(licenses="etalab")), FS_SCHEMA, "licenses", "liste"),
    Case("schema-contributors-text", edit(FS_SCHEMA, lambda d: d.update(contributors="ANCT")), FS_SCHEMA, "contributors", "liste"),
    Case("schema-contributor-title-number", edit(FS_SCHEMA, lambda d: d["contributors"][0].update(title=3)), FS_SCHEMA, "contributors[0].title", "texte"),
    Case("schema-version-number", edit(FS_SCHEMA, lambda d: d.update(version=3)), FS_SCHEMA, "version", "texte"),
    Case("schema-homepage-number", edit(FS_SCHEMA, lambda d: d.update(homepage=3)), FS_SCHEMA, "homepage", "texte"),
    Case("schema-created-number", edit(FS_SCHEMA, lambda d: d.update(created=3)), FS_SCHEMA, "created", "texte"),
    Case("schema-country-code-number", edit(FS_SCHEMA, lambda d: d.update(countryCode=3)), FS_SCHEMA, "countryCode", "texte"),
    Case("schema-keywords-numbers", edit(FS_SCHEMA, lambda d: d.update(keywords=["ANCT", 3])), FS_SCHEMA, "keywords[1]", "texte"),
    Case("schema-keywords-text", edit(FS_SCHEMA, lambda d: d.update(keywords="ANCT")), FS_SCHEMA, "keywords", "liste"),
    # --- found by fuzzing: a condition's value read with its field's type (compared as published)
    Case("where-value-not-a-date", edit(CC_DS, lambda d: figure(d, "france-services-labellisees")["where"][1].update(value="n'importe quoi")), CC_DS, "figures[10].where[1].value", "date"),
    Case("where-value-french-date", edit(CC_DS, lambda d: figure(d, "france-services-labellisees")["where"][1].update(value="31/12/2023")), CC_DS, "figures[10].where[1].value", "ne se lit pas"),
    Case("where-value-in-list", edit(CC_DS, lambda d: figure(d, "france-services-labellisees")["where"][1].update(op="in", value=["2023-12-31", "2023"])), CC_DS, "figures[10].where[1].value[1]", "date"),
    # --- found by fuzzing: a field's number and boolean options refused as the dialect's are
    Case("field-decimal-char-two-characters", edit(FS_SCHEMA, lambda d: field(d, "latitude").update(decimalChar=",,")), FS_SCHEMA, "fields[8].decimalChar", "un seul caractère"),
    Case("field-decimal-char-equals-group-char", edit(FS_SCHEMA, lambda d: field(d, "latitude").update(decimalChar=",", groupChar=",")), FS_SCHEMA, "fields[8].groupChar", "identiques"),
    Case("field-true-and-false-value", edit(FS_SCHEMA, lambda d: d["fields"].append({"name": "ouvert", "type": "boolean", "trueValues": ["oui", "1"], "falseValues": ["non", "1"]})), FS_SCHEMA, "fields[25].falseValues", "à la fois"),
    # --- found by fuzzing: mistakes found after loading, now refused at load with their key
    Case("cog-as-float", edit(VA_DS, lambda d: d.update(cog=2024.0)), VA_DS, "cog", "nombre entier"),
    Case("figures-source-unknown-id", edit(CC_DS, lambda d: d.update(figures_source={"id": "identifiant"})), CC_DS, "figures_source.id", "identifiant"),
    Case("derive-keep-empty", edit(TI_DS, lambda d: res(d, 1)["derive"].update(keep=[])), TI_DS, "resources[1].derive.keep", "id_ti"),
    Case("coordinates-on-a-text-field", edit(FS_DS, lambda d: res(d)["checks"][2].update(latitude="lib_fs")), FS_DS, "resources[0].checks[2].latitude", "number"),
    Case("commune-name-code-on-a-number-field", edit(FS_DS, lambda d: res(d)["checks"][0].update(code="latitude")), FS_DS, "resources[0].checks[0].code", "string"),
    # --- found by fuzzing: expectation arguments GX takes at load and refuses (or misreads) later
    Case("strftime-format-number", _fs_rule("expect_column_values_to_match_strftime_format", column="lib_fs", strftime_format=3), FS_SUITE, "expectations[4].kwargs.strftime_format", "texte"),
    Case("quantile-ranges-lengths", _fs_rule("expect_column_quantile_values_to_be_between", column="latitude", quantile_ranges={"quantiles": [0.1, 0.5, 0.9], "value_ranges": [[40, 45], [45, 50]]}), FS_SUITE, "expectations[4].kwargs.quantile_ranges.value_ranges", "quantiles"),
    Case("value-set-number-on-text", _fs_rule("expect_column_values_to_be_in_set", column="type_fs", value_set=["Principal", 3]), FS_SUITE, "expectations[4].kwargs.value_set[1]", "guillemets"),
    Case("value-set-boolean-on-text", _fs_rule("expect_column_values_to_be_in_set", column="type_fs", value_set=[True]), FS_SUITE, "expectations[4].kwargs.value_set[0]", "guillemets"),
    # --- a date column is handed to GX as dates: what it compares with no date is refused
    Case("date-bound-with-time", _fs_rule("expect_column_values_to_be_between", column="date_labellisation", min_value="2019-01-01T00:00:00"), FS_SUITE, "expectations[4].kwargs.min_value", "« 2019-01-01 »"),
    Case("date-value-set-french", _fs_rule("expect_column_values_to_be_in_set", column="date_labellisation", value_set=["2024-01-31", "31/01/2024"]), FS_SUITE, "expectations[4].kwargs.value_set[1]", "date ISO"),
    Case("date-pair-with-text", _fs_rule("expect_column_pair_values_a_to_be_greater_than_b", column_A="date_labellisation", column_B="lib_fs"), FS_SUITE, "expectations[4].kwargs.column_B", "deux colonnes de dates"),
    Case("result-format-bogus", _fs_rule("expect_column_values_to_not_be_null", column="lib_fs", result_format="BOGUS"), FS_SUITE, "expectations[4].kwargs.result_format", "COMPLETE"),
    # --- found by fuzzing: keys naming a field twice, empty ranges, malformed placeholders
    Case("primary-key-twice", edit(VA_SCHEMA, lambda d: d.update(primaryKey=["id_va", "id_va"])), VA_SCHEMA, "primaryKey[1]", "deux fois"),
    Case("diffkey-twice", edit(VA_DS, lambda d: res(d).update(diffKey=["insee_com", "insee_com"])), VA_DS, "resources[0].diffKey[1]", "deux fois"),
    Case("date-minimum-above-maximum", edit(VA_OLD, lambda d: cons(d, "date_signature").update(minimum="2024-06-01")), VA_OLD, "fields[4].constraints.minimum", "dépasse"),
    Case("exclusive-bounds-crossed", edit(FS_SCHEMA, lambda d: cons(d, "latitude").update(exclusiveMinimum=50, exclusiveMaximum=50)), FS_SCHEMA, "fields[8].constraints.exclusiveMinimum", "dépasse"),
    Case("date-bounds-crossed", edit(VA_OLD, lambda d: cons(d, "date_signature").update(maximum="2022-12-31")), VA_OLD, "fields[4].constraints.minimum", "dépasse"),
    Case("exclusive-date-bounds-equal", edit(VA_OLD, lambda d: cons(d, "date_signature").update(exclusiveMaximum="2023-01-01")), VA_OLD, "fields[4].constraints.minimum", "atteint"),
    Case("temporal-start-after-end", edit(VA_DS, lambda d: d["temporal"].update(end="2023-01-01")), VA_DS, "temporal.start", "échangez"),
    Case("description-placeholder-without-field", edit(VA_DS, lambda d: d.update(description="{distinct:} communes")), VA_DS, "description", "{distinct:}"),
    Case("description-placeholder-unclosed", edit(VA_DS, lambda d: d.update(description="Les {rows structures")), VA_DS, "description", "sans"),
    Case("description-placeholder-unopened", edit(VA_DS, lambda d: d.update(description="Les rows} structures")), VA_DS, "description", "sans"),
]  # fmt: skip
