"""HTTP helpers of the udata client: URL checks, a session that keeps the API key to its
origin and refuses cookies, the server's message from an error answer."""

from __future__ import annotations

import http.cookiejar
from urllib.parse import quote, urlsplit

import requests

from pipeline.errors import ConfigError
from pipeline.jsondepth import loads

KEY_HEADER = "X-API-KEY"
DEFAULT_PORTS = {"http": 80, "https": 443}


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a usable http(s) URL (in French), or None."""
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return "espace ou caractère de contrôle"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError when out of range
    except ValueError as exc:
        return "port hors limites" if "port" in str(exc).lower() else "adresse mal formée"
    if parts.scheme.lower() not in ("http", "https"):
        return "ni http ni https"
    if not parts.hostname:
        return "nom d'hôte absent"
    return None


class RefuseAllCookies(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie, request) -> bool:  # noqa: D102
        return False

    def return_ok(self, cookie, request) -> bool:  # noqa: D102
        return False


class KeySafeSession(requests.Session):
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


def check_key(key: str, variable: str) -> None:
    """Refuse a key that cannot be an HTTP header value: a line break would fail as an
    « unexpected answer », a non-latin-1 character as a UnicodeEncodeError."""
    if not key.isascii() or any(not c.isprintable() or c.isspace() for c in key):
        raise ConfigError(
            f"La variable d'environnement {variable} contient une espace, un saut de ligne, "
            "un caractère de contrôle ou non ASCII : une clé d'API data.gouv.fr n'en a "
            "jamais (copie incomplète ou avec du texte autour ?). Copiez de nouveau la clé "
            "depuis votre espace data.gouv.fr (Profil > Clés d'API), puis lancez "
            f"« export {variable}=<votre clé> »."
        )


def answer_json(response: requests.Response):
    """The JSON of an answer, read as untrusted: ``ValueError`` when it is not JSON, or is
    nested too deep (Python's parser would overflow its stack), or holds NaN or an integer
    too long to convert (:func:`pipeline.jsondepth.loads`)."""
    return loads(response.text)


def server_message(response: requests.Response) -> str:
    try:
        body = answer_json(response)
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


def api_path(version: int, *segments: str) -> str:
    """``/api/<version>/<segment>/…/``, each segment (the ids and slugs too) quoted as one
    path segment: a ``/``, ``?`` or ``#`` in an id cannot change the URL."""
    return f"/api/{version}/" + "".join(f"{quote(segment, safe='')}/" for segment in segments)
