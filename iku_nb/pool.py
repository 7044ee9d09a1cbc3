"""Run many reports in parallel on a pool of workers.

run_batch hands the reports to a ReportPool, which runs at most ``slots``
of them at a time. LocalPool, the default, runs them in worker processes on
this machine. iku_nb.cluster.DaskPool runs them on the workers of a Dask
cluster. Each report is staged by run_report in its own temporary folder, so
no two reports share a working directory or a figure file. A failed or killed
report never replaces the files of an earlier good run, because run_report
promotes files only after every step has succeeded.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import math
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Protocol

import psutil

from iku_nb.errors import DataError, IkuError, Terminated, failure_reason, os_cause
from iku_nb.forkserver import worker_context
from iku_nb.formatting import detik
from iku_nb.kernel import WarmKernel, kill_all
from iku_nb.run import (
    FAILED_NOTE_SUFFIX,
    STAGING,
    ReportSpec,
    prepare_html_export,
    report_note,
    run_report,
)

log = logging.getLogger("iku_nb")

SUCCEEDED = "berhasil"
FAILED = "gagal"
TIMED_OUT = "waktu habis"

DEFAULT_TIMEOUT = 900
# The maximum sleep of the parent between checks, in seconds. It bounds how
# late a timeout is noticed and how often the progress display refreshes.
POLL_INTERVAL = 0.2
# Seconds an idle worker gets to shut its kernel down before it is killed.
STOP_TIMEOUT = 10
# The name prefix of a kernel's start folder in the temporary folder; two pids follow it.
START_FOLDER_PREFIX = "iku-nb-kernel-"

Runner = Callable[[ReportSpec, Path, int | None], dict[str, Path]]


@dataclass
class ReportResult:
    """The outcome of one report of a batch.

    ``reason`` gives why a report failed, or, for one that succeeded, which
    indicators have no data or target for its period, or which format was dropped
    (:func:`iku_nb.run.report_note`).
    """

    spec: ReportSpec
    status: str
    seconds: float
    files: dict[str, Path] = field(default_factory=dict)
    reason: str | None = None

    @property
    def name(self) -> str:
        return self.spec.name


class Listener(Protocol):
    """Receives batch events, e.g. to drive a progress display."""

    def started(self, spec: ReportSpec) -> None: ...

    def finished(self, result: ReportResult) -> None: ...


class ReportPool(Protocol):
    """Somewhere to run reports: this machine's processes, or a cluster.

    ``slots`` is the number of reports that may run at once; run_batch never
    has more reports submitted and unfinished than that. ``results`` blocks
    until at least one submitted report has finished and returns every
    finished one with the key it was submitted under, or returns an empty
    list when nothing is running. ``close`` kills what still runs and stops
    the workers.
    """

    slots: int

    def submit(self, key: int, spec: ReportSpec) -> None: ...

    def results(self) -> list[tuple[int, ReportResult]]: ...

    def close(self) -> None: ...


def default_jobs() -> int:
    """Return the number of CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def run_batch(specs: Sequence[ReportSpec], output: Path | str, jobs: int | None = None,
              timeout: float = DEFAULT_TIMEOUT, *, runner: Runner = run_report,
              listener: Listener | None = None, keep_kernel: bool = False,
              pool: ReportPool | None = None) -> list[ReportResult]:
    """Run every spec on ``pool`` and return the results in spec order.

    Without ``pool``, a LocalPool of ``jobs`` processes runs the reports with
    ``runner``. By default each report gets a process of its own. With
    ``keep_kernel`` the processes stay for all reports, and run_report runs
    in a WarmKernelRunner, so each process keeps one kernel. ``jobs``,
    ``timeout``, ``runner`` and ``keep_kernel`` do not apply to a given
    ``pool``. The pool is closed before run_batch returns or raises.

    On KeyboardInterrupt or SystemExit every running report is killed before
    the exception propagates. Reports that had already finished keep their files.
    """
    output = Path(output).resolve()
    if pool is None and keep_kernel:
        pool = LocalPool(output, jobs, timeout, reports_per_worker=None,
                         runner=WarmKernelRunner(fork_first=True) if runner is run_report
                         else runner)
    elif pool is None:
        pool = LocalPool(output, jobs, timeout, runner=runner)
    # Popped from the end, so the reports expected to take longest start
    # first and no core ends the batch alone on a long report. Reports of
    # equal cost start in the order given.
    pending = sorted(enumerate(specs), key=lambda item: (_expected_cost(item[1]), -item[0]))
    running = 0
    results: dict[int, ReportResult] = {}
    try:
        while pending or running:
            while pending and running < pool.slots:
                index, spec = pending.pop()
                pool.submit(index, spec)
                running += 1
                if listener:
                    listener.started(spec)
            for index, result in pool.results():
                running -= 1
                results[index] = result
                if result.status != SUCCEEDED:
                    log.info("laporan %s %s: %s", result.name, result.status, result.reason)
                    _record_failure(output, result)
                if listener:
                    listener.finished(result)
    finally:
        pool.close()
        _remove_empty_logs(output, specs)
    return [results[i] for i in range(len(specs))]


