"""Editions of the data: a real update of two programme lists rehearsed through the procedure
of the README (« Mettre à jour un programme »), the reports that must not move, and what is
refused when a step is forgotten. Plus the COG vintages and the checks they bring."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_repo, findings, run, tree_bytes

SHARED = Path(os.environ.get("PIPELINE_SHARED_DATA", "/work/shared/data"))
BEFORE = ROOT / "tests/fixtures/before-2024-update"  # the two datasets before the update
REPORTS = ("chiffres-cles-2023", "couverture-communale-2023")
VA_2024 = "anct_villages_avenir_communes_20240905.csv"
TI_2024 = "anct_ti_groupements_20240704.csv"
needs_shared = pytest.mark.skipif(
    not (SHARED / VA_2024).is_file(), reason="données partagées absentes"
)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def published(root: Path, name: str) -> dict[str, bytes]:
    return tree_bytes(root / "data/published" / name)


def data_files(root: Path, name: str) -> dict[str, bytes]:
    return {n: b for n, b in published(root, name).items() if n.endswith((".csv", ".json"))
            and n != "datapackage.json"}  # fmt: skip


# --------------------------------------------------------------- the documented procedure


def update_programme(
    root: Path,
    dataset: str,
    resource: str,
    raw: str,
    date: str,
    *,
    cog: int | None = None,
    keep_schema: bool = False,
) -> None:
    """« Mettre à jour un programme », step by step:

    1. drop the new export into data/raw/ under its original name (the old one stays);
    2. move the current ``source`` under ``vintages`` (it keeps its date) and declare the new
       one with its path and date; when the columns change, the old schema is kept under a
       dated name and named by the earlier edition;
    3. when the new list follows another COG, declare ``cog`` and name the reference tables
       of that vintage; a derived resource keeps, as an edition dated like the old list,
       what its derivation read then."""
    shutil.copy(SHARED / raw, root / "data/raw" / raw)
    folder = root / "schemas" / dataset
    meta = load(folder / "dataset.json")
    res = next(r for r in meta["resources"] if r["name"] == resource)
    old = dict(res["source"])
    if keep_schema:
        kept = f"{resource}-{old['date'].replace('-', '')}.schema.json"
        shutil.copy(folder / res["schema"], folder / kept)
        old["schema"] = kept
    res["vintages"] = [old, *res.get("vintages", [])]
    res["source"] = {**res["source"], "path": f"data/raw/{raw}", "date": date}
    if cog is not None:
        before, after = f"cog{meta['cog']}-", f"cog{cog}-"
        meta["cog"] = cog
        for r in meta["resources"]:
            if r.get("derive") and before in json.dumps(r["derive"]):
                then = {k: v for k, v in r["derive"].items() if str(v).startswith(before)}
                r["vintages"] = [{"date": old["date"], "derive": then}, *r.get("vintages", [])]
            for key in ("derive", "checks", "enrich"):
                if key in r:
                    r[key] = json.loads(json.dumps(r[key]).replace(before, after))
            schema = folder / r["schema"]
            dump(schema, json.loads(schema.read_text(encoding="utf-8").replace(before, after)))
    dump(folder / "dataset.json", meta)


def drop_field(root: Path, dataset: str, schema: str, name: str) -> None:
    path = root / "schemas" / dataset / schema
    data = load(path)
    data["fields"] = [f for f in data["fields"] if f["name"] != name]
    dump(path, data)


@pytest.fixture(scope="module")
def before(tmp_path_factory) -> Path:
    """The repository as it was before the 2024 lists: Villages d'avenir of 12 January 2024
    and Territoires d'industrie of 14 November 2023 (COG 2023), packaged as 1.0.0."""
    root = copy_repo(tmp_path_factory.mktemp("update") / "repo")
    for name in ("villages-d-avenir", "territoires-d-industrie"):
        shutil.rmtree(root / "schemas" / name)
        shutil.copytree(BEFORE / name, root / "schemas" / name)
        shutil.rmtree(root / "data/published" / name)
    for raw in (VA_2024, TI_2024):
        (root / "data/raw" / raw).unlink()
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    return root


@needs_shared
def test_the_reports_do_not_depend_on_the_live_lists(before):
    """Built from the January and November lists, the two reports are the very packages the
    repository publishes (which it builds from the September and July lists)."""
    for name in REPORTS:
        assert published(before, name) == published(ROOT, name), name
    assert load(before / "data/published/villages-d-avenir/datapackage.json")["version"] == "1.0.0"


