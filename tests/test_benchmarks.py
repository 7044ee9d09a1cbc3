"""The benchmark scripts still run: a tiny register, the timing scripts, one batch round."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from iku_nb.dataset import inspect

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"


def run_script(*arguments: str | Path, cwd: Path) -> str:
    result = subprocess.run([sys.executable, *map(str, arguments)], cwd=cwd, check=False,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_generator_writes_valid_register(tmp_path):
    folder = tmp_path / "register"
    run_script(BENCHMARKS / "buat_register.py", 300, folder, cwd=tmp_path)
    dataset = inspect(folder)
    assert [p.as_row() for p in dataset.problems] == []
    assert dataset.row_counts()["konflik"] == 300
    assert dataset.row_counts()["organisasi"] == 15
    assert dataset.row_counts()["partisipasi"] == 75
    assert dataset.years == [2023, 2024, 2025]


def test_generator_same_seed_same_files(tmp_path):
    for name in ("a", "b"):
        run_script(BENCHMARKS / "buat_register.py", 200, tmp_path / name, cwd=tmp_path)
    for table in ("konflik", "organisasi", "partisipasi", "target"):
        first = (tmp_path / "a" / f"{table}.csv").read_bytes()
        assert first == (tmp_path / "b" / f"{table}.csv").read_bytes(), table


def test_hitung_benchmark_tiny_sizes(tmp_path):
    plot = tmp_path / "grafik.png"
    output = run_script(BENCHMARKS / "hitung.py", "--rows", "200,400", "--repeat", "1",
                        "--data", tmp_path / "data", "--plot", plot, cwd=tmp_path)
    assert "| 200 |" in output
    assert "| 400 |" in output
    assert "| 200 → 400 |" in output
    assert "pandas C lalu astype kategori (s)" in output
    assert "iku_nb membaca ÷ pandas tercepat, tabel sama" in output
    assert plot.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("arguments", [
    ("hitung.py", "--rows", "0"),
    ("hitung.py", "--rows", "10000,,"),
    ("hitung.py", "--rows", "abc"),
    ("hitung.py", "--repeat", "0"),
    ("hitung.py", "--repeat=-1"),
    ("buat_register.py", "--", "-5", "register"),
    ("laporan.py", "--repeat", "0"),
    ("biaya.py", "--jobs", "0"),
    ("batch.py", "--repeat", "0"),
])
def test_scripts_reject_counts_below_one(tmp_path, arguments):
    script, *options = arguments
    result = subprocess.run([sys.executable, str(BENCHMARKS / script), *options], cwd=tmp_path,
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "tidak sah" in result.stderr
    assert "bilangan bulat 1 atau lebih" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_laporan_benchmark_runs(tmp_path):
    output = run_script(BENCHMARKS / "laporan.py", "--repeat", "1", cwd=tmp_path)
    assert "| html+pdf |" in output


@pytest.mark.slow
def test_batch_benchmark_one_round():
    finished = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "batch.py"), "--tahun", "2024-2025",
         "--bidang", "poldagri", "--repeat", "1", "--no-dask", "--no-pdf"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert finished.returncode == 0, finished.stderr[-3000:]
    table = finished.stdout
    assert "| cara | format | median (s) |" in table
    assert "| waktu CPU (s) |" in table
    assert "Batch ÷ (lantai / 2 inti) = " in table
    assert "dengan semua inti sibuk sepanjang batch pun rasionya tidak kurang dari" in table
    assert "Batch ÷ lantai dua kernel = " in table
    assert "| lantai: sel kernel yang lebih lama dari dua kernel bersamaan |" in table
    for method in ("iku-nb laporan", "papermill + nbconvert CLI", "loop papermill",
                   "lantai: sel saja, satu kernel", "lantai: sel saja, dua kernel"):
        assert f"| {method}" in table
    assert "Keluaran sel semua metode dan daftar angka semua batch sama" in table


@pytest.mark.slow
def test_cost_benchmark_one_report(tmp_path):
    output = run_script(BENCHMARKS / "biaya.py", "--tahun", "2025", "--bidang", "poldagri",
                        "--repeat", "1", cwd=tmp_path)
    assert "| memulai kernel dan memanaskannya |" in output
    assert "| kernel: satu laporan (sel, reset, pesan) |" in output
    assert "Jumlah untuk 1 laporan dengan 2 kernel:" in output


def batch_script():
    spec = importlib.util.spec_from_file_location("batch_benchmark", BENCHMARKS / "batch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_halves_balance_floor_time():
    reports = [(name, "laporan_tahunan", {}) for name in "abcd"]
    times = {"a": 3.0, "b": 2.0, "c": 2.0, "d": 1.0}
    first, second = batch_script().halves(reports, times)
    assert [report[0] for report in first] == ["a", "d"]
    assert [report[0] for report in second] == ["b", "c"]


def test_halves_need_every_floor_time():
    with pytest.raises(KeyError):
        batch_script().halves([("a", "laporan_tahunan", {})], {})


def test_partner_wait_ends_at_deadline(tmp_path, monkeypatch):
    batch = batch_script()
    monkeypatch.setattr(batch, "PARTNER_TIMEOUT", 0.05)
    (tmp_path / "sini").mkdir()
    with pytest.raises(SystemExit, match="tidak siap dalam"):
        batch._wait_for_partner(tmp_path / "sini", tmp_path / "sana")
    assert (tmp_path / "sini" / batch.READY).exists()
