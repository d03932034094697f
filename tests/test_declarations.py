"""The corpus of broken declarations (tests/declaration_cases.py): each mistake is a clear
configuration error at load (exit 2) naming its file and JSON path, with no traceback and
nothing written to data/published/."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from tests.conftest import copy_repo, run, tree_bytes
from tests.declaration_cases import CASES, Case


class Corpus:
    """One copy of the repository, put back as it was before each case."""

    def __init__(self, root: Path):
        self.root = root
        files = [root / "pipeline.json", *sorted((root / "schemas").rglob("*"))]
        self.declarations = {
            p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None for p in files
        }
        self.published = tree_bytes(root / "data/published")
        self.stats = self.published_stats()
        self.raw = {p.name for p in (root / "data/raw").iterdir()}

    def fresh(self) -> Path:
        """Put back every declaration file a case changed, added or removed."""
        current = {p for p in self.root.joinpath("schemas").rglob("*")}
        for path in sorted(current, reverse=True):  # files before their folders
            rel = path.relative_to(self.root).as_posix()
            replaced = self.declarations.get(rel) is not None and not path.is_file()
            if rel not in self.declarations or replaced:
                if path.is_symlink() or path.is_file():
                    path.unlink()
                else:
                    shutil.rmtree(path)
        for rel, data in self.declarations.items():
            path = self.root / rel
            if data is None:
                path.mkdir(exist_ok=True)
            elif not path.is_file() or path.read_bytes() != data:
                path.write_bytes(data)
        for path in (self.root / "data/raw").iterdir():
            if path.name not in self.raw:
                path.unlink()
        (self.root.parent / "outside.csv").unlink(missing_ok=True)
        shutil.rmtree(self.root.parent / "ailleurs", ignore_errors=True)
        return self.root

    def published_stats(self) -> dict[str, tuple[int, int, int]]:
        """Size, inode and modification time of every file and folder of data/published/:
        any write, in place or by replacement, changes them."""
        folder = self.root / "data/published"
        return {
            p.relative_to(folder).as_posix(): (
                p.stat().st_size,
                p.stat().st_ino,
                p.stat().st_mtime_ns,
            )
            for p in sorted([folder, *folder.rglob("*")])
        }

    def published_unchanged(self) -> bool:
        return self.published_stats() == self.stats

    def published_identical(self) -> bool:
        return tree_bytes(self.root / "data/published") == self.published


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    return Corpus(copy_repo(tmp_path_factory.mktemp("corpus") / "repo"))


def problem_line(stderr: str, case: Case) -> str:
    """The line of the error naming the case's file and JSON path."""
    head = f"  - {case.file}"
    for line in stderr.splitlines():
        if not line.startswith(head):
            continue
        rest = line[len(head) :]
        if case.path and f", {case.path} : " in rest:
            return line
        if not case.path and " : " in rest and "]" not in rest.split(" : ")[0].split(",")[-1]:
            return line
    raise AssertionError(f"no error names {case.file} / {case.path!r}:\n{stderr}")


def test_the_corpus_is_large_and_each_case_is_named_once() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


def test_the_pristine_corpus_builds(corpus: Corpus) -> None:
    result = run(corpus.fresh(), "build", "--check")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_broken_declaration_stops_build_with_exit_2(corpus: Corpus, case: Case) -> None:
    root = corpus.fresh()
    case.mutate(root)
    result = run(root, "build")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "Erreur interne" not in result.output
    assert result.stderr.startswith("Erreur : ")
    assert "erreur(s) dans les déclarations" in result.stderr
    line = problem_line(result.stderr, case)
    assert case.words in line, line
    assert corpus.published_unchanged()


def test_no_case_reaches_exit_70_and_json_gives_findings_with_lines(corpus: Corpus) -> None:
    """Every case under ``validate --format json``: never a crash, always exit 2, and each
    problem a ``declaration-error`` finding with its file (and line, when in a JSON file)."""
    codes = {}
    for case in CASES:
        root = corpus.fresh()
        case.mutate(root)
        result = run(root, "validate", "--format", "json")
        codes[case.id] = result.exit_code
        if result.exit_code != 2:
            continue
        report = json.loads(result.stdout)
        assert report["valid"] is False
        assert {f["code"] for f in report["findings"]} == {"declaration-error"}, case.id
        mine = [f for f in report["findings"] if f["file"] == case.file]
        assert mine, case.id
        if case.file.endswith(".json") and (root / case.file).is_file():
            assert all(isinstance(f["line"], int) and f["line"] >= 1 for f in mine), case.id
    assert [c for c, code in codes.items() if code == 70] == []
    assert {c: code for c, code in codes.items() if code != 2} == {}
    assert corpus.published_unchanged()
    assert corpus.published_identical()


def _paths(value: object, prefix: tuple = ()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*prefix, i))


