"""The HTML report in a real browser: images load, nothing fails, no code shows.

Runs Debian's Chromium through Playwright. The browser downloads of
``playwright install`` are not used, so the tests skip without
/usr/bin/chromium or without the playwright package.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iku_nb.params import parse_parameters
from iku_nb.run import ReportSpec, run_report

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[1]
# Flags for a headless, offline browser. Without the networking flags
# Chromium keeps trying to reach Google services from a closed network.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    """Produce the 2025 yearly report from the sample data and return its HTML."""
    output = tmp_path_factory.mktemp("laporan")
    params = parse_parameters({"tahun": 2025, "data": str(REPO / "data")})
    files = run_report(ReportSpec(params, ("html",)), output)
    return files["html"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install the Debian package chromium")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install playwright)")

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900})
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def loaded_page(browser, report_html):
    """Open the report once and return the page with its console errors and failed requests."""
    page = browser.new_page()
    console_errors: list[str] = []
    failed_requests: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.on("requestfailed", lambda request: failed_requests.append(
        f"{request.url}: {request.failure}"))
    page.goto(report_html.as_uri(), wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, console_errors, failed_requests


def test_browser_images_loaded(loaded_page):
    page, _, _ = loaded_page
    images = page.eval_on_selector_all("img", """elements => elements.map(image => {
        const box = image.getBoundingClientRect();
        return {src: image.src.slice(0, 60), complete: image.complete,
                naturalWidth: image.naturalWidth, width: box.width, height: box.height};
    })""")
    assert images, "the report contains no <img>"
    for image in images:
        assert image["complete"], f"image not finished loading: {image}"
        assert image["naturalWidth"] > 0, f"image failed to decode: {image}"
        assert image["width"] > 0, f"image rendered with zero width: {image}"
        assert image["height"] > 0, f"image rendered with zero height: {image}"


def test_browser_no_console_errors(loaded_page):
    _, console_errors, _ = loaded_page
    assert console_errors == []


def test_browser_no_failed_requests(loaded_page):
    _, _, failed_requests = loaded_page
    assert failed_requests == []


def test_browser_no_visible_code(loaded_page):
    page, _, _ = loaded_page
    # Markdown cells also render inside .jp-InputArea, so only the input
    # areas of code cells count as code.
    for selector in (".jp-CodeCell .jp-InputArea", ".jp-CodeMirrorEditor", ".jp-InputPrompt"):
        visible = [element for element in page.query_selector_all(selector)
                   if element.is_visible()]
        assert visible == [], f"{len(visible)} visible {selector} elements"
    code_blocks = [element.inner_text() for element in page.query_selector_all("pre")
                   if element.is_visible() and "import " in element.inner_text()]
    assert code_blocks == []


def test_browser_report_text(loaded_page):
    page, _, _ = loaded_page
    text = page.inner_text("body")
    assert "Tahun 2025" in text
    assert "%" in text
    assert "Traceback" not in text


def test_browser_screenshot(loaded_page, tmp_path):
    page, _, _ = loaded_page
    screenshot = tmp_path / "laporan.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # A blank 1280-pixel-wide page compresses to about 8 kB (measured with Chromium 156).
    assert screenshot.stat().st_size > 20_000
