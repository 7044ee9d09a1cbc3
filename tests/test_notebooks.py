"""The committed notebook templates: no outputs, one typed parameters cell."""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_template_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell was committed with outputs"
            assert cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_template_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    lines = [line for line in tagged[0].source.splitlines() if line.strip()]
    assert [line.split(":")[0] for line in lines][:2] == ["tahun", "triwulan"]
    for line in lines:
        # papermill reads "name: type = value  # comment"; an "=" in the comment breaks it.
        code, _, comment = line.partition("#")
        assert code.count("=") == 1
        assert "=" not in comment
        assert ":" in code.split("=")[0]


def test_two_templates_present():
    assert [p.name for p in NOTEBOOKS] == ["laporan_bidang.ipynb", "laporan_tahunan.ipynb"]



def run_twice(path, second_run: str, own_cell: str | None = None) -> list:
    """Run a template up to its title cell, set tahun to 2024, and run it again.

    ``second_run`` is "semua" for a second Run All in the same kernel, or
    "sel" for running only the parameters cell and the report cell again.
    ``own_cell`` is the source of an analyst's cell run after the title cell,
    before the second run. Return the outputs of the report cell and the title cell.
    """
    nb = nbformat.read(path, as_version=4)
    parameters = next(i for i, c in enumerate(nb.cells)
                      if "parameters" in c.metadata.get("tags", []))
    build = next(i for i, c in enumerate(nb.cells) if "Laporan.dari_parameter" in c.source)
    title = next(i for i, c in enumerate(nb.cells) if c.source == "laporan.halaman_judul()")
    client = NotebookClient(nb, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        for i in range(title + 1):
            if nb.cells[i].cell_type == "code":
                client.execute_cell(nb.cells[i], i)
        if own_cell is not None:
            nb.cells.append(nbformat.v4.new_code_cell(own_cell))
            client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
        nb.cells[parameters].source = nb.cells[parameters].source.replace(
            "tahun: int = 2025", "tahun: int = 2024")
        again = range(title + 1) if second_run == "semua" else (parameters, build, title)
        for i in again:
            if nb.cells[i].cell_type == "code":
                client.execute_cell(nb.cells[i], i)
    return [nb.cells[build].outputs, nb.cells[title].outputs]


@pytest.mark.parametrize("second_run", ["semua", "sel"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_second_run_in_same_kernel(path, second_run):
    build_outputs, title_outputs = run_twice(path, second_run)
    assert build_outputs == []
    page = title_outputs[0]["data"]["text/html"]
    assert "Tahun 2024" in page
    assert "Tahun 2025" not in page


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_analyst_names_not_parameters(path):
    # An analyst's own variable and import, defined after the report was
    # built, are not unknown parameters when the parameters cell runs again.
    build_outputs, title_outputs = run_twice(
        path, "sel", "import pandas as pd\nringkasan = [n.kode for n in laporan.nilai]")
    assert build_outputs == []
    assert "Tahun 2024" in title_outputs[0]["data"]["text/html"]
