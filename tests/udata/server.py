"""Run the real udata 17.18 API offline, on mongomock, with a seeded organisation.

Run it with the udata venv (never the project venv):

    .venv-udata/bin/python tests/udata/server.py --port 7000

Once ready it prints one JSON line on stdout: ``base_url``, ``api_key`` (a member of the
organisation), ``outsider_api_key`` (a valid key whose user is not a member), ``org_slug``,
``org_id`` and ``fs_root``; then it serves until killed. ``--port 0`` picks a free port.
All state lives in memory and in a temporary folder deleted on exit.
See docs/publish.md and ../shared/docs/datagouv-api.md §12.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import uuid
from pathlib import Path

DEFAULT_ORG_NAME = "Agence nationale de la cohésion des territoires"

LICENSES = [
    (
        "lov2",
        "Licence Ouverte / Open Licence version 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
    ),
    (
        "odc-odbl",
        "Open Data Commons Open Database License (ODbL)",
        "https://opendatacommons.org/licenses/odbl/summary/",
    ),
    ("notspecified", "License Not Specified", None),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_settings(folder: Path, port: int) -> Path:
    fs_root = folder / "fs"
    fs_root.mkdir()
    settings = folder / "udata.cfg"
    settings.write_text(
        "import mongomock\n"
        f"SECRET_KEY = {uuid.uuid4().hex!r}\n"
        f"API_TOKEN_SECRET = {uuid.uuid4().hex!r}\n"
        "MONGODB_HOST = 'mongodb://localhost:27017/udata'\n"
        "MONGODB_SETTINGS = {'host': 'mongodb://localhost:27017/udata',"
        " 'mongo_client_class': mongomock.MongoClient, 'connect': False}\n"
        "CACHE_TYPE = 'NullCache'\n"
        f"SERVER_NAME = '127.0.0.1:{port}'\n"
        "PREFERRED_URL_SCHEME = 'http'\n"
        f"FS_ROOT = {str(fs_root)!r}\n"
        "FS_SERVE = True\n"
        "URLS_ALLOW_LOCAL = True\n"
        "PLUGINS = []\n"
        "CELERY_TASK_ALWAYS_EAGER = True\n"
        "TESTING = False\n"
        "DEBUG = False\n",
        encoding="utf-8",
    )
    return settings


def seed(app, org_name: str) -> dict:
    """Licences, spatial vocabulary, a member user with a token, an outsider with a token."""
    from udata.core.api_token.models import ApiToken
    from udata.core.dataset.models import License
    from udata.core.organization.models import Member, Organization
    from udata.core.spatial.models import GeoLevel, GeoZone
    from udata.core.user.models import User

    with app.app_context():
        for lid, title, url in LICENSES:
            License(id=lid, title=title, url=url, maintainer="Etalab", active=True).save()
        GeoLevel(id="country", name="Pays", admin_level=10).save()
        GeoLevel(id="fr:region", name="Région", admin_level=40).save()
        GeoLevel(id="fr:departement", name="Département", admin_level=60).save()
        GeoLevel(id="fr:commune", name="Commune", admin_level=80).save()
        GeoZone(id="country:fr", slug="france", name="France", code="fr", level="country").save()

        def user(first: str, email: str) -> User:
            return User(
                first_name=first,
                last_name="Test",
                email=email,
                active=True,
                fs_uniquifier=uuid.uuid4().hex,
            ).save()

        member = user("Agent", "agent@example.org")
        outsider = user("Externe", "externe@example.org")
        org = Organization(
            name=org_name,
            description="Organisation de test (serveur udata local).",
            members=[Member(user=member, role="admin")],
        ).save()
        _, key = ApiToken.generate(member, name="pipeline")
        _, outsider_key = ApiToken.generate(outsider, name="outsider")
        return {
            "api_key": key,
            "outsider_api_key": outsider_key,
            "org_slug": org.slug,
            "org_id": str(org.id),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description="Local udata server for contract tests.")
    parser.add_argument("--port", type=int, default=7000, help="0 picks a free port")
    parser.add_argument("--org-name", default=DEFAULT_ORG_NAME)
    args = parser.parse_args()

    port = args.port or free_port()
    folder = Path(tempfile.mkdtemp(prefix="udata-"))
    os.environ["UDATA_SETTINGS"] = str(write_settings(folder, port))

    def cleanup(*_):
        shutil.rmtree(folder, ignore_errors=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, cleanup)
    signal.signal(signal.SIGINT, cleanup)

    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from udata.app import create_app, standalone
    from werkzeug.serving import make_server

    app = standalone(create_app())
    info = seed(app, args.org_name)
    server = make_server("127.0.0.1", port, app, threaded=True)
    info.update(base_url=f"http://127.0.0.1:{port}", fs_root=str(folder / "fs"))
    print(json.dumps(info), flush=True)
    print(
        f"udata local prêt sur {info['base_url']} (organisation {info['org_slug']}).\n"
        "Pour répéter une publication dans un autre terminal :\n"
        f"  export DATAGOUV_API_KEY={info['api_key']}\n"
        f"  pipeline publish --to {info['base_url']}\n"
        "Tout est en mémoire et disparaît à l'arrêt (Ctrl+C).",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
