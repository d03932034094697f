"""`pipeline verify` on hostile packages and servers (found by fuzzing): each gives a
finding or a French message with exit 1, 2 or 3, never a crash (exit 70), a hang, a file
read outside the package, or the API key sent to another host."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import run

CSV = b"id,nom\n1,Ain\n2,Aisne\n"
SCHEMA = {
    "fields": [{"name": "id", "type": "integer"}, {"name": "nom", "type": "string"}],
    "primaryKey": ["id"],
}


def resource(name: str = "t", content: bytes = CSV, **extra) -> dict:
    return {
        "name": name,
        "path": f"{name}.csv",
        "format": "csv",
        "bytes": len(content),
        "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
        "schema": SCHEMA,
        **extra,
    }


def package(folder: Path, *resources: dict, files: dict[str, bytes] | None = None) -> Path:
    """A package folder: its datapackage.json and files (``t.csv`` by default)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (files if files is not None else {"t.csv": CSV}).items():
        (folder / name).write_bytes(content)
    descriptor = {"name": "p", "resources": list(resources) or [resource()]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def verify(*args: str):
    """Exit code, and the JSON report (None when the command stopped before it)."""
    result = run(Path("."), "verify", *args, "--format", "json")
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = None
    return result, report


def codes(report: dict) -> set[str]:
    return {e["code"] for f in report["files"] for e in f["errors"]}


Route = Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def server(routes: dict[str, Route | tuple[int, dict, bytes]]) -> Iterator[str]:
    """A throwaway HTTP server on 127.0.0.1: ``routes`` maps a path to an answer (status,
    headers, body) or to a function writing it. Requests are kept in ``seen`` (path,
    headers)."""
    seen: list[tuple[str, dict]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.append((self.path, dict(self.headers)))
            answer = routes.get(self.path.split("?")[0])
            if answer is None:
                self.send_error(404)
            elif callable(answer):
                answer(self)
            else:
                status, headers, body = answer
                self.send_response(status)
                for key, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        server.seen = seen  # type: ignore[attr-defined]
        yield base
    finally:
        httpd.shutdown()
        httpd.server_close()


def json_answer(value: object, status: int = 200) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(value).encode()


# -- 1. files outside the package ------------------------------------------------------------


def test_a_clean_package_is_conform(tmp_path):
    result, report = verify(str(package(tmp_path / "pkg")))
    assert result.exit_code == 0 and report["valid"], result.output


def test_a_symlink_out_of_the_package_is_refused_unread(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("id,nom\nSECRET-LINE,x\n", encoding="utf-8")
    pkg = package(tmp_path / "pkg", resource("x"), files={})
    (pkg / "x.csv").symlink_to(secret)
    result, report = verify(str(pkg))
    assert result.exit_code == 1 and codes(report) == {"unsafe-path"}
    assert "SECRET" not in result.output and report["files"][0]["actual_hash"] is None
    assert report["files"][0]["actual_bytes"] is None


def test_a_file_in_a_symlinked_folder_out_of_the_package_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "t.csv").write_bytes(CSV)
    pkg = package(tmp_path / "pkg", {**resource(), "path": "sub/t.csv"}, files={})
    (pkg / "sub").symlink_to(outside, target_is_directory=True)
    result, report = verify(str(pkg / "datapackage.json"))
    assert result.exit_code == 1 and codes(report) == {"unsafe-path"}


def test_a_symlink_within_the_package_is_read(tmp_path):
    pkg = package(tmp_path / "pkg", files={"data.csv": CSV})
    (pkg / "t.csv").symlink_to(pkg / "data.csv")
    result, report = verify(str(pkg))
    assert result.exit_code == 0, result.output


def test_a_descriptor_linking_out_of_the_folder_is_refused(tmp_path):
    other = package(tmp_path / "other")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "datapackage.json").symlink_to(other / "datapackage.json")
    result, _ = verify(str(pkg))
    assert result.exit_code == 1 and "sort du paquet" in result.output


# -- 2. a remote package is read over http(s) only --------------------------------------------


def dataset_answer(url: str, **extra) -> tuple[int, dict, bytes]:
    return json_answer(
        {"id": "ds", "resources": [{"title": "datapackage.json", "url": url, **extra}]}
    )


def test_a_relative_descriptor_url_is_fetched_from_the_server_not_the_disk(tmp_path):
    local = package(tmp_path / "pkg") / "datapackage.json"
    descriptor = json.dumps({"name": "p", "resources": [resource()]}).encode()
    routes = {
        "/api/1/datasets/ds/": dataset_answer(str(local)),
        str(local): (200, {}, descriptor),
        str(local.parent / "t.csv"): (200, {}, CSV),
    }
    with server(routes) as base:
        result, report = verify("ds", "--from", base)
        asked = [path for path, _ in server.seen]
    assert result.exit_code == 0, result.output
    assert report["descriptor"] == base + str(local)
    assert asked == ["/api/1/datasets/ds/", str(local), str(local.parent / "t.csv")]


def test_a_file_url_for_the_descriptor_is_refused(tmp_path):
    local = package(tmp_path / "pkg") / "datapackage.json"
    for url in (local.as_uri(), f"ftp://127.0.0.1{local}"):
        with server({"/api/1/datasets/ds/": dataset_answer("x", latest=url)}) as base:
            result, report = verify("ds", "--from", base)
        assert result.exit_code == 3 and report is None
        assert "ni http ni https" in result.output and "Traceback" not in result.output


def test_a_remote_package_never_reads_its_files_from_the_disk(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_bytes(CSV)
    descriptor = {"name": "p", "resources": [{**resource(), "path": secret.as_uri()}]}
    with server({"/dp.json": json_answer(descriptor)}) as base:
        result, report = verify(base + "/dp.json")
    assert result.exit_code == 1 and codes(report) == {"unsafe-path"}
    assert report["files"][0]["actual_hash"] is None


# -- 3. the API key never follows a redirect to another origin --------------------------------

KEY = "udata_secret-key-never-shown-123"


def redirect_to(url: str) -> tuple[int, dict, bytes]:
    return 302, {"Location": url}, b""


def test_the_key_is_dropped_on_a_redirect_to_another_host():
    from pipeline.datagouv.client import Client

    with server({"/api/1/organizations/o/": json_answer({"id": "o"})}) as other:
        seen_other = server.seen
        routes = {
            "/api/1/organizations/o/": redirect_to(other + "/api/1/organizations/o/"),
            "/same/": redirect_to("/api/1/organizations/here/"),
            "/api/1/organizations/here/": json_answer({"id": "here"}),
        }
        with server(routes) as base:
            client = Client(base, KEY)
            assert client.organization("o") == {"id": "o"}
            assert client.get("/same/") == {"id": "here"}
            seen_base = server.seen
    assert [h.get("X-API-KEY") for _, h in seen_base] == [KEY, KEY, KEY]
    assert seen_other and all("X-API-KEY" not in h for _, h in seen_other)


def test_publish_dry_run_never_sends_the_key_to_the_redirected_host(mini, monkeypatch):
    from tests.conftest import MINI_OK

    root = mini(MINI_OK)
    (root / "pipeline.json").write_text(json.dumps({"datagouv": {"organization": "o"}}))
    monkeypatch.setenv("DATAGOUV_API_KEY", KEY)
    with server({}) as other:
        seen_other = server.seen
        routes = {"/api/1/organizations/o/": redirect_to(other + "/api/1/organizations/o/")}
        with server(routes) as base:
            result = run(root, "publish", "--dry-run", "--to", base)
    assert result.exit_code == 3 and "introuvable" in result.output.lower()
    assert seen_other and all("X-API-KEY" not in h for _, h in seen_other)
    assert KEY not in result.output


# -- 4. control characters from the descriptor are shown, never sent to the terminal ----------


def test_control_characters_of_the_descriptor_are_made_visible(tmp_path):
    hostile = "\x1b]0;pwned\x07X\u202e"
    pkg = package(tmp_path / "pkg", resource("t", hash="sha256:00", title=hostile))
    descriptor = json.loads((pkg / "datapackage.json").read_text())
    descriptor["name"] = hostile
    descriptor["resources"][0]["name"] = hostile
    (pkg / "datapackage.json").write_text(json.dumps(descriptor))
    result = run(Path("."), "verify", str(pkg))
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\u202e" not in result.output
    assert "␛]0;pwned␇X<U+202E>" in result.output


def test_control_characters_in_a_server_message_are_made_visible():
    body = json.dumps({"message": "\x1b[2Jeffacé"}).encode()
    with server({"/api/1/datasets/ds/": (400, {}, body)}) as base:
        result, _ = verify("ds", "--from", base)
    assert result.exit_code == 3 and "\x1b" not in result.output and "␛[2Jeffacé" in result.output


# -- 5. declared sizes and hashes of the wrong form --------------------------------------------


def test_malformed_hashes_are_findings(tmp_path):
    for value in ("foo:abc", "shake_128:" + "0" * 64, "sha256:xyz", 5, ["x"], {"a": 1}):
        pkg = package(tmp_path / f"pkg{len(str(value))}", resource(hash=value))
        result, report = verify(str(pkg))
        assert result.exit_code == 1, (value, result.output)
        assert codes(report) == {"hash-invalid"}, value
        assert report["files"][0]["actual_hash"].startswith("sha256:")


def test_malformed_sizes_are_findings(tmp_path):
    for value in (str(len(CSV)), -1, True, 10**400, 1.5):
        pkg = package(tmp_path / f"pkg{abs(hash(repr(value)))}", resource(bytes=value))
        result, report = verify(str(pkg))
        assert result.exit_code == 1, (value, result.output)
        assert codes(report) == {"bytes-invalid"}, value
        assert report["files"][0]["expected_bytes"] is None
        assert "0" * 100 not in result.output


def test_an_integer_too_long_for_python_is_an_unreadable_descriptor(tmp_path):
    pkg = package(tmp_path / "pkg")
    (pkg / "datapackage.json").write_text('{"resources": [], "bytes": ' + "9" * 5000 + "}")
    result, _ = verify(str(pkg))
    assert result.exit_code == 1 and "n'est pas un datapackage.json lisible" in result.output
    assert "Erreur interne" not in result.output


def test_hashes_of_other_algorithms_are_checked(tmp_path):
    digest = hashlib.md5(CSV).hexdigest()
    for value, valid in ((f"md5:{digest}", True), (digest, True), ("md5:" + "0" * 32, False)):
        result, report = verify(
            str(package(tmp_path / f"p{valid}{value[:3]}", resource(hash=value)))
        )
        assert result.exit_code == (0 if valid else 1) and codes(report) <= {"hash-mismatch"}


# -- 6. format and encoding of the wrong type ---------------------------------------------------


def test_a_format_or_encoding_that_is_not_a_text_is_a_finding(tmp_path):
    cases = [("format", ["csv"]), ("format", 5), ("encoding", 8), ("encoding", None)]
    for number, (key, value) in enumerate(cases):
        pkg = package(tmp_path / f"p{number}", resource(type="table", **{key: value}))
        result, report = verify(str(pkg))
        expected = {} if value is None else {f"{key}-invalid"}
        assert result.exit_code == (1 if expected else 0), (key, value, result.output)
        assert codes(report) == set(expected)


def test_an_unknown_encoding_is_a_finding(tmp_path):
    pkg = package(tmp_path / "pkg", resource(encoding="klingon-8"))
    result, report = verify(str(pkg))
    assert result.exit_code == 1 and codes(report) == {"encoding-invalid"}


# -- 7. JSON nested too deep ---------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


def test_a_descriptor_nested_too_deep_is_unreadable(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "datapackage.json").write_text(DEEP)
    result, _ = verify(str(pkg))
    assert result.exit_code == 1 and "plus de 100 objets ou listes imbriqués" in result.output


def test_a_json_resource_nested_too_deep_is_refused_unparsed(tmp_path):
    content = DEEP.encode()
    entry = {**resource(content=content), "path": "t.json", "format": "json"}
    result, report = verify(str(package(tmp_path / "pkg", entry, files={"t.json": content})))
    assert result.exit_code == 1 and codes(report) == {"json-too-deep"}


def test_a_json_resource_with_an_integer_too_long_is_refused_unparsed(tmp_path):
    """frictionless's JSON reader (ijson) crashed the process (SIGSEGV) on such an integer."""
    content = b'[["id", "nom"],\n[1' + b"0" * 5000 + b', "Ain"]]'
    entry = {**resource(content=content), "path": "t.json", "format": "json"}
    result, report = verify(str(package(tmp_path / "pkg", entry, files={"t.json": content})))
    assert result.exit_code == 1
    assert report["files"][0]["errors"] == [
        {
            "code": "json-number-too-long",
            "line": None,
            "field": None,
            "message": "t : nombre de plus de 4 300 chiffres (ligne 2) : contenu refusé, "
            "non vérifié.",
        }
    ]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"name": "p",\n "x": ' + "9" * 5000 + ', "resources": []}', "nombre de plus de 4 300 "
         "chiffres, ligne 2"),
        ('{"name": "p",\n "resources": [{"name": "a", "bytes": NaN}]}', "NaN n'est pas une "
         "valeur JSON : écrivez un nombre, ou null, ligne 2"),
    ],
)  # fmt: skip
def test_a_descriptor_json_refuses_is_unreadable_in_french(tmp_path, text, why):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "datapackage.json").write_text(text)
    result, report = verify(str(pkg))
    assert result.exit_code == 1 and report is None
    assert result.stderr == (
        f"Erreur : {pkg.resolve() / 'datapackage.json'} n'est pas un datapackage.json lisible "
        f"({why}).\n"
    )


