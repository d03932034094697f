"""`make test` makes sure Chromium is there before any test (scripts/ensure-chromium).

Each test runs the real Makefile and script in a copy holding only them, on a machine state
built from stubs: PATH is a single folder with a stub `id` (the user) and, if the case wants
it, a stub `apt-get` that records its calls and "installs" chromium into that folder; the
venvs are up to date and their `python` records the pytest run instead of running it."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

from tests.conftest import ROOT

MAKE = shutil.which("make")
CHMOD = shutil.which("chmod")


def _executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


class Machine:
    def __init__(self, root: Path, *, uid: int, apt_get: bool, chromium: bool = False):
        self.repo = root / "repo"
        self.bin = root / "bin"
        self.apt_log = root / "apt-get.log"
        self.pytest_log = root / "pytest.log"
        (self.repo / "scripts").mkdir(parents=True)
        shutil.copy(ROOT / "Makefile", self.repo / "Makefile")
        shutil.copy(ROOT / "scripts/ensure-chromium", self.repo / "scripts/ensure-chromium")
        for source in ("pyproject.toml", "tests/udata/requirements.txt"):
            (self.repo / source).parent.mkdir(parents=True, exist_ok=True)
            (self.repo / source).write_text("", encoding="utf-8")
            os.utime(self.repo / source, (1_000_000_000, 1_000_000_000))
        for stamp in (".venv/.installed", ".venv/.installed-test", ".venv-udata/.installed"):
            (self.repo / stamp).parent.mkdir(parents=True, exist_ok=True)
            (self.repo / stamp).touch()
        _executable(self.repo / ".venv/bin/python", f'#!/bin/sh\necho "$@" >> {self.pytest_log}\n')
        _executable(self.bin / "id", f"#!/bin/sh\necho {uid}\n")
        if apt_get:
            _executable(
                self.bin / "apt-get",
                "#!/bin/sh\n"
                f'echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> {self.apt_log}\n'
                'if [ "$1" = install ]; then\n'
                f"  printf '#!/bin/sh\\n' > {self.bin}/chromium && {CHMOD} +x {self.bin}/chromium\n"
                "fi\n",
            )
        if chromium:
            _executable(self.bin / "chromium", "#!/bin/sh\n")

    def make_test(self, chromium_bin: str = "") -> subprocess.CompletedProcess:
        env = {"PATH": str(self.bin), "CHROMIUM_BIN": chromium_bin}
        return subprocess.run(
            [MAKE, "test"], cwd=self.repo, env=env, capture_output=True, text=True, check=False
        )

    def apt_calls(self) -> list[str]:
        return self.apt_log.read_text().splitlines() if self.apt_log.exists() else []

    def pytest_ran(self) -> bool:
        return self.pytest_log.exists() and self.pytest_log.read_text() == "-m pytest\n"


def test_root_with_apt_get_installs_chromium_then_runs_the_tests(tmp_path):
    machine = Machine(tmp_path, uid=0, apt_get=True)
    result = machine.make_test()
    assert result.returncode == 0, result.stderr
    assert machine.apt_calls() == [
        "DEBIAN_FRONTEND=noninteractive update -qq",
        "DEBIAN_FRONTEND=noninteractive install -y -qq chromium",
    ]
    assert "installation du paquet Debian chromium" in result.stderr
    assert machine.pytest_ran()


def test_not_root_stops_before_any_test_with_the_command_to_type(tmp_path):
    machine = Machine(tmp_path, uid=1000, apt_get=True)
    result = machine.make_test()
    assert result.returncode == 2
    assert "\n    sudo apt-get install chromium\n" in result.stderr
    assert machine.apt_calls() == []
    assert not machine.pytest_ran()


def test_root_without_apt_get_stops_before_any_test(tmp_path):
    machine = Machine(tmp_path, uid=0, apt_get=False)
    result = machine.make_test()
    assert result.returncode == 2
    assert "Chromium est nécessaire aux tests du rapport HTML et il manque." in result.stderr
    assert "CHROMIUM_BIN=/chemin/vers/chromium make test" in result.stderr
    assert not machine.pytest_ran()


def test_a_chromium_bin_that_does_not_exist_is_refused_not_papered_over(tmp_path):
    machine = Machine(tmp_path, uid=0, apt_get=True)
    result = machine.make_test(chromium_bin="/nowhere/chromium")
    assert result.returncode == 2
    assert "CHROMIUM_BIN=/nowhere/chromium est introuvable" in result.stderr
    assert machine.apt_calls() == []
    assert not machine.pytest_ran()


def test_chromium_present_installs_nothing(tmp_path):
    machine = Machine(tmp_path, uid=0, apt_get=True, chromium=True)
    result = machine.make_test()
    assert result.returncode == 0, result.stderr
    assert machine.apt_calls() == []
    assert machine.pytest_ran()
    assert machine.make_test(chromium_bin=str(machine.bin / "chromium")).returncode == 0