@needs_shared
def test_a_real_update_moves_the_live_packages_and_not_the_report(before, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(before, root)
    reports = {name: published(root, name) for name in REPORTS}

    update_programme(root, "villages-d-avenir", "villages-d-avenir", VA_2024, "2024-09-05",
                     cog=2024, keep_schema=True)  # fmt: skip
    drop_field(root, "villages-d-avenir", "villages-d-avenir.schema.json", "date_signature")
    update_programme(root, "territoires-d-industrie", "territoires-d-industrie", TI_2024,
                     "2024-07-04", cog=2024)  # fmt: skip

    # Before the build, validate points at the reassigned identifiers (the published package
    # still holds the January list), with the commune each one named then and now.
    code, found = findings(root, "villages-d-avenir")
    assert code == 0
    reassigned = [f for f in found if f["code"] == "identifier-reassigned"]
    assert len(reassigned) == 56
    assert reassigned[0]["value"] == "va-14-02"
    assert (
        "désignait Blangy-le-Château (14077) dans le paquet publié ; ce fichier l'attribue à "
        "Beaumesnil (14054)" in reassigned[0]["message"]
    )
    assert any(f["code"] == "commune-not-current" and f["value"] == "86231" for f in found)

    # The diff, in the terminal and in the CI summary, shows the reassignments first.
    result = run(root, "diff", "villages-d-avenir")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:4] == [
        "  schéma (incompatible) : Champ `date_signature` supprimé.",
        "  ≠ villages-d-avenir.csv : va-14-02 : Blangy-le-Château (14077) → Beaumesnil (14054)",
        "  ≠ villages-d-avenir.csv : va-14-03 : Bonnebosq (14083) → Blangy-le-Château (14077)",
    ]
    assert "  … et 6 autres identifiants réattribués (voir --format json)" in result.output
    result = run(root, "diff", "--format", "markdown", "villages-d-avenir")
    assert (
        "| `villages-d-avenir` | version 1.0.0 → 2.0.0 (majeure) | 40 | 0 | 56 | 56 | "
        "incompatible |\n" in result.stdout
    )
    assert result.stdout.count("| identifiant réattribué |") == 50
    assert "> 6 autres identifiants réattribués non affichés.\n" in result.stdout

    result = run(root, "build")
    assert result.exit_code == 0, result.output

    va = root / "data/published/villages-d-avenir"
    assert load(va / "datapackage.json")["version"] == "2.0.0"
    changelog = (va / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith(
        "# Journal des versions\n\n## 2.0.0 — 2024-09-05\n\n"
        "- Évolution majeure : 40 lignes ajoutées, 0 ligne supprimée, 56 lignes modifiées, "
        "56 identifiants réattribués.\n"
        "- Schéma (incompatible) : Champ `date_signature` supprimé.\n"
        "- Identifiants réattribués dans `villages-d-avenir.csv` (les lignes sont comparées sur "
        "`insee_com`) :\n"
        "  - `va-14-02` : Blangy-le-Château (14077) → Beaumesnil (14054)\n"
    )
    assert changelog.count("\n  - `va-") == 50 and "  - … et 6 autres\n" in changelog
    assert changelog.endswith(
        "## 1.0.0 — 2024-01-12\n\nPremière publication : 2458 lignes.\n\n"
        "Fichiers bruts : `data/raw/anct_villages_avenir_communes_20240112.csv`.\n"
    )
    readme = (va / "README.md").read_text(encoding="utf-8")
    assert "identifier-reassigned" not in readme and "désignait" not in readme
    assert "- Géographie : Code officiel géographique (COG) 2024\n" in readme
    assert (
        "Éditions antérieures, conservées dans `data/raw/` pour les rapports calculés à partir "
        "d'elles :\n\n- `data/raw/anct_villages_avenir_communes_20240112.csv` (édition du 12 "
        "janvier 2024)\n"
    ) in readme

    ti = root / "data/published/territoires-d-industrie"
    assert load(ti / "datapackage.json")["version"] == "1.1.0"
    assert (
        (ti / "CHANGELOG.md")
        .read_text(encoding="utf-8")
        .startswith(
            "# Journal des versions\n\n## 1.1.0 — 2024-07-04\n\n"
            "- Évolution mineure : 28 lignes ajoutées, 85 lignes supprimées, 75 lignes modifiées.\n"
            "  - `territoires-d-industrie.csv` : +13 / −2 / ~3\n"
            "  - `territoires-d-industrie-communes.csv` : +15 / −83 / ~72\n"
            "- Fichiers bruts : `data/raw/anct_ti_groupements_20240704.csv`.\n"
        )
    )

    # The 2023 report and its coverage table: not one byte moved.
    for name in REPORTS:
        assert published(root, name) == reports[name], name
    result = run(root, "build", "--check")
    assert result.exit_code == 0, result.output
    # Rebuilt, the package holds the new list: nothing is reassigned any more.
    code, found = findings(root, "villages-d-avenir")
    assert [f for f in found if f["code"] == "identifier-reassigned"] == []
    # The repository's own packages went through this same update.
    for name in ("villages-d-avenir", "territoires-d-industrie"):
        assert data_files(root, name) == data_files(ROOT, name), name


@needs_shared
def test_an_update_that_forgets_the_earlier_edition_is_refused(before, tmp_path):
    """Pointing the source at the new file without keeping the old one as an edition would
    rewrite the reports: refused when the declarations are loaded, naming what to do."""
    root = tmp_path / "repo"
    shutil.copytree(before, root)
    shutil.copy(SHARED / VA_2024, root / "data/raw" / VA_2024)
    path = root / "schemas/villages-d-avenir/dataset.json"
    meta = load(path)
    meta["resources"][0]["source"] |= {"path": f"data/raw/{VA_2024}", "date": "2024-09-05"}
    dump(path, meta)
    result = run(root, "validate", "villages-d-avenir")
    assert result.exit_code == 2
    assert "« villages-d-avenir » figé à l'édition 2024-01-12" in result.output
    assert "(éditions : 2024-09-05)" in result.output
    assert "son ancienne source passe sous « vintages » avec sa date" in result.output


@needs_shared
def test_a_new_file_under_the_old_edition_date_is_refused(before, tmp_path):
    """The route an officer takes without the procedure: the September list dropped into
    data/raw/, ``source.path`` pointed at it, ``source.date`` left at 2024-01-12 (and the
    column it lacks removed). The reports name that date: computed again, they would check the
    2023 figures against the September list. Their packages recorded the January file and its
    sha256: refused, naming the dataset.json, the edition, both files and what to do."""
    root = tmp_path / "repo"
    shutil.copytree(before, root)
    shutil.copy(SHARED / VA_2024, root / "data/raw" / VA_2024)
    path = root / "schemas/villages-d-avenir/dataset.json"
    meta = load(path)
    meta["resources"][0]["source"]["path"] = f"data/raw/{VA_2024}"
    dump(path, meta)
    drop_field(root, "villages-d-avenir", "villages-d-avenir.schema.json", "date_signature")
    published_before = tree_bytes(root / "data/published")
    recorded = load(root / "data/published/chiffres-cles-2023/datapackage.json")["inputs"]
    january = next(r for r in recorded if r["resource"] == "villages-d-avenir")
    assert january == {
        "resource": "villages-d-avenir",
        "dataset": "villages-d-avenir",
        "edition": "2024-01-12",
        "path": "data/raw/anct_villages_avenir_communes_20240112.csv",
        "hash": "sha256:"
        + hashlib.sha256(
            (root / "data/raw/anct_villages_avenir_communes_20240112.csv").read_bytes()
        ).hexdigest(),
    }

    for args in (("build",), ("build", "--check"), ("diff",)):
        result = run(root, *args)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert (
            "schemas/villages-d-avenir/dataset.json : resources[0].source : l'édition du 12 "
            "janvier 2024 (2024-01-12) de « villages-d-avenir » est maintenant le fichier "
            f"data/raw/{VA_2024}, mais les rapports « chiffres-cles-2023 », "
            "« couverture-communale-2023 » ont été calculés sur "
            f"data/raw/anct_villages_avenir_communes_20240112.csv ({january['hash']}, relevé "
            "dans data/published/chiffres-cles-2023/datapackage.json, "
            "data/published/couverture-communale-2023/datapackage.json) : les rapports "
            "« chiffres-cles-2023 », « couverture-communale-2023 » seraient réécrits sans un "
            f"mot. Une nouvelle liste est une nouvelle édition : déclarez data/raw/{VA_2024} "
            "dans « source » avec sa propre date (celle de la liste), et gardez "
            "data/raw/anct_villages_avenir_communes_20240112.csv, tel quel, sous « vintages » "
            "avec la date 2024-01-12 (README, « Mettre à jour un programme »)."
        ) in " ".join(result.output.split()), result.output
        assert "Traceback" not in result.output
    assert tree_bytes(root / "data/published") == published_before
    # The list alone still builds (no report is computed again) ...
    assert run(root, "build", "villages-d-avenir").exit_code == 0
    # ... and a report reading one file only names that one.
    result = run(root, "validate", "chiffres-cles-2023")
    assert result.exit_code == 2
    assert "mais le rapport « chiffres-cles-2023 » a été calculé sur" in result.output


def test_a_raw_file_overwritten_in_place_is_refused(tmp_path):
    """Same path, other bytes: a raw file of an edition a report was computed from was
    retouched. Refused with the two sha256 and what to do."""
    root = copy_repo(tmp_path / "repo")
    raw = root / "data/raw/anct_fabriques_territoire_202401.csv"
    old = "sha256:" + hashlib.sha256(raw.read_bytes()).hexdigest()
    raw.write_bytes(raw.read_bytes() + b"\n")
    new = "sha256:" + hashlib.sha256(raw.read_bytes()).hexdigest()
    result = run(root, "validate", "couverture-communale-2023")
    assert result.exit_code == 2, result.output
    assert (
        "schemas/tiers-lieux/dataset.json : resources[0].source : l'édition de janvier 2024 "
        "(2024-01) de « fabriques-de-territoire » est toujours le fichier "
        f"data/raw/anct_fabriques_territoire_202401.csv, mais son contenu a changé ({new}) "
        "depuis que le rapport « couverture-communale-2023 » en a été calculé "
        f"({old}, relevé dans data/published/couverture-communale-2023/datapackage.json). Un "
        "fichier brut ne se retouche pas : remettez l'ancien fichier tel quel, et déposez le "
        "nouvel export sous son propre nom, comme une nouvelle édition avec sa date, "
        "l'ancienne restant sous « vintages » (README, « Mettre à jour un programme »)."
    ) in " ".join(result.output.split()), result.output
    # The live package alone is not a report: validated as usual.
    assert run(root, "validate", "tiers-lieux").exit_code == 0


@needs_shared
def test_hand_written_metadata_left_behind_by_an_update_is_a_warning(before, tmp_path):
    """The two lists of January and November, declared with hand-written counts, dates and
    COG, updated through the procedure's steps 1-3 only: each stale sentence and end date is
    a warning naming dataset.json and the JSON path; written with the placeholders of step 4
    (and « end » removed), nothing is left to say."""
    root = tmp_path / "repo"
    shutil.copytree(before, root)
    update_programme(root, "villages-d-avenir", "villages-d-avenir", VA_2024, "2024-09-05",
                     cog=2024, keep_schema=True)  # fmt: skip
    drop_field(root, "villages-d-avenir", "villages-d-avenir.schema.json", "date_signature")
    update_programme(root, "territoires-d-industrie", "territoires-d-industrie", TI_2024,
                     "2024-07-04", cog=2024)  # fmt: skip
    names = ("villages-d-avenir", "territoires-d-industrie")
    code, found = findings(root, *names)
    assert code == 0
    stale = [f for f in found if f["code"] == "metadata-outdated"]
    ti, va = "schemas/territoires-d-industrie/", "schemas/villages-d-avenir/"
    assert [(f["dataset"], f["file"], f["field"], f["value"], f["severity"]) for f in stale] == [
        ("territoires-d-industrie", ti + "dataset.json", "description", "COG 2023", "warning"),
        ("territoires-d-industrie", ti + "dataset.json", "resources[1].description", "COG 2023",
         "warning"),
        ("territoires-d-industrie", ti + "dataset.json", "sources[2].title",
         "Code officiel géographique 2023", "warning"),
        ("territoires-d-industrie", ti + "dataset.json", "temporal.end", "2023-11-14", "warning"),
        ("territoires-d-industrie", ti + "territoires-d-industrie-communes.schema.json",
         "description", "COG 2023", "warning"),
        ("territoires-d-industrie", ti + "territoires-d-industrie-communes.schema.json",
         "fields[2].description", "COG 2023", "warning"),
        ("territoires-d-industrie", ti + "territoires-d-industrie-communes.schema.json",
         "fields[3].description", "COG 2023", "warning"),
        ("villages-d-avenir", va + "dataset.json", "description", "12 janvier 2024", "warning"),
        ("villages-d-avenir", va + "dataset.json", "description", "2 458", "warning"),
        ("villages-d-avenir", va + "dataset.json", "description", "COG 2023", "warning"),
        ("villages-d-avenir", va + "dataset.json", "sources[1].title",
         "Code officiel géographique 2023", "warning"),
        ("villages-d-avenir", va + "dataset.json", "temporal.end", "2024-01-12", "warning"),
        ("villages-d-avenir", va + "villages-d-avenir.expectations.json",
         "expectations[0].meta.message", "COG 2023", "warning"),
        ("villages-d-avenir", va + "villages-d-avenir.schema.json", "description", "COG 2023",
         "warning"),
        ("villages-d-avenir", va + "villages-d-avenir.schema.json", "fields[2].description",
         "COG 2023", "warning"),
    ]  # fmt: skip
    # The schema of the January edition, kept under its dated name, still says « COG 2023 »:
    # it describes that edition, and is not a finding.
    assert "COG 2023" in (root / va / "villages-d-avenir-20240112.schema.json").read_text("utf-8")
    assert [f["message"] for f in stale[7:9]] == [
        "Métadonnée écrite à la main et périmée, schemas/villages-d-avenir/dataset.json, "
        "description : « 12 janvier 2024 » est la date de l'édition du 12 janvier 2024 de "
        "« villages-d-avenir », une édition antérieure ; l'actuelle est l'édition du 5 septembre "
        "2024. Écrivez {edition} (ou {edition:villages-d-avenir}) : build la tire de la "
        "déclaration.",
        "Métadonnée écrite à la main et périmée, schemas/villages-d-avenir/dataset.json, "
        "description : « 2 458 » est le nombre de lignes de l'édition du 12 janvier 2024 de "
        "« villages-d-avenir » ; l'édition actuelle (édition du 5 septembre 2024) en compte "
        "2\u00a0498. Écrivez {rows} (ou {rows:villages-d-avenir}) : build le tire des données.",
    ]
    assert stale[11]["message"] == (
        "Métadonnée écrite à la main et périmée, schemas/villages-d-avenir/dataset.json, "
        "temporal.end : la couverture se termine le 2024-01-12, avant l'édition du 5 septembre "
        "2024 de « villages-d-avenir » (2024-09-05). Retirez « end » : elle suit alors la date "
        "de l'édition actuelle (ou mettez-la à jour)."
    )
    assert stale[0]["message"].endswith(
        "description : « COG 2023 » alors que le jeu suit le COG 2024 (« cog »). Écrivez {cog} "
        ": build le tire de la déclaration."
    )
    assert [f["message"] for f in stale if f["file"].endswith(".schema.json")][0] == (
        "Métadonnée écrite à la main et périmée, schemas/territoires-d-industrie/"
        "territoires-d-industrie-communes.schema.json, description : « COG 2023 » alors que le "
        "jeu suit le COG 2024 (« cog » de schemas/territoires-d-industrie/dataset.json) ; ce "
        "texte s'écrit à la main : corrigez-le (COG 2024)."
    )
    assert stale[2]["message"].endswith(
        "sources[2].title : « Code officiel géographique 2023 » alors que le jeu suit le COG "
        "2024 (« cog » de schemas/territoires-d-industrie/dataset.json) ; déclarez la source du "
        "COG 2024 (titre et lien)."
    )
    assert stale[12]["message"].endswith(
        "« COG 2023 » alors que le jeu suit le COG 2024 (« cog » de "
        "schemas/villages-d-avenir/dataset.json) ; écrivez {cog} : le message le tire de la "
        "déclaration."
    )
    # Step 4 of the procedure: placeholders, and no hand-written end.
    for name in names:
        path = root / "schemas" / name / "dataset.json"
        meta = load(path)
        meta["description"] = (
            meta["description"].replace("2 458", "{rows}").replace("COG 2023", "{cog}")
            .replace("du 12 janvier 2024", "{edition}")
        )  # fmt: skip
        del meta["temporal"]["end"]
        dump(path, meta)
    # Steps 4 and 5: the texts written by hand reread (schemas, sources, resources), the
    # expectation messages citing {cog}.
    for path in {root / f["file"] for f in stale if f["field"] not in ("description",
                                                                          "temporal.end")
                 or not f["file"].endswith("dataset.json")}:  # fmt: skip
        text = path.read_text(encoding="utf-8").replace("géographique 2023", "géographique 2024")
        cog = "{cog}" if path.name.endswith(".expectations.json") else "COG 2024"
        path.write_text(text.replace("COG 2023", cog), encoding="utf-8")
    code, found = findings(root, *names)
    assert code == 0
    assert [f for f in found if f["code"] == "metadata-outdated"] == []
    assert load(root / "schemas/villages-d-avenir/dataset.json")["description"].endswith(
        "Liste ANCT {edition}, au {cog}."
    )


def test_expectation_messages_cite_the_cog_and_the_edition(tmp_path):
    root = copy_repo(tmp_path / "repo", published=False, datasets=("villages-d-avenir",))
    path = root / "schemas/villages-d-avenir/villages-d-avenir.expectations.json"
    suite = load(path)
    suite["expectations"][0]["kwargs"]["max_value"] = 20
    suite["expectations"][2]["kwargs"]["max_value"] = 2000
    suite["expectations"][2]["meta"]["message"] = "{observed} communes ({edition}, {cog})."
    dump(path, suite)
    code, found = findings(root, "villages-d-avenir")
    assert code == 1
    failed = [f for f in found if f["code"] == "expectation-failed"]
    assert failed[0]["message"] == "2498 communes (édition du 5 septembre 2024, COG 2024)."
    assert failed[1]["message"] == (
        "La commune Valromey-sur-Séran (01036) compte 1342 habitants (population municipale "
        "2021, COG 2024) : le programme vise les communes de moins de 3 500 habitants."
    )  # the committed message: « (population municipale 2021, {cog}) »
    meta = load(root / "schemas/villages-d-avenir/dataset.json")
    del meta["resources"][0]["source"]["date"]
    dump(root / "schemas/villages-d-avenir/dataset.json", meta)
    result = run(root, "validate", "villages-d-avenir")
    assert result.exit_code == 2
    assert (
        "expectations[2].meta.message : le message cite « {edition} », qui n'est pas une valeur "
        "connue ({edition} demande la date de la source : « source.date » dans dataset.json)"
    ) in result.output, result.output


@needs_shared
def test_a_derived_table_that_changes_cog_keeps_its_earlier_edition(before, tmp_path):
    """The Territoires d'industrie communes are derived with the EPCI of the dataset's COG;
    the 2023 coverage must still read them as derived with the COG 2023."""
    root = tmp_path / "repo"
    shutil.copytree(before, root)
    update_programme(root, "territoires-d-industrie", "territoires-d-industrie", TI_2024,
                     "2024-07-04", cog=2024)  # fmt: skip
    path = root / "schemas/territoires-d-industrie/dataset.json"
    meta = load(path)
    del meta["resources"][1]["vintages"]  # forgotten
    dump(path, meta)
    result = run(root, "validate", "couverture-communale-2023")
    assert result.exit_code == 2
    assert "« couverture-communale-2023 » suit le COG 2023 mais ses données lisent " in (
        result.output
    )


def test_a_report_reads_no_list_without_its_edition(tmp_path):
    root = copy_repo(tmp_path / "repo", published=False)
    path = root / "schemas/chiffres-cles-2023/dataset.json"
    meta = load(path)
    del meta["inputs"]["villages-d-avenir"]
    dump(path, meta)
    result = run(root, "validate", "chiffres-cles-2023")
    assert result.exit_code == 2
    assert "« villages-d-avenir » (jeu villages-d-avenir) est lu sans édition datée" in (
        result.output
    )


def test_a_dataset_follows_one_cog_vintage(tmp_path):
    root = copy_repo(tmp_path / "repo", published=False)
    path = root / "schemas/villages-d-avenir/dataset.json"
    meta = load(path)
    meta["resources"][0]["enrich"][0]["reference"] = "cog2023-communes"
    dump(path, meta)
    result = run(root, "validate", "villages-d-avenir")
    assert result.exit_code == 2
    assert (
        "resources[0].enrich[0].reference : « cog2023-communes » est une table du COG 2023, mais "
        "le jeu déclare « cog »: 2024" in result.output
    )
    meta["resources"][0]["enrich"][0]["reference"] = "cog2024-communes"
    meta["cog"] = 2025
    dump(path, meta)
    result = run(root, "validate", "villages-d-avenir")
    assert result.exit_code == 2
    assert "cog : « cog » vaut 2025 ; millésimes du COG disponibles : 2023, 2024" in result.output


# --------------------------------------------------------------- checks of the COG vintage


def commune_list(root: Path, cog: int, csv: str, checks: list[dict]) -> Path:
    folder = root / "schemas/liste"
    folder.mkdir(parents=True)
    fields = [{"name": n, "type": "string"} for n in ("id", "insee_com", "lib_com")]
    dump(folder / "liste.schema.json", {"fields": fields, "primaryKey": ["id"]})
    dump(folder / "dataset.json", {
        "name": "liste", "title": "Liste", "description": "Liste de test", "cog": cog,
        "licenses": [{"name": "etalab-2.0"}], "resources": [{
            "name": "liste", "schema": "liste.schema.json", "diffKey": ["insee_com"],
            "diffLabel": "lib_com", "source": {"path": "data/raw/liste.csv"},
            "checks": checks}]})  # fmt: skip
    (root / "data/raw").mkdir(parents=True, exist_ok=True)
    (root / "data/raw/liste.csv").write_text(csv, encoding="utf-8")
    return root


def reference_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "schemas/reference", root / "schemas/reference")
    shutil.copytree(ROOT / "data/reference", root / "data/reference")
    (root / "data/published").mkdir(parents=True)
    return root


