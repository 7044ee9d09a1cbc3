"""Run a batch's reports on the workers of a Dask cluster (``laporan --cluster``).

DaskPool is the ReportPool of iku_nb.pool for a Dask scheduler. Each report
becomes one task, which runs run_report in the Dask worker process with a
kernel kept per worker thread (WarmKernelRunner). The task receives the
folders as paths, so the data folder and the output folder must exist at the
same paths on every worker, e.g. on a shared filesystem.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
import uuid
from pathlib import Path

from iku_nb.errors import DataError, IkuError, ParameterError, RunError, failure_reason
from iku_nb.formatting import detik
from iku_nb.pool import (
    DEFAULT_TIMEOUT,
    FAILED,
    SUCCEEDED,
    TIMED_OUT,
    ReportResult,
    WarmKernelRunner,
)
from iku_nb.run import ReportSpec, report_note

log = logging.getLogger("iku_nb")

# Seconds to wait for the scheduler to respond, and then for a first worker.
CONNECT_TIMEOUT = 10
# The highest TCP port number.
MAX_PORT = 65535
# [scheme://]host:port, as distributed reads it: tcp:// when the scheme is left
# out, the host a name, an IPv4 address or an IPv6 address in brackets, with
# a zone such as %eth0.
ADDRESS_FORM = re.compile(r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?"
                          r"(?P<host>[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?\])"
                          r":(?P<port>\d+)/?")
CERTIFICATE_SCHEMES = ("tls", "wss")
# Seconds a task may run past its timeout before the pool stops waiting for
# it. The task kills its own kernel at the timeout, so only a report stuck
# outside the kernel (reading data, writing the PDF) gets this far.
GRACE = 60
# The maximum time results() blocks before it checks the deadlines again.
POLL_INTERVAL = 1.0
# Seconds the scheduler may be without any worker, e.g. while a worker
# restarts, before the reports still waiting for one fail.
NO_WORKER_LIMIT = 30


def require_distributed() -> None:
    """Import distributed, or raise ParameterError with the install command when it is missing.

    distributed belongs to the optional ``cluster`` extra of pyproject.toml,
    so a plain ``pip install -e .`` leaves it out.
    """
    try:
        import distributed  # noqa: F401, PLC0415 - distributed loads slowly
    except ImportError as exc:
        module = exc.name or "distributed"
        raise ParameterError(
            f"--cluster memerlukan paket Dask distributed, tetapi Python tidak dapat mengimpor "
            f"modul {module}. Pasang dengan `pip install -e '.[cluster]'` dari folder proyek, "
            "atau jalankan tanpa --cluster agar laporan disusun di mesin ini.") from exc


def check_address(address: str) -> None:
    """Raise RunError for a scheduler address that cannot be connected to as written.

    The address needs a host and a port from 1 to 65535, with a scheme or
    without one (tcp), as in ``tcp://10.0.0.5:8786``. The tls:// and wss://
    schemes need certificates, which iku-nb cannot pass to Dask.
    """
    form = ADDRESS_FORM.fullmatch(address)
    if form is None:
        fault = ("ada spasi di dalamnya" if any(c.isspace() for c in address)
                 else "tulis host dan port, dengan skema bila perlu")
        raise RunError(f"Alamat --cluster {address!r} tidak sah: {fault}, misalnya "
                       "tcp://10.0.0.5:8786.")
    scheme, port = (form.group("scheme") or "tcp").lower(), int(form.group("port"))
    if scheme in CERTIFICATE_SCHEMES:
        raise RunError(
            f"Alamat --cluster {address!r} memerlukan sertifikat TLS, yang tidak dapat "
            "diberikan lewat iku-nb. Pakai alamat tcp:// di jaringan yang tertutup, misalnya "
            "tcp://10.0.0.5:8786.")
    if not 1 <= port <= MAX_PORT:
        raise RunError(f"Alamat --cluster {address!r} tidak sah: port {port} di luar 1 sampai "
                       f"{MAX_PORT}. Tulis seperti tcp://10.0.0.5:8786.")


class DaskPool:
    """Reports on the workers of the Dask cluster at ``address``.

    ``slots`` is ``jobs``, or else the number of threads of all workers when
    the pool connects. ``fresh_kernel`` gives every report a new kernel.
    """

    def __init__(self, address: str, output: Path | str, timeout: float = DEFAULT_TIMEOUT,
                 *, jobs: int | None = None, fresh_kernel: bool = False) -> None:
        require_distributed()
        from distributed import Client  # noqa: PLC0415 - distributed loads slowly

        self.output = Path(output).resolve()
        self.timeout = timeout
        self.fresh_kernel = fresh_kernel
        check_address(address)
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except TypeError as exc:
            # distributed raises TypeError for tls:// without an ssl_context (seen with 2026.8).
            log.info("alamat Dask %s tidak dapat dipakai: %s", address, exc)
            raise RunError(
                f"Alamat --cluster {address!r} memerlukan pengaturan yang tidak dapat diberikan "
                "lewat iku-nb, misalnya sertifikat untuk tls://. Pakai alamat tcp:// di jaringan "
                "yang tertutup, misalnya tcp://10.0.0.5:8786.") from None
        except ValueError as exc:
            # distributed's own reason ("missing port number", "unknown address
            # scheme") is English, so it is logged, and the message shows the
            # expected form of an address.
            log.info("alamat Dask %s ditolak distributed: %s", address, exc)
            raise RunError(
                f"Alamat --cluster {address!r} tidak sah: tulis skema, host dan port, misalnya "
                "tcp://10.0.0.5:8786.") from None
        except (OSError, TimeoutError) as exc:
            log.info("sambungan ke penjadwal Dask %s gagal: %s: %s", address,
                     type(exc).__name__, exc)
            raise RunError(
                f"Tidak dapat terhubung ke penjadwal Dask {address}: tidak ada jawaban dalam "
                f"{CONNECT_TIMEOUT} detik. Periksa alamat --cluster, misalnya "
                "tcp://10.0.0.5:8786, dan pastikan `dask scheduler` berjalan di sana dan "
                "portnya dapat dicapai dari mesin ini.") from None
        try:
            self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            self.client.close()
            raise RunError(
                f"Penjadwal Dask {address} tidak punya pekerja setelah {CONNECT_TIMEOUT} detik; "
                "jalankan `dask worker` yang terhubung ke penjadwal itu.") from exc
        self.slots = jobs or max(1, sum(self.client.nthreads().values()))
        self._running: dict = {}  # future -> (key, spec, start time)
        self._without_workers_since: float | None = None

    def submit(self, key: int, spec: ReportSpec) -> None:
        future = self.client.submit(
            run_on_dask_worker, spec, str(self.output), self.timeout, self.fresh_kernel,
            key=f"iku-nb-{spec.name}-{uuid.uuid4().hex[:8]}", pure=False)
        self._running[future] = (key, spec, time.monotonic())

    def results(self) -> list[tuple[int, ReportResult]]:
        from distributed import wait  # noqa: PLC0415

        while self._running:
            try:
                # wait() finds its client as the current one.
                with self.client.as_current():
                    wait(list(self._running), timeout=POLL_INTERVAL,
                         return_when="FIRST_COMPLETED")
            except TimeoutError:
                pass
            finished = []
            for future, (key, spec, started) in list(self._running.items()):
                result = self._collect(future, spec, started)
                if result is not None:
                    del self._running[future]
                    finished.append((key, result))
            if finished:
                return finished
            if self._workers_gone_too_long():
                return self._fail_running()
        return []

    def _workers_gone_too_long(self) -> bool:
        """Return whether the scheduler has had no worker for NO_WORKER_LIMIT seconds."""
        if self.client.nthreads():
            self._without_workers_since = None
            return False
        now = time.monotonic()
        if self._without_workers_since is None:
            self._without_workers_since = now
            log.warning("penjadwal Dask tidak punya pekerja; laporan yang belum selesai "
                        "menunggu pekerja baru paling lama %s detik", detik(NO_WORKER_LIMIT))
        return now - self._without_workers_since >= NO_WORKER_LIMIT

    def _fail_running(self) -> list[tuple[int, ReportResult]]:
        """Cancel every report still waiting and return them as failed."""
        running, self._running = self._running, {}
        self.client.cancel(list(running))
        reason = (f"penjadwal Dask tidak punya pekerja selama {detik(NO_WORKER_LIMIT)} detik; "
                  "jalankan `dask worker` lalu ulangi batch; laporan sebelumnya tidak diubah")
        return [(key, ReportResult(spec, FAILED, time.monotonic() - started, reason=reason))
                for key, spec, started in running.values()]

    def close(self) -> None:
        running = list(self._running)
        self._running.clear()
        try:
            if running:
                self.client.cancel(running)
                # A cancelled task goes on running in its worker thread, so its
                # kernel is killed, which ends the notebook at once.
                self.client.run(stop_dask_reports)
        finally:
            self.client.close()

    def _collect(self, future, spec: ReportSpec, started: float) -> ReportResult | None:
        elapsed = time.monotonic() - started
        if future.status == "finished":
            status, files, reason, seconds = future.result()
            return ReportResult(spec, status, seconds,
                                {kind: Path(path) for kind, path in files.items()}, reason)
        if future.status in ("error", "lost", "cancelled"):
            try:
                exception = future.exception(timeout=CONNECT_TIMEOUT)
            except Exception as exc:  # the future lost its worker; show why
                exception = exc
            log.warning("laporan %s: tugas Dask %s: %s: %s", spec.name, future.status,
                        type(exception).__name__, exception)
            return ReportResult(spec, FAILED, elapsed,
                                reason=f"tugas Dask gagal ({future.status}): "
                                f"{type(exception).__name__}: {exception}; laporan sebelumnya "
                                "tidak diubah")
        if elapsed > self.timeout + GRACE:
            future.cancel()
            log.warning("laporan %s: tugas Dask dibatalkan, belum selesai %.0f detik setelah "
                        "dimulai", spec.name, elapsed)
            return ReportResult(spec, TIMED_OUT, elapsed,
                                reason=f"tidak selesai {detik(self.timeout + GRACE)} detik setelah "
                                "dimulai di pekerja Dask; laporan sebelumnya tidak diubah")
        return None


_thread_runners = threading.local()
_active_runners: set[WarmKernelRunner] = set()
_active_lock = threading.Lock()


def run_on_dask_worker(spec: ReportSpec, output: str, timeout: float,
                       fresh_kernel: bool) -> tuple[str, dict[str, str], str | None, float]:
    """Run one report in a Dask worker and return (status, files, reason, seconds).

    When the report passes ``timeout`` seconds, a timer kills its kernel, so
    the notebook fails at once and the report gets status TIMED_OUT.
    """
    started = time.monotonic()
    runner = getattr(_thread_runners, "runner", None)
    if runner is None:
        runner = _thread_runners.runner = WarmKernelRunner()
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        runner.kill()

    timer = threading.Timer(timeout, expire)
    with _active_lock:
        _active_runners.add(runner)
    timer.start()
    try:
        files = runner(spec, Path(output), math.ceil(timeout))
        outcome = (SUCCEEDED, {kind: str(path) for kind, path in files.items()},
                   report_note(spec, files))
    except Exception as exc:  # every failure becomes this report's outcome
        if expired.is_set():
            reason = (f"dihentikan setelah batas waktu {detik(timeout)} detik; laporan sebelumnya "
                      "tidak diubah")
            outcome = (TIMED_OUT, {}, reason)
        elif isinstance(exc, DataError):
            outcome = (FAILED, {}, " ".join(exc.with_first_errors().split()))
        elif isinstance(exc, IkuError):
            outcome = (FAILED, {}, " ".join(str(exc).split()))
        else:
            outcome = (FAILED, {}, failure_reason(exc, Path(output)))
        log.warning("laporan %s %s di pekerja Dask: %s", spec.name, outcome[0], outcome[2])
    finally:
        timer.cancel()
        with _active_lock:
            _active_runners.discard(runner)
        if fresh_kernel:
            runner.close()
    return (*outcome, time.monotonic() - started)


def stop_dask_reports() -> int:
    """Kill the kernels of the reports running in this Dask worker; return how many."""
    with _active_lock:
        runners = list(_active_runners)
    for runner in runners:
        runner.kill()
    return len(runners)
