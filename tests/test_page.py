"""The report exporter gives nbconvert's HTML page without re-parsing it."""

from __future__ import annotations

import base64
import copy
import re

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from iku_nb.page import MISSING_ALT, focusable
from iku_nb.run import REPORT_CSS, TEMPLATE_DIR, _html_exporter

# A one-pixel PNG.
PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()


def notebook() -> nbformat.NotebookNode:
    """Return a notebook with each kind of output a report or an analyst's cell can show."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# Judul\n\nTeks *miring* & tanda <b>."))
    code = nbformat.v4.new_code_cell("x = 1")
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="tercetak\n"),
        nbformat.v4.new_output("display_data", data={
            "text/html": '<div class="rincian"><img alt="Grafik IKU-1" src="data:image/png;'
                         f'base64,{PIXEL}"><p>Nilai&nbsp;80,00%</p></div>'}),
        nbformat.v4.new_output("display_data", data={"image/png": PIXEL}),
        nbformat.v4.new_output("display_data", data={"application/javascript": "1;"}),
        nbformat.v4.new_output("execute_result", data={"text/plain": "42"},
                               execution_count=1),
    ]
    nb.cells.append(code)
    return nb


def resources() -> dict:
    return {"iku_css": REPORT_CSS.read_text(encoding="utf-8")}


def stock_exporter() -> HTMLExporter:
    return HTMLExporter(template_name="iku", extra_template_basedirs=[str(TEMPLATE_DIR)],
                        exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, language_code="id")


def test_same_page_as_nbconvert():
    nb = notebook()
    # The report exporter converts the notebook it is given, so it gets a copy.
    ours, _ = _html_exporter().from_notebook_node(copy.deepcopy(nb), resources=resources())
    stock, _ = stock_exporter().from_notebook_node(nb, resources=resources())

    # nbconvert writes its English alt text where the exporter writes an Indonesian one.
    stock = stock.replace("No description has been provided for this image", MISSING_ALT)
    parsed = str(BeautifulSoup(ours, features="html.parser"))
    assert without_uuids(parsed) == without_uuids(stock)


def without_uuids(page: str) -> str:
    """Replace the random ids that the template gives each JavaScript output."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", page)


def test_page_language_indonesian():
    page, _ = _html_exporter().from_notebook_node(notebook(), resources=resources())
    assert '<html lang="id">' in page


def test_outputs_and_markdown_focusable():
    nb = notebook()
    page, _ = _html_exporter().from_notebook_node(nb, resources=resources())
    soup = BeautifulSoup(page, features="html.parser")

    outputs = soup.select("div.jp-OutputArea-output")
    assert len(outputs) == 5
    assert all(div.get("tabindex") == "0" for div in outputs)
    wrappers = soup.select("div.jp-Cell-inputWrapper")
    assert len(wrappers) == 1
    assert wrappers[0].get("tabindex") == "0"


def test_bare_image_gets_alt_text(caplog):
    page = focusable('<img src="a.png"><img alt="ada" src="b.png"><img\nsrc="c.png"/>')

    assert page == (f'<img alt="{MISSING_ALT}" src="a.png"><img alt="ada" src="b.png">'
                    f'<img alt="{MISSING_ALT}"\nsrc="c.png"/>')
    assert "2 gambar tanpa teks alternatif" in caplog.text


@pytest.mark.parametrize(("page", "expected"), [
    # Only a real alt attribute counts, whatever the case, spacing or quoting.
    ('<img title="a > b" alt="Grafik" src="x.png">', None),
    ('<img ALT = "Grafik" src="x.png">', None),
    ("<img src=x alt>", None),
    ('<img title="tanpa alt=ok">', f'<img alt="{MISSING_ALT}" title="tanpa alt=ok">'),
    ("<IMG SRC=x.png>", f'<img alt="{MISSING_ALT}" SRC=x.png>'),
    # Scripts and style sheets stay as written.
    ('<script>var s = "<img src=x>";</script>', None),
    ('<script type="application/json">{"a": "<img src=\\"x\\">"}</script>', None),
    ("<style>img { width: 1px }</style>", None),
])
def test_image_alt_cases(page, expected):
    assert focusable(page) == (page if expected is None else expected)


def test_other_divs_untouched():
    page = '<div class="rincian">x</div><div class="jp-OutputArea-child">y</div>'

    assert focusable(page) == page
