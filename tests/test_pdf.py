"""PDF writer: a small notebook exported like a report, rendered and read back with pypdf."""

from __future__ import annotations

import base64
import io
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from iku_nb.errors import RunError
from iku_nb.run import _export_html

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("weasyprint")

from iku_nb.pdf import prepare_html, write_pdf  # noqa: E402 - after the skip checks

TITLE = "Laporan Capaian Indikator Kinerja Utama"
OFFICE = "Badan Kesatuan Bangsa dan Politik Kota Mojokerto"
PERIOD = "Triwulan II Tahun 2025"
ROWS = 45  # enough rows for the table to continue on a second page

TABLE_HTML = (
    '<h2>Ringkasan Capaian</h2><table><thead><tr><th>Indikator</th><th>Target</th>'
    "<th>Capaian</th></tr></thead><tbody>"
    + "".join(f"<tr><td>Indikator kinerja {i}</td><td>≥ 80%</td><td>62,50%</td></tr>"
              for i in range(1, ROWS + 1))
    + "</tbody></table>"
)


def _chart_png() -> str:
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    figure, axes = plt.subplots(figsize=(6, 3), dpi=80)
    axes.bar(["2023", "2024", "2025"], [50.0, 60.0, 62.5])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _make_report_html(folder: Path) -> Path:
    """Write an executed-looking notebook and export it as run_report does."""
    table_cell = new_code_cell("tampilkan_ringkasan()", execution_count=1)
    table_cell.outputs = [new_output("display_data", data={"text/html": TABLE_HTML})]
    chart_cell = new_code_cell("import matplotlib.pyplot as plt\ngambar_tren()",
                               execution_count=2)
    chart_cell.outputs = [new_output("display_data", data={
        "image/png": _chart_png(), "text/plain": "<Figure size 480x240>"})]
    notebook = new_notebook(cells=[
        new_markdown_cell(
            "# Capaian Kinerja\n\nNilai ≥ 100% berarti tercapai – anggaran Rp 1.250.000 "
            "× 2 disebut “baik”."),
        table_cell,
        new_markdown_cell("## Grafik Tren Capaian"),
        chart_cell,
    ])
    notebook_path = folder / "laporan.ipynb"
    nbformat.write(notebook, notebook_path)
    html_path = folder / "laporan.html"
    _export_html(nbformat.read(notebook_path, as_version=4), html_path, TITLE)
    return html_path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, list[str], object]:
    """Return the PDF path, the text of each page and the pypdf reader."""
    folder = tmp_path_factory.mktemp("pdf")
    html_path = _make_report_html(folder)
    pdf_path = folder / "laporan.pdf"
    write_pdf(html_path, pdf_path, title=TITLE, office=OFFICE, period=PERIOD)
    reader = pypdf.PdfReader(pdf_path)
    pages = [page.extract_text() for page in reader.pages]
    return pdf_path, pages, reader


def _normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
def test_pdf_pages_are_a4(rendered):
    _, _, reader = rendered
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(595.28, abs=1)
        assert float(page.mediabox.height) == pytest.approx(841.89, abs=1)


@pytest.mark.slow
def test_pdf_language_indonesian(rendered):
    _, _, reader = rendered
    assert reader.trailer["/Root"]["/Lang"] == "id"


@pytest.mark.slow
def test_pdf_cover_page(rendered):
    _, pages, _ = rendered
    cover = _normalise(pages[0])
    assert OFFICE.upper() in cover
    assert TITLE in cover
    assert PERIOD in cover
    assert "Halaman" not in cover


@pytest.mark.slow
def test_pdf_table_of_contents(rendered):
    _, pages, _ = rendered
    contents = _normalise(pages[1])
    assert "Daftar Isi" in contents
    assert "¶" not in contents
    for heading in ("Capaian Kinerja", "Ringkasan Capaian", "Grafik Tren Capaian"):
        match = re.search(re.escape(heading) + r"[ .]*?(\d+)", contents)
        assert match, f"{heading!r} missing from the contents page: {contents!r}"
        page_number = int(match.group(1))
        assert heading in _normalise(pages[page_number - 1]), (
            f"{heading!r} listed on page {page_number} but not printed there")


@pytest.mark.slow
def test_pdf_body_text_and_figures(rendered):
    _, pages, _ = rendered
    body = _normalise(" ".join(pages[2:]))
    assert "Capaian Kinerja" in body
    assert "Ringkasan Capaian" in body
    assert "Grafik Tren Capaian" in body
    assert body.count("62,50%") == ROWS
    for text in ("≥ 100%", "–", "Rp 1.250.000", "×", "“baik”"):
        assert text in body, f"{text!r} missing or replaced in the PDF text"
    assert "tampilkan_ringkasan" not in body
    assert "import matplotlib" not in body


