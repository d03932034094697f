"""The HTML report, rendered by a real headless Chromium (Debian's `chromium` package).

Without Chromium these tests fail with install instructions: they never skip."""

from __future__ import annotations

import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.findings import DatasetResult, FigureCheck, Finding, Report
from pipeline.render.html import render_html
from tests.headless_chromium import render

pytestmark = pytest.mark.browser

SCRIPT_VALUE = "<script>document.body.dataset.pwned='1'</script>"
IMG_VALUE = '<img src="http://tracker.example/x.png" onerror="document.title=\'pwned\'">'
FS_FILE = "data/raw/anct_france_services_20240801.csv"
VA_FILE = "data/raw/anct_villages_avenir_communes_20240112.csv"


def hostile_report() -> Report:
    return Report(
        findings=[
            Finding(
                "france-services",
                "error",
                "type-error",
                "La latitude doit être un nombre décimal (point comme séparateur).",
                FS_FILE,
                14,
                9,
                "latitude",
                SCRIPT_VALUE,
            ),
            Finding(
                "france-services",
                "error",
                "type-error",
                "La longitude doit être un nombre décimal (point comme séparateur).",
                FS_FILE,
                27,
                10,
                "longitude",
                IMG_VALUE,
            ),
            Finding(
                "villages-d-avenir",
                "warning",
                "population-max",
                "La commune 2A004 (Ajaccio) compte 73 000 habitants : le programme vise "
                "les communes de moins de 3 500 habitants.",
                VA_FILE,
                240,
                1,
                "insee_com",
                "2A004",
            ),
        ],  # fmt: skip
        datasets=[
            DatasetResult("france-services", "France Services", {"sites": 2845}, [FS_FILE]),
            DatasetResult("villages-d-avenir", "Villages d'avenir", {"communes": 2458}, [VA_FILE]),
        ],
        figures=[
            FigureCheck(
                "france-services",
                "France Services labellisées",
                2700,
                2845,
                145,
                "écart",
                "sites",
                "nombre de lignes du fichier",
            ),
        ],  # fmt: skip
    )


class _Resources(HTMLParser):
    """Every tag and URL-bearing attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.urls += [v or "" for k, v in attrs if k in {"src", "href", "srcset", "action"}]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("chromium")
    page = work / "validation.html"
    page.write_text(render_html(hostile_report()), encoding="utf-8")
    return render(page, work, screenshot=True)


def test_page_has_no_external_resource_by_construction() -> None:
    parser = _Resources()
    parser.feed(render_html(hostile_report()))
    assert not parser.tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert all(url.startswith("#") for url in parser.urls), parser.urls


def test_chromium_shows_each_finding_with_line_field_and_value(rendered) -> None:
    dom = rendered.dom
    assert "La latitude doit être un nombre décimal (point comme séparateur)." in dom
    assert (
        '<tr class="error"><td class="sev">Erreur</td><td class="num">14</td>'
        '<td class="num">9</td><td>latitude</td>'
    ) in dom
    assert "<code>&lt;script&gt;document.body.dataset.pwned='1'&lt;/script&gt;</code>" in dom
    assert '<td class="num">240</td><td class="num">1</td><td>insee_com</td>' in dom
    assert "<code>2A004</code>" in dom
    assert f"<h4>{FS_FILE} — 2 constats</h4>" in dom
    assert f"<h4>{VA_FILE} — 1 constat</h4>" in dom
    assert '<td class="verdict-ecart">écart</td>' in dom


def test_hostile_cell_values_do_not_run(rendered) -> None:
    dom = rendered.dom
    assert "data-pwned" not in dom  # the <script> value did not execute
    assert "<title>Rapport de validation des données</title>" in dom  # onerror did not run
    assert len(re.findall(r"<script", dom)) == 0
    assert len(re.findall(r"<img", dom)) == 0


def test_page_attempts_no_network_request(rendered) -> None:
    assert rendered.page_requests == []


def test_net_log_check_does_see_a_page_request(tmp_path: Path) -> None:
    """Control: the same check catches a page that does load something remote."""
    page = tmp_path / "remote.html"
    page.write_text('<p>x</p><img src="http://example.invalid/x.png">', encoding="utf-8")
    assert render(page, tmp_path).page_requests == ["http://example.invalid/x.png"]


def test_screenshot_is_a_1280_pixel_wide_png(rendered) -> None:
    data = rendered.screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 1400)
    assert len(data) > 20_000  # a blank page compresses to a few kilobytes
