"""The HTML exporter of the reports: nbconvert's lab page, without re-parsing it.

nbconvert's HTMLExporter (7.17, as installed here) renders the page, parses all of it
again with BeautifulSoup's pure-Python parser, adds ``tabindex="0"`` to every
markdown cell and output and an alt text to images without one, and prints
the parsed tree back. On a yearly report that parse took about 0.04 s of the
0.06 s conversion (docs/benchmarks.md), and compiling its three CSS
selectors took about 0.12 s of CPU once per process, before a batch's first
report. ReportExporter makes the same additions in one pass over the tags
the lab template writes, and never builds the parsed tree.

nbconvert also copies the whole notebook, embedded charts included, three
times per conversion (before and inside its preprocessing, and to
normalise it), and then checks it against the notebook schema.
ReportExporter converts the notebook it is given, which the caller no longer
needs, and leaves the schema check to the report run, which checks the
executed notebook before converting it (iku_nb.run).
"""

from __future__ import annotations

import logging
import re

from nbconvert import HTMLExporter
from nbconvert.exporters import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode

log = logging.getLogger("iku_nb")

MISSING_ALT = "Gambar tanpa keterangan"
# One pass over the page. Scripts and style sheets are skipped whole, so that
# text such as "<img" inside them stays as written. Their text is matched from
# one "<" to the next, because a lazy ".*?" would try the end tag at every
# character of the page's 260 kB of inline CSS. A markdown cell's wrapper
# and each output are opening tags that the lab template writes, and an
# output div may carry an id before its class. An image tag's attributes are
# matched one by one, so that ">" or "alt=" inside a quoted value does not
# end the tag or count as an alt attribute.
_TAGS = re.compile(
    r"(?P<skip><(?P<block>script|style)\b[^<]*(?:<(?!/(?P=block)\s*>)[^<]*)*</(?P=block)\s*>)"
    r'|<div (?P<focus>(?:id="[^"]*" )?'
    r'class="(?:jp-Cell-inputWrapper|[^"]*\bjp-OutputArea-output\b[^"]*)")'
    r"|<img(?P<attributes>(?:\s+[^\s=>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)"
    r"(?P<end>\s*/?>)",
    re.IGNORECASE | re.DOTALL)
_ATTRIBUTE_NAME = re.compile(
    r"\s+([^\s=>/]+)(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")


class _Handed(NotebookNode):
    """A notebook handed over to the exporter: a deep copy of it is the notebook itself."""

    def __deepcopy__(self, memo):
        return self


class ReportExporter(HTMLExporter):
    """HTMLExporter, with the page's focus and alt additions made without BeautifulSoup.

    The page is rendered by TemplateExporter after the two filters that
    HTMLExporter sets for each notebook: code highlighting in the notebook's
    language and the choice of output data types. tests/test_page.py
    compares the result with HTMLExporter's page.

    The preprocessors change the given notebook's cells in place, so the
    caller passes a notebook it no longer needs. The notebook is not checked
    against the schema after them. The report run checked it before the
    conversion, and removing tagged cells or outputs keeps it valid.
    """

    def from_notebook_node(self, nb, resources=None, **kw):
        nb = _Handed(nb)
        language = nb.metadata.get("language_info", {})
        highlight = self.filters.get("highlight_code") or Highlight2HTML(
            pygments_lexer=language.get("pygments_lexer", language.get("name")), parent=self)
        self.register_filter("highlight_code", highlight)
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return focusable(page), resources

    def _validate_preprocessor(self, nbc, preprocessor):
        """Skip nbconvert's schema check, because the report run checked the notebook before."""


def focusable(page: str) -> str:
    """Add ``tabindex="0"`` to cell wrappers and outputs, and an alt text to bare images."""
    missing = 0

    def change(tag: re.Match) -> str:
        nonlocal missing
        if tag["skip"] is not None:
            return tag[0]
        if tag["focus"] is not None:
            return f'<div {tag["focus"]} tabindex="0"'
        names = {name.lower() for name in _ATTRIBUTE_NAME.findall(tag["attributes"])}
        if "alt" in names:
            return tag[0]
        missing += 1
        return f'<img alt="{MISSING_ALT}"{tag["attributes"]}{tag["end"]}'

    page = _TAGS.sub(change, page)
    if missing:
        log.warning("%d gambar tanpa teks alternatif diberi alt %r", missing, MISSING_ALT)
    return page