@pytest.mark.slow
def test_pdf_table_header_repeats(rendered):
    _, pages, _ = rendered
    table_pages = [text for text in pages if "62,50%" in text]
    assert len(table_pages) >= 2
    for text in table_pages:
        assert "Indikator Target Capaian" in _normalise(text)


@pytest.mark.slow
def test_pdf_page_footer_and_header(rendered):
    _, pages, _ = rendered
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Halaman {number} dari {total}" in _normalise(text)
        assert TITLE in text
        assert PERIOD in text


@pytest.mark.slow
def test_pdf_chart_is_embedded(rendered):
    _, _, reader = rendered
    # WeasyPrint shares one resource dictionary between pages, so every page
    # lists the same image; count distinct image data instead.
    images = {image.data: image for page in reader.pages for image in page.images}
    assert len(images) == 1
    (chart,) = images.values()
    assert chart.image.size == (480, 240)


def embedded_fonts(reader) -> dict[str, str]:
    """Map each font of the PDF, without its subset prefix, to its font program's full name."""
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - installed with WeasyPrint

    found = {}
    for page in reader.pages:
        for reference in page["/Resources"].get("/Font", {}).values():
            font = reference.get_object()
            descendants = font.get("/DescendantFonts")
            holder = descendants[0].get_object() if descendants else font
            program = holder["/FontDescriptor"].get_object()["/FontFile2"].get_object()
            name = str(font["/BaseFont"]).split("+", 1)[-1]
            found[name] = TTFont(io.BytesIO(program.get_data()))["name"].getDebugName(4)
    return found


@pytest.mark.slow
def test_pdf_fonts_are_dejavu(rendered):
    """The fonts are the @font-face families of print.css, loaded from matplotlib's DejaVu."""
    _, _, reader = rendered
    fonts = embedded_fonts(reader)
    assert fonts["IKU-Sans"] == "DejaVu Sans"
    assert fonts["IKU-Sans-Bold"] == "DejaVu Sans Bold"
    assert set(fonts) <= {"IKU-Sans", "IKU-Sans-Bold", "IKU-Sans-Mono", "IKU-Sans-Mono-Bold"}


@pytest.mark.slow
def test_pdf_page_stylesheets_parsed_once(rendered, tmp_path):
    """The lab template's CSS leaves the page and is parsed once for every PDF after."""
    from iku_nb import pdf  # noqa: PLC0415

    first_path, _, _ = rendered
    before = pdf._page_stylesheet.cache_info()
    write_pdf(first_path.with_suffix(".html"), tmp_path / "lagi.pdf", title=TITLE,
              office=OFFICE, period=PERIOD)
    after = pdf._page_stylesheet.cache_info()
    assert after.misses == before.misses
    assert after.hits > before.hits
    html = first_path.with_suffix(".html").read_text(encoding="utf-8")
    soup = BeautifulSoup(prepare_html(html, title=TITLE, office=OFFICE, period=PERIOD),
                         "html.parser")
    lifted = pdf._lift_stylesheets(soup)
    assert sum(map(len, lifted)) > 100_000
    assert soup.head.find_all("style") == []


def test_lift_keeps_media_and_relative_css():
    from iku_nb import pdf  # noqa: PLC0415

    soup = BeautifulSoup(
        "<html><head><style>p { color: red }</style>"
        "<style media='screen'>p { color: blue }</style>"
        "<style>body { background: url(latar.png) }</style>"
        "<style>i { background: url('data:image/png;base64,AA==') }</style>"
        "</head><body><p>teks</p></body></html>", "html.parser")
    lifted = pdf._lift_stylesheets(soup)
    assert lifted == ["p { color: red }", "i { background: url('data:image/png;base64,AA==') }"]
    left = [style.get_text() for style in soup.head.find_all("style")]
    assert left == ["p { color: blue }", "body { background: url(latar.png) }"]


@pytest.mark.slow
def test_pdf_made_without_system_fonts(tmp_path):
    """A machine without any installed font still gets the PDF, in matplotlib's DejaVu."""
    html_path = _make_report_html(tmp_path)
    pdf_path = tmp_path / "laporan.pdf"
    # A fontconfig setup that lists no font folder hides every system font.
    config = tmp_path / "fonts.conf"
    config.write_text(f"<?xml version='1.0'?><fontconfig><cachedir>{tmp_path / 'cache'}"
                      "</cachedir></fontconfig>", encoding="utf-8")
    code = ("import sys\nfrom pathlib import Path\nfrom iku_nb.pdf import write_pdf\n"
            "write_pdf(Path(sys.argv[1]), Path(sys.argv[2]), title=sys.argv[3], "
            "office=sys.argv[4], period=sys.argv[5])\n")
    finished = subprocess.run(
        [sys.executable, "-c", code, str(html_path), str(pdf_path), TITLE, OFFICE, PERIOD],
        env={**os.environ, "FONTCONFIG_FILE": str(config)}, capture_output=True, text=True,
        timeout=300, check=False)
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert "No fonts configured" not in finished.stderr
    # The process-wide font configuration is freed before interpreter teardown.
    assert "Traceback" not in finished.stderr
    reader = pypdf.PdfReader(pdf_path)
    assert embedded_fonts(reader)["IKU-Sans"] == "DejaVu Sans"
    assert OFFICE.upper() in _normalise(reader.pages[0].extract_text())


