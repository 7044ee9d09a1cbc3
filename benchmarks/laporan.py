"""Time one yearly report (papermill, nbconvert, WeasyPrint) on the sample data.

Run from the project folder: ``python benchmarks/laporan.py [--repeat 3]``. Each
format is timed ``--repeat`` times in this one process and the median is
printed with its ratio to HTML alone, so that numbers measured side by side
compare.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from formats import number
from options import positive_int

from iku_nb.params import parse_parameters
from iku_nb.run import ReportSpec, run_report

ROOT = Path(__file__).resolve().parents[1]


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Ukur waktu satu laporan tahunan 2025 dari data contoh, HTML dan HTML+PDF.")
    parser.add_argument("--repeat", type=positive_int, default=3, help="ulangan per format")
    args = parser.parse_args()

    params = parse_parameters({"tahun": 2025, "data": str(ROOT / "data")})
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        stages = []
        for formats in (("html",), ("html", "pdf")):
            spec = ReportSpec(params, formats)
            seconds = median_seconds(lambda s=spec: run_report(s, output), args.repeat)
            stages.append(("+".join(formats), seconds))
    print(f"Laporan tahunan 2025, median {args.repeat} ulangan.\n")
    print("| format | median (s) | rasio |")
    print("| --- | --- | --- |")
    for label, seconds in stages:
        print(f"| {label} | {number(seconds, 2)} | {number(seconds / stages[0][1], 2)} |")


if __name__ == "__main__":
    main()
