"""One unreadable raw file among many (issue 10, point 3): its own findings, one
``dependency-invalid`` finding for each resource, figure or check computed from it, every
other dataset validated as usual, exit 1 with the whole report in every format."""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import zipfile
from pathlib import Path

import pytest

from tests.conftest import MINI_OK, ROOT, copy_repo, findings, run

# The reports of 2023 read the January 2024 edition of Villages d'avenir (« inputs »); the
# package publishes the September 2024 list.
VA = "data/raw/anct_villages_avenir_communes_20240112.csv"
VA_CURRENT = "data/raw/anct_villages_avenir_communes_20240905.csv"
INVALID = "non calculable : villages-d-avenir (édition du 12 janvier 2024) est invalide"
GOLDEN = json.loads((ROOT / "tests/golden/validate.json").read_text(encoding="utf-8"))
KEYS = ("dataset", "severity", "code", "file", "line", "field", "value", "check", "message")
# What is computed from that edition: the coverage tables, and the figures read from them or
# from the villages themselves.
DEPENDENTS = [
    ("chiffres-cles-2023", "couverture-communes", "valeur"),
    ("chiffres-cles-2023", "couverture-habitants", "valeur"),
    ("chiffres-cles-2023", "va-communes-labellisees", "valeur"),
    ("couverture-communale-2023", "couverture-communale-2023", None),
    ("couverture-communale-2023", "couverture-communale-2023-synthese", None),
]
AFFECTED = {"couverture-communale-2023"}
BLOCKED_FIGURES = {check for _, check, fld in DEPENDENTS if fld}


def rewrite(path: Path, delimiter: str, encoding: str, newline: str = "\n") -> None:
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """Three repositories whose January 2024 villages-d-avenir export is saved as a
    spreadsheet would."""
    roots = {}
    for name, delimiter, encoding in (
        ("cp1252", ",", "cp1252"),
        ("semicolon", ";", "utf-8"),
        ("tab", "\t", "cp1252"),
    ):
        root = copy_repo(tmp_path_factory.mktemp(name) / "repo", published=False)
        rewrite(root / VA, delimiter, encoding, "\r\n")
        roots[name] = root
    return roots


def unaffected(items: list[dict], affected=AFFECTED, figures=BLOCKED_FIGURES) -> list[dict]:
    """Findings of the datasets, files and figures nothing unreadable feeds, as in the golden
    run."""
    return [
        {k: f[k] for k in KEYS}
        for f in items
        if f["dataset"] not in affected
        and f["check"] not in figures
        and f["file"] not in (VA, VA_CURRENT)
    ]