def _expected_cost(spec: ReportSpec) -> tuple:
    """Return a key that orders reports by their expected running time.

    A report for the whole office covers more indicators than a bidang's, and
    a later period has more earlier periods to compare with. On the sample
    data a yearly report took about twice as long as a bidang's.
    """
    params = spec.params
    return (params.bidang is None, params.tahun, params.triwulan or 5)


class WarmKernelRunner:
    """Run reports with run_report in one kernel that the worker keeps (iku_nb.kernel).

    The instance travels to the worker process before any kernel starts, and
    the kernel then lives in that process. A report that fails in any way
    discards the kernel, so the next report starts with a new one. With
    ``fork_first`` the worker forks its first kernel from itself, which only
    a process of its own, such as a LocalPool worker, should do.
    """

    def __init__(self, *, fork_first: bool = False) -> None:
        self.fork_first = fork_first
        self._kernel: WarmKernel | None = None
        self._start_folder: tempfile.TemporaryDirectory | None = None
        # The pid of the batch process, which removes a killed worker's folders.
        self._batch_pid = os.getpid()

    def __getstate__(self) -> dict:
        # A running kernel and its folders belong to the process that started them.
        return {"fork_first": self.fork_first, "_kernel": None, "_start_folder": None,
                "_batch_pid": self._batch_pid}

    def __call__(self, spec: ReportSpec, output: Path, execution_timeout: int | None
                 ) -> dict[str, Path]:
        if self._kernel is None:
            self._kernel = WarmKernel(fork_first=self.fork_first)
        try:
            files = run_report(spec, output, execution_timeout, kernel=self._kernel)
        except BaseException:
            self._kernel.discard()
            raise
        return files

    def start(self) -> None:
        """Start the kernel before the first report arrives.

        A kernel that fails to start here is discarded, and the first report
        starts a new one and records why that one fails.
        """
        if self._kernel is None:
            self._kernel = WarmKernel(fork_first=self.fork_first)
        # A private empty folder, because a kernel imports modules from its
        # working folder first and anyone may write into the shared /tmp. Its
        # name carries the batch's and the worker's pids, so that the batch
        # can remove it after killing the worker (_remove_worker_folders).
        prefix = f"{START_FOLDER_PREFIX}{self._batch_pid}-{os.getpid()}-"
        self._start_folder = tempfile.TemporaryDirectory(prefix=prefix)
        try:
            self._kernel.start(Path(self._start_folder.name))
            # Compiling nbconvert's templates takes about 0.5 s. A worker forked
            # from the forkserver has them already (iku_nb.export_ready), and
            # any other one compiles them here, while its kernel starts.
            prepare_html_export()
        except Exception as exc:  # the first report tries again and reports the error
            log.info("persiapan pekerja gagal sebelum laporan pertama: %s", exc)
            self._kernel.discard()

    def kill(self) -> None:
        """Kill the kernel at once, e.g. from another thread when the report timed out."""
        if self._kernel is not None:
            self._kernel.kill()

    def close(self) -> None:
        if self._kernel is not None:
            self._kernel.discard()
        if self._start_folder is not None:
            self._start_folder.cleanup()


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    key: int | None = None
    spec: ReportSpec | None = None
    started: float = 0.0
    deadline: float = 0.0
    done: int = 0