LISTE = (
    "id,insee_com,lib_com\n"
    "l-1,86231,Saint-Macoux\n"
    "l-2,86247,Val-de-Comporté\n"
    "l-3,75101,Paris 1er Arrondissement\n"
    "l-4,01053,Bourg-en-Bresse\n"
)


@pytest.mark.parametrize(
    ("cog", "expected"),
    [
        (2024, [("86231", 2, "une commune déléguée, rattachée à 86247 (Val-de-Comporté)"),
                ("75101", 4, "un arrondissement municipal, rattaché à 75056 (Paris)")]),
        (2023, [("75101", 4, "un arrondissement municipal, rattaché à 75056 (Paris)")]),
    ],
)  # fmt: skip
def test_a_code_that_is_no_more_a_commune_in_the_cog_vintage(tmp_path, cog, expected):
    root = commune_list(reference_repo(tmp_path), cog, LISTE,
                        [{"check": "commune-current", "code": "insee_com"}])  # fmt: skip
    code, found = findings(root, "liste")
    assert code == 0
    assert [(f["value"], f["line"], f["severity"]) for f in found] == [
        (value, line, "warning") for value, line, _ in expected
    ]
    for f, (_, _, text) in zip(found, expected, strict=True):
        assert f"n'est, dans les communes du COG {cog}, qu'{text}." in f["message"]