def test_a_parquet_whose_stored_schema_is_not_json_is_a_finding(tmp_path):
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    for number, stored in enumerate((DEEP, "{not json")):
        table = pa.table({"id": pa.array([1], pa.int64()), "nom": ["Ain"]})
        table = table.replace_schema_metadata({"table_schema": stored})
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        content = buffer.getvalue()
        entry = {**resource(content=content), "path": "t.parquet", "format": "parquet"}
        pkg = package(tmp_path / f"p{number}", entry, files={"t.parquet": content})
        result, report = verify(str(pkg))
        assert result.exit_code == 1 and codes(report) == {"parquet-schema"}, result.output


# -- 8. regular expressions from the descriptor ---------------------------------------------------


def with_pattern(pattern: object) -> dict:
    schema = {
        "fields": [
            {"name": "id", "type": "integer"},
            {"name": "nom", "type": "string", "constraints": {"pattern": pattern}},
        ]
    }
    return schema


def test_a_pattern_python_cannot_compile_is_a_finding_naming_its_field(tmp_path):
    # the last one Python compiles, but RE2 refuses when it is run (repetition too large)
    for number, pattern in enumerate(("[", "(?<=a)b", "a{99999999999}", "((a{100}){100}){100}")):
        pkg = package(tmp_path / f"p{number}", resource(schema=with_pattern(pattern)))
        result, report = verify(str(pkg))
        assert result.exit_code == 1 and codes(report) == {"pattern-invalid"}, pattern
        assert "« nom »" in report["files"][0]["errors"][0]["message"]
    pkg = package(tmp_path / "p", resource(schema=with_pattern(5)))  # refused by frictionless
    assert codes(verify(str(pkg))[1]) == {"schema-invalid"}


