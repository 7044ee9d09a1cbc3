"""Run many reports in parallel, one worker process per report.

Each report runs in its own process, which run_report stages in its own
temporary folder, so no two reports share a working directory, a figure file
or a kernel. The parent process starts at most ``jobs`` workers at a time,
kills a worker (with its kernel) when it passes ``timeout`` seconds, and
records one ReportResult per report. A failed or killed report never
replaces the files of an earlier good run, because run_report promotes files
only after every step has succeeded.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import re
import shutil
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Protocol

import psutil

from iku_nb.errors import IkuError
from iku_nb.run import FAILED_NOTE_SUFFIX, STAGING, ReportSpec, run_report

log = logging.getLogger("iku_nb")

SUCCEEDED = "berhasil"
FAILED = "gagal"
TIMED_OUT = "waktu habis"

DEFAULT_TIMEOUT = 900
# The maximum sleep of the parent between checks, in seconds. It bounds how
# late a timeout is noticed and how often the progress display refreshes.
POLL_INTERVAL = 0.2

Runner = Callable[[ReportSpec, Path, int | None], dict[str, Path]]


@dataclass
class ReportResult:
    """The outcome of one report of a batch."""

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


@dataclass
class _Worker:
    spec: ReportSpec
    process: multiprocessing.process.BaseProcess
    connection: Connection
    started: float
    deadline: float


def default_jobs() -> int:
    """Return the number of CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def run_batch(specs: Sequence[ReportSpec], output: Path | str, jobs: int | None = None,
              timeout: float = DEFAULT_TIMEOUT, *, runner: Runner = run_report,
              listener: Listener | None = None) -> list[ReportResult]:
    """Run every spec in its own worker process and return the results in spec order.

    ``runner`` is called as ``runner(spec, output, execution_timeout)`` in the
    worker. It must be a module-level function so that it can be pickled.
    A report that runs longer than ``timeout`` seconds is killed together with
    its child processes (the notebook kernel) and gets status TIMED_OUT.

    On KeyboardInterrupt every running worker is killed before the exception
    propagates. Reports that had already finished keep their files.
    """
    output = Path(output).resolve()
    jobs = max(1, jobs or default_jobs())
    context = _context()
    pending = list(enumerate(specs))
    pending.reverse()
    running: dict[int, _Worker] = {}
    results: dict[int, ReportResult] = {}
    try:
        while pending or running:
            while pending and len(running) < jobs:
                index, spec = pending.pop()
                running[index] = _start(context, runner, spec, output, timeout)
                if listener:
                    listener.started(spec)
            _wait_for_any(running.values())
            for index, worker in list(running.items()):
                result = _collect(worker, output)
                if result is None:
                    continue
                del running[index]
                results[index] = result
                if result.status != SUCCEEDED:
                    log.info("laporan %s %s: %s", result.name, result.status, result.reason)
                    _record_failure(output, result)
                if listener:
                    listener.finished(result)
    except BaseException:
        _kill(list(running.values()), output)
        raise
    finally:
        _remove_empty_logs(output, specs)
    return [results[i] for i in range(len(specs))]


@contextlib.contextmanager
def terminate_as_exit() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into SystemExit while a batch runs.

    Python's default for these signals ends the parent at once, which would
    leave the workers and their kernels writing reports after it. As an
    exception, the signal passes through run_batch, which kills them first.
    """
    def stop(signum, frame):
        raise SystemExit(128 + signum)

    # SIGHUP does not exist on Windows.
    signals = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {sig: signal.signal(sig, stop) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


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
    folder.mkdir(parents=True, exist_ok=True)
    note = folder / f"{result.spec.notebook}{FAILED_NOTE_SUFFIX}"
    note.write_text(f"{result.status}: {result.reason or ''}\n", encoding="utf-8")


def _context() -> multiprocessing.context.BaseContext:
    """Return a start method that does not fork the parent, which may hold threads.

    forkserver (POSIX) forks workers from a small server process that has
    already imported the report code, so a worker starts fast. Elsewhere the
    workers are spawned.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["iku_nb.run"])
        return context
    return multiprocessing.get_context("spawn")


def _start(context, runner: Runner, spec: ReportSpec, output: Path,
           timeout: float) -> _Worker:
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_work, args=(runner, spec, output, timeout, sender),
                              name=f"iku-nb {spec.name}", daemon=False)
    process.start()
    sender.close()  # the parent keeps only the reading end, so it receives EOF when the worker dies
    now = time.monotonic()
    return _Worker(spec, process, receiver, now, now + timeout)


def _work(runner: Runner, spec: ReportSpec, output: Path, timeout: float,
          connection: Connection) -> None:
    """Run one report in the worker process and send (status, files, reason) back."""
    if hasattr(os, "setsid"):
        # A new session keeps Ctrl-C in the terminal away from the worker,
        # so only the parent decides what to stop and no half-run notebook
        # is saved as failed.
        os.setsid()
    # The worker's output and its kernel's (which inherits file descriptors 1
    # and 2) go to a log per report, so they do not break the progress display.
    log_file = process_log(output, spec)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "wb") as stream:
        os.dup2(stream.fileno(), 1)
        os.dup2(stream.fileno(), 2)
    try:
        files = runner(spec, output, int(timeout))
        message = (SUCCEEDED, {kind: str(path) for kind, path in files.items()}, None)
    except IkuError as exc:
        message = (FAILED, {}, _one_line(str(exc)))
    except Exception as exc:  # the parent reports it as this report's failure
        message = (FAILED, {}, _one_line(f"galat internal: {type(exc).__name__}: {exc}"))
    connection.send(message)
    connection.close()


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


def _collect(worker: _Worker, output: Path) -> ReportResult | None:
    """Return the worker's result once it has one, else None while it still runs."""
    elapsed = time.monotonic() - worker.started
    if worker.connection.poll():
        try:
            message = worker.connection.recv()
        except EOFError:  # the worker died without sending a result
            message = None
        worker.process.join(5)
        if worker.process.is_alive():
            _kill([worker], output)
        worker.connection.close()
        status, files, reason = message or (FAILED, {}, _exit_reason(worker))
        if status != SUCCEEDED:
            reason = f"{reason} (catatan proses: {process_log(output, worker.spec)})"
        return ReportResult(worker.spec, status, elapsed,
                            {kind: Path(path) for kind, path in files.items()}, reason)
    if not worker.process.is_alive():
        worker.process.join()
        worker.connection.close()
        return ReportResult(worker.spec, FAILED, elapsed,
                            reason=f"{_exit_reason(worker)} (catatan proses: "
                            f"{process_log(output, worker.spec)})")
    if time.monotonic() >= worker.deadline:
        _kill([worker], output)
        limit = worker.deadline - worker.started
        return ReportResult(worker.spec, TIMED_OUT, elapsed,
                            reason=f"dihentikan setelah batas waktu {limit:g} detik; laporan "
                            "sebelumnya tidak diubah (catatan proses: "
                            f"{process_log(output, worker.spec)})")
    return None


def _exit_reason(worker: _Worker) -> str:
    return (f"proses pekerja berhenti tanpa hasil (kode keluar {worker.process.exitcode}); "
            "laporan sebelumnya tidak diubah")


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
    for process in tree:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(tree, timeout=5)
    for worker in workers:
        worker.process.join(5)
        worker.connection.close()
        _remove_staging(output, worker.spec)
        log.info("laporan %s dihentikan", worker.spec.name)


def _remove_staging(output: Path, spec: ReportSpec) -> None:
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
