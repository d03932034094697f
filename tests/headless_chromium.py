"""Load a local HTML file in Debian's headless Chromium and report what it rendered and
which network requests the page itself attempted (from Chromium's net log)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL_HINT = (
    "Chromium est introuvable : installez-le avec `apt-get install chromium` (Debian/Ubuntu), "
    "ou indiquez son chemin dans CHROMIUM_BIN. Chromium not found: install it with "
    "`apt-get install chromium`, or set CHROMIUM_BIN. (`make test` installs it when run as root.)"
)

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Nothing leaves the machine, even if the page tried.
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def chromium_binary() -> str:
    """The browser to use; fails (never skips) with install instructions when missing."""
    candidate = os.environ.get("CHROMIUM_BIN") or "chromium"
    found = shutil.which(candidate)
    if not found:
        pytest.fail(INSTALL_HINT, pytrace=False)
    return found


@dataclass
class Rendered:
    dom: str
    page_requests: list[str]  # URLs the page itself tried to fetch over the network
    screenshot: Path | None


def page_requests(net_log: Path) -> list[str]:
    """URLs requested on behalf of a page. Chromium's own background requests (update
    checks, account probes) carry the initiator 'not an origin' and are left out."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if (
            event["type"] == start_job
            and "url" in params
            and params.get("initiator") != "not an origin"
        ):
            urls.append(params["url"])
    return urls


def render(html_file: Path, work: Path, *, screenshot: bool = False) -> Rendered:
    """Dump the DOM of ``html_file`` after load (and optionally a 1280-px screenshot)."""
    binary = chromium_binary()
    url = html_file.resolve().as_uri()
    net_log = work / "net-log.json"
    base = [binary, *FLAGS, f"--user-data-dir={work / 'profile'}", f"--log-net-log={net_log}"]
    result = subprocess.run(
        [*base, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    requests = page_requests(net_log)
    shot = None
    if screenshot:
        shot = work / "screenshot.png"
        shot_log = work / "net-log-screenshot.json"
        run = subprocess.run(
            [
                binary,
                *FLAGS,
                f"--user-data-dir={work / 'profile-shot'}",
                f"--log-net-log={shot_log}",
                "--window-size=1280,1400",
                f"--screenshot={shot}",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        requests += page_requests(shot_log)
    return Rendered(dom=result.stdout, page_requests=requests, screenshot=shot)