def test_a_backtracking_pattern_is_checked_in_linear_time(tmp_path):
    content = b"id,nom\n1," + b"a" * 50_000 + b"\n2,aaX\n"
    pkg = package(
        tmp_path / "pkg",
        resource(content=content, schema=with_pattern("(.+)+X")),
        files={"t.csv": content},
    )
    result, report = verify(str(pkg))  # Python's re would not return on this cell
    assert result.exit_code == 1 and codes(report) == {"constraint-error"}
    assert [(e["line"], e["field"]) for e in report["files"][0]["errors"]] == [(2, "nom")]


def test_patterns_keep_python_meaning_in_csv_and_parquet(tmp_path):
    content = "id,nom\n1,Ain\n2,Aisne\n3,Évian\n4,ain\n".encode()
    pkg = package(
        tmp_path / "pkg",
        resource(content=content, schema=with_pattern(r"[A-ZÉ]\w+")),
        files={"t.csv": content},
    )
    result, report = verify(str(pkg))
    assert [(e["line"], e["code"]) for e in report["files"][0]["errors"]] == [
        (5, "constraint-error")
    ]


# -- 9. malformed remote answers and URLs ----------------------------------------------------------


def test_malformed_dataset_answers_exit_3_in_french():
    unexpected = (3, "data.gouv.fr a renvoyé une réponse inattendue")
    refused = (3, "data.gouv.fr a refusé la requête (HTTP 400")
    # resources without a package descriptor: nothing the pipeline published, exit 1
    unpublished = (1, "n'a pas de ressource datapackage.json")
    cases = [
        ((200, {}, b"<html>pas du JSON</html>"), unexpected),
        ((200, {}, b"[" * 100_000), unexpected),
        ((400, {}, b"[" * 100_000), refused),  # the server's message is parsed too
        (json_answer([1, 2]), unexpected),
        (json_answer({"resources": [1]}), unpublished),
        (json_answer({"resources": "x"}), unexpected),
        (
            json_answer(
                {"resources": [{"extras": "x", "title": 5, "url": "/dp.json", "latest": 5}]}
            ),
            unpublished,
        ),
    ]
    for body, (code, words) in cases:
        with server({"/api/1/datasets/ds/": body, "/dp.json": json_answer([])}) as base:
            result, _ = verify("ds", "--from", base)
        assert result.exit_code == code, (body, result.output)
        assert "Erreur : " in result.output and words in result.output, (body, result.output)


