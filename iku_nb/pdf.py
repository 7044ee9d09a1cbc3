"""Render the HTML report as an A4 PDF with a cover, a table of contents and page numbers.

The HTML comes from nbconvert's lab template, so it carries the JupyterLab
stylesheet. ``report/print.css`` lays it out for paper, and the fonts are the
DejaVu Sans files shipped inside matplotlib, so the PDF looks the same on
machines without any system font installed.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import re
import secrets
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from iku_nb.errors import RunError, os_cause

log = logging.getLogger("iku_nb")

PRINT_CSS = Path(__file__).parent / "report" / "print.css"

# Family names used by print.css. They differ from "DejaVu Sans" on purpose,
# so font matching finds only matplotlib's files, even where a system copy
# of DejaVu Sans is installed.
FONT_FAMILY = "IKU Sans"
MONO_FONT_FAMILY = "IKU Sans Mono"
FONT_FILES = {
    # (family, weight, style): file name in matplotlib's mpl-data/fonts/ttf
    (FONT_FAMILY, "normal", "normal"): "DejaVuSans.ttf",
    (FONT_FAMILY, "bold", "normal"): "DejaVuSans-Bold.ttf",
    (FONT_FAMILY, "normal", "italic"): "DejaVuSans-Oblique.ttf",
    (FONT_FAMILY, "bold", "italic"): "DejaVuSans-BoldOblique.ttf",
    (MONO_FONT_FAMILY, "normal", "normal"): "DejaVuSansMono.ttf",
    (MONO_FONT_FAMILY, "bold", "normal"): "DejaVuSansMono-Bold.ttf",
}

TOC_HEADINGS = ("h1", "h2")
# A url() or @import whose address has no scheme (such as data:) and is not
# absolute, so it depends on the folder of the page.
RELATIVE_URL = re.compile(r"""(?:url\(|@import)\s*+['"]?+(?![a-zA-Z][a-zA-Z0-9+.-]*:|/)""")


def write_pdf(html_path: Path, pdf_path: Path, *, title: str, office: str,
              period: str) -> None:
    """Render ``html_path`` to ``pdf_path``, replacing any existing file atomically.

    ``title``, ``office`` and ``period`` (e.g. ``Triwulan II Tahun 2025``) appear
    on the cover and in the running header.

    Raises
    ------
    RunError
        When the HTML cannot be read, a font file is missing or WeasyPrint
        fails. No partial PDF is left behind.
    """
    html_path = Path(html_path)
    pdf_path = Path(pdf_path)
    try:
        source = html_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = os_cause(exc) if isinstance(exc, OSError) else "isinya bukan teks UTF-8"
        raise RunError(
            f"Berkas HTML {html_path} tidak dapat dibaca ({reason}); PDF tidak dibuat. "
            "Buat ulang laporan HTML lalu jalankan lagi.") from exc

    soup = _report_soup(source, title=title, office=office, period=period)
    page_css = _lift_stylesheets(soup)
    # Parsed before rendering, so that a missing font file stops with its own message.
    _print_stylesheets()
    _render_atomically(str(soup), page_css, base_url=html_path.parent, pdf_path=pdf_path)


def prepare_html(source: str, *, title: str, office: str, period: str) -> str:
    """Return the report HTML with a cover and a table of contents before the content."""
    return str(_report_soup(source, title=title, office=office, period=period))


def _lift_stylesheets(soup) -> list[str]:
    """Remove the page's stylesheets from its head and return their text, in order.

    They are the same for every report: about 260 kB of CSS from
    nbconvert's lab template, which WeasyPrint took about 0.2 s to parse for
    each PDF. Passed as stylesheets instead, they are parsed once per
    process. WeasyPrint gives those the user origin, like print.css after
    them, so print.css now wins over a lab rule of the same specificity.
    A stylesheet for some media only, or with a relative URL, stays in place.
    """
    texts: list[str] = []
    if soup.head is None:
        return texts
    for style in soup.head.find_all("style", recursive=False):
        kind = style.get("type", "text/css").split(";", 1)[0].strip().lower()
        text = style.get_text()
        if (kind == "text/css" and style.get("media", "all").strip().lower() == "all"
                and not RELATIVE_URL.search(text)):
            texts.append(text)
            style.decompose()
    return texts


def _report_soup(source: str, *, title: str, office: str, period: str):
    """Parse the report HTML and put a cover and a table of contents before the content."""
    from bs4 import BeautifulSoup  # noqa: PLC0415 - loaded only when a PDF is made

    soup = BeautifulSoup(source, "html.parser")
    body = soup.body
    if body is None:
        raise RunError("Berkas HTML laporan tidak memiliki elemen <body>; PDF tidak dibuat.")

    # nbconvert appends a "¶" permalink to every markdown heading. It would
    # appear in the table of contents and means nothing on paper.
    for anchor in soup.select("a.anchor-link"):
        anchor.decompose()

    entries = _collect_headings(soup, title)
    body.insert(0, _build_toc(soup, entries))
    body.insert(0, _build_cover(soup, title=title, office=office, period=period))
    return soup


def _collect_headings(soup, title: str) -> list[tuple[int, str, str]]:
    """Return ``(depth, id, text)`` for each h1/h2, giving an id to headings without one.

    A heading that repeats the report title is left out because the cover
    shows it. ``depth`` is 1 for the highest heading level that remains.
    """
    used_ids = {tag["id"] for tag in soup.find_all(id=True)}
    found = []
    for number, heading in enumerate(soup.body.find_all(TOC_HEADINGS), start=1):
        text = " ".join(heading.get_text(" ", strip=True).split())
        if not text or text == " ".join(title.split()):
            continue
        anchor = heading.get("id")
        if not anchor:
            anchor = f"bagian-{number}"
            while anchor in used_ids:
                anchor += "-"
            heading["id"] = anchor
            used_ids.add(anchor)
        found.append((int(heading.name[1]), anchor, text))
    if not found:
        return []
    top = min(level for level, _, _ in found)
    return [(level - top + 1, anchor, text) for level, anchor, text in found]


def _build_cover(soup, *, title: str, office: str, period: str):
    """Return the cover page, which also sets the running header (title left, see print.css).

    The right of the header shows the period, or the office when the title
    already ends with the period, as every report title does, so that the
    header does not read "... Tahun 2025 Tahun 2025".
    """
    offices, period_line = [office], period
    # The report's own title block, which print.css hides, names the local
    # government above the office and the period's dates, which the title
    # does not repeat. The cover shows the same lines.
    header = soup.select_one("header.iku-judul")
    if header is not None:
        names = header.select_one(".iku-instansi")
        dates = header.select_one(".iku-periode")
        offices = list(names.stripped_strings) if names is not None else offices
        period_line = dates.get_text(" ", strip=True) if dates is not None else period
    cover = soup.new_tag("section", attrs={"class": "iku-cover"})
    lines = [*(("iku-cover-office", name.upper()) for name in offices),
             ("iku-cover-title", title), ("iku-cover-period", period_line)]
    for css_class, text in lines:
        line = soup.new_tag("p", attrs={"class": css_class})
        line.string = text
        cover.append(line)
    running = office if " ".join(title.split()).endswith(" ".join(period.split())) else period
    cover.find("p", class_="iku-cover-period")["data-header"] = running
    return cover


def _build_toc(soup, entries: list[tuple[int, str, str]]):
    toc = soup.new_tag("nav", attrs={"class": "iku-toc"})
    # A paragraph, not a heading, so the contents page does not list itself.
    heading = soup.new_tag("p", attrs={"class": "iku-toc-title"})
    heading.string = "Daftar Isi"
    toc.append(heading)
    items = soup.new_tag("ol")
    for depth, anchor, text in entries:
        item = soup.new_tag("li", attrs={"class": f"iku-toc-{depth}"})
        # The id goes into href unencoded: WeasyPrint 70 looks up target-counter()
        # anchors by the literal text, so "%28" would not match an id with "(".
        link = soup.new_tag("a", href=f"#{anchor}")
        link.string = text
        item.append(link)
        items.append(item)
    toc.append(items)
    return toc


def font_face_css() -> str:
    """Return @font-face rules that load DejaVu Sans from matplotlib's data folder."""
    import matplotlib  # noqa: PLC0415 - only its data path is needed

    font_dir = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    rules = []
    for (family, weight, style), name in FONT_FILES.items():
        path = font_dir / name
        if not path.is_file():
            raise RunError(
                f"Huruf {name} tidak ditemukan di {font_dir}; PDF tidak dibuat. "
                "Pasang ulang paket matplotlib.")
        rules.append(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
            f'font-style: {style}; src: url("{path.as_uri()}"); }}')
    return "\n".join(rules)


def _render_atomically(document: str, page_css: list[str], *, base_url: Path,
                       pdf_path: Path) -> None:
    html = _weasyprint().HTML
    _fix_font_timestamps()

    # A plain open() by WeasyPrint, unlike mkstemp, gives the file the usual
    # permissions from the umask, so the report stays readable by colleagues.
    temporary = pdf_path.with_name(f".{pdf_path.stem}-{secrets.token_hex(6)}.pdf.tmp")
    try:
        with _weasyprint_warnings_at_debug():
            stylesheets = [*map(_page_stylesheet, page_css), *_print_stylesheets()]
            html(string=document, base_url=str(base_url)).write_pdf(
                temporary, stylesheets=stylesheets, font_config=_font_config())
        os.replace(temporary, pdf_path)
    except Exception as exc:
        Path(temporary).unlink(missing_ok=True)
        raise RunError(
            f"PDF {pdf_path.name} gagal dibuat oleh WeasyPrint: {type(exc).__name__}: "
            f"{exc}. Laporan ini tidak ditulis; laporan sebelumnya tidak diubah.") from exc


@functools.cache
def _font_config():
    """Return the process's WeasyPrint font configuration, where @font-face fonts are loaded.

    WeasyPrint loads an @font-face font only into the configuration given to
    the stylesheet that declares it, and the document must be rendered with
    that same configuration. Without it the IKU Sans rules are ignored, so
    the PDF gets whatever sans-serif font the system has, and WeasyPrint 70
    crashes with a segmentation fault on a system without any font.
    """
    # Released at exit while WeasyPrint's modules still exist: its __del__,
    # run during interpreter teardown, printed a TypeError traceback.
    atexit.register(_release_fonts)
    return _weasyprint().text.fonts.FontConfiguration()


def _release_fonts() -> None:
    """Drop the cached stylesheets and font configuration, so that WeasyPrint frees them now."""
    _page_stylesheet.cache_clear()
    _print_stylesheets.cache_clear()
    _font_config.cache_clear()


def _weasyprint():
    """Import WeasyPrint and return it, without its warning about a system without fonts.

    WeasyPrint warns "No fonts configured in FontConfig. Expect ugly output"
    when it is imported on such a system, which does not apply to the
    report: it brings its own fonts.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "No fonts configured", UserWarning)
        import weasyprint  # noqa: PLC0415 - WeasyPrint loads slowly
        import weasyprint.text.fonts  # noqa: PLC0415
    return weasyprint


@functools.lru_cache(maxsize=8)
def _page_stylesheet(text: str):
    """Return one of the page's own stylesheets parsed, once per process for each text."""
    return _weasyprint().CSS(string=text, font_config=_font_config())


@functools.cache
def _print_stylesheets() -> tuple:
    """Return the fonts' @font-face rules and print.css, parsed once per process.

    Both are the same for every report, and a parsed stylesheet keeps its
    rules, so every PDF the process makes uses the same two objects.
    """
    css = _weasyprint().CSS
    fonts = _font_config()
    return (css(string=font_face_css(), font_config=fonts),
            css(filename=str(PRINT_CSS), font_config=fonts))


# The time written into the fonts embedded in a PDF when SOURCE_DATE_EPOCH is
# not set: 1 January 2000, 00:00 UTC.
FONT_TIMESTAMP_EPOCH = 946684800


def _fix_font_timestamps() -> None:
    """Make fontTools stamp rewritten fonts with a fixed time, unless SOURCE_DATE_EPOCH is set.

    Without HarfBuzz's subsetter (libharfbuzz-subset), WeasyPrint 70 subsets
    each embedded font with fontTools, which writes the current time into the
    font's ``head`` table. Two runs of one report then made PDFs that
    differed only there, and ``iku-nb verifikasi`` found every PDF report
    changed. fontTools takes that time from its ``timestampNow``. The
    ``head`` table's module is given one that returns SOURCE_DATE_EPOCH when
    set, as fontTools does, and FONT_TIMESTAMP_EPOCH otherwise.
    """
    from fontTools.misc import timeTools  # noqa: PLC0415 - installed with WeasyPrint
    from fontTools.ttLib.tables import _h_e_a_d  # noqa: PLC0415

    if getattr(_h_e_a_d.timestampNow, "iku_nb_fixed", False):
        return

    def timestamp_now() -> int:
        if os.environ.get("SOURCE_DATE_EPOCH"):
            return timeTools.timestampNow()
        return timeTools.timestampSinceEpoch(FONT_TIMESTAMP_EPOCH)

    timestamp_now.iku_nb_fixed = True
    # NOTE: this replaces a name inside fontTools, checked against fontTools 4.68.
    # A fontTools that no longer calls it there brings the current time back. The
    # PDF test that renders twice in different seconds then fails where the
    # HarfBuzz subsetter (Debian's libharfbuzz-subset0) is missing.
    _h_e_a_d.timestampNow = timestamp_now


class _DemoteWarnings(logging.Filter):
    """Re-log WeasyPrint warnings at DEBUG, except font failures, and keep its errors.

    The JupyterLab stylesheet uses many properties and selectors that
    WeasyPrint does not support, and each one logs a warning that is
    irrelevant to the report. Errors (unreadable images, stylesheets or
    undefined link targets) still pass through unchanged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.WARNING or str(record.msg).startswith("Font-face"):
            return True
        log.debug("WeasyPrint: %s", record.getMessage())
        return False


@contextmanager
def _weasyprint_warnings_at_debug() -> Iterator[None]:
    logger = logging.getLogger("weasyprint")
    demote = _DemoteWarnings()
    logger.addFilter(demote)
    try:
        yield
    finally:
        logger.removeFilter(demote)
