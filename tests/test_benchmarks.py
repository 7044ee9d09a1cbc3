"""Keep the batch benchmark runnable: one round of the smallest batch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_batch_benchmark_one_round():
    finished = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "batch.py"), "--tahun", "2025",
         "--bidang", "poldagri", "--repeat", "1", "--no-dask", "--no-pdf"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert finished.returncode == 0, finished.stderr[-3000:]
    table = finished.stdout
    assert "| cara | format | median (s) |" in table
    for method in ("iku-nb laporan", "papermill + nbconvert CLI", "loop papermill",
                   "lantai"):
        assert f"| {method}" in table
    assert "Keluaran sel semua metode dan nilai manifest semua batch sama" in table