@pytest.mark.parametrize(
    ("variant", "own"),
    [
        ("cp1252", ("encoding-error", 2)),
        ("semicolon", ("delimiter-error", 1)),
        ("tab", ("delimiter-error", 1)),
    ],
)
def test_one_unreadable_file_among_many(broken, variant, own):
    result = run(broken[variant], "validate", "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    items = data["findings"]
    va = [f for f in items if f["file"] == VA]
    assert [(f["dataset"], f["code"], f["line"]) for f in va] == [("villages-d-avenir", *own)]
    if variant == "tab":
        assert "semble être « tabulation » et non « , »" in va[0]["message"]
    dependents = [f for f in items if f["code"] == "dependency-invalid"]
    assert [(f["dataset"], f["check"], f["field"]) for f in dependents] == DEPENDENTS
    for f in dependents:
        assert f["severity"] == "error"
        assert INVALID in f["message"]
    # every other dataset, and every other figure, as on the committed data
    assert unaffected(items) == unaffected(GOLDEN["findings"])
    rows = {d["name"]: d["rows"] for d in data["datasets"]}
    for d in GOLDEN["datasets"]:
        if d["name"] not in AFFECTED:
            assert rows[d["name"]] == d["rows"], d["name"]
    assert rows["villages-d-avenir"] == {"villages-d-avenir": 2498}  # the current list
    assert data["errors"] == 1 + len(DEPENDENTS)
    figures = {f["figure_id"]: f for f in data["figures"]}
    for fid in BLOCKED_FIGURES:
        assert figures[fid]["verdict"] == "non vérifiable"
        assert figures[fid]["recomputed"] is None
    assert figures["ti-laureats-temps-2"]["verdict"] == "concorde"


def test_an_unreadable_current_list_leaves_the_reports_on_their_edition(tmp_path):
    """The reports read the January edition: a broken September list is its own error only."""
    root = copy_repo(tmp_path / "repo", published=False)
    rewrite(root / VA_CURRENT, ";", "utf-8")
    result = run(root, "validate", "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert [(f["dataset"], f["code"], f["file"], f["line"]) for f in errors] == [
        ("villages-d-avenir", "delimiter-error", VA_CURRENT, 1)
    ]
    assert unaffected(data["findings"], {"villages-d-avenir"}, set()) == unaffected(
        GOLDEN["findings"], {"villages-d-avenir"}, set()
    )
    assert {d["name"]: d["rows"] for d in data["datasets"]}["villages-d-avenir"] == {}
    golden = {f["figure_id"]: f["verdict"] for f in GOLDEN["figures"]}
    assert {f["figure_id"]: f["verdict"] for f in data["figures"]} == golden


@pytest.mark.parametrize("fmt", ["text", "github", "markdown", "html"])
def test_every_format_gives_the_whole_report(broken, fmt, tmp_path):
    args = ["validate", "--format", fmt]
    if fmt == "html":
        args += ["--output", str(tmp_path / "rapport.html")]
    result = run(broken["cp1252"], *args)
    assert result.exit_code == 1, result.output
    out = (tmp_path / "rapport.html").read_text() if fmt == "html" else result.output
    assert "semble encodé en cp1252" in out
    assert out.count(INVALID) >= len(DEPENDENTS)
    assert "petites-villes-de-demain" in out and "Erreur :" not in out


def test_a_dataset_computed_from_an_unreadable_one_alone(broken):
    result = run(broken["semicolon"], "validate", "--format", "json", "couverture-communale-2023")
    assert result.exit_code == 1, result.output
    items = json.loads(result.stdout)["findings"]
    # the edition the report reads is checked with it: its own finding names the cause
    assert [(f["dataset"], f["code"], f["check"], f["file"]) for f in items] == [
        ("couverture-communale-2023", "dependency-invalid", "couverture-communale-2023", None),
        (
            "couverture-communale-2023",
            "dependency-invalid",
            "couverture-communale-2023-synthese",
            None,
        ),
        ("villages-d-avenir", "delimiter-error", None, VA),
    ]


def test_build_refuses_with_exit_1(broken):
    root = broken["tab"]
    result = run(root, "build")
    assert result.exit_code == 1, result.output
    assert "[delimiter-error]" in result.stderr
    assert "6 erreur(s) bloquante(s)" in result.stderr
    assert not any((root / "data/published").iterdir())


def test_an_unreadable_reference_blocks_the_checks_joining_it(tmp_path):
    root = copy_repo(tmp_path / "repo", published=False)
    (root / "data/reference/cog2023_departements.csv").write_bytes(b"")
    result = run(root, "validate", "--format", "json")
    assert result.exit_code == 1, result.output
    errors = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert [(f["dataset"], f["code"], f["check"], f["file"]) for f in errors] == [
        ("couverture-communale-2023", "dependency-invalid", "foreign-keys", None),
        (
            "france-services",
            "dependency-invalid",
            "foreign-keys",
            "data/raw/anct_france_services_20240801.csv",
        ),
        ("reference", "source-error", None, "data/reference/cog2023_departements.csv"),
    ]
    assert "cog2023-departements (jeu reference) est invalide" in errors[0]["message"]
    assert errors[2]["message"] == (
        "Fichier vide : data/reference/cog2023_departements.csv ne contient aucune ligne. "
        "Déposez de nouveau le fichier complet."
    )


def zipfile_of(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


def gzip_of(path: Path) -> None:
    path.write_bytes(gzip.compress(path.read_bytes(), mtime=0))


def xlsx_of(path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines()):
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    path.write_bytes(out.getvalue())


def random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(10).randbytes(5000))


@pytest.fixture(scope="module")
def not_text(tmp_path_factory):
    """Repositories whose January 2024 villages-d-avenir ``.csv`` is not a CSV at all."""
    roots = {}
    for name, make in (("gzip", gzip_of), ("xlsx", xlsx_of), ("binary", random_bytes)):
        root = copy_repo(tmp_path_factory.mktemp(name) / "repo", published=False)
        make(root / VA)
        roots[name] = root
    return roots


@pytest.mark.parametrize(
    ("variant", "said"),
    [
        (
            "gzip",
            "d'après ses premiers octets, c'est un fichier compressé gzip. Décompressez-le et "
            "déposez à sa place le fichier CSV qu'il contient.",
        ),
        (
            "xlsx",
            "c'est un classeur XLSX enregistré avec l'extension .csv. Ouvrez-le dans le tableur "
            "et enregistrez-le au format « CSV UTF-8 » (séparateur « , »), ou renommez-le en "
            '.xlsx et déclarez ce chemin avec "format": "xlsx" dans '
            "schemas/villages-d-avenir/dataset.json.",
        ),
        ("binary", "c'est un fichier binaire, pas du texte."),
    ],
)
def test_a_file_that_is_not_text_among_many(not_text, variant, said):
    """One ``format-error`` saying what the file looks like (not an encoding or delimiter
    finding, never a crash), and every other dataset reported as usual."""
    result = run(not_text[variant], "validate", "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    items = data["findings"]
    va = [f for f in items if f["file"] == VA]
    assert [(f["dataset"], f["severity"], f["code"], f["line"]) for f in va] == [
        ("villages-d-avenir", "error", "format-error", None)
    ]
    assert va[0]["message"].startswith("Le fichier n'est pas un CSV : ")
    assert said in va[0]["message"]
    dependents = [f for f in items if f["code"] == "dependency-invalid"]
    assert [(f["dataset"], f["check"], f["field"]) for f in dependents] == DEPENDENTS
    assert unaffected(items) == unaffected(GOLDEN["findings"])
    assert data["errors"] == 1 + len(DEPENDENTS)
    assert {d["name"] for d in data["datasets"]} == {d["name"] for d in GOLDEN["datasets"]}
    assert {f["figure_id"] for f in data["figures"]} == {f["figure_id"] for f in GOLDEN["figures"]}


def test_build_refuses_a_compressed_file_with_exit_1(not_text):
    root = not_text["gzip"]
    result = run(root, "build")
    assert result.exit_code == 1, result.output
    assert "[format-error]" in result.stderr and "fichier compressé gzip" in result.stderr
    assert "Traceback" not in result.stderr
    assert not any((root / "data/published").iterdir())


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (zipfile_of({"communes.csv": MINI_OK}), "une archive ZIP. Décompressez-le"),
        (
            zipfile_of(
                {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": ""}
            ),
            "un classeur OpenDocument (ODS) enregistré avec l'extension .csv. Ouvrez-le",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "un classeur Excel 97-2003 (XLS) enregistré avec l'extension .csv.",
        ),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "un document PDF."),
        (b"BZh91AY&SY" + bytes(40), "un fichier compressé bzip2."),
        (MINI_OK.encode("utf-16"), "du texte encodé en UTF-16. Réenregistrez-le en UTF-8"),
        (MINI_OK.encode("utf-16-le"), "du texte encodé en UTF-16."),
        (bytes(range(256)) * 4, "un fichier binaire, pas du texte."),
    ],
)
def test_what_a_file_that_is_not_text_looks_like(mini, content, what):
    root = mini("", raw_bytes=content)
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"], f["file"]) for f in items] == [
        ("format-error", None, "data/raw/mini.csv")
    ]
    assert what in items[0]["message"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        # a legacy 8-bit encoding is text: its finding says which encoding it seems to be
        (MINI_OK.encode("cp1252"), "encoding-error"),
        # a few control bytes are the cells' own findings
        (MINI_OK.replace("Brion", "Br\x00i\x1bon").encode(), "control-character"),
        # both: the encoding is said first
        (
            MINI_OK.replace("Séran", "Séran\x1b")
            .replace("Ajaccio", "Ajaccio\x1b")
            .replace("Brion", "Brion\x1b")
            .encode("cp1252"),
            "encoding-error",
        ),
    ],
)
def test_text_with_stray_bytes_is_not_called_binary(mini, content, code):
    root = mini("", raw_bytes=content)
    _, items = findings(root, "mini")
    assert [f["code"] for f in items] == [code]


