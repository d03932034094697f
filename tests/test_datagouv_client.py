"""Unit tests of the udata client's error paths, with `responses` (no network, no sleep)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import requests
import responses

from pipeline.datagouv import errors
from pipeline.datagouv.client import USER_AGENT, Client, resolve_base_url
from pipeline.datagouv.sync import Syncer
from pipeline.errors import ConfigError

BASE = "https://udata.test"
KEY = "udata_secret-key-never-shown-123"


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(sleeps):
    return Client(BASE, KEY, sleep=sleeps.append, timeout=5)


def test_targets():
    assert resolve_base_url("demo") == "https://demo.data.gouv.fr"
    assert resolve_base_url("prod") == "https://www.data.gouv.fr"
    assert resolve_base_url("http://127.0.0.1:7000/api/1/") == "http://127.0.0.1:7000"
    with pytest.raises(ConfigError) as exc:
        resolve_base_url("www")
    assert "demo, prod" in exc.value.message


def test_missing_key_is_a_config_error(monkeypatch):
    monkeypatch.delenv("DATAGOUV_API_KEY", raising=False)
    with pytest.raises(ConfigError) as exc:
        Client.from_env("demo")
    assert exc.value.exit_code == 2 and "DATAGOUV_API_KEY" in exc.value.message


def test_key_is_not_in_repr(client):
    assert KEY not in repr(client) and KEY not in str(vars(client).get("session"))


@responses.activate
def test_get_retries_503_honouring_retry_after(client, sleeps):
    url = f"{BASE}/api/1/datasets/x/"
    responses.get(url, status=503, headers={"Retry-After": "7"})
    responses.get(url, status=502)
    responses.get(url, json={"id": "x"})
    assert client.dataset("x") == {"id": "x"}
    assert len(responses.calls) == 3
    assert sleeps == [7.0, 2.0]  # Retry-After, then exponential backoff (attempt 1)
    headers = responses.calls[0].request.headers
    assert headers["X-API-KEY"] == KEY and headers["User-Agent"] == USER_AGENT


@responses.activate
def test_get_gives_up_after_retries_with_typed_error(client, sleeps):
    url = f"{BASE}/api/1/datasets/x/"
    responses.get(url, status=503, json={"message": "Service Unavailable"})
    with pytest.raises(errors.ServerError) as exc:
        client.dataset("x")
    assert len(responses.calls) == 4 and len(sleeps) == 3
    assert exc.value.status == 503 and exc.value.exit_code == 3
    assert "Service Unavailable" in exc.value.message and "Relancez" in exc.value.message


@responses.activate
def test_put_retries_on_connection_error(client, sleeps):
    url = f"{BASE}/api/1/datasets/x/"
    responses.put(url, body=requests.ConnectionError("reset"))
    responses.put(url, json={"id": "x"})
    assert client.update_dataset("x", {"title": "t"}) == {"id": "x"}
    assert sleeps == [1.0]


@responses.activate
def test_post_is_never_retried(client, sleeps):
    responses.post(f"{BASE}/api/1/datasets/", status=503)
    with pytest.raises(errors.ServerError):
        client.create_dataset({"title": "t"})
    assert len(responses.calls) == 1 and sleeps == []


@responses.activate
def test_upload_timeout_is_not_retried(client, tmp_path, sleeps):
    path = tmp_path / "a.csv"
    path.write_text("a\n1\n")
    responses.post(f"{BASE}/api/1/datasets/d/upload/", body=requests.ReadTimeout("slow"))
    with pytest.raises(errors.RemoteTimeout) as exc:
        client.upload("d", path)
    assert len(responses.calls) == 1
    assert exc.value.status is None and "pas de réponse" in exc.value.message


@responses.activate
def test_get_timeout_is_retried_then_reported(client, sleeps):
    responses.get(f"{BASE}/api/1/datasets/x/", body=requests.ReadTimeout("slow"))
    with pytest.raises(errors.RemoteTimeout) as exc:
        client.dataset("x")
    assert len(responses.calls) == 4
    assert "n'a pas répondu à temps" in exc.value.message


@responses.activate
@pytest.mark.parametrize(
    ("status", "body", "cls", "words"),
    [
        (
            401,
            {"message": "Invalid API token"},
            errors.Unauthorized,
            ["clé d'API", "DATAGOUV_API_KEY"],
        ),
        (
            403,
            {"message": "You do not have the permission to modify that object."},
            errors.Forbidden,
            ["membre", "organisation"],
        ),
        (404, {"message": "Resource does not exist"}, errors.NotFound, ["introuvable"]),
        (410, {"message": "Dataset has been deleted"}, errors.Gone, ["supprimé"]),
        (413, "<html>Request Entity Too Large</html>", errors.TooLarge, ["trop volumineux"]),
        (500, {"message": "Internal Server Error"}, errors.ServerError, ["Relancez"]),
    ],
)
def test_http_errors_are_typed_and_french_without_the_key(client, status, body, cls, words):
    url = f"{BASE}/api/1/datasets/x/"
    kwargs = {"json": body} if isinstance(body, dict) else {"body": body}
    responses.put(url, status=status, **kwargs)
    with pytest.raises(cls) as exc:
        client.update_dataset("x", {})
    error = exc.value
    assert error.status == status and error.method == "PUT" and error.url == url
    assert error.exit_code == 3
    for word in words:
        assert word in error.message
    if isinstance(body, dict):
        assert error.server_message == body["message"]
    assert KEY not in error.message and KEY not in repr(error) and KEY not in str(error)
    assert len(responses.calls) == 1  # 4xx and 500 are not retried


@responses.activate
def test_every_id_and_slug_stays_one_path_segment(client, tmp_path):
    """An id with ``/``, ``?`` or ``#`` is quoted in every call, never read as more path, a
    query or a fragment (udata's ids and slugs hold none: a unit test on the URLs sent)."""
    for method in (responses.GET, responses.PUT, responses.POST):
        responses.add(method, re.compile(re.escape(BASE) + "/.*"), json={"id": "o", "data": []})
    path = tmp_path / "a.csv"
    path.write_bytes(b"a\n")
    ds, res = "d/x?y#z", "r/../s#t"
    client.organization("o/p?q#r")
    list(client.organization_datasets("o/p?q#r"))
    client.dataset(ds)
    client.resources(ds)
    client.resource(ds, res)
    client.update_dataset(ds, {})
    client.update_resource(ds, res, {})
    client.upload(ds, path)
    client.upload(ds, path, resource_id=res, filename="b.csv")
    sent = [(c.request.method, urlsplit(c.request.url).path) for c in responses.calls]
    d, r = "d%2Fx%3Fy%23z", "r%2F..%2Fs%23t"
    assert sent == [
        ("GET", "/api/1/organizations/o%2Fp%3Fq%23r/"),
        ("GET", "/api/1/organizations/o%2Fp%3Fq%23r/datasets/"),
        ("GET", f"/api/1/datasets/{d}/"),
        ("GET", f"/api/2/datasets/{d}/resources/"),
        ("GET", f"/api/1/datasets/{d}/resources/{r}/"),
        ("PUT", f"/api/1/datasets/{d}/"),
        ("PUT", f"/api/1/datasets/{d}/resources/{r}/"),
        ("POST", f"/api/1/datasets/{d}/upload/"),
        ("POST", f"/api/1/datasets/{d}/resources/{r}/upload/"),
    ]


@responses.activate
def test_server_echoing_the_key_is_scrubbed(client):
    responses.get(f"{BASE}/api/1/datasets/x/", status=400, json={"message": f"bad {KEY}"})
    with pytest.raises(errors.BadRequest) as exc:
        client.dataset("x")
    assert KEY not in exc.value.message and "***" in exc.value.message


@responses.activate
def test_cookies_are_refused(client):
    responses.get(f"{BASE}/a", json={}, headers={"Set-Cookie": "session=abc; Path=/"})
    responses.get(f"{BASE}/b", json={})
    client.get("/a")
    client.get("/b")
    assert len(client.session.cookies) == 0
    assert "Cookie" not in responses.calls[1].request.headers


@responses.activate
def test_chunked_upload_protocol(sleeps, tmp_path):
    client = Client(BASE, KEY, sleep=sleeps.append, chunk_threshold=10, chunk_size=4)
    path = tmp_path / "big.csv"
    path.write_bytes(b"0123456789ab")  # 12 bytes -> 3 parts of 4
    url = f"{BASE}/api/1/datasets/d/resources/r/upload/"
    responses.post(url, json={"success": True, "error": None})
    seen = []
    result = client.upload("d", path, resource_id="r", progress=seen.append)
    assert result == {"success": True, "error": None}
    assert len(responses.calls) == 4
    parts = [c.request.body for c in responses.calls[:3]]
    for index, (body, data) in enumerate(zip(parts, [b"0123", b"4567", b"89ab"], strict=True)):
        assert data in body
        for field, value in [
            ("partindex", index),
            ("partbyteoffset", index * 4),
            ("totalparts", 3),
            ("chunksize", 4),
        ]:
            assert f'name="{field}"\r\n\r\n{value}\r\n'.encode() in body
    final = responses.calls[3].request.body
    final = final.decode() if isinstance(final, bytes) else final
    assert "totalparts=3" in final and "filename=big.csv" in final and "partindex" not in final
    uuids = {c.request.body.split(b'name="uuid"\r\n\r\n')[1][:36] for c in responses.calls[:3]}
    assert len(uuids) == 1 and uuids.pop().decode() in final
    assert seen == [4, 4, 4]
    assert client.stats["upload"] == 1


@responses.activate
def test_small_upload_is_a_single_request(client, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"a\n1\n")
    responses.post(f"{BASE}/api/1/datasets/d/upload/", json={"id": "r1"}, status=201)
    assert client.upload("d", path) == {"id": "r1"}
    assert b'filename="a.csv"' in responses.calls[0].request.body


@responses.activate
def test_same_file_name_uploads_are_spaced(tmp_path):
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(round(seconds, 2))
        now[0] += seconds

    client = Client(BASE, KEY, sleep=sleep, clock=lambda: now[0])
    path = tmp_path / "a.csv"
    path.write_bytes(b"a\n")
    responses.post(f"{BASE}/api/1/datasets/d/upload/", json={"id": "r"}, status=201)
    responses.post(f"{BASE}/api/1/datasets/e/upload/", json={"id": "s"}, status=201)
    client.upload("d", path)
    now[0] += 0.3
    client.upload("d", path)  # same dataset, same name: waits
    client.upload("e", path)  # other dataset: no wait
    assert slept == [0.8]


@responses.activate
def test_unknown_licence_stored_as_notspecified_is_an_error(client, tmp_path):
    from pipeline.datagouv.local import load_package
    from tests.udata.packages import make_package

    package = load_package(make_package(tmp_path, "lic"))
    syncer = Syncer(client, "org")
    syncer.org = {"id": "o1"}
    responses.post(
        f"{BASE}/api/1/datasets/", status=201, json={"id": "d1", "license": "notspecified"}
    )
    with pytest.raises(errors.LicenseRejected) as exc:
        syncer._create_dataset(package, package.dataset_payload())
    assert exc.value.exit_code == 3 and "notspecified" in exc.value.message
