"""Page layout of real PDF reports (papermill, nbconvert, WeasyPrint), read back with pypdfium2.

One yearly, one quarterly and one bidang report of the sample data are
made once for the module. pypdfium2 gives each character's box, so the
tests see text that WeasyPrint drew outside the page, which pypdf's text
extraction still returns.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT

from iku_nb.params import parse_parameters
from iku_nb.run import ReportSpec, run_report

pdfium = pytest.importorskip("pypdfium2")
pdfium_raw = pytest.importorskip("pypdfium2.raw")
pytest.importorskip("weasyprint")

pytestmark = pytest.mark.slow

DATA = str(ROOT / "data")
MARGIN = 12.7 / 25.4 * 72  # the @page margin of print.css, in points
TOLERANCE = 1.0  # points
# The chapters of an LKjIP, each of which starts on a new page.
CHAPTER = re.compile(r"(Ikhtisar Eksekutif|Bab [IV]+ |Lampiran)")
FOOTER = re.compile(r"Halaman \d+ dari \d+")


def _parameters(name: str) -> dict:
    return yaml.safe_load((ROOT / "parameters" / name).read_text(encoding="utf-8"))


REPORTS = {
    "tahunan": lambda: _parameters("2025.yaml"),
    "triwulan": lambda: {"tahun": 2025, "triwulan": 2},
    "bidang": lambda: {"tahun": 2025, "triwulan": 2, "bidang": "poldagri"},
}


class Report:
    """A made report: its HTML and, for each PDF page, the body's lines and how full it is."""

    def __init__(self, html: str, pdf: Path) -> None:
        self.soup = BeautifulSoup(html, "html.parser")
        document = pdfium.PdfDocument(str(pdf))
        self.outside: list[tuple[int, str]] = []
        self.pages: list[list[str]] = []
        self.filled: list[float] = []
        for number, page in enumerate(document, start=1):
            width, height = page.get_size()
            text = page.get_textpage()
            for index in range(text.count_rects()):
                left, bottom, right, top = text.get_rect(index)
                if left < MARGIN - TOLERANCE or right > width - MARGIN + TOLERANCE:
                    self.outside.append((number, text.get_text_bounded(left, bottom, right, top)))
            # The running header and the footer sit in the top and bottom margins.
            body = text.get_text_bounded(MARGIN - TOLERANCE, MARGIN, width - MARGIN + TOLERANCE,
                                         height - MARGIN)
            # PDFium returns a hyphen that ends a line as U+0002.
            lines = [" ".join(line.replace("\x02", "-").split()) for line in body.splitlines()]
            self.pages.append([line for line in lines if line])
            bottoms = [item.get_bounds()[1] for item in page.get_objects(
                filter=[pdfium_raw.FPDF_PAGEOBJ_TEXT, pdfium_raw.FPDF_PAGEOBJ_IMAGE],
                max_depth=5)]
            lowest = min((b for b in bottoms if b >= MARGIN - TOLERANCE), default=height)
            self.filled.append((height - MARGIN - lowest) / (height - 2 * MARGIN))
        document.close()

    def body(self, number: int) -> list[str]:
        """Return the text lines of a page inside its margins."""
        return self.pages[number - 1]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Report]:
    output = tmp_path_factory.mktemp("output")
    built = {}
    for name, raw in REPORTS.items():
        spec = ReportSpec(parse_parameters({**raw(), "data": DATA}), ("html", "pdf"))
        files = run_report(spec, output)
        built[name] = Report(files["html"].read_text(encoding="utf-8"), files["pdf"])
    return built


def _squeezed(text: str) -> str:
    """Return the text without whitespace, as a cell's text reads in any line wrapping."""
    return "".join(text.split())


def _first_missing_in_order(printed: str, texts: list[str]) -> str | None:
    """Return the first of ``texts`` that ``printed`` lacks after the texts before it."""
    position = 0
    for text in texts:
        found = printed.find(text, position)
        if found < 0:
            return text
        position = found + len(text)
    return None


@pytest.mark.parametrize("kind", REPORTS)
def test_pdf_text_inside_margins(reports, kind):
    assert reports[kind].outside == []


@pytest.mark.parametrize("kind", REPORTS)
def test_pdf_every_table_cell_printed(reports, kind):
    """Every cell of every table, header included, is drawn inside the page margins."""
    report = reports[kind]
    printed = _squeezed(" ".join(" ".join(lines) for lines in report.pages))
    for table in report.soup.find_all("table"):
        caption = table.find("caption")
        name = caption.get_text(" ", strip=True) if caption else table.find("th").get_text()
        # WeasyPrint draws a table cell by cell, row by row, so the cells
        # come in document order in the page text.
        cells = [_squeezed(cell.get_text()) for cell in table.find_all(["th", "td"])]
        missing = _first_missing_in_order(printed, cells)
        assert missing is None, f"{kind}: {name}: {missing!r} not printed"


@pytest.mark.parametrize("kind", REPORTS)
def test_pdf_heading_not_last_on_page(reports, kind):
    """A heading has at least three lines under it, unless its part ends on that page."""
    report = reports[kind]
    headings = {" ".join(h.get_text(" ").split())
                for h in report.soup.find_all(["h2", "h3", "h4", "h5"])}
    # Pages 1 and 2 are the cover and the table of contents.
    for number in range(3, len(report.pages) + 1):
        lines = report.body(number)
        following = report.body(number + 1) if number < len(report.pages) else []
        part_ends = not following or following[0] in headings
        for index, line in enumerate(lines):
            below = len(lines) - index - 1
            if line in headings and not part_ends:
                assert below >= 3, f"{kind} page {number}: {line!r} has {below} lines under it"


@pytest.mark.parametrize("kind", REPORTS)
def test_pdf_caption_has_three_rows(reports, kind):
    """A table's caption and header have its first three rows, or all its rows, under them."""
    report = reports[kind]
    for table in report.soup.find_all("table"):
        caption = table.find("caption")
        if caption is None:
            continue
        title = " ".join(caption.get_text(" ").split())
        rows = [row for row in table.find_all("tr") if row.find_parent("thead") is None]
        expected_rows = [_squeezed(row.find(["th", "td"]).get_text()) for row in rows[:3]]
        # A long caption wraps, so its first line is matched by its start.
        number, index = next((n, i) for n in range(1, len(report.pages) + 1)
                             for i, line in enumerate(report.body(n))
                             if line.startswith(title[:40]))
        rest = _squeezed(" ".join(report.body(number)[index + 1:]))
        missing = _first_missing_in_order(rest, expected_rows)
        assert missing is None, f"{kind} page {number}: {title!r} without its row {missing!r}"


@pytest.mark.parametrize("kind", REPORTS)
def test_pdf_page_filled_unless_chapter_follows(reports, kind):
    """Only the last page of a chapter may stay less than a third full."""
    report = reports[kind]
    for number in range(3, len(report.pages)):
        following = report.body(number + 1)
        if following and CHAPTER.match(following[0]):
            continue
        assert report.filled[number - 1] >= 1 / 3, (
            f"{kind} page {number} is {report.filled[number - 1]:.0%} full before a page "
            f"that starts with {following[:1]}")
