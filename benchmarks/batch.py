"""Compare ways of producing a batch of reports, side by side in one run.

Run from the project folder: ``python benchmarks/batch.py [--repeat 5]``.
The batch is every tahun of the sample data (or ``--tahun``) × the yearly
report (or each ``--triwulan``) × the office-wide report and one report per
bidang (or ``--bidang``). Each round times, one
after another:

* ``iku-nb laporan`` (HTML), with kernels kept by its workers;
* the same batch on a two-worker Dask LocalCluster bound to 127.0.0.1,
  started before this method in each round and closed after it;
* by hand: one ``papermill`` and one ``jupyter nbconvert --to html``
  command per report, in sequence (HTML);
* a Python loop over ``papermill.execute_notebook`` and nbconvert's
  ``HTMLExporter`` in one process (HTML);
* the floor: only the cells of every report, run in one kernel that is
  already running and warmed up as the batch's kernels are;
* the same floor in two such kernels at once, each with half of the
  reports, split by the one-kernel floor's times of the same round. It
  shows how much slower cells run when both cores are busy, which the
  one-kernel floor divided by the cores leaves out;
* ``iku-nb laporan --format html,pdf``.

The script prints a Markdown table of medians, ratios, CPU time and peak
memory. CPU time (user + system) and peak memory are summed over the
process tree, sampled every 0.1 s. Then it
checks that every method produced the same cell outputs, and that the batch
methods wrote the same value registry (``<notebook>.angka.json``).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from formats import number
from options import positive_int

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"
BIN = Path(sys.executable).parent
JOBS = 2
CLUSTER_METHOD = "iku-nb laporan --cluster (LocalCluster, 2 pekerja)"
# Both floor methods are timed as whole processes, kernel start included.
# The sums of the cell times alone are printed below the table.
FLOOR_METHOD = "lantai: satu kernel hangat, semua laporan berurutan (jam dinding)"
PAIR_METHOD = "lantai: dua kernel hangat bersamaan, masing-masing separuh laporan (jam dinding)"
FLOOR_TIMES = "detik-sel.json"
READY = "kernel-siap"
ERRORS = "galat.txt"
PARTNER_TIMEOUT = 600
# Seconds a child that Ctrl-C reached gets to stop its kernels before it is killed.
INTERRUPT_GRACE = 30


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Bandingkan cara-cara membuat satu batch laporan, berdampingan dalam satu "
                    "pengukuran: iku-nb laporan, klaster Dask, papermill + nbconvert dengan "
                    "tangan, loop Python, dan lantai (sel saja di kernel hangat).")
    parser.add_argument("--repeat", type=positive_int, default=5,
                        help="jumlah putaran; median setiap cara dicetak")
    parser.add_argument("--tahun", help="tahun batch, seperti di iku-nb laporan (bawaan: semua "
                                        "tahun data contoh)")
    parser.add_argument("--bidang", default="semua", help="pilihan bidang batch (bawaan: semua)")
    parser.add_argument("--triwulan", help="triwulan batch (bawaan: laporan tahunan)")
    parser.add_argument("--batch-and-floor-only", action="store_true",
                        help="ukur hanya iku-nb laporan dan lantai, misalnya untuk matriks besar")
    parser.add_argument("--no-dask", action="store_true", help="lewati klaster Dask")
    parser.add_argument("--no-pdf", action="store_true", help="lewati batch HTML+PDF")
    args = parser.parse_args()

    from iku_nb.dataset import load  # noqa: PLC0415
    from iku_nb.errors import IkuError  # noqa: PLC0415
    from iku_nb.matrix import expand  # noqa: PLC0415

    dataset = load(DATA)
    tahun = args.tahun or f"{dataset.years[0]}-{dataset.years[-1]}"
    try:
        specs = expand({"tahun": tahun, "triwulan": args.triwulan, "bidang": args.bidang,
                        "data": str(DATA)}, "html", dataset.katalog, dataset.years)
    except IkuError as exc:
        parser.error(str(exc))
    reports = [(spec.name, spec.notebook, _parameters(spec)) for spec in specs]

    # The address of the round's cluster, which runs only around its own method.
    cluster: dict[str, str] = {}
    batch = ["laporan", "--data", str(DATA), "--tahun", tahun, "--bidang", args.bidang,
             "--jobs", str(JOBS), *(["--triwulan", args.triwulan] if args.triwulan else [])]
    methods: dict[str, tuple[str, Callable[[Path], None]]] = {
        "iku-nb laporan": ("html", lambda out: _cli([*batch, "--output", str(out)])),
    }
    full = not args.batch_and_floor_only
    if full and not args.no_dask:
        methods[CLUSTER_METHOD] = (
            "html", lambda out: _cli([*batch, "--output", str(out), "--cluster",
                                      cluster["address"]]))
    if full:
        methods["papermill + nbconvert CLI, berurutan"] = (
            "html", lambda out: _by_hand(reports, out))
        methods["loop papermill.execute_notebook + HTMLExporter"] = (
            "html", lambda out: _run([sys.executable, __file__, "--loop", json.dumps(reports),
                                      str(out)]))
    methods[FLOOR_METHOD] = (
        "html", lambda out: _run([sys.executable, __file__, "--floor", json.dumps(reports),
                                  str(out)]))
    # The split uses the one-kernel floor of the same round, timed just before.
    floor_times: dict[str, float] = {}
    methods[PAIR_METHOD] = ("html", lambda out: _floor_pair(reports, floor_times, out))
    if full and not args.no_pdf:
        methods["iku-nb laporan --format html,pdf"] = (
            "html+pdf", lambda out: _cli([*batch, "--format", "html,pdf", "--output", str(out)]))

    seconds: dict[str, list[float]] = {name: [] for name in methods}
    memory: dict[str, list[int]] = {name: [] for name in methods}
    cpu_seconds: dict[str, list[float]] = {name: [] for name in methods}
    floor_cells: list[float] = []
    pair_cells: list[list[float]] = []
    work = Path(tempfile.mkdtemp(prefix="iku-bench-"))
    # Removed at exit, also when a method fails or Ctrl-C stops the run.
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    for round_number in range(args.repeat):
        for index, (name, (_, action)) in enumerate(methods.items()):
            out = work / f"{round_number}-{index}"
            out.mkdir()
            watched = name == CLUSTER_METHOD
            with _local_cluster(cluster) if watched else contextlib.nullcontext():
                elapsed, peak, cpu = _measure(lambda a=action, o=out: a(o), include_self=watched)
            seconds[name].append(elapsed)
            memory[name].append(peak)
            cpu_seconds[name].append(cpu)
            if name == FLOOR_METHOD:
                times = _floor_times(out)
                floor_times.update(times["laporan"])
                floor_cells.append(times["jumlah"])
            elif name == PAIR_METHOD:
                pair_cells.append([_floor_times(out / kernel)["jumlah"]
                                   for kernel in ("kernel-1", "kernel-2")])
            print(f"putaran {round_number + 1}: {name}: {number(elapsed, 1)} s", file=sys.stderr)
    last = args.repeat - 1
    outputs = {name: work / f"{last}-{i}" for i, name in enumerate(methods)}
    problems = _compare(reports, {spec.name: spec.stem for spec in specs}, outputs)
    _print_table(len(reports), args.repeat, methods, seconds, memory, cpu_seconds, floor_cells,
                 pair_cells)
    if problems:
        print("\n**Hasil berbeda:**\n")
        print("\n".join(f"- {p}" for p in problems))
        # The timings mean nothing when the methods made different reports.
        raise SystemExit(1)
    print(f"\nKeluaran sel semua metode dan daftar angka semua batch sama "
          f"({len(reports)} laporan, putaran terakhir).")


@contextlib.contextmanager
def _local_cluster(cluster: dict[str, str]) -> Iterator[None]:
    """Run a two-worker LocalCluster on 127.0.0.1 for one method, its start not timed.

    An idle cluster kept between methods slowed the local batch by about 4%
    (its workers keep warm kernels), so each round starts one, and its
    kernels start cold as the local batch's do. A worker's kernel ends
    through ipykernel's parent poller a few seconds after its worker, so
    the cluster's processes are awaited before the next method starts.
    """
    from distributed import LocalCluster  # noqa: PLC0415

    me = psutil.Process()
    before = {process.pid for process in me.children(recursive=True)}
    started: list[psutil.Process] = []
    try:
        with LocalCluster(n_workers=JOBS, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address="127.0.0.1:0") as local:
            cluster["address"] = local.scheduler_address
            try:
                yield
            finally:
                # multiprocessing's resource tracker, started for the cluster,
                # serves this process until it ends, so it is left running.
                started = [process for process in me.children(recursive=True)
                           if process.pid not in before and not _resource_tracker(process)]
    finally:
        _, alive = psutil.wait_procs(started, timeout=15)
        for process in alive:
            process.kill()
        psutil.wait_procs(alive, timeout=5)


def _resource_tracker(process: psutil.Process) -> bool:
    try:
        return "multiprocessing.resource_tracker" in " ".join(process.cmdline())
    except psutil.Error:
        return False


def _parameters(spec) -> dict:
    parameters = {"tahun": spec.params.tahun, "data": str(DATA)}
    if spec.params.triwulan:
        parameters["triwulan"] = spec.params.triwulan
    if spec.params.bidang:
        parameters["bidang"] = spec.params.bidang
    return parameters


def _cli(arguments: list[str]) -> None:
    _run([str(BIN / "iku-nb"), *arguments])


def _run(command: list[str]) -> None:
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as process:
        try:
            _, stderr = process.communicate()
        except KeyboardInterrupt:
            # Ctrl-C in a terminal reaches the child too. subprocess.run would
            # kill it at once, before iku-nb stops its workers and kernels and
            # removes their temporary folders, so it gets time to end first.
            try:
                process.communicate(timeout=INTERRUPT_GRACE)
            except subprocess.TimeoutExpired:
                process.kill()
            raise
    if process.returncode != 0:
        raise SystemExit(f"{command[:3]} gagal:\n{stderr[-3000:]}")


def _by_hand(reports: list, out: Path) -> None:
    for name, notebook, parameters in reports:
        executed = out / f"{name}.ipynb"
        options = [part for key, value in parameters.items() for part in ("-p", key, str(value))]
        _run([str(BIN / "papermill"), str(NOTEBOOKS / f"{notebook}.ipynb"), str(executed),
              *options, "--no-progress-bar", "--cwd", str(out)])
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)])


def _loop(reports: list, out: Path) -> None:
    """Run the plain loop; the caller starts it in a process of its own, so its imports count."""
    import papermill  # noqa: PLC0415
    from nbconvert import HTMLExporter  # noqa: PLC0415

    exporter = HTMLExporter()
    for name, notebook, parameters in reports:
        executed = out / f"{name}.ipynb"
        papermill.execute_notebook(str(NOTEBOOKS / f"{notebook}.ipynb"), str(executed),
                                   parameters=parameters, cwd=str(out), progress_bar=False)
        body, _ = exporter.from_filename(str(executed))
        (out / f"{name}.html").write_text(body, encoding="utf-8")


def _floor_pair(reports: list, floor_times: dict[str, float], out: Path) -> None:
    """Run the floor in two kernels at once, each with about half of the cell time.

    The executed notebooks end up in ``out`` beside each other, as the other
    methods leave them. Each floor's standard error goes to a file in its
    folder, so that neither blocks on a full pipe.
    """
    folders = [out / "kernel-1", out / "kernel-2"]
    runs = []
    for index, (half, folder) in enumerate(zip(halves(reports, floor_times), folders,
                                               strict=True)):
        folder.mkdir()
        with open(folder / ERRORS, "w", encoding="utf-8") as errors:
            runs.append(subprocess.Popen(
                [sys.executable, __file__, "--floor", json.dumps(half), str(folder),
                 str(folders[1 - index])],
                stdout=subprocess.DEVNULL, stderr=errors))
    try:
        while any(run.poll() is None for run in runs):
            # A floor that ended with an error may never become ready, and the
            # other one would wait for it, so the other one is interrupted.
            if any(run.returncode for run in runs):
                _interrupt(runs)
            time.sleep(0.01)
    except KeyboardInterrupt:
        # As in _run: Ctrl-C reached the floors too. Without this wait they
        # would outlive this process, and its exit would remove their folders.
        _wait_or_kill(runs, INTERRUPT_GRACE)
        raise
    failures = [f"{folder.name}: kode keluar {run.returncode}\n"
                f"{(folder / ERRORS).read_text(encoding='utf-8')[-3000:]}"
                for run, folder in zip(runs, folders, strict=True) if run.returncode]
    if failures:
        raise SystemExit("lantai dua kernel gagal:\n" + "\n".join(failures))
    for folder in folders:
        for notebook in folder.glob("*.ipynb"):
            notebook.rename(out / notebook.name)


def halves(reports: list, floor_times: dict[str, float]) -> list[list]:
    """Split the reports into two lists with about the same one-kernel floor time.

    The reports are dealt longest first to the list with less time so far.
    """
    split: list[list] = [[], []]
    loads = [0.0, 0.0]
    for report in sorted(reports, key=lambda report: floor_times[report[0]], reverse=True):
        lighter = loads.index(min(loads))
        split[lighter].append(report)
        loads[lighter] += floor_times[report[0]]
    return split


def _interrupt(runs: list[subprocess.Popen]) -> None:
    """Stop the floors still running with Ctrl-C, so that each shuts its kernel down."""
    for run in runs:
        if run.poll() is None:
            run.send_signal(signal.SIGINT)
    for run in runs:
        try:
            run.wait(timeout=15)
        except subprocess.TimeoutExpired:
            run.kill()
            run.wait()


def _wait_or_kill(runs: list[subprocess.Popen], timeout: float) -> None:
    """Wait up to ``timeout`` seconds in all for the runs to end, then kill those still running."""
    deadline = time.monotonic() + timeout
    for run in runs:
        try:
            run.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            run.kill()
            run.wait()


def _floor_times(out: Path) -> dict:
    return json.loads((out / FLOOR_TIMES).read_text(encoding="utf-8"))


def _wait_for_partner(out: Path, partner: Path) -> None:
    """Mark this floor's kernel as warm, then wait until the partner's is too."""
    (out / READY).touch()
    deadline = time.monotonic() + PARTNER_TIMEOUT
    while not (partner / READY).exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"kernel lantai di {partner} tidak siap dalam "
                             f"{PARTNER_TIMEOUT} detik")
        time.sleep(0.005)


def _floor(reports: list, out: Path, partner: Path | None = None) -> None:
    """Time only the cells: one kernel, warmed once, reset between reports.

    With ``partner``, the folder of a floor started beside this one, the
    cells start only once both kernels are warm, so that neither kernel's
    start slows the other's cells.
    """
    import nbformat  # noqa: PLC0415
    from jupyter_client.manager import KernelManager  # noqa: PLC0415
    from papermill.iorw import load_notebook_node  # noqa: PLC0415
    from papermill.parameterize import parameterize_notebook  # noqa: PLC0415

    from iku_nb.kernel import WARM_UP  # noqa: PLC0415

    # The steps of jupyter_client's start_new_kernel, inside the try: it
    # cleans up only after a RuntimeError, so Ctrl-C while the kernel starts
    # left the kernel's connection file in the temporary folder.
    manager = KernelManager(kernel_name="python3")
    client = None
    try:
        manager.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"])
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        # The same warm-up as the batch's kernels, so no runner gets faster cells.
        client.execute_interactive(WARM_UP, silent=True, store_history=False, timeout=600)
        if partner is not None:
            _wait_for_partner(out, partner)
        per_report: dict[str, float] = {}
        for name, notebook, parameters in reports:
            per_report[name] = 0.0
            client.execute_interactive("get_ipython().reset(new_session=True)",
                                       silent=True, store_history=False, timeout=600)
            nb = load_notebook_node(str(NOTEBOOKS / f"{notebook}.ipynb"))
            nb = parameterize_notebook(nb, parameters)
            for cell in nb.cells:
                if cell.cell_type != "code":
                    continue
                cell.outputs = []

                def keep(message, cell=cell):
                    kind = message["msg_type"]
                    if kind in ("stream", "display_data", "execute_result", "error"):
                        cell.outputs.append(nbformat.v4.output_from_msg(message))

                started = time.perf_counter()
                reply = client.execute_interactive(cell.source, timeout=600, output_hook=keep)
                per_report[name] += time.perf_counter() - started
                if reply["content"]["status"] != "ok":
                    raise SystemExit(f"{name}: sel gagal: {reply['content']}")
            nbformat.write(nb, out / f"{name}.ipynb")
        (out / FLOOR_TIMES).write_text(json.dumps(
            {"jumlah": sum(per_report.values()), "laporan": per_report}), encoding="utf-8")
    finally:
        if client is not None:
            client.stop_channels()
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)
        else:
            manager.cleanup_resources()


def _measure(action: Callable[[], None],
             include_self: bool = False) -> tuple[float, int, float]:
    """Return the wall time of ``action``, the peak RSS and the CPU time of its processes.

    Processes that were running before, such as the LocalCluster's workers,
    count only with ``include_self``, which also counts this process. Their
    CPU time counts from the start of ``action``. Both are sampled every
    0.1 s, so a process's last 0.1 s of CPU time may be missed.
    """
    me = psutil.Process()
    before = set() if include_self else {p.pid for p in me.children(recursive=True)}
    peak = 0
    cpu_start: dict[tuple[int, float], float] = {}
    cpu_last: dict[tuple[int, float], float] = {}
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        first = True
        while not stop.is_set():
            processes = [p for p in me.children(recursive=True) if p.pid not in before]
            processes += [me] if include_self else []
            total = 0
            for process in processes:
                try:
                    total += process.memory_info().rss
                    times = process.cpu_times()
                    key = (process.pid, process.create_time())
                except psutil.Error:
                    continue
                cpu_last[key] = times.user + times.system
                if first:
                    cpu_start[key] = cpu_last[key]
            peak = max(peak, total)
            first = False
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        action()
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
    cpu = sum(seconds - cpu_start.get(key, 0.0) for key, seconds in cpu_last.items())
    return elapsed, peak, cpu


def _compare(reports: list, stems: dict[str, str], outputs: dict[str, Path]) -> list[str]:
    """List every report whose cell outputs or manifest figures differ between methods."""
    problems = []
    for name, _, parameters in reports:
        quarter = f"tw{parameters['triwulan']}" if "triwulan" in parameters else ""
        folder = Path(str(parameters["tahun"])) / quarter / parameters.get("bidang", "")
        found = {}
        figures = {}
        for method, out in outputs.items():
            if method.startswith("iku-nb"):
                found[method] = _cell_outputs(out / folder / f"{stems[name]}.ipynb")
                registry = out / folder / f"{stems[name]}.angka.json"
                figures[method] = json.loads(registry.read_text("utf-8"))["angka"]
            else:
                found[method] = _cell_outputs(out / f"{name}.ipynb")
        first = next(iter(found))
        problems += [f"{name}: keluaran sel {m} berbeda dari {first}"
                     for m in found if found[m] != found[first]]
        first = next(iter(figures))
        problems += [f"{name}: daftar angka {m} berbeda dari {first}"
                     for m in figures if figures[m] != figures[first]]
    return problems


def _cell_outputs(path: Path) -> list:
    """Return the outputs of the code cells, without the parameter cells whose source differs."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [cell["outputs"] for cell in nb["cells"] if cell["cell_type"] == "code"
            and "injected-parameters" not in cell["metadata"].get("tags", [])]