def test_utf16_declared_is_a_declaration_error(mini):
    """UTF-16 is refused when the declaration is loaded (a line break is two bytes there:
    line numbers and the transcoder assume one), before the file is read."""
    root = mini(MINI_OK, encoding="utf-16")
    code, items = findings(root, "mini")
    assert code == 2
    assert [(f["code"], f["check"]) for f in items] == [
        ("declaration-error", "resources[0].source.dialect.encoding")
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # a header label saved in cp1252, the rest in UTF-8
        (MINI_OK.replace("lib_com", "lib_comê"), 1),
        (MINI_OK.replace("Brion", "Brionê"), 4),
        # old Mac line ends: the direct scan declines the file, the exact reader finds it
        (MINI_OK.replace("Brion", "Brionê").replace("\n", "\r"), 4),
        # a quoted header label spanning two lines: the line of the byte
        (MINI_OK.replace("lib_com", '"lib\ncomê"'), 2),
    ],
)
def test_a_byte_that_is_not_utf8_is_an_encoding_error_on_its_line(mini, reader, text, line):
    """On either reader, an ``encoding-error`` on the line of the first byte that is not
    UTF-8 (« ê » saved in cp1252), never a crash, nor header findings about a label misread
    as « lib_com� »."""
    root = mini("", raw_bytes=text.encode("utf-8").replace("ê".encode(), b"\xea"))
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"]) for f in items] == [("encoding-error", line)]
    assert (
        "semble encodé en cp1252 (Windows-1252), pas en UTF-8 (premier octet invalide "
        f"ligne {line})"
    ) in items[0]["message"]


@pytest.mark.parametrize("content", [b"", b"\n\r\n\n", "\ufeff".encode()])
def test_an_empty_file_is_said_empty(mini, reader, content):
    """« Fichier vide », without the hint about the declared path (the file is there)."""
    root = mini("", raw_bytes=content)
    code, items = findings(root, "mini")
    assert code == 1
    assert [(f["code"], f["line"], f["message"]) for f in items] == [
        (
            "source-error",
            None,
            "Fichier vide : data/raw/mini.csv ne contient aucune ligne. Déposez de nouveau le "
            "fichier complet.",
        )
    ]