@pytest.mark.slow
def test_pdf_lab_css_warnings_demoted(tmp_path, caplog):
    from iku_nb import pdf  # noqa: PLC0415

    html_path = _make_report_html(tmp_path)
    # The lab stylesheet is parsed, and warned about, once per process.
    pdf._page_stylesheet.cache_clear()
    with caplog.at_level(logging.DEBUG):
        write_pdf(html_path, tmp_path / "laporan.pdf", title=TITLE, office=OFFICE,
                  period=PERIOD)
    weasyprint_warnings = [r for r in caplog.records
                           if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING]
    assert weasyprint_warnings == []
    assert any(r.getMessage().startswith("WeasyPrint: ") for r in caplog.records)


@pytest.mark.slow
def test_pdf_same_bytes_when_made_again(rendered, tmp_path, monkeypatch):
    """The same page gives the same PDF later, as verifikasi compares it byte for byte."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first_path, _, _ = rendered
    # Font timestamps count whole seconds, so the second PDF is made in a later second.
    time.sleep(1.1)
    again = tmp_path / "lagi.pdf"
    write_pdf(first_path.with_suffix(".html"), again, title=TITLE, office=OFFICE, period=PERIOD)
    assert again.read_bytes() == first_path.read_bytes()


def test_pdf_font_clock_fixed_or_source_date_epoch(monkeypatch):
    """The font clock is fixed, or SOURCE_DATE_EPOCH, whichever subsetter WeasyPrint picks."""
    from fontTools.misc.timeTools import timestampSinceEpoch  # noqa: PLC0415
    from fontTools.ttLib.tables import _h_e_a_d  # noqa: PLC0415

    from iku_nb import pdf  # noqa: PLC0415

    pdf._fix_font_timestamps()
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert _h_e_a_d.timestampNow() == timestampSinceEpoch(pdf.FONT_TIMESTAMP_EPOCH)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert _h_e_a_d.timestampNow() == timestampSinceEpoch(1767225600)


def test_prepare_html_toc_entries():
    from bs4 import BeautifulSoup  # noqa: PLC0415

    source = (
        '<html><body><h1 id="judul">Laporan IKU <a class="anchor-link" href="#judul">¶</a></h1>'
        '<h2 id="bab-i">Bab I <a class="anchor-link" href="#bab-i">¶</a></h2>'
        "<div><h2>Ringkasan (2025), 62%</h2><h3>Rincian</h3></div>"
        '<p id="bagian-3">teks</p></body></html>')
    soup = BeautifulSoup(prepare_html(source, title="Laporan IKU", office="Kantor",
                                      period="Tahun 2025"), "html.parser")

    assert soup.select("a.anchor-link") == []
    assert soup.body.contents[0]["class"] == ["iku-cover"]
    assert soup.body.contents[1]["class"] == ["iku-toc"]
    links = [(a["href"], a.get_text()) for a in soup.select(".iku-toc a")]
    # The h1 repeats the title on the cover and h3 is below the listed levels.
    assert links == [("#bab-i", "Bab I"), ("#bagian-3-", "Ringkasan (2025), 62%")]
    assert [li["class"] for li in soup.select(".iku-toc li")] == [["iku-toc-1"], ["iku-toc-1"]]
    assert soup.find("h2", id="bagian-3-") is not None


def test_prepare_html_cover_from_title_block():
    from bs4 import BeautifulSoup  # noqa: PLC0415

    source = ('<html><body><header class="iku-judul"><p class="iku-instansi">'
              "Pemerintah Kota Mojokerto<br>Badan Kesbangpol</p>"
              '<h1 id="judul">Laporan Triwulan II Tahun 2025</h1>'
              '<p class="iku-periode">Periode 1 Januari 2025 sampai 30 Juni 2025</p>'
              "</header><h2>Bab I</h2></body></html>")
    soup = BeautifulSoup(prepare_html(source, title="Laporan Triwulan II Tahun 2025",
                                      office="Badan Kesbangpol", period="Triwulan II Tahun 2025"),
                         "html.parser")

    lines = [p.get_text() for p in soup.select(".iku-cover p")]
    assert lines == ["PEMERINTAH KOTA MOJOKERTO", "BADAN KESBANGPOL",
                     "Laporan Triwulan II Tahun 2025",
                     "Periode 1 Januari 2025 sampai 30 Juni 2025"]
    # The title ends with the period, so the running header shows the office.
    assert soup.select_one(".iku-cover-period")["data-header"] == "Badan Kesbangpol"


def test_pdf_unreadable_html_raises(tmp_path):
    pdf_path = tmp_path / "laporan.pdf"
    with pytest.raises(RunError, match="tidak dapat dibaca"):
        write_pdf(tmp_path / "tidak-ada.html", pdf_path, title=TITLE, office=OFFICE,
                  period=PERIOD)
    assert list(tmp_path.iterdir()) == []


def test_pdf_unreadable_html_keeps_old_pdf(tmp_path):
    pdf_path = tmp_path / "laporan.pdf"
    pdf_path.write_bytes(b"%PDF-lama")
    with pytest.raises(RunError):
        write_pdf(tmp_path / "tidak-ada.html", pdf_path, title=TITLE, office=OFFICE,
                  period=PERIOD)
    assert pdf_path.read_bytes() == b"%PDF-lama"


def test_pdf_weasyprint_failure_leaves_no_file(tmp_path, monkeypatch):
    import weasyprint  # noqa: PLC0415

    def fail(*args, **kwargs):
        raise ValueError("rusak")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", fail)
    html_path = tmp_path / "laporan.html"
    html_path.write_text("<html><body><h1>Judul</h1></body></html>", encoding="utf-8")
    with pytest.raises(RunError, match="gagal dibuat oleh WeasyPrint: ValueError: rusak"):
        write_pdf(html_path, tmp_path / "laporan.pdf", title=TITLE, office=OFFICE,
                  period=PERIOD)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laporan.html"]


def test_pdf_missing_font_keeps_old_pdf(tmp_path, monkeypatch):
    from iku_nb import pdf  # noqa: PLC0415

    monkeypatch.setitem(pdf.FONT_FILES, ("IKU Sans", "normal", "normal"), "TidakAda.ttf")
    pdf._print_stylesheets.cache_clear()
    html_path = tmp_path / "laporan.html"
    html_path.write_text("<html><body><h1>Judul</h1></body></html>", encoding="utf-8")
    pdf_path = tmp_path / "laporan.pdf"
    pdf_path.write_bytes(b"%PDF-lama")
    try:
        with pytest.raises(RunError, match=r"Huruf TidakAda\.ttf tidak ditemukan di .*"
                                           r"Pasang ulang paket matplotlib"):
            write_pdf(html_path, pdf_path, title=TITLE, office=OFFICE, period=PERIOD)
    finally:
        pdf._print_stylesheets.cache_clear()
    assert pdf_path.read_bytes() == b"%PDF-lama"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laporan.html", "laporan.pdf"]


@pytest.mark.slow
def test_pdf_caption_stays_with_table(tmp_path):
    """Wherever the page ends before a table, its caption moves along with the first rows."""
    rows = "".join(f"<tr><td>baris {i}</td><td>{i}</td></tr>" for i in range(6))
    table = (f"<table><caption>Tabel 9.9 Judul</caption><thead><tr><th>A</th><th>B</th>"
             f"</tr></thead><tbody>{rows}</tbody></table>")
    pdf_path = tmp_path / "laporan.pdf"
    for count in range(50, 76, 2):
        html_path = tmp_path / "laporan.html"
        paragraphs = "".join(f"<p>Paragraf {i}</p>" for i in range(count))
        html_path.write_text(f"<html><body><h1>Judul</h1>{paragraphs}{table}</body></html>",
                             encoding="utf-8")
        write_pdf(html_path, pdf_path, title=TITLE, office=OFFICE, period=PERIOD)
        pages = [page.extract_text() for page in pypdf.PdfReader(pdf_path).pages]
        caption_page = next(i for i, text in enumerate(pages) if "Tabel 9.9" in text)
        assert "baris 0" in pages[caption_page], f"{count} paragraf"


@pytest.mark.parametrize(("title", "header"), [
    ("Laporan Kinerja Instansi Pemerintah (LKjIP) Tahun 2025", "Kantor Contoh"),
    ("Laporan Capaian Indikator Kinerja Utama", "Tahun 2025"),
])
def test_running_header_skips_repeated_period(title, header):
    soup = BeautifulSoup(prepare_html("<html><body><h1>Bab I</h1></body></html>", title=title,
                                      office="Kantor Contoh", period="Tahun 2025"),
                         "html.parser")
    assert soup.find("p", class_="iku-cover-period")["data-header"] == header