def test_an_identifier_given_to_another_commune_is_a_warning_until_rebuilt(tmp_path):
    check = [{"check": "stable-identifier", "identifier": "id"}]
    root = commune_list(reference_repo(tmp_path), 2023, LISTE, check)
    assert run(root, "build").exit_code == 0
    (root / "data/raw/liste.csv").write_text(
        "id,insee_com,lib_com\nl-1,01053,Bourg-en-Bresse\nl-2,86247,Val-de-Comporté\n"
        "l-3,75101,Paris 1er Arrondissement\nl-4,86231,Saint-Macoux\nl-5,2A004,Ajaccio\n",
        encoding="utf-8",
    )
    code, found = findings(root, "liste")
    assert code == 0
    assert [(f["code"], f["line"], f["field"], f["value"]) for f in found] == [
        ("identifier-reassigned", 2, "id", "l-1"),
        ("identifier-reassigned", 5, "id", "l-4"),
    ]
    assert found[0]["message"] == (
        "L'identifiant « l-1 » (id) désignait Saint-Macoux (86231) dans le paquet publié ; ce "
        "fichier l'attribue à Bourg-en-Bresse (01053). Les réutilisateurs qui joignent sur id "
        "confondraient les deux : la comparaison des versions se fait sur insee_com."
    )
    assert run(root, "build").exit_code == 0
    folder = root / "data/published/liste"
    assert "désignait" not in (folder / "README.md").read_text(encoding="utf-8")
    assert "  - `l-1` : Saint-Macoux (86231) → Bourg-en-Bresse (01053)\n" in (
        folder / "CHANGELOG.md"
    ).read_text(encoding="utf-8")
    assert findings(root, "liste") == (0, [])
    assert run(root, "build", "--check").exit_code == 0


