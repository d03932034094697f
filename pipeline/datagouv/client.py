"""A thin client for the udata API (data.gouv.fr) on requests.

Timeouts on every call; GET/PUT/DELETE retried with backoff on 429/502/503/504 and connection
errors (honouring ``Retry-After``); POST never retried; cookies refused (a key-authenticated
request sets a session cookie that would otherwise authenticate later calls); chunked uploads
above 20 MB; uploads of one file name to one dataset spaced by more than a second (udata answers
500 to two in the same second). The key is read from ``DATAGOUV_API_KEY``, never shown, and
never sent on to another origin by a redirect.
"""

from __future__ import annotations

import http.cookiejar
import math
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from pipeline import __version__
from pipeline.datagouv import errors
from pipeline.errors import ConfigError

TARGETS = {"demo": "https://demo.data.gouv.fr", "prod": "https://www.data.gouv.fr"}
KEY_ENV = "DATAGOUV_API_KEY"
KEY_HEADER = "X-API-KEY"
DEFAULT_PORTS = {"http": 80, "https": 443}
USER_AGENT = (
    f"anct-pipeline/{__version__} (+https://agence-cohesion-territoires.gouv.fr; "
    "publication des données ouvertes de l'ANCT)"
)
CHUNK_THRESHOLD = 20_000_000
RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE", "HEAD"})
MAX_RETRY_AFTER = 120.0
UPLOAD_SPACING = 1.1  # seconds between two uploads of the same file name to one dataset

ProgressCallback = Callable[[int], None]


def resolve_base_url(target: str) -> str:
    """``demo``, ``prod`` or the root URL of any udata server (no ``/api/1`` suffix)."""
    if target in TARGETS:
        return TARGETS[target]
    if target.startswith(("http://", "https://")):
        root = target.rstrip("/")
        for suffix in ("/api/1", "/api/2"):
            root = root.removesuffix(suffix)
        return root
    raise ConfigError(
        f"Cible « {target} » inconnue : utilisez demo, prod ou l'adresse d'un serveur udata "
        "(par exemple http://127.0.0.1:7000)."
    )


class _RefuseAllCookies(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie, request) -> bool:  # noqa: D102
        return False

    def return_ok(self, cookie, request) -> bool:  # noqa: D102
        return False


class _KeySafeSession(requests.Session):
    """A session that drops the API key when a redirect leads to another origin (scheme,
    host or port): requests itself strips only ``Authorization``."""

    def rebuild_auth(self, prepared_request, response) -> None:  # noqa: D102
        super().rebuild_auth(prepared_request, response)
        if _origin(response.request.url) != _origin(prepared_request.url):
            prepared_request.headers.pop(KEY_HEADER, None)


def _origin(url: str | bytes | None) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url.decode() if isinstance(url, bytes) else url or "")
        scheme = parts.scheme.lower()
        return scheme, (parts.hostname or ""), parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port out of range: no origin, never equal to another
        return None


