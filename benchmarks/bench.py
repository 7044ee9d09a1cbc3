"""Measure where the time of a report goes, on the sample data and on scaled copies.

Run from the project folder: ``python benchmarks/bench.py [--repeat 5]``. Every
case is timed ``--repeat`` times in this one process and the median is printed,
with its ratio to the 1× case, so that numbers measured side by side compare.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import iku_nb
from iku_nb.params import parse_parameters
from iku_nb.run import ReportSpec, run_report

ROOT = Path(__file__).resolve().parents[1]
TABLE_KEYS = {"konflik": ["id_konflik"], "organisasi": ["id_organisasi"],
              "partisipasi": ["id_organisasi"]}


def scaled_copy(factor: int, folder: Path) -> Path:
    """Copy the sample data with every case and organisation repeated ``factor`` times."""
    folder.mkdir(parents=True)
    for name in ("target", "rekap"):
        shutil.copy(ROOT / "data" / f"{name}.csv", folder)
    for name, keys in TABLE_KEYS.items():
        source = ROOT / "data" / f"{name}.csv"
        text = source.read_text(encoding="utf-8-sig")
        delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
        rows = list(csv.DictReader(text.splitlines(), delimiter=delimiter))
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
            writer.writeheader()
            for copy in range(factor):
                for row in rows:
                    writer.writerow({**row, **{k: f"{row[k]}-{copy}" for k in keys}})
    return folder


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def all_periods(dataset: iku_nb.Dataset) -> None:
    for tahun in dataset.years:
        for triwulan in (None, 1, 2, 3, 4):
            iku_nb.hitung(dataset, tahun, triwulan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--factors", default="1,10,50")
    args = parser.parse_args()
    factors = [int(f) for f in args.factors.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for factor in factors:
            data = scaled_copy(factor, Path(tmp) / f"x{factor}")
            dataset = iku_nb.load(data)
            load_time = median_seconds(lambda d=data: iku_nb.load(d), args.repeat)
            count_time = median_seconds(lambda d=dataset: all_periods(d), args.repeat)
            rows.append((f"{factor}×", len(dataset.tables["konflik"]), load_time, count_time))
        base_load, base_count = rows[0][2], rows[0][3]
        print("| data | baris konflik | baca+periksa (s) | rasio | 25 periode hitung (s) | rasio |")
        print("| --- | --- | --- | --- | --- | --- |")
        for label, konflik_rows, load_time, count_time in rows:
            print(f"| {label} | {konflik_rows} | {load_time:.3f} | {load_time / base_load:.1f} "
                  f"| {count_time:.3f} | {count_time / base_count:.1f} |")

        params = parse_parameters({"tahun": 2025, "data": str(ROOT / "data")})
        output = Path(tmp) / "output"
        stages = []
        for formats in (("html",), ("html", "pdf")):
            spec = ReportSpec(params, formats)
            seconds = median_seconds(lambda s=spec: run_report(s, output), max(3, args.repeat // 2))
            stages.append(("+".join(formats), seconds))
        print()
        print("| laporan tahunan 2025 | median (s) | rasio |")
        print("| --- | --- | --- |")
        for label, seconds in stages:
            print(f"| {label} | {seconds:.2f} | {seconds / stages[0][1]:.2f} |")


if __name__ == "__main__":
    main()
