"""The benchmark scripts still run: a tiny register, the timing scripts, one batch round."""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import psutil
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
    # Twice the rows: the growth column reads against 2,0, not against 10.
    assert "| 200 → 400 | 2,0 |" in output
    assert "10× baris" not in output
    assert "pandas C lalu astype kategori (s)" in output
    assert "iku_nb membaca ÷ pandas tercepat, tabel sama" in output
    assert plot.read_bytes().startswith(b"\x89PNG")


def benchmark_options():
    spec = importlib.util.spec_from_file_location("benchmark_options", BENCHMARKS / "options.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("value", ["0", "-1", "abc", "", "1.5", "5e3"])
def test_positive_int_rejects_value(value):
    with pytest.raises(argparse.ArgumentTypeError, match="bilangan bulat 1 atau lebih"):
        benchmark_options().positive_int(value)


@pytest.mark.parametrize("value", ["0", "10000,,", "abc", "10000,-5", ",10000"])
def test_row_counts_rejects_value(value):
    with pytest.raises(argparse.ArgumentTypeError, match="setiap jumlah baris"):
        benchmark_options().row_counts(value)


def test_options_read_valid_values():
    options = benchmark_options()
    assert options.positive_int(" 5 ") == 5
    assert options.row_counts("200, 400") == [200, 400]
    assert options.seed_number("0") == 0


# One run per script: each parses its options as the in-process tests above check.
@pytest.mark.parametrize("arguments", [
    ("hitung.py", "--rows", "10000,,"),
    ("buat_register.py", "--", "-5", "register"),
    ("laporan.py", "--repeat", "0"),
    ("biaya.py", "--jobs", "0"),
    ("batch.py", "--repeat", "0"),
])
def test_scripts_reject_counts_below_one(tmp_path, arguments):
    script, *options = arguments
    result = subprocess.run([sys.executable, str(BENCHMARKS / script), *options], cwd=tmp_path,
                            check=False, capture_output=True, text=True, timeout=120,
                            env=temporary_here(tmp_path))
    assert result.returncode == 2
    assert "tidak sah" in result.stderr
    assert "bilangan bulat 1 atau lebih" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def temporary_here(folder: Path) -> dict[str, str]:
    """Return the environment with TMPDIR set to ``folder``, where leftovers then show."""
    return {**os.environ, "TMPDIR": str(folder)}


def run_failing(*arguments: str | Path, cwd: Path) -> str:
    """Run a script that must reject its arguments; return its standard error."""
    result = subprocess.run([sys.executable, *map(str, arguments)], cwd=cwd, check=False,
                            capture_output=True, text=True, timeout=120,
                            env=temporary_here(cwd))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def test_generator_keeps_filled_folder(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "konflik.csv").write_text("milik kantor\n", encoding="utf-8")
    error = run_failing(BENCHMARKS / "buat_register.py", 10, folder, cwd=tmp_path)
    assert "sudah berisi berkas" in error
    assert "--timpa" in error
    assert (folder / "konflik.csv").read_text(encoding="utf-8") == "milik kantor\n"
    run_script(BENCHMARKS / "buat_register.py", 10, folder, "--timpa", cwd=tmp_path)
    assert inspect(folder).row_counts()["konflik"] == 10


def test_generator_rejects_negative_seed(tmp_path):
    error = run_failing(BENCHMARKS / "buat_register.py", 10, tmp_path / "r", "--seed", "-1",
                        cwd=tmp_path)
    assert "benih harus bilangan bulat 0 atau lebih" in error
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("plot", ["grafik", "."])
def test_hitung_rejects_plot_not_png(tmp_path, plot):
    error = run_failing(BENCHMARKS / "hitung.py", "--rows", "200", "--repeat", "1",
                        "--plot", plot, cwd=tmp_path)
    assert "bukan jalur berkas .png" in error
    assert list(tmp_path.iterdir()) == []


def test_hitung_rejects_data_file(tmp_path):
    (tmp_path / "data").write_text("", encoding="utf-8")
    error = run_failing(BENCHMARKS / "hitung.py", "--rows", "200", "--repeat", "1",
                        "--data", "data", "--plot", tmp_path / "g.png", cwd=tmp_path)
    assert "data bukan folder" in error
    assert not (tmp_path / "g.png").exists()


def test_hitung_rejects_register_of_other_size(tmp_path):
    data = tmp_path / "data"
    run_script(BENCHMARKS / "buat_register.py", 300, data / "register-200", cwd=tmp_path)
    error = run_failing(BENCHMARKS / "hitung.py", "--rows", "200", "--repeat", "1",
                        "--data", data, "--plot", tmp_path / "g.png", cwd=tmp_path)
    assert "berisi 300 laporan, bukan 200" in error
    assert not (tmp_path / "g.png").exists()


@pytest.mark.parametrize("script", ["batch.py", "biaya.py"])
def test_batch_scripts_reject_unknown_year(tmp_path, script):
    error = run_failing(BENCHMARKS / script, "--tahun", "2031", "--repeat", "1", cwd=tmp_path)
    assert "2031" in error
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_laporan_benchmark_runs(tmp_path):
    output = run_script(BENCHMARKS / "laporan.py", "--repeat", "1", cwd=tmp_path)
    assert "| format | median (s) | rasio |" in output
    assert "| html | " in output
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
    for method in ("iku-nb laporan", "papermill + nbconvert CLI, berurutan",
                   "loop papermill.execute_notebook + HTMLExporter",
                   "lantai: satu kernel hangat, semua laporan berurutan (jam dinding)",
                   "lantai: dua kernel hangat bersamaan, masing-masing separuh laporan "
                   "(jam dinding)"):
        assert f"| {method} |" in table
    # Numbers are written as the documentation writes them, with a decimal comma.
    assert re.search(r"Batch ÷ \(lantai / 2 inti\) = \d+,\d\d\.", table)
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


def test_floor_pair_waits_after_ctrl_c(tmp_path, monkeypatch):
    batch = batch_script()

    def interrupted(seconds):
        raise KeyboardInterrupt

    # Ctrl-C arrives in this process's first wait for the floors. In a test
    # the floors do not receive it, so they run to their end.
    monkeypatch.setattr(batch, "time", SimpleNamespace(sleep=interrupted,
                                                       monotonic=time.monotonic))
    with pytest.raises(KeyboardInterrupt):
        batch._floor_pair([], {}, tmp_path)
    floors = [p for p in psutil.Process().children(recursive=True)
              if "--floor" in " ".join(p.cmdline())]
    assert floors == []
    assert (tmp_path / "kernel-1" / batch.FLOOR_TIMES).exists()
    assert (tmp_path / "kernel-2" / batch.FLOOR_TIMES).exists()


def benchmark_formats():
    spec = importlib.util.spec_from_file_location("benchmark_formats", BENCHMARKS / "formats.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (7.25, 1, "7,2"),
    (1100.5, 1, "1.100,5"),
    (-1234.5, 1, "-1.234,5"),
    (0, 2, "0,00"),
    (-0.0004, 3, "0,000"),
    (1e20, 0, "100.000.000.000.000.000.000"),
])
def test_number_uses_decimal_comma(value, digits, expected):
    assert benchmark_formats().number(value, digits) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (0, "0"), (200, "200"), (1_000_000, "1.000.000"),
    (2**53 + 1, "9.007.199.254.740.993")])