def test_redirects_to_a_file_or_in_a_loop_exit_3():
    for location in ("file:///etc/passwd", "/loop/"):
        routes = {"/api/1/datasets/ds/": redirect_to(location), "/loop/": redirect_to("/loop/")}
        with server(routes) as base:
            result, _ = verify("ds", "--from", base)
        assert result.exit_code == 3 and "réponse inattendue" in result.output, result.output
        assert "root:" not in result.output


def test_a_malformed_url_given_by_the_user_exits_2(tmp_path, monkeypatch):
    for url in ("http://[::1", "http://127.0.0.1:99999", "http://a b"):
        result, _ = verify("ds", "--from", url)
        assert result.exit_code == 2 and "invalide" in result.output, (url, result.output)
        result, _ = verify(url + "/datapackage.json")
        assert result.exit_code == 2 and "invalide" in result.output, (url, result.output)
    (tmp_path / "r/schemas").mkdir(parents=True)
    monkeypatch.setenv("DATAGOUV_API_KEY", KEY)
    result = run(tmp_path / "r", "publish", "--dry-run", "--to", "http://[::1")
    assert result.exit_code == 2 and "invalide" in result.output


def test_publish_dry_run_on_malformed_answers_exits_3(mini, monkeypatch):
    from tests.conftest import MINI_OK

    root = mini(MINI_OK)
    (root / "pipeline.json").write_text(json.dumps({"datagouv": {"organization": "o"}}))
    monkeypatch.setenv("DATAGOUV_API_KEY", KEY)
    for body in ((200, {}, b"nope"), json_answer([1, 2]), json_answer({"name": "o"})):
        with server({"/api/1/organizations/o/": body}) as base:
            result = run(root, "publish", "--dry-run", "--to", base)
        assert result.exit_code == 3 and "réponse inattendue" in result.output, result.output