def test_a_field_empty_in_every_row_of_the_new_file_only_is_reported(tmp_path):
    """Nothing before the first publication, nor for a field emptied on some rows (the
    CHANGELOG counts them); a field empty throughout is one warning, or an error if the
    check is declared so."""
    root = commune_list(reference_repo(tmp_path), 2023, LISTE.replace("Saint-Macoux", ""), [])
    raw = root / "data/raw/liste.csv"
    assert findings(root, "liste") == (0, [])
    assert run(root, "build").exit_code == 0
    raw.write_text(LISTE.replace("Bourg-en-Bresse", ""), encoding="utf-8")
    assert findings(root, "liste") == (0, [])
    raw.write_text("id,insee_com,lib_com\nl-1,86231,\nl-2,86247,\n", encoding="utf-8")
    code, found = findings(root, "liste")
    assert code == 0
    assert [(f["code"], f["severity"], f["field"], f["line"]) for f in found] == [
        ("field-emptied", "warning", "lib_com", None)]  # fmt: skip
    assert "rempli sur 3 lignes du paquet publié (4 au total)" in found[0]["message"]
    path = root / "schemas/liste/dataset.json"
    meta = load(path)
    meta["resources"][0]["checks"] = [{"check": "field-emptied", "severity": "error"}]
    dump(path, meta)
    code, found = findings(root, "liste")
    assert (code, [(f["code"], f["severity"]) for f in found]) == (1, [("field-emptied", "error")])