def test_any_value_of_any_type_anywhere_is_a_declaration_error_never_a_crash(tmp_path) -> None:
    """A sample of 300 mutations: one value of a dataset.json, Table Schema, suite or
    pipeline.json replaced by a value of another type. Each gives a DeclarationError (or
    passes, when the value is allowed), never another exception (exit 70)."""
    from pipeline.declarations.problems import DeclarationError
    from pipeline.declarations.repository import check_repository

    root = copy_repo(tmp_path / "repo", published=False)
    values = [None, 7, -1, 1.5, True, "", "x", [], ["x"], {}, {"x": 1}]
    targets = [
        (rel, path)
        for rel in FILES
        for path in _paths(json.loads((root / rel).read_text(encoding="utf-8")))
    ]
    rng = random.Random(9)
    for rel, path in rng.sample(targets, 300):
        file = root / rel
        original = file.read_text(encoding="utf-8")
        data = json.loads(original)
        new = rng.choice(values)
        if path:
            node = data
            for step in path[:-1]:
                node = node[step]
            node[path[-1]] = new
        else:
            data = new
        file.write_text(json.dumps(data), encoding="utf-8")
        try:
            check_repository(root)
        except DeclarationError as exc:
            assert exc.problems, (rel, path, new)
        finally:
            file.write_text(original, encoding="utf-8")


FILES = [
    "pipeline.json",
    "schemas/villages-d-avenir/dataset.json",
    "schemas/villages-d-avenir/villages-d-avenir.schema.json",
    "schemas/villages-d-avenir/villages-d-avenir.expectations.json",
    "schemas/france-services/dataset.json",
    "schemas/france-services/france-services.expectations.json",
    "schemas/territoires-d-industrie/dataset.json",
    "schemas/territoires-d-industrie/territoires-d-industrie.schema.json",
    "schemas/villages-d-avenir/villages-d-avenir-20240112.schema.json",
    "schemas/chiffres-cles-2023/dataset.json",
    "schemas/couverture-communale-2023/dataset.json",
]


def test_a_codec_the_load_check_would_refuse_is_an_encoding_finding_not_a_crash(tmp_path) -> None:
    """The safety net behind the load check: UTF-16 without BOM raises a bare UnicodeError
    (not a UnicodeDecodeError); the encoding check reports it at line 1."""
    from pipeline.engine.encoding import check_encoding

    raw = tmp_path / "export.csv"
    raw.write_bytes(b"insee_com,lib_com\n01001,Abergement\n")
    assert check_encoding(raw, "utf-16") == ("utf-8", 1)
    assert check_encoding(raw, "utf-32") == ("utf-8", 1)


@pytest.mark.parametrize(
    "name", ["utf-8", "utf-8-sig", "UTF8", "cp1252", "latin-1", "iso-8859-15", "mac_roman"]
)
def test_text_encodings_are_allowed(name: str) -> None:
    from pipeline.declarations.sources import encoding_problem

    assert encoding_problem(name) is None


@pytest.mark.parametrize(
    "name",
    ["utf-16", "utf-16-le", "utf-32", "utf-7", "idna", "punycode", "unicode_escape",
     "raw_unicode_escape", "rot13", "base64", "hex", "zlib", "cp037", "utf-9"],
)  # fmt: skip
def test_codecs_that_do_not_read_ascii_as_ascii_are_refused(name: str) -> None:
    from pipeline.declarations.sources import encoding_problem

    problem = encoding_problem(name, "data/raw/export.csv")
    assert problem and "utf-8" in problem and "cp1252" in problem and "latin-1" in problem


def test_a_dataset_json_that_is_a_folder_is_one_error_not_a_cascade(tmp_path) -> None:
    """Other datasets name its resources (chiffres-cles-2023, couverture-communale-2023):
    they are unknown, not missing, so only the folder itself is reported."""
    from tests.declaration_cases import VA_DS, _dataset_json_folder

    root = copy_repo(tmp_path / "repo", published=False)
    _dataset_json_folder(root)
    result = run(root, "validate")
    assert result.exit_code == 2
    assert result.stderr.startswith("Erreur : 1 erreur(s) dans les déclarations")
    assert f"  - {VA_DS} : « dataset.json » est un dossier, pas un fichier" in result.stderr


def test_a_condition_value_written_otherwise_than_published_is_refused() -> None:
    """A figure's condition compares published text: 3.0 on a number field never matches
    « 3 »; the value the package writes is given."""
    from pipeline.declarations.references import condition_value_problem

    assert condition_value_problem({"name": "n", "type": "number"}, 3) is None
    assert condition_value_problem({"name": "n", "type": "number"}, 3.0) == (
        "« 3.0 » s'écrit « 3 » dans le paquet publié, dont la condition compare le texte : "
        'écrivez "3"'
    )
    assert condition_value_problem({"name": "d", "type": "date"}, "2023-12-31") is None
    assert "ne se lit pas" in condition_value_problem({"name": "d", "type": "date"}, "31/12/2023")