def _print_table(count, repeat, methods, seconds, memory, cpu_seconds, floor_cells,
                 pair_cells) -> None:
    cores = psutil.cpu_count()
    batch = statistics.median(seconds["iku-nb laporan"])
    floor = statistics.median(floor_cells) if floor_cells else None
    print(f"{count} laporan, median {repeat} putaran, {cores} inti, `--jobs {JOBS}`.\n")
    print("| cara | format | median (s) | s/laporan | rasio thd. batch | "
          "waktu CPU (s) | memori puncak (MiB) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, (kind, _) in methods.items():
        median = statistics.median(seconds[name])
        cpu = statistics.median(cpu_seconds[name])
        peak = max(memory[name]) / 2**20
        print(f"| {name} | {kind} | {number(median, 1)} | {number(median / count, 2)} | "
              f"{number(median / batch, 2)} | {number(cpu, 1)} | {number(peak, 0)} |")
    if floor is None:
        return
    print(f"| lantai: jumlah waktu sel saja ({number(floor, 1)} s) / {JOBS} inti | html | "
          f"{number(floor / JOBS, 1)} | {number(floor / JOBS / count, 2)} | "
          f"{number(floor / JOBS / batch, 2)} | – | – |")
    # pair_cells contains each round's two cell sums. A kernel without reports
    # makes the comparison moot.
    paired = [(cells, single) for cells, single in zip(pair_cells, floor_cells, strict=True)
              if min(cells) > 0]
    if paired:
        longer = statistics.median(max(cells) for cells, _ in paired)
        print(f"| lantai: sel kernel yang lebih lama dari dua kernel bersamaan | html | "
              f"{number(longer, 1)} | {number(longer / count, 2)} | "
              f"{number(longer / batch, 2)} | – | – |")
    print(f"\nJumlah waktu sel {number(floor, 1)} s. Batch ÷ (lantai / {JOBS} inti) = "
          f"{number(batch / (floor / JOBS), 2)}.")
    # A batch cannot end before its CPU time, spread over every core, has
    # passed, so this ratio bounds the one above from below.
    cpu = statistics.median(cpu_seconds["iku-nb laporan"])
    print(f"Waktu CPU batch {number(cpu, 1)} s ÷ {cores} inti = {number(cpu / cores, 1)} s, "
          f"jadi dengan semua inti sibuk sepanjang batch pun rasionya tidak kurang dari "
          f"{number(cpu / cores / (floor / JOBS), 2)}.")
    if paired:
        both = statistics.median(sum(cells) for cells, _ in paired)
        slower = statistics.median(sum(cells) / single for cells, single in paired)
        print(f"Lantai dua kernel bersamaan: sel kernel yang lebih lama {number(longer, 1)} s, "
              f"jumlah sel kedua kernel {number(both, 1)} s; per putaran, jumlah itu "
              f"{number(slower, 2)}× jumlah sel satu kernel (median). Batch ÷ lantai dua "
              f"kernel = {number(batch / longer, 2)}.")
    elif pair_cells:
        print("Lantai dua kernel tidak dibandingkan: satu kernelnya tidak mendapat laporan.")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--loop":
        _loop(json.loads(sys.argv[2]), Path(sys.argv[3]))
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "--floor":
        _floor(json.loads(sys.argv[2]), *map(Path, sys.argv[3:]))
    else:
        main()