@needs_shared
def test_the_petites_villes_de_demain_identifiers_given_to_other_communes(tmp_path):
    """The 2021 list of Petites villes de demain, as if it were the published package, and
    the list of 2 January 2024: 71 identifiers now name a commune they did not name in 2021
    (a 2021 identifier could name two communes: a row keeping one of them is not
    reassigned)."""
    root = copy_repo(tmp_path / "repo", datasets=("petites-villes-de-demain",))
    folder = root / "data/published/petites-villes-de-demain"
    shutil.copy(SHARED / "anct_pvd_communes_20210122.csv", folder / "petites-villes-de-demain.csv")
    code, found = findings(root, "petites-villes-de-demain")
    assert code == 0
    reassigned = [f for f in found if f["code"] == "identifier-reassigned"]
    assert len(reassigned) == 71
    assert {f["field"] for f in reassigned} == {"id_pvd"}
    assert (reassigned[0]["line"], reassigned[0]["value"]) == (6, "pvd-01-971-6")
    assert reassigned[0]["message"].startswith(
        "L'identifiant « pvd-01-971-6 » (id_pvd) désignait Terre-de-Haut (97131) dans le paquet "
        "publié ; ce fichier l'attribue à Terre-de-Bas (97130). "
    )
    two = next(f for f in reassigned if f["value"] == "pvd-75-24-13")
    assert two["message"].startswith(
        "L'identifiant « pvd-75-24-13 » (id_pvd) désignait La Roche-Chalais (24354), Saint "
        "Aulaye-Puymangou (24376) dans le paquet publié ; ce fichier l'attribue à Ribérac "
        "(24352). "
    )


