"""Time reading, checking and counting against the number of conflict reports.

For each size the script writes a synthetic data folder (``buat_register.py``)
and times, side by side in one process and in turn within each repeat:

- ``pandas.read_csv(engine="pyarrow")`` of every CSV table of the folder,
- ``pandas.read_csv`` with its default C engine, on the same files,
- the table that iku_nb reads, made with pandas: the columns that iku_nb
  keeps as categories are read as ``category``, once with the C engine
  followed by ``astype`` and once with ``engine="pyarrow"`` and ``dtype``.
  The C engine with ``dtype="category"`` is left out, because it took
  0.85-0.95 s for konflik.csv alone at 1M rows, about three times longer
  than the C engine and ``astype`` (pandas 3.1.1, 2-core AMD EPYC),
- ``iku_nb.read.read_tables`` (read every table of the folder as written),
- ``iku_nb.load`` (read, parse and check the whole folder),
- the calculation: ``iku_nb.hitung`` for one year and each of its four
  quarters, on a freshly loaded dataset, so nothing counted earlier is reused.

It prints the medians and the ratios of reading and of loading to each
pandas engine, to the faster of the two, and to the faster way of making the
same table with pandas. It also prints the growth from one size to the next
and the peak memory of each step (measured in a child process per step), and
draws time against rows on log-log axes. Run from the project folder:

    python benchmarks/hitung.py --rows 10000,100000,1000000 --repeat 5
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import psutil
import seaborn as sns

import iku_nb
from iku_nb.dataset import forget
from iku_nb.read import read_tables
from iku_nb.tables import TABLES

sys.path.insert(0, str(Path(__file__).resolve().parent))
from buat_register import write_register
from formats import count, number
from options import positive_int, row_counts

ROOT = Path(__file__).resolve().parents[1]
TAHUN = 2024
STEPS = {
    "pyarrow": "pandas.read_csv pyarrow",
    "c": "pandas.read_csv C",
    "c_category": "pandas C lalu astype kategori",
    "pyarrow_category": "pandas pyarrow dtype kategori",
    "read": "iku_nb membaca",
    "load": "iku_nb.load",
    "hitung": "hitung 1 tahun + 4 triwulan",
}


def read_with_pandas(folder: Path, engine: str | None) -> None:
    """Read every CSV table of the folder with pandas, as the office writes them."""
    for path in sorted(folder.glob("*.csv")):
        separator = ";" if path.stem == "konflik" else ","
        if engine is None:
            pd.read_csv(path, sep=separator)
        else:
            pd.read_csv(path, sep=separator, engine=engine)


def read_as_categories(folder: Path, engine: str) -> None:
    """Read every CSV table of the folder with pandas into the columns iku_nb makes.

    iku_nb keeps every column as text, as categories except the columns whose
    values are mostly different (``TableSpec.distinct``, such as identifiers).
    """
    for path in sorted(folder.glob("*.csv")):
        separator = ";" if path.stem == "konflik" else ","
        header = pd.read_csv(path, sep=separator, nrows=0).columns
        categories = {column: "category" for column in header
                      if column not in TABLES[path.stem].distinct}
        if engine == "c":
            pd.read_csv(path, sep=separator).astype(categories)
        else:
            pd.read_csv(path, sep=separator, engine=engine, dtype=categories)


def calculate(dataset: iku_nb.Dataset) -> None:
    """Compute all indicators for the year and for each of its four quarters."""
    for triwulan in (None, 1, 2, 3, 4):
        iku_nb.hitung(dataset, TAHUN, triwulan)


def read_again(folder: Path) -> iku_nb.Dataset:
    """Load the folder from its files, not from the dataset this process kept from the last load."""
    forget()
    return iku_nb.load(folder)


def run_step(step: str, folder: Path) -> Callable[[], object]:
    """Return the action that a step times; the calculation loads its dataset first."""
    if step == "pyarrow":
        return lambda: read_with_pandas(folder, "pyarrow")
    if step == "c":
        return lambda: read_with_pandas(folder, None)
    if step in ("c_category", "pyarrow_category"):
        return lambda: read_as_categories(folder, step.removesuffix("_category"))
    if step == "read":
        return lambda: read_tables(folder)
    if step == "load":
        return lambda: read_again(folder)
    dataset = iku_nb.load(folder)
    return lambda: calculate(dataset)


def register_rows(folder: Path) -> int:
    """Count the reports of a synthetic konflik.csv: its lines after the header.

    The generator writes no line break inside a cell, so each line is one report.
    """
    with open(folder / "konflik.csv", "rb") as file:
        lines = sum(block.count(b"\n") for block in iter(lambda: file.read(1 << 20), b""))
    return lines - 1


def time_sizes(folders: dict[int, Path], repeat: int) -> dict[int, dict[str, list[float]]]:
    """Time every step on every folder ``repeat`` times, alternating steps within a repeat."""
    times = {rows: {step: [] for step in STEPS} for rows in folders}
    for _ in range(repeat):
        for rows, folder in folders.items():
            for step in STEPS:
                action = run_step(step, folder)
                start = time.perf_counter()
                action()
                times[rows][step].append(time.perf_counter() - start)
    return times


def peak_memory(step: str, folder: Path) -> dict[str, float]:
    """Run one step in a fresh child process; return its peak RSS and the rise, in MiB."""
    command = [sys.executable, str(Path(__file__).resolve()), "--measure-memory", step,
               str(folder)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.splitlines()[-1])


def measure_memory(step: str, folder: Path) -> None:
    """Print, as JSON, the peak RSS of this process during one step and its rise, in MiB.

    The resident set size is sampled every 5 ms, so a peak shorter than that
    may be missed.
    """
    action = run_step(step, folder)
    process = psutil.Process()
    before = process.memory_info().rss
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.005):
            peak = max(peak, process.memory_info().rss)

    sampler = threading.Thread(target=sample)
    sampler.start()
    action()
    done.set()
    sampler.join()
    peak = max(peak, process.memory_info().rss)
    print(json.dumps({"puncak": peak / 2**20, "kenaikan": (peak - before) / 2**20}))


def print_tables(times: dict, memory: dict) -> None:
    sizes = sorted(times)
    medians = {rows: {step: statistics.median(t) for step, t in times[rows].items()}
               for rows in sizes}
    print("| baris konflik | " + " | ".join(f"{label} (s)" for label in STEPS.values()) + " |")
    print("|" + " --- |" * (len(STEPS) + 1))
    for rows in sizes:
        cells = " | ".join(number(medians[rows][step], 3) for step in STEPS)
        print(f"| {count(rows)} | {cells} |")
    print()
    print("Rasio median terhadap pandas.read_csv (tercepat = yang lebih cepat dari C dan "
          "pyarrow pada ukuran itu; tabel sama = yang lebih cepat dari dua cara pandas "
          "membuat kolom kategori yang sama):")
    print()
    divisors = {"tercepat": "pandas tercepat", "c": STEPS["c"], "pyarrow": STEPS["pyarrow"],
                "sama": "pandas tercepat, tabel sama"}
    ratios = [(step, divisor) for step in ("read", "load") for divisor in divisors]
    print("| baris konflik | " + " | ".join(f"{STEPS[step]} ÷ {divisors[divisor]}"
                                             for step, divisor in ratios) + " |")
    print("|" + " --- |" * (len(ratios) + 1))
    for rows in sizes:
        m = medians[rows]
        times_by_divisor = {"tercepat": min(m["c"], m["pyarrow"]), "c": m["c"],
                            "pyarrow": m["pyarrow"],
                            "sama": min(m["c_category"], m["pyarrow_category"])}
        cells = " | ".join(number(m[step] / times_by_divisor[divisor], 2)
                           for step, divisor in ratios)
        print(f"| {count(rows)} | {cells} |")
    print()
    print("Pertumbuhan waktu dari ukuran ke ukuran berikutnya (waktu ukuran besar ÷ waktu "
          "ukuran kecil; tepat sebanding dengan baris bila sama dengan kelipatan baris):")
    print()
    print("| dari → ke | kelipatan baris | " + " | ".join(STEPS.values()) + " |")
    print("|" + " --- |" * (len(STEPS) + 2))
    for small, large in itertools.pairwise(sizes):
        growth = " | ".join(number(medians[large][s] / medians[small][s], 1) for s in STEPS)
        print(f"| {count(small)} → {count(large)} | {number(large / small, 1)} | {growth} |")
    print()
    print("| baris konflik | " + " | ".join(f"{label}: puncak / naik (MiB)"
                                             for label in STEPS.values()) + " |")
    print("|" + " --- |" * (len(STEPS) + 1))
    for rows in sizes:
        cells = " | ".join(f"{number(memory[rows][s]['puncak'], 0)} / "
                           f"{number(memory[rows][s]['kenaikan'], 0)}" for s in STEPS)
        print(f"| {count(rows)} | {cells} |")


def plot(times: dict, path: Path) -> None:
    """Draw the median time of each step against rows, on log-log axes."""
    records = [{"baris konflik": rows, "langkah": STEPS[step],
                "waktu (s)": statistics.median(t)}
               for rows, steps in times.items() for step, t in steps.items()]
    figure, axes = plt.subplots(figsize=(7, 4.5))
    sns.lineplot(data=pd.DataFrame(records), x="baris konflik", y="waktu (s)",
                 hue="langkah", marker="o", ax=axes)
    axes.set(xscale="log", yscale="log", title="Median waktu terhadap jumlah baris konflik")
    axes.grid(True, which="both", linewidth=0.3)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Ukur waktu membaca, memeriksa dan menghitung terhadap jumlah laporan "
                    "konflik, berdampingan dengan pandas.read_csv.")
    parser.add_argument("--rows", type=row_counts, default="10000,100000,1000000",
                        help="jumlah baris konflik, dipisah koma")
    parser.add_argument("--repeat", type=positive_int, default=5, help="ulangan per langkah")
    parser.add_argument("--data", type=Path,
                        help="folder tempat data sintetis ditulis (bawaan: folder sementara)")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "benchmarks-baris.png",
                        help="berkas PNG grafik waktu terhadap baris (bawaan: "
                             "docs/benchmarks-baris.png, grafik di docs/benchmarks.md, yang "
                             "ditimpa; beri jalur lain untuk putaran sebagian)")
    parser.add_argument("--measure-memory", nargs=2, metavar=("LANGKAH", "FOLDER"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_memory:
        measure_memory(args.measure_memory[0], Path(args.measure_memory[1]))
        return

    if args.plot.suffix.lower() != ".png" or args.plot.is_dir():
        parser.error(f"argument --plot: {args.plot} bukan jalur berkas .png; "
                     "tulis misalnya --plot /tmp/grafik.png")
    if args.data is not None and args.data.exists() and not args.data.is_dir():
        parser.error(f"argument --data: {args.data} bukan folder; beri folder yang belum ada "
                     "atau folder register dari putaran sebelumnya")

    sizes = args.rows
    with tempfile.TemporaryDirectory() as scratch:
        base = args.data or Path(scratch)
        folders = {rows: base / f"register-{rows}" for rows in sizes}
        for rows, folder in folders.items():
            if not (folder / "konflik.csv").exists():
                write_register(folder, rows)
                continue
            # A folder kept from an earlier run is reused only with the rows in its name.
            found = register_rows(folder)
            if found != rows:
                parser.error(f"{folder / 'konflik.csv'} berisi {count(found)} laporan, bukan "
                             f"{count(rows)}; hapus folder {folder} supaya ditulis ulang, atau "
                             "pakai --data lain")
        times = time_sizes(folders, args.repeat)
        memory = {rows: {step: peak_memory(step, folder) for step in STEPS}
                  for rows, folder in folders.items()}
    print(f"Median {args.repeat} ulangan; tahun {TAHUN}; Python {sys.version.split()[0]}, "
          f"pandas {pd.__version__}.")
    print()
    print_tables(times, memory)
    try:
        plot(times, args.plot)
    except OSError as exc:
        # The tables above are already printed, so only the chart is lost.
        reason = exc.strerror or exc
        raise SystemExit(f"\nGrafik tidak dapat ditulis ke {args.plot}: {reason}") from None
    print()
    print(f"Grafik: {args.plot}")


if __name__ == "__main__":
    main()