class LocalPool:
    """Worker processes on this machine, each running one report at a time.

    A worker runs ``runner(spec, output, execution_timeout)`` for up to
    ``reports_per_worker`` reports and then exits; None means no limit, so
    that a runner such as WarmKernelRunner can keep its kernel. The default
    of 1 gives every report a process and a kernel of its own. ``runner``
    must be picklable: a module-level function or an instance of a
    module-level class. A report that runs longer than ``timeout`` seconds is
    killed together with its worker and the worker's child processes (the
    kernel), gets status TIMED_OUT, and a new worker takes the next report.
    """

    def __init__(self, output: Path | str, jobs: int | None = None,
                 timeout: float = DEFAULT_TIMEOUT, *, runner: Runner = run_report,
                 reports_per_worker: int | None = 1) -> None:
        self.output = Path(output).resolve()
        self.slots = max(1, jobs or default_jobs())
        self.timeout = timeout
        self.runner = runner
        self.reports_per_worker = reports_per_worker
        self._context = worker_context()
        self._workers: list[_Worker] = []
        self._starting: threading.Thread | None = None

    def start_workers(self, count: int) -> None:
        """Start up to ``count`` idle workers now, before any report is submitted.

        Each starts what its runner prepares ahead (WarmKernelRunner: its
        kernel) while the caller still reads and checks the data.
        """
        while len(self._workers) < min(count, self.slots):
            self._start_worker()

    def start_workers_in_background(self, count: int) -> None:
        """Start up to ``count`` idle workers from a thread, and return at once.

        Starting a worker waits until the forkserver has imported its modules
        (about 1.8 s of CPU on the benchmark machine), and the caller can check
        the data meanwhile. Every other method of the pool waits for the thread
        first. A worker that fails to start here is logged, and submit starts
        one when it needs it.
        """
        def start() -> None:
            try:
                self.start_workers(count)
            except Exception as exc:  # submit starts the workers again and reports the error
                log.info("pekerja awal tidak dapat dimulai: %s", exc)

        self._starting = threading.Thread(target=start, name="iku-nb-pekerja-awal", daemon=True)
        self._starting.start()

    def _started(self) -> None:
        """Wait until the workers started in the background have started."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None

    def abort(self) -> None:
        """Kill every worker at once, busy or idle, with the processes they started."""
        self._started()
        _kill(self._workers, self.output)
        self._workers.clear()

    def submit(self, key: int, spec: ReportSpec) -> None:
        self._started()
        idle = [w for w in self._workers if w.spec is None]
        for worker in idle:
            try:
                worker.connection.send(spec)
            except OSError:  # the idle worker died, so a new worker takes the report
                self._retire(worker)
                continue
            break
        else:
            worker = self._start_worker()
            worker.connection.send(spec)
        worker.key, worker.spec = key, spec
        worker.started = time.monotonic()
        worker.deadline = worker.started + self.timeout

    def results(self) -> list[tuple[int, ReportResult]]:
        while True:
            busy = [w for w in self._workers if w.spec is not None]
            if not busy:
                return []
            _wait_for_any(busy)
            finished = []
            for worker in busy:
                key = worker.key
                result = self._collect(worker)
                if result is not None:
                    finished.append((key, result))
            if finished:
                return finished

    def close(self) -> None:
        self._started()
        busy = [w for w in self._workers if w.spec is not None]
        _kill(busy, self.output)
        idle = [w for w in self._workers if w.spec is None]
        # Every idle worker is asked before any is awaited, so that they shut
        # their kernels down at the same time.
        for worker in idle:
            self._ask_to_stop(worker)
        for worker in idle:
            self._await_stop(worker)
        self._workers.clear()

    def _start_worker(self) -> _Worker:
        receiver, sender = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_serve, args=(self.runner, self.output, self.timeout, sender, os.getpid()),
            name="iku-nb pekerja", daemon=False)
        process.start()
        # The parent keeps only its own end, so it receives EOF when the worker dies.
        sender.close()
        worker = _Worker(process, receiver)
        self._workers.append(worker)
        return worker

    def _collect(self, worker: _Worker) -> ReportResult | None:
        """Return the worker's result once it has one, else None while it still runs."""
        spec = worker.spec
        elapsed = time.monotonic() - worker.started
        log_path = process_log(self.output, spec)
        if worker.connection.poll():
            try:
                message = worker.connection.recv()
            except (EOFError, OSError):  # the worker died without sending a result
                message = None
            if message is None:
                worker.process.join(5)
                reason = _exit_reason(worker)
                self._retire(worker, kill=True)
            else:
                worker.done += 1
                self._release(worker)
                reason = message[2]
            status, files = message[:2] if message else (FAILED, {})
            if status != SUCCEEDED:
                reason = f"{reason}{_log_note(log_path)}"
            return ReportResult(spec, status, elapsed,
                                {kind: Path(path) for kind, path in files.items()}, reason)
        if not worker.process.is_alive():
            worker.process.join()
            reason = f"{_exit_reason(worker)}{_log_note(log_path)}"
            self._retire(worker)
            return ReportResult(spec, FAILED, elapsed, reason=reason)
        if time.monotonic() >= worker.deadline:
            limit = worker.deadline - worker.started
            _kill([worker], self.output)
            self._workers.remove(worker)
            return ReportResult(spec, TIMED_OUT, elapsed,
                                reason=f"dihentikan setelah batas waktu {detik(limit)} detik; "
                                f"laporan sebelumnya tidak diubah{_log_note(log_path)}")
        return None

    def _release(self, worker: _Worker) -> None:
        """Make the worker idle, or stop it when it has run its share of reports."""
        worker.key = worker.spec = None
        if self.reports_per_worker is not None and worker.done >= self.reports_per_worker:
            self._stop(worker)
            self._workers.remove(worker)

    def _stop(self, worker: _Worker) -> None:
        """Ask an idle worker to exit, so that it shuts its kernel down; kill it if it does not."""
        self._ask_to_stop(worker)
        self._await_stop(worker)

    @staticmethod
    def _ask_to_stop(worker: _Worker) -> None:
        with contextlib.suppress(OSError):
            worker.connection.send(None)

    def _await_stop(self, worker: _Worker) -> None:
        worker.process.join(STOP_TIMEOUT)
        if worker.process.is_alive():
            _kill([worker], self.output)
        worker.connection.close()

    def _retire(self, worker: _Worker, kill: bool = False) -> None:
        if kill and worker.process.is_alive():
            _kill([worker], self.output)
        worker.connection.close()
        if not worker.process.is_alive():
            _remove_worker_folders(worker.process.pid)
        if worker in self._workers:
            self._workers.remove(worker)