@needs_shared
def test_a_territory_of_two_communes_keeps_its_identifier(tmp_path):
    """Action cœur de ville, February then September 2024: 13 territories of two communes
    share their identifier, one row each; no identifier names another commune. None is
    reported reassigned, and the diff, on the INSEE code, says what changed."""
    root = copy_repo(tmp_path / "repo")
    acv = "anct_acv_communes_20240905.csv"
    update_programme(root, "action-coeur-de-ville", "action-coeur-de-ville", acv, "2024-09-05")
    code, found = findings(root, "action-coeur-de-ville")
    assert [f for f in found if f["code"] == "identifier-reassigned"] == []
    result = run(root, "diff", "action-coeur-de-ville")
    assert result.output.splitlines()[1:5] == [  # the lost signature dates come first
        "  Champ « date_signature » vidé sur 236 lignes de action-coeur-de-ville.csv.",
        "  + action-coeur-de-ville.csv : insee_com=34108",
        "  + action-coeur-de-ville.csv : insee_com=74012",
        "  - action-coeur-de-ville.csv : insee_com=78517",
    ]


@needs_shared
def test_a_column_lost_in_the_export_is_a_warning_and_a_changelog_line(tmp_path):
    """Action cœur de ville, September 2024, as the README's update says: its
    ``date_signature`` is empty on every row, 237 dates published (236 on the communes kept).
    One warning names the field, until the package is rebuilt; the CHANGELOG says it."""
    root = copy_repo(tmp_path / "repo")
    key = lambda f: (f["code"], f["field"], f["message"])  # noqa: E731
    code, before = findings(root, "action-coeur-de-ville")
    acv = "anct_acv_communes_20240905.csv"
    update_programme(root, "action-coeur-de-ville", "action-coeur-de-ville", acv, "2024-09-05")
    path = root / "schemas/action-coeur-de-ville/dataset.json"
    meta = load(path)
    del meta["temporal"]["end"]
    dump(path, meta)
    code, found = findings(root, "action-coeur-de-ville")
    assert code == 0
    assert [(f["severity"], *key(f)) for f in found if key(f) not in map(key, before)] == [
        (
            "warning",
            "field-emptied",
            "date_signature",
            "Le champ « date_signature » est vide sur toutes les lignes de ce fichier, alors "
            "qu'il est rempli sur 237 lignes du paquet publié (244 au total) : publiées ainsi, "
            "ces valeurs disparaîtraient sans que les réutilisateurs en soient avertis. "
            "Vérifiez l'export (une colonne perdue dans le tableur ?) ; si c'est voulu, "
            "dites-le dans la demande de fusion.",
        )
    ]
    assert run(root, "build", "action-coeur-de-ville").exit_code == 0
    folder = root / "data/published/action-coeur-de-ville"
    assert (folder / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()[4:6] == [
        "- Évolution mineure : 2 lignes ajoutées, 1 ligne supprimée, 236 lignes modifiées.",
        "- Champ `date_signature` vidé sur 236 lignes.",
    ]
    assert "date_signature » est vide" not in (folder / "README.md").read_text(encoding="utf-8")
    assert [key(f) for f in findings(root, "action-coeur-de-ville")[1]] == list(map(key, before))


def test_french_dates_of_editions():
    from pipeline.numbers_fr import date_fr, edition_fr

    assert [date_fr(d) for d in ("2024-08-01", "2024-09-05", "2024-01", "2024")] == [
        "1er août 2024", "5 septembre 2024", "janvier 2024", "2024"]  # fmt: skip
    assert [edition_fr(d) for d in ("2024-01-12", "2024-04", "2024-03", "2024")] == [
        "édition du 12 janvier 2024", "édition d'avril 2024", "édition de mars 2024",
        "édition 2024"]  # fmt: skip


def test_counts_and_dates_of_a_description_come_from_the_data(tmp_path):
    root = copy_repo(tmp_path / "repo", published=False)
    path = root / "schemas/villages-d-avenir/dataset.json"
    meta = load(path)
    meta["description"] = (
        "{rows} communes, {distinct:insee_com} codes, {count:lib_com=Brion} Brion ; {edition}, "
        "{cog}."
    )
    dump(path, meta)
    assert run(root, "build", "villages-d-avenir").exit_code == 0
    package = load(root / "data/published/villages-d-avenir/datapackage.json")
    assert package["description"] == (
        "2\u00a0498 communes, 2\u00a0498 codes, 2 Brion ; édition du 5 septembre 2024, COG 2024."
    )
    readme = (root / "data/published/villages-d-avenir/README.md").read_text(encoding="utf-8")
    assert package["description"] in readme.splitlines()  # under the title (and the picture)
    for bad, said in (
        ("{lignes}", "{lignes} inconnu. Possibles : {rows} ou {rows:ressource}"),
        ("{distinct:code}", "{…:code} ne nomme pas un champ d'une ressource du jeu"),
        ("{count:lib_com}", "attendu {count:champ=valeur}"),
    ):
        meta["description"] = bad
        dump(path, meta)
        result = run(root, "validate", "villages-d-avenir")
        assert result.exit_code == 2 and said in result.output, result.output


def test_an_earlier_edition_that_no_longer_reads_is_an_error_of_its_file(tmp_path):
    """The January list read with the September schema (the edition's own schema forgotten):
    its extra column is an error, on the January file, and nothing is built."""
    root = copy_repo(tmp_path / "repo")
    path = root / "schemas/villages-d-avenir/dataset.json"
    meta = load(path)
    del meta["resources"][0]["vintages"][0]["schema"]
    dump(path, meta)
    code, found = findings(root, "chiffres-cles-2023")
    assert code == 1
    errors = [f for f in found if f["severity"] == "error"]
    assert [(f["dataset"], f["code"], f["file"], f["line"]) for f in errors] == [
        ("villages-d-avenir", "extra-label", "data/raw/anct_villages_avenir_communes_20240112.csv",
         1)]  # fmt: skip
    assert errors[0]["message"] == (
        "Colonne « date_signature » inconnue du schéma villages-d-avenir.schema.json (colonne "
        "5), avec lequel se lit l'édition du 12 janvier 2024, une édition antérieure. Ne "
        "modifiez pas son fichier brut : donnez à cette édition son propre schéma (une copie "
        "datée de celui qu'elle suivait), nommé sous « schema » dans son entrée de « vintages » "
        "de schemas/villages-d-avenir/dataset.json."
    )
    before = tree_bytes(root / "data/published")
    assert run(root, "build").exit_code == 1
    assert tree_bytes(root / "data/published") == before


def test_a_column_an_earlier_edition_lacks_is_advised_on_its_own_schema(tmp_path):
    """The January list's own schema asks for a column its file never had: the advice is to
    correct that schema, never the raw file kept for the reports."""
    root = copy_repo(tmp_path / "repo")
    path = root / "schemas/villages-d-avenir/villages-d-avenir-20240112.schema.json"
    schema = load(path)
    schema["fields"].append({"name": "population", "type": "integer"})
    dump(path, schema)
    code, found = findings(root, "chiffres-cles-2023")
    assert code == 1
    [error] = [f for f in found if f["severity"] == "error"]
    assert (error["code"], error["field"], error["message"]) == (
        "missing-label",
        "population",
        "Colonne « population » absente de l'en-tête, alors que le schéma "
        "villages-d-avenir-20240112.schema.json, avec lequel se lit l'édition du 12 janvier "
        "2024, une édition antérieure, l'exige. Ne modifiez pas son fichier brut : corrigez ce "
        "schéma, le sien (nommé sous « schema » dans son entrée de « vintages » de "
        "schemas/villages-d-avenir/dataset.json), pour qu'il décrive les colonnes du fichier.",
    )


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (
            lambda r: r["source"].update(date="5 septembre 2024"),
            "resources[0].source.date : « 5 septembre 2024 » n'a pas la forme attendue",
        ),
        (lambda r: r["vintages"][0].update(date="2024-09-05"), "deux éditions portent la date"),
        (lambda r: r["vintages"][0].update(derive={}), "« derive » ne vaut que pour une ressource"),
        (
            lambda r: r["vintages"][0].update(colonnes=2),
            "resources[0].vintages[0].colonnes : clé « colonnes » inconnue",
        ),
        (
            lambda r: r["vintages"][0].update(sheet=1),
            "resources[0].vintages[0].sheet : « sheet » ne vaut que pour un fichier XLSX",
        ),
        (
            lambda r: r.update(diffKey=["code_commune"]),
            "resources[0].diffKey[0] : champ « code_commune » inconnu",
        ),
    ],
)
def test_editions_are_declared_exactly(tmp_path, edit, said):
    root = copy_repo(tmp_path / "repo", published=False)
    path = root / "schemas/villages-d-avenir/dataset.json"
    meta = load(path)
    edit(meta["resources"][0])
    dump(path, meta)
    result = run(root, "validate", "villages-d-avenir")
    assert result.exit_code == 2 and said in result.output, result.output
