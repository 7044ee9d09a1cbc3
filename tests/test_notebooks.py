"""The committed notebook templates: no outputs, one typed parameters cell."""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT

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