@contextlib.contextmanager
def terminate_as_exit() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into Terminated, a SystemExit, while a batch or verifikasi runs.

    Python's default for these signals ends the parent at once, which would
    leave the workers and their kernels writing reports after it. As an
    exception, the signal passes through run_batch, which kills them first,
    and through iku_nb.verify.verify, which kills its kernel and removes its
    temporary folder.
    """
    def stop(signum, frame):
        raise Terminated(signum)

    # SIGHUP does not exist on Windows.
    signals = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {sig: signal.signal(sig, stop) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _log_note(log_path: Path) -> str:
    """Return a pointer to a report's process log, or nothing when the log is empty.

    Empty logs are deleted at the end of the batch, so a reason must not point to one.
    """
    try:
        has_content = log_path.stat().st_size > 0
    except OSError:
        has_content = False
    return f" (catatan proses: {log_path})" if has_content else ""


def _remove_empty_logs(output: Path, specs: Sequence[ReportSpec]) -> None:
    """Delete the logs of runs that printed nothing; logs with content stay for diagnosis."""
    for spec in specs:
        path = process_log(output, spec)
        if path.is_file() and path.stat().st_size == 0:
            path.unlink()


def _record_failure(output: Path, result: ReportResult) -> None:
    """Leave the reason beside the report, so the index can show that the last run failed.

    A run that fails before its notebook starts (bad data, a timeout) leaves
    no failed notebook, so without this note the index would show only the
    last good report.
    """
    folder = result.spec.folder(output)
    note = folder / f"{result.spec.stem}{FAILED_NOTE_SUFFIX}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        note.write_text(f"{result.status}: {result.reason or ''}\n", encoding="utf-8")
    except OSError as exc:
        # The batch goes on, and the summary still lists this report as failed.
        log.warning("catatan %s tidak dapat ditulis: %s", note, exc)
        result.reason = (f"{result.reason or ''}; catatan {note.name} tidak dapat ditulis "
                         f"({os_cause(exc)})")


def _serve(runner: Runner, output: Path, timeout: float, connection: Connection,
           batch_pid: int) -> None:
    """Run reports in the worker process until the parent sends None or goes away.

    Each report's outcome goes back as (status, files, reason). Every
    temporary file of the worker, jupyter_client's connection files with each
    kernel's key included, goes into a private folder. Its name carries the
    batch's and the worker's pids, so that the batch removes it with its
    contents when it kills the worker, e.g. on Ctrl-C (_remove_worker_folders).
    """
    private = tempfile.TemporaryDirectory(prefix=f"{START_FOLDER_PREFIX}{batch_pid}-{os.getpid()}-")
    tempfile.tempdir = private.name
    if hasattr(os, "setsid"):
        # A new session keeps Ctrl-C in the terminal away from the worker,
        # so only the parent decides what to stop and no half-run notebook
        # is saved as failed.
        os.setsid()
    # Workers inherit the forkserver guard's SIGINT handler, which exits
    # without a message (iku_nb.forkserver_guard), so Python's own is restored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # The modules that the forkserver imported live as long as the worker, so
    # the collector stops scanning them, here and in a kernel forked from here.
    # It halved the forked kernel's CPU time to start and warm up, from 0.28 s
    # to 0.15 s (median of 6, 2-core benchmark machine). A forkserver has
    # frozen its preload already (iku_nb.forkserver_ready), so this freezes
    # what the worker's start made, and everything under the spawn method.
    gc.freeze()
    try:
        start = getattr(runner, "start", None)
        if start is not None:
            # Nothing the kernel prints while it starts may reach the parent's
            # progress display. Each report's output goes to its own log.
            _redirect_output(Path(os.devnull))
            start()
        while True:
            try:
                spec = connection.recv()
            except EOFError:
                break
            if spec is None:
                break
            _redirect_output(process_log(output, spec))
            try:
                files = runner(spec, output, math.ceil(timeout))
                message = (SUCCEEDED, {kind: str(path) for kind, path in files.items()},
                           report_note(spec, files))
            except DataError as exc:
                message = (FAILED, {}, _one_line(exc.with_first_errors()))
            except IkuError as exc:
                message = (FAILED, {}, _one_line(str(exc)))
            except Exception as exc:  # the parent reports it as this report's failure
                message = (FAILED, {}, _one_line(failure_reason(exc, output)))
            connection.send(message)
    finally:
        close = getattr(runner, "close", None)
        if close is not None:
            close()
        connection.close()
        tempfile.tempdir = None
        private.cleanup()


def _redirect_output(log_file: Path) -> None:
    """Point file descriptors 1 and 2 at the report's log, or at os.devnull.

    The worker's output and its kernel's go there, so they do not break the
    progress display. A kernel started by papermill inherits the descriptors,
    and WarmKernel copies its kernel's output to descriptor 1.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "wb") as stream:
        os.dup2(stream.fileno(), 1)
        os.dup2(stream.fileno(), 2)


