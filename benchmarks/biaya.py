"""Measure the CPU time of each part of a batch of reports, cells and the rest.

Run from the project folder: ``python benchmarks/biaya.py [--repeat 3]``.
The batch is the one of ``batch.py``: every tahun of the sample data (or
``--tahun``) × the yearly report × the office-wide report and one report per
bidang (or ``--bidang``). Each repeat measures, one after another:

* the imports of the ``iku-nb`` command and of the forkserver that forks the
  batch's workers, each in a new Python process;
* a kernel started and warmed up as a batch worker's is, until it has
  replied to a first request: in a process forked from the forkserver, which
  forks the kernel from itself (``WarmKernel(fork_first=True)``);
* every report of the batch, run with ``run_report`` in that one kernel as a
  worker runs them. The CPU time of that process is the worker's part
  (papermill, nbclient, notebook, HTML, manifest). The CPU time of the
  kernel process is the cells, the reset between reports and the messages.

It prints the medians and the CPU time that these parts add up to for the
batch with ``--jobs`` kernels, to compare with the CPU time that
``batch.py`` measures for ``iku-nb laporan``. Times are CPU times (user +
system) of whole processes, so the kernel's threads count too. They come
from ``getrusage`` for the import processes after they end, and from psutil
for this process and the kernel.
"""

from __future__ import annotations

import argparse
import gc
import queue
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
from formats import number
from options import positive_int

from iku_nb.dataset import load
from iku_nb.errors import IkuError
from iku_nb.forkserver import PRELOAD, worker_context
from iku_nb.kernel import WarmKernel
from iku_nb.matrix import expand
from iku_nb.run import prepare_html_export, run_report

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
IMPORTS = {
    "impor perintah iku-nb (CLI)": "import iku_nb.cli",
    # multiprocessing.forkserver first, so that the guard acts as in the server:
    # it pauses the garbage collector during the preload and skips the teardown.
    "impor forkserver (" + ", ".join(PRELOAD) + ")": "; ".join(
        ["import multiprocessing.forkserver", *(f"import {m}" for m in PRELOAD)]),
}
KERNEL_START = "memulai kernel dan memanaskannya"
KERNEL_REPORT = "kernel: satu laporan (sel, reset, pesan)"
WORKER_REPORT = "pekerja: satu laporan (papermill, nbclient, notebook, HTML, manifest)"


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def import_cpu(statement: str) -> float:
    """Return the CPU time of a new Python process that runs one import statement."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", statement], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure_kernel(specs, output: Path) -> dict[str, list[float]]:
    """Run :func:`measure_in_worker` in a process forked as a batch worker is; return its times."""
    context = worker_context()
    results = context.Queue()
    worker = context.Process(target=measure_in_worker, args=(specs, output, results))
    worker.start()
    # A worker that raises or is killed never sends its times, so the wait
    # ends once the worker has ended without them.
    while True:
        alive = worker.is_alive()
        try:
            times = results.get(timeout=1)
            break
        except queue.Empty:
            if not alive:
                raise SystemExit(f"pekerja pengukuran berhenti dengan kode keluar "
                                 f"{worker.exitcode} tanpa mengirim waktunya; galatnya, "
                                 "bila ada, tercetak di atas") from None
    worker.join()
    return times


def measure_in_worker(specs, output: Path, results) -> None:
    """Start one warm kernel, run every report in it, and send the CPU time of each part."""
    # As a batch worker does before it forks its kernel (iku_nb.pool._serve).
    gc.freeze()
    this_process = psutil.Process()
    times: dict[str, list[float]] = {KERNEL_START: [], KERNEL_REPORT: [], WORKER_REPORT: []}
    kernel = WarmKernel(fork_first=True)
    with tempfile.TemporaryDirectory(prefix="iku-nb-kernel-") as start_folder:
        try:
            kernel.start(Path(start_folder))
            # The warm-up runs before any later request, so the first quiet
            # request returns once the kernel is warm.
            kernel._run_quietly("pass")
            kernel_process = psutil.Process(kernel.pid)
            times[KERNEL_START].append(cpu_seconds(kernel_process))
            prepare_html_export()
            for spec in specs:
                worker_before = cpu_seconds(this_process)
                kernel_before = cpu_seconds(kernel_process)
                run_report(spec, output, 600, kernel=kernel)
                times[WORKER_REPORT].append(cpu_seconds(this_process) - worker_before)
                times[KERNEL_REPORT].append(cpu_seconds(kernel_process) - kernel_before)
        finally:
            kernel.discard()
    results.put(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Ukur waktu CPU setiap bagian batch laporan: impor, kernel, sel dan pekerja.")
    parser.add_argument("--repeat", type=positive_int, default=3, help="ulangan; median dicetak")
    parser.add_argument("--tahun", help="tahun batch (bawaan: semua tahun data)")
    parser.add_argument("--bidang", default="semua", help="pilihan bidang batch")
    parser.add_argument("--jobs", type=positive_int, default=2, help="jumlah kernel batch")
    args = parser.parse_args()

    dataset = load(DATA)
    tahun = args.tahun or f"{dataset.years[0]}-{dataset.years[-1]}"
    try:
        specs = expand({"tahun": tahun, "triwulan": None, "bidang": args.bidang,
                        "data": str(DATA)}, "html", dataset.katalog, dataset.years)
    except IkuError as exc:
        parser.error(str(exc))
    times: dict[str, list[float]] = {name: [] for name in
                                     [*IMPORTS, KERNEL_START, KERNEL_REPORT, WORKER_REPORT]}
    for round_number in range(args.repeat):
        for name, statement in IMPORTS.items():
            times[name].append(import_cpu(statement))
        with tempfile.TemporaryDirectory(prefix="iku-biaya-") as output:
            for name, values in measure_kernel(specs, Path(output)).items():
                times[name].extend(values)
        print(f"putaran {round_number + 1} selesai", file=sys.stderr)

    medians = {name: statistics.median(values) for name, values in times.items()}
    count, kernels = len(specs), args.jobs
    print(f"{count} laporan, median {args.repeat} putaran; waktu CPU (user + system).\n")
    print("| bagian | kali dalam batch | CPU median (s) | jumlah (s) |")
    print("| --- | --- | --- | --- |")
    multiples = {KERNEL_START: kernels, KERNEL_REPORT: count, WORKER_REPORT: count}
    total = 0.0
    for name, median in medians.items():
        times_in_batch = multiples.get(name, 1)
        total += median * times_in_batch
        print(f"| {name} | {times_in_batch} | {number(median, 3)} | "
              f"{number(median * times_in_batch, 2)} |")
    print(f"\nJumlah untuk {count} laporan dengan {kernels} kernel: {number(total, 1)} s CPU. "
          f"Di luar itu ada pemeriksaan data oleh CLI, proses pekerja, dan indeks.")


if __name__ == "__main__":
    main()
