"""A thin client for the udata API (data.gouv.fr) on requests.

Timeouts on every call; GET/PUT/DELETE retried with backoff on 429/502/503/504 and connection
errors (honouring ``Retry-After``); POST never retried; cookies refused (a key-authenticated
request sets a session cookie that would otherwise authenticate later calls); chunked uploads
above 20 MB; uploads of one file name to one dataset spaced by more than a second (udata answers
500 to two in the same second). The key is read from ``DATAGOUV_API_KEY``, never shown, and
never sent on to another origin by a redirect.
"""

from __future__ import annotations

import math
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import requests
import urllib3

from pipeline import __version__
from pipeline.datagouv import errors
from pipeline.datagouv.http import (
    KEY_HEADER,
    KeySafeSession,
    RefuseAllCookies,
    answer_json,
    api_path,
    check_key,
    server_message,
    url_problem,
)
from pipeline.errors import ConfigError
from pipeline.messages import shorten

TARGETS = {"demo": "https://demo.data.gouv.fr", "prod": "https://www.data.gouv.fr"}
KEY_ENV = "DATAGOUV_API_KEY"
USER_AGENT = (
    f"anct-pipeline/{__version__} (+https://agence-cohesion-territoires.gouv.fr; "
    "publication des données ouvertes de l'ANCT)"
)
CHUNK_THRESHOLD = 20_000_000
RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE", "HEAD"})
MAX_RETRY_AFTER = 30.0  # a server asking for more is not waited for longer
MAX_ANSWER = 50_000_000  # an API answer (JSON) larger than this is refused
MAX_ERROR_BODY = 65_536  # of an error answer, only the start is read (for its message)
MAX_DOWNLOAD = 2_000_000_000  # a downloaded file larger than this is refused
DEADLINE = 600.0  # seconds to read one body, whatever the pace of the server
CHUNK = 1 << 16
UPLOAD_SPACING = 1.1  # seconds between two uploads of the same file name to one dataset

ProgressCallback = Callable[[int], None]