class Client:
    """Calls one udata server. ``stats`` counts requests sent by method, plus ``upload``."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: float = 30.0,
        upload_timeout: float = 300.0,
        retries: int = 3,
        backoff: float = 1.0,
        chunk_threshold: int = CHUNK_THRESHOLD,
        chunk_size: int = CHUNK_THRESHOLD,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.base_url = resolve_base_url(base_url)
        self.__key = api_key or None
        self.timeout = timeout
        self.upload_timeout = upload_timeout
        self.retries = retries
        self.backoff = backoff
        self.chunk_threshold = chunk_threshold
        self.chunk_size = chunk_size
        self.sleep = sleep
        self.clock = clock
        self.stats: Counter[str] = Counter()
        self._last_upload: dict[tuple[str, str], float] = {}
        self.session = _KeySafeSession()
        self.session.cookies.set_policy(_RefuseAllCookies())
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"

    @classmethod
    def from_env(cls, target: str, *, required: bool = True, **kwargs: Any) -> Client:
        key = os.environ.get(KEY_ENV, "").strip()
        if required and not key:
            raise ConfigError(
                f"La variable d'environnement {KEY_ENV} est vide : créez une clé d'API dans votre "
                "espace data.gouv.fr (Profil > Clés d'API) sur la plateforme visée, puis lancez "
                f"« export {KEY_ENV}=<votre clé> » avant la commande (jamais en option)."
            )
        return cls(target, key or None, **kwargs)

    def __repr__(self) -> str:
        return f"Client({self.base_url!r}, key={'set' if self.__key else 'none'})"

    @property
    def writes(self) -> int:
        """Requests that may change remote state (every non-GET request)."""
        return sum(n for m, n in self.stats.items() if m in {"POST", "PUT", "DELETE", "PATCH"})

    # -- HTTP ------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        timeout: float | None = None,
        expected_json: bool = True,
        raw: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Send one request (retrying idempotent ones) and return its JSON body (or None);
        with ``raw``, the response itself."""
        method = method.upper()
        url = self.url(path)
        headers = dict(kwargs.pop("headers", None) or {})
        if self.__key:
            headers[KEY_HEADER] = self.__key
        attempts = 1 + (self.retries if method in IDEMPOTENT else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            self.stats[method] += 1
            try:
                response = self.session.request(
                    method, url, headers=headers, timeout=timeout or self.timeout, **kwargs
                )
            except requests.Timeout:
                if last:
                    raise errors.RemoteTimeout(method, url) from None
                self.sleep(self._delay(attempt, None))
                continue
            except requests.ConnectionError:
                if last:
                    raise errors.RemoteConnectionError(method, url) from None
                self.sleep(self._delay(attempt, None))
                continue
            if response.status_code in RETRY_STATUSES and not last:
                self.sleep(self._delay(attempt, response.headers.get("Retry-After")))
                continue
            if response.status_code >= 400:
                raise self._error(method, url, response)
            if raw:
                return response
            if response.status_code == 204 or not response.content or not expected_json:
                return None
            return response.json()
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                seconds = float(retry_after)
            except ValueError:
                try:
                    when = parsedate_to_datetime(retry_after)
                    seconds = when.timestamp() - time.time()
                except (TypeError, ValueError):
                    seconds = 0.0
            if seconds > 0:
                return min(seconds, MAX_RETRY_AFTER)
        return self.backoff * (2**attempt)

    def _error(self, method: str, url: str, response: requests.Response) -> errors.ApiError:
        message = _server_message(response)
        if self.__key and self.__key in message:
            message = message.replace(self.__key, "***")
        cls = errors.error_for_status(response.status_code)
        if response.status_code == 400 and "permission denied" in message.lower():
            # udata answers 400 {"errors": {"organization": ["Permission denied for this
            # organization"]}} when a non-member creates a dataset for the organisation.
            cls = errors.Forbidden
        return cls(method, url, response.status_code, message, response.headers.get("X-Sentry-ID"))

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None)

    def put(self, path: str, payload: Any) -> Any:
        return self.request("PUT", path, json=payload)

    def post(self, path: str, payload: Any) -> Any:
        return self.request("POST", path, json=payload)

    def paginate(self, path: str, page_size: int = 100, **params: Any) -> Iterator[dict]:
        """Every item of a paginated listing (``{data, total, ...}``), page by page."""
        page, seen = 1, 0
        while True:
            body = self.get(path, page=page, page_size=page_size, **params)
            items = body.get("data") or []
            yield from items
            seen += len(items)
            if not items or not body.get("next_page") or seen >= (body.get("total") or 0):
                return
            page += 1

    # -- API operations --------------------------------------------------------------------

    def download(self, url: str, dest: Path) -> Path:
        """GET ``url`` (following redirects, e.g. a resource's ``latest``) into ``dest``."""
        response = self.request("GET", url, raw=True, headers={"Accept": "*/*"})
        dest.write_bytes(response.content)
        return dest

    def organization(self, slug: str) -> dict:
        return self.get(f"/api/1/organizations/{slug}/")

    def organization_datasets(self, org: str) -> Iterator[dict]:
        return self.paginate(f"/api/1/organizations/{org}/datasets/")

    def dataset(self, dataset_id: str) -> dict:
        return self.get(f"/api/1/datasets/{dataset_id}/")

    def resources(self, dataset_id: str) -> list[dict]:
        return list(self.paginate(f"/api/2/datasets/{dataset_id}/resources/", page_size=50))

    def resource(self, dataset_id: str, resource_id: str) -> dict:
        return self.get(f"/api/1/datasets/{dataset_id}/resources/{resource_id}/")

    def licenses(self) -> list[dict]:
        return self.get("/api/1/datasets/licenses/")

    def extensions(self) -> set[str]:
        """File extensions the server accepts for uploads (lower case, no dot)."""
        return {str(e).lower().lstrip(".") for e in self.get("/api/1/datasets/extensions/")}

    def create_dataset(self, payload: dict) -> dict:
        return self.post("/api/1/datasets/", payload)

    def update_dataset(self, dataset_id: str, payload: dict) -> dict:
        return self.put(f"/api/1/datasets/{dataset_id}/", payload)

    def update_resource(self, dataset_id: str, resource_id: str, payload: dict) -> dict:
        return self.put(f"/api/1/datasets/{dataset_id}/resources/{resource_id}/", payload)

    def upload(
        self,
        dataset_id: str,
        path: Path,
        *,
        resource_id: str | None = None,
        filename: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> dict:
        """Upload ``path`` as a new resource, or as the new file of ``resource_id``.

        Never retried: a failed upload may still have been stored (see the sync's recovery).
        """
        filename = filename or path.name
        endpoint = (
            f"/api/1/datasets/{dataset_id}/resources/{resource_id}/upload/"
            if resource_id
            else f"/api/1/datasets/{dataset_id}/upload/"
        )
        self._space_upload(dataset_id, filename)
        self.stats["upload"] += 1
        try:
            size = path.stat().st_size
            if size <= self.chunk_threshold:
                with path.open("rb") as handle:
                    body = self.request(
                        "POST",
                        endpoint,
                        files={"file": (filename, handle)},
                        timeout=self.upload_timeout,
                    )
                if progress:
                    progress(size)
                return body
            return self._upload_chunks(endpoint, path, filename, size, progress)
        finally:
            self._last_upload[(dataset_id, filename)] = self.clock()

    def _upload_chunks(
        self, endpoint: str, path: Path, filename: str, size: int, progress: ProgressCallback | None
    ) -> dict:
        upload_id = str(uuid.uuid4())
        total = math.ceil(size / self.chunk_size)
        with path.open("rb") as handle:
            for index in range(total):
                offset = handle.tell()
                part = handle.read(self.chunk_size)
                fields = {
                    "uuid": upload_id,
                    "filename": filename,
                    "partindex": str(index),
                    "partbyteoffset": str(offset),
                    "totalparts": str(total),
                    "chunksize": str(len(part)),
                }
                self.request(
                    "POST",
                    endpoint,
                    data=fields,
                    files={"file": (filename, part)},
                    timeout=self.upload_timeout,
                )
                if progress:
                    progress(len(part))
        final = {"uuid": upload_id, "filename": filename, "totalparts": str(total)}
        return self.request("POST", endpoint, data=final, timeout=self.upload_timeout)

    def _space_upload(self, dataset_id: str, filename: str) -> None:
        last = self._last_upload.get((dataset_id, filename))
        if last is not None:
            wait = UPLOAD_SPACING - (self.clock() - last)
            if wait > 0:
                self.sleep(wait)


def _server_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:300] if "<html" not in text[:200].lower() else ""
    if isinstance(body, dict):
        if body.get("message"):
            return str(body["message"])[:500]
        if body.get("errors"):
            found = body["errors"]
            if isinstance(found, dict):
                return "; ".join(f"{k} : {v}" for k, v in found.items())[:500]
            return str(found)[:500]
        if body.get("error"):
            return str(body["error"])[:500]
    return str(body)[:300]
