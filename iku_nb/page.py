"""The HTML exporter of the reports: nbconvert's lab page, without re-parsing it.

nbconvert's HTMLExporter (7.17, as installed here) renders the page, parses all of it
again with BeautifulSoup's pure-Python parser, adds ``tabindex="0"`` to every
markdown cell and output and an alt text to images without one, and prints
the parsed tree back. On a yearly report that parse took about 0.04 s of the
0.06 s conversion (docs/benchmarks.md). ReportExporter makes the same
additions in one pass over the tags the lab template writes.
"""

from __future__ import annotations

import logging
import re

from nbconvert import HTMLExporter
from nbconvert.exporters import TemplateExporter

log = logging.getLogger("iku_nb")

MISSING_ALT = "Gambar tanpa keterangan"
# The opening tags that the lab template writes for a markdown cell's wrapper
# and for each output. An output div may carry an id before its class.
_FOCUSABLE = re.compile(
    r'<div ((?:id="[^"]*" )?class="(?:jp-Cell-inputWrapper|[^"]*\bjp-OutputArea-output\b[^"]*)")')
_IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)(?=[\s>/])")


class _RenderedPage(TemplateExporter):
    """Keep the page that the template rendered and pass an empty one up the chain."""

    def from_notebook_node(self, nb, resources=None, **kw):
        self._page, resources = super().from_notebook_node(nb, resources, **kw)
        return "", resources


class ReportExporter(HTMLExporter, _RenderedPage):
    """HTMLExporter, with the page's focus and alt additions made without BeautifulSoup.

    The method order puts _RenderedPage between HTMLExporter and
    TemplateExporter, so HTMLExporter prepares its filters and resources as
    usual but parses an empty page.
    """

    def from_notebook_node(self, nb, resources=None, **kw):
        _, resources = super().from_notebook_node(nb, resources, **kw)
        page, self._page = self._page, ""
        return focusable(page), resources


def focusable(page: str) -> str:
    """Add ``tabindex="0"`` to cell wrappers and outputs, and an alt text to bare images."""
    page = _FOCUSABLE.sub(r'<div \1 tabindex="0"', page)
    page, missing = _IMAGE_WITHOUT_ALT.subn(f'<img alt="{MISSING_ALT}"', page)
    if missing:
        log.warning("%d gambar tanpa teks alternatif diberi alt %r", missing, MISSING_ALT)
    return page