# -- 10. slow or huge servers ---------------------------------------------------------------------


def drip(handler: BaseHTTPRequestHandler) -> None:
    """One byte every 0.2 s, for ever (until the client hangs up)."""
    import time

    handler.send_response(200)
    handler.end_headers()
    try:
        while True:
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


def flood(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.end_headers()
    try:
        while True:
            handler.wfile.write(b"0" * 65536)
    except OSError:
        pass


def test_a_download_has_a_total_deadline_and_a_size_cap(tmp_path):
    from pipeline.datagouv import errors
    from pipeline.datagouv.client import Client

    with server({"/drip": drip, "/flood": flood, "/api/1/datasets/big/": flood}) as base:
        client = Client(base, deadline=1.0, max_download=1_000_000, max_answer=100_000)
        with pytest.raises(errors.RemoteTimeout) as exc:  # the drip never ends: the deadline
            client.download(base + "/drip", tmp_path / "d")  # is what stops it
        assert exc.value.exit_code == 3 and "à temps" in exc.value.message
        assert list(tmp_path.iterdir()) == []  # nothing half-downloaded left behind
        for call in (
            lambda: client.download(base + "/flood", tmp_path / "f"),
            lambda: client.dataset("big"),
        ):
            with pytest.raises(errors.TooLargeAnswer) as exc:
                call()
            assert exc.value.exit_code == 3 and "trop volumineuse" in exc.value.message
        assert list(tmp_path.iterdir()) == []


def test_retry_after_is_capped():
    from pipeline.datagouv import errors
    from pipeline.datagouv.client import MAX_RETRY_AFTER, Client

    sleeps: list[float] = []
    with server({"/api/1/datasets/x/": (503, {"Retry-After": "100000"}, b"")}) as base:
        client = Client(base, sleep=sleeps.append)
        with pytest.raises(errors.ServerError):
            client.dataset("x")
    assert sleeps == [MAX_RETRY_AFTER] * 3 and MAX_RETRY_AFTER <= 30


# -- 11. a missing local path is not a dataset slug ------------------------------------------------


def test_a_missing_local_path_is_introuvable_without_asking_a_server(tmp_path):
    for source in (str(tmp_path / "nonexistent-folder"), "./pkg", "~/pkg", "x.json", "a\\b"):
        result, _ = verify(source, "--from", "http://127.0.0.1:9")
        assert result.exit_code == 2 and "introuvable" in result.output, (source, result.output)


def test_a_slug_is_sent_as_one_path_segment():
    with server({"/api/1/datasets/a%3Fb%23c/": json_answer({"resources": []})}) as base:
        result, _ = verify("a?b#c", "--from", base)
        asked = [path for path, _ in server.seen]
    assert asked == ["/api/1/datasets/a%3Fb%23c/"]
    assert result.exit_code == 1 and "pas de ressource datapackage.json" in result.output


def test_schema_findings_are_told_in_french(tmp_path):
    schema = {
        "fields": [
            {"name": "id", "type": "string", "constraints": {"required": True}},
            {"name": "n", "type": "integer", "constraints": {"maximum": 10, "enum": [1, 2, 20]}},
        ]
    }
    content = b"id,n,extra\nA,1\n,2\nB,deux\nC,20\n"
    folder = package(
        tmp_path / "p", resource(content=content, schema=schema), files={"t.csv": content}
    )
    result, report = verify(str(folder))
    assert result.exit_code == 1
    messages = [e["message"] for f in report["files"] for e in f["errors"]]
    assert "t : non conforme au schéma : colonne « extra » en trop dans l'en-tête" in messages
    assert (
        "t : ligne 3, colonne id : non conforme au schéma : la valeur est obligatoire" in messages
    )
    assert any(
        m.startswith(
            "t : ligne 4, colonne n : non conforme au schéma : la cellule « deux » n'est pas du type du champ"
        )
        for m in messages
    )
    assert (
        "t : ligne 5, colonne n : non conforme au schéma : « 20 » : la valeur est supérieure au maximum 10"
        in messages
    )