def resolve_base_url(target: str) -> str:
    """``demo``, ``prod`` or the root URL of any udata server (no ``/api/1`` suffix)."""
    if target in TARGETS:
        return TARGETS[target]
    if target.startswith(("http://", "https://")):
        why = url_problem(target)
        if why:
            raise ConfigError(
                f"Adresse « {shorten(target)} » invalide ({why}) : donnez l'adresse d'un "
                "serveur udata, par exemple http://127.0.0.1:7000."
            )
        root = target.rstrip("/")
        for suffix in ("/api/1", "/api/2"):
            root = root.removesuffix(suffix)
        return root
    raise ConfigError(
        f"Cible « {target} » inconnue : utilisez demo, prod ou l'adresse d'un serveur udata "
        "(par exemple http://127.0.0.1:7000)."
    )


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
        max_answer: int = MAX_ANSWER,
        max_download: int = MAX_DOWNLOAD,
        deadline: float = DEADLINE,
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
        self.max_answer = max_answer
        self.max_download = max_download
        self.deadline = deadline
        self.stats: Counter[str] = Counter()
        self._last_upload: dict[tuple[str, str], float] = {}
        self.session = KeySafeSession()
        self.session.cookies.set_policy(RefuseAllCookies())
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        self.session.max_redirects = 10

    @classmethod
    def from_env(cls, target: str, *, required: bool = True, **kwargs: Any) -> Client:
        key = os.environ.get(KEY_ENV, "").strip()
        if required and not key:
            raise ConfigError(
                f"La variable d'environnement {KEY_ENV} est vide : créez une clé d'API dans votre "
                "espace data.gouv.fr (Profil > Clés d'API) sur la plateforme visée, puis lancez "
                f"« export {KEY_ENV}=<votre clé> » avant la commande (jamais en option)."
            )
        check_key(key, KEY_ENV)
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
                    method,
                    url,
                    headers=headers,
                    timeout=timeout or self.timeout,
                    stream=True,
                    **kwargs,
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
            except requests.TooManyRedirects:
                raise errors.MalformedAnswer(method, url, None, "trop de redirections") from None
            except requests.RequestException as exc:  # a redirect to file:, a bad Location…
                raise errors.MalformedAnswer(
                    method, url, None, f"redirection ou adresse refusée ({type(exc).__name__})"
                ) from None
            if response.status_code in RETRY_STATUSES and not last:
                response.close()
                self.sleep(self._delay(attempt, response.headers.get("Retry-After")))
                continue
            if response.status_code >= 400:
                self._read_body(response, method, url, MAX_ERROR_BODY, truncate=True)
                raise self._error(method, url, response)
            if raw:
                return response
            self._read_body(response, method, url, self.max_answer)
            if response.status_code == 204 or not response.content or not expected_json:
                return None
            try:
                return answer_json(response)
            except ValueError:
                raise errors.MalformedAnswer(
                    method, url, response.status_code, "réponse qui n'est pas du JSON lisible"
                ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def chunks(
        self, response: requests.Response, method: str, url: str, limit: int
    ) -> Iterator[bytes]:
        """The body of a streamed ``response``, chunk by chunk: at most ``limit`` bytes
        (else :class:`errors.TooLargeAnswer`), within :attr:`deadline` seconds in all (else
        :class:`errors.RemoteTimeout`), whatever the pace of the server."""
        end = self.clock() + self.deadline
        size = 0
        try:
            # read1: what one read of the socket gives, so that the deadline is checked
            # even when a server sends a byte at a time (iter_content waits for a full chunk)
            while chunk := response.raw.read1(CHUNK, decode_content=True):
                size += len(chunk)
                if size > limit:
                    raise errors.TooLargeAnswer(method, url, response.status_code)
                if self.clock() > end:
                    raise errors.RemoteTimeout(method, url)
                yield chunk
        except (requests.Timeout, urllib3.exceptions.TimeoutError):
            raise errors.RemoteTimeout(method, url) from None
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
            raise errors.RemoteConnectionError(method, url) from None  # cut, bad encoding…
        finally:
            response.close()

    def _read_body(
        self,
        response: requests.Response,
        method: str,
        url: str,
        limit: int,
        *,
        truncate: bool = False,
    ) -> None:
        """Read a streamed body into ``response.content``, bounded (see :meth:`chunks`)."""
        parts: list[bytes] = []
        try:
            for chunk in self.chunks(response, method, url, limit):
                parts.append(chunk)
        except errors.TooLargeAnswer:
            if not truncate:
                raise
        response._content = b"".join(parts)[: limit if truncate else None]

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
        message = server_message(response)
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

    def _object(self, path: str, **params: Any) -> dict:
        """A GET whose answer must be a JSON object (else :class:`errors.MalformedAnswer`)."""
        body = self.get(path, **params)
        if not isinstance(body, dict):
            raise errors.MalformedAnswer("GET", self.url(path), 200, "pas un objet JSON")
        return body

    def put(self, path: str, payload: Any) -> Any:
        return self.request("PUT", path, json=payload)

    def post(self, path: str, payload: Any) -> Any:
        return self.request("POST", path, json=payload)

    def paginate(self, path: str, page_size: int = 100, **params: Any) -> Iterator[dict]:
        """Every item of a paginated listing (``{data, total, ...}``), page by page."""
        page, seen = 1, 0
        while True:
            body = self._object(path, page=page, page_size=page_size, **params)
            items = body.get("data") or []
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise errors.MalformedAnswer(
                    "GET", self.url(path), 200, "« data » n'est pas une liste d'objets"
                )
            yield from items
            seen += len(items)
            if not items or not body.get("next_page") or seen >= (body.get("total") or 0):
                return
            page += 1

    # -- API operations --------------------------------------------------------------------

    def download(self, url: str, dest: Path) -> Path:
        """GET ``url`` (following redirects, e.g. a resource's ``latest``) into ``dest``,
        streamed to disk: at most :attr:`max_download` bytes within :attr:`deadline`. The bytes
        go to a ``.part`` file, renamed once all are here and removed otherwise: ``dest``
        never holds half a file."""
        response = self.request("GET", url, raw=True, headers={"Accept": "*/*"})
        part = dest.with_name(dest.name + ".part")
        try:
            with part.open("wb") as handle:
                for chunk in self.chunks(response, "GET", url, self.max_download):
                    handle.write(chunk)
            part.replace(dest)
        finally:
            part.unlink(missing_ok=True)
        return dest

    def organization(self, slug: str) -> dict:
        path = api_path(1, "organizations", slug)
        found = self._object(path)
        if not isinstance(found.get("id"), str):
            raise errors.MalformedAnswer("GET", self.url(path), 200, "pas d'« id »")
        return found

    def organization_datasets(self, org: str) -> Iterator[dict]:
        return self.paginate(api_path(1, "organizations", org, "datasets"))

    def dataset(self, dataset_id: str) -> dict:
        return self._object(api_path(1, "datasets", dataset_id))

    def resources(self, dataset_id: str) -> list[dict]:
        return list(self.paginate(api_path(2, "datasets", dataset_id, "resources"), page_size=50))

    def resource(self, dataset_id: str, resource_id: str) -> dict:
        return self._object(api_path(1, "datasets", dataset_id, "resources", resource_id))

    def licenses(self) -> list[dict]:
        return self.get("/api/1/datasets/licenses/")

    def extensions(self) -> set[str]:
        """File extensions the server accepts for uploads (lower case, no dot)."""
        found = self.get("/api/1/datasets/extensions/")
        if not isinstance(found, list):
            raise errors.MalformedAnswer(
                "GET", self.url("/api/1/datasets/extensions/"), 200, "pas une liste"
            )
        return {str(e).lower().lstrip(".") for e in found}

    def create_dataset(self, payload: dict) -> dict:
        return self.post("/api/1/datasets/", payload)

    def update_dataset(self, dataset_id: str, payload: dict) -> dict:
        return self.put(api_path(1, "datasets", dataset_id), payload)

    def update_resource(self, dataset_id: str, resource_id: str, payload: dict) -> dict:
        return self.put(api_path(1, "datasets", dataset_id, "resources", resource_id), payload)

    def delete_resource(self, dataset_id: str, resource_id: str) -> None:
        path = api_path(1, "datasets", dataset_id, "resources", resource_id)
        self.request("DELETE", path, expected_json=False)

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
            api_path(1, "datasets", dataset_id, "resources", resource_id, "upload")
            if resource_id
            else api_path(1, "datasets", dataset_id, "upload")
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