def process_log(output: Path, spec: ReportSpec) -> Path:
    """Return the log of the last run of ``spec``: its stdout, stderr and kernel messages."""
    return Path(output) / STAGING / f"{spec.name}.log"


def _wait_for_any(workers) -> None:
    workers = list(workers)
    if not workers:
        return
    now = time.monotonic()
    nearest = min(w.deadline for w in workers)
    delay = min(POLL_INTERVAL, max(0.0, nearest - now))
    wait([w.connection for w in workers] + [w.process.sentinel for w in workers], delay)


def _exit_reason(worker: _Worker) -> str:
    return (f"proses pekerja berhenti tanpa hasil (kode keluar {worker.process.exitcode}); "
            "laporan sebelumnya tidak diubah")


def _remove_worker_folders(pid: int) -> None:
    """Remove the private folders of a worker that was killed or died, with what they hold.

    These are the kernel's start folder and the worker's temporary folder.
    The name contains this process's pid too, so a worker of another batch
    with the same pid keeps its folders.
    """
    pattern = f"{START_FOLDER_PREFIX}{os.getpid()}-{pid}-*"
    for folder in Path(tempfile.gettempdir()).glob(pattern):
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def _kill(workers: list[_Worker], output: Path) -> None:
    """Kill the workers and every process they started, then remove their staging folders.

    The kernel runs in a session of its own (jupyter_client starts it with
    start_new_session), so killing the worker's process group would miss it.
    The descendants are therefore listed before the workers die, and all
    processes are killed before waiting for any of them.

    NOTE: each file is promoted with its own os.replace, so a worker killed
    while run_report promotes its files can leave a report folder with some
    new and some old files.
    """
    tree = []
    for worker in workers:
        try:
            tree.extend(psutil.Process(worker.process.pid).children(recursive=True))
        except psutil.NoSuchProcess:
            pass
        worker.process.kill()
    kill_all(tree)
    for worker in workers:
        worker.process.join(5)
        worker.connection.close()
        _remove_worker_folders(worker.process.pid)
        if worker.spec is not None:
            remove_staging(output, worker.spec)
            log.info("laporan %s dihentikan", worker.spec.name)


def remove_staging(output: Path, spec: ReportSpec) -> None:
    """Remove the temporary folders that a killed run of ``spec`` left in the staging area.

    run_report names them ``<report name>-`` plus the 8 random characters of
    tempfile, so the pattern cannot match another report's folder.
    """
    staging = output / STAGING
    pattern = re.compile(re.escape(spec.name) + r"-[a-z0-9_]{8}")
    if not staging.is_dir():
        return
    for folder in staging.iterdir():
        if folder.is_dir() and pattern.fullmatch(folder.name):
            shutil.rmtree(folder, ignore_errors=True)


def _one_line(text: str) -> str:
    return " ".join(text.split())
