"""pytest fixtures starting the real udata server (tests/udata/server.py) for the suite.

Import them from tests/conftest.py: ``from tests.udata.fixtures import *  # noqa: F403``.
The udata venv is mandatory: without it the tests FAIL and say to run ``make test``.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from pathlib import Path

import pytest

from tests.udata.faultproxy import FaultProxy

ROOT = Path(__file__).resolve().parents[2]
UDATA_PYTHON = ROOT / ".venv-udata" / "bin" / "python"
SERVER = ROOT / "tests" / "udata" / "server.py"
START_TIMEOUT = 120


@pytest.fixture(scope="session")
def udata_server():
    """A running udata: dict with base_url, api_key, outsider_api_key, org_slug, org_id."""
    if not UDATA_PYTHON.exists():
        pytest.fail(
            f"{UDATA_PYTHON} is missing: run `make test` (it builds .venv-udata from "
            "tests/udata/requirements.txt) or `make .venv-udata/.installed`.",
            pytrace=False,
        )
    env = {k: v for k, v in os.environ.items() if k not in {"UDATA_SETTINGS", "PYTHONPATH"}}
    proc = subprocess.Popen(
        [str(UDATA_PYTHON), str(SERVER), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    # Leaving the block closes the server's pipes and the selector (else a ResourceWarning).
    with proc, selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        line = ""
        if selector.select(timeout=START_TIMEOUT):
            line = proc.stdout.readline()
        if not line:
            proc.kill()
            err = proc.stderr.read() if proc.poll() is not None else ""
            pytest.fail(f"udata test server did not start:\n{err[-3000:]}", pytrace=False)
        info = json.loads(line)
        try:
            yield info
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            print(f"udata server {proc.pid} stopped", file=sys.stderr)


@pytest.fixture
def fault_proxy(udata_server):
    """A counting, fault-injecting proxy in front of the session's udata server."""
    proxy = FaultProxy(udata_server["base_url"])
    try:
        yield proxy
    finally:
        proxy.close()