def test_count_keeps_every_digit(value, expected):
    assert benchmark_formats().count(value) == expected


def test_batch_exits_one_when_results_differ(monkeypatch, capsys):
    # No method runs: every measurement is faked, and the comparison finds one difference.
    batch = batch_script()
    monkeypatch.setattr(sys, "argv", ["batch.py", "--batch-and-floor-only", "--repeat", "1",
                                      "--tahun", "2025", "--bidang", "poldagri"])
    monkeypatch.setattr(batch, "_measure", lambda action, include_self=False: (1.0, 2**20, 1.0))
    monkeypatch.setattr(batch, "_floor_times", lambda out: {
        "jumlah": 0.5, "laporan": {"2025": 0.3, "2025-poldagri": 0.2}})
    monkeypatch.setattr(batch, "_compare", lambda reports, stems, outputs: [
        "2025: keluaran sel lantai berbeda dari iku-nb laporan"])
    with pytest.raises(SystemExit) as ended:
        batch.main()
    assert ended.value.code == 1
    out = capsys.readouterr().out
    assert "**Hasil berbeda:**" in out
    assert "- 2025: keluaran sel lantai berbeda dari iku-nb laporan" in out
    assert "daftar angka semua batch sama" not in out


def test_cost_wait_ends_with_dead_worker(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("cost_benchmark", BENCHMARKS / "biaya.py")
    biaya = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(biaya)

    def die(specs, output, results):
        os._exit(3)

    # A forked worker can run a local function; the real one starts from the forkserver.
    monkeypatch.setattr(biaya, "worker_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(biaya, "measure_in_worker", die)
    with pytest.raises(SystemExit, match="berhenti dengan kode keluar 3 tanpa mengirim waktunya"):
        biaya.measure_kernel([], Path("."))
