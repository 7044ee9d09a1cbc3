"""A Jupyter kernel kept running across the reports of one worker process.

Starting a kernel and importing iku_nb.report in it (pandas, matplotlib,
seaborn, jinja2) takes longer than running a report's cells, so a worker
keeps one kernel and runs its reports in it one after another. Between two
reports the kernel changes to the next report's work folder and resets its
IPython shell (``reset(new_session=True)``): the user namespace is new and
execution counts start again at 1, while imported modules stay loaded. A
kernel whose report failed is shut down, and the next report starts a new one.
A batch worker forks its first kernel from itself (:mod:`iku_nb.kernel_seed`).
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import threading
import time
import uuid
from pathlib import Path

import psutil
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from iku_nb.formatting import detik
from iku_nb.kernel_seed import ForkedKernelProcess, KernelSeed, SeededProvisioner

log = logging.getLogger("iku_nb")

KERNEL_NAME = "python3"
# The log level keeps the kernel's start-up warnings out of the user's
# terminal, and the English "KeyboardInterrupt caught in kernel." that
# ipykernel logs as an error when a kernel is stopped while it waits. A
# failing cell still reaches the report as a message. nbclient adds the
# in-memory history file to kernels it starts itself, and it is added here
# too, so that parallel kernels never share the IPython history database.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL",
                    "--HistoryManager.hist_file=:memory:"]
RESET_TIMEOUT = 60
# How often a reset that has no reply yet checks that the kernel still runs.
ALIVE_CHECK_SECONDS = 0.5
# Run once in a new kernel, binding no name. It imports the report modules
# before the first report, then moves every object alive into the permanent
# generation (gc.freeze), which the collector never scans. The reset between
# reports ends with a full collection, and with the objects of pandas,
# matplotlib and seaborn tracked it took about 0.1 s per report.
WARM_UP = ("__import__('iku_nb.report')\n"
           "__import__('gc').collect()\n"
           "__import__('gc').freeze()\n")


class KernelDied(RuntimeError):
    """Error raised when the kernel ends before it replies to its first request or a reset."""


class _ReusedClient(AsyncKernelClient):
    """A kernel client whose channels stay open from one report to the next.

    nbclient opens the channels and waits for the kernel at every notebook.
    A second start of the channels' threads would raise, so a second start
    does nothing. Only the first wait sends the kernel a request.

    The heartbeat channel never starts, because nbclient and the reset check
    the kernel process itself (the manager's is_alive). A heartbeat thread
    stopped before it began to run, as when a kernel is discarded right after
    its start, kept opening sockets until the process ran out of file
    descriptors (jupyter_client 8.10, in about one test run in three).
    """

    _ready = False

    def start_channels(self, shell: bool = True, iopub: bool = True, stdin: bool = True,
                       hb: bool = True, control: bool = True) -> None:
        if not self.channels_running:
            super().start_channels(shell, iopub, stdin, False, control)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Wait until the kernel replies on the shell channel and publishes on IOPub.

        jupyter_client's own wait (8.10) then reads IOPub until it has been
        quiet for 0.2 s, to drop the messages that came before. That held
        every worker's first report 0.2 s with both cores idle, and nbclient
        and the reset skip the messages of other requests anyway.
        """
        if self._ready:
            return
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except queue.Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                # A message on IOPub shows that its subscription is connected,
                # so nothing that the first cell prints is lost.
                try:
                    await self.iopub_channel.get_msg(timeout=0.2)
                except queue.Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    self._ready = True
                    return
            if not await self._async_is_alive():
                raise KernelDied("kernel berhenti sebelum menjawab permintaan pertamanya")
            if time.monotonic() > deadline:
                raise TimeoutError(f"kernel tidak menjawab dalam {detik(timeout)} detik "
                                   "sesudah dimulai")


class _OneClientManager(AsyncKernelManager):
    """A kernel manager that hands every caller the same client.

    nbclient requests a new client at every notebook and, on a kernel manager
    it did not create, never stops it. Sharing one client avoids leaving a
    heartbeat thread and five sockets behind per report, and the open
    channels spare each report the wait for a new connection.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(client_class="iku_nb.kernel._ReusedClient", **kwargs)
        self.shared_client: _ReusedClient | None = None

    def client(self, **kwargs) -> _ReusedClient:
        if self.shared_client is None:
            self.shared_client = super().client(**kwargs)
        return self.shared_client

    def stop_client(self) -> None:
        if self.shared_client is not None:
            self.shared_client.stop_channels()
            self.shared_client = None


# Whether this process has started a kernel. Only its first kernel may be
# forked, because before the second the process has run an event loop and
# client threads.
_started_kernel = False


class WarmKernel:
    """One kernel that runs one report at a time and survives between reports.

    With ``fork_first``, the first kernel that this process starts is forked
    from it when that is safe (:class:`iku_nb.kernel_seed.KernelSeed`). Only a
    process that has imported the kernel's modules gains from it, as a batch
    worker forked from the forkserver has.
    """

    def __init__(self, kernel_name: str = KERNEL_NAME, *, fork_first: bool = False) -> None:
        self.kernel_name = kernel_name
        self.fork_first = fork_first
        self.manager: _OneClientManager | None = None
        self.reports = 0
        self._output_pump: threading.Thread | None = None
        self._folder: Path | None = None

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.manager, "provisioner", None)
        return getattr(provisioner, "pid", None)

    def prepare(self, work: Path) -> AsyncKernelManager:
        """Return a running kernel with a clean namespace, working in ``work``.

        The first report of a kernel started in ``work`` gets it as started.
        Every other report gets it after a change of folder and a reset of
        the shell.
        """
        work = Path(work).resolve()
        if self.manager is not None and not run_sync(self.manager.is_alive)():
            self.discard()
        if self.manager is None:
            self._start(work)
        elif self.reports or self._folder != work:
            try:
                self._reset(work)
            except KernelDied as exc:
                # The report has not started, so it runs in a new kernel.
                log.warning("%s; laporan berikutnya dijalankan di kernel baru", exc)
                self.discard()
                self._start(work)
        self.reports += 1
        return self.manager

    def start(self, folder: Path) -> None:
        """Start the kernel in ``folder`` before its first report, unless it is running."""
        if self.manager is None:
            self._start(Path(folder).resolve())

    def discard(self) -> None:
        """Shut the kernel down, so that the next report starts a new one."""
        manager, self.manager = self.manager, None
        self.reports = 0
        if manager is None:
            return
        manager.stop_client()
        # Killed and reaped here, because jupyter_client's shutdown polls every 0.1 s
        # and signals the pid even after a reap, when another process may own it.
        self._kill(manager)
        try:
            if _ended(manager):
                run_sync(manager.cleanup_resources)()
            else:
                run_sync(manager.shutdown_kernel)(now=True)
        except Exception as exc:  # a kernel that is already gone needs no shutdown
            log.info("kernel tidak dapat dimatikan dengan rapi: %s", exc)
            self._kill(manager)
        if self._output_pump is not None:
            self._output_pump.join(5)
            self._output_pump = None

    def kill(self) -> None:
        """Kill the kernel process and its children at once, e.g. when a report timed out."""
        if self.manager is not None:
            self._kill(self.manager)

    def _start(self, work: Path) -> None:
        global _started_kernel  # noqa: PLW0603 - one flag for the whole process
        seed = KernelSeed.fork() if self.fork_first and not _started_kernel else None
        _started_kernel = True
        manager = _OneClientManager(kernel_name=self.kernel_name)
        if seed is not None:
            # jupyter_client keeps a provisioner that is set before the start.
            manager.kernel_id = str(uuid.uuid4())
            manager.provisioner = SeededProvisioner(
                kernel_id=manager.kernel_id, kernel_spec=manager.kernel_spec, parent=manager)
            manager.provisioner.seed = seed
        # The kernel's own output (not the cells', which travel as messages)
        # is copied to this process's standard output, which the worker points
        # at the log of the report that is running.
        try:
            run_sync(manager.start_kernel)(extra_arguments=list(KERNEL_ARGUMENTS),
                                           cwd=str(work), stdout=subprocess.PIPE,
                                           stderr=subprocess.STDOUT)
        finally:
            if seed is not None and manager.provisioner.seed is seed:  # never launched
                seed.discard()
        process = manager.provisioner.process
        self._output_pump = threading.Thread(target=_copy_to_stdout, args=(process.stdout,),
                                             name="kernel-output", daemon=True)
        self._output_pump.start()
        self.manager = manager
        self.reports = 0
        self._folder = work
        forked = isinstance(process, ForkedKernelProcess)
        log.info("kernel baru dimulai (pid %s, %s)", self.pid,
                 "dicabangkan dari pekerja" if forked else "proses baru")
        # Sent without waiting, so the caller can prepare its own work while the
        # kernel imports. The next request waits behind it, because a kernel runs
        # requests in order. A failed warm-up goes unreported here (ipykernel
        # aborts the queue only after a request that is not silent), and the
        # report's first cell, which imports the same modules, then fails with
        # the error.
        client = manager.client()
        client.start_channels()
        client.execute(WARM_UP, silent=True, store_history=False, allow_stdin=False)

    def _reset(self, work: Path) -> None:
        """Change the kernel's folder, then clear its namespace and history session.

        The folder changes first, because the reset records the current folder
        in ``_dh`` as a new kernel does at start. The code binds no name, so
        the namespace after it is the one a new kernel has.
        """
        self._run_quietly(f"__import__('os').chdir({str(work)!r})\n"
                          "get_ipython().reset(new_session=True)\n")
        self._folder = work

    def _run_quietly(self, code: str) -> None:
        """Run ``code`` without history, execution count or output; raise when it fails.

        Raises KernelDied as soon as the kernel has ended, instead of waiting
        ``RESET_TIMEOUT`` seconds for a reply that cannot come. The kernel's
        output messages are left to nbclient, which skips those of other requests.
        """
        client = self.manager.client()
        client.start_channels()
        try:
            run_sync(client.wait_for_ready)(timeout=RESET_TIMEOUT)
        except (RuntimeError, TimeoutError) as exc:
            self._raise_if_ended()
            raise RuntimeError(f"kernel tidak menjawab: {exc}") from exc
        request = client.execute(code, silent=True, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + RESET_TIMEOUT
        while True:
            try:
                reply = run_sync(client.get_shell_msg)(timeout=ALIVE_CHECK_SECONDS)
            except queue.Empty:
                self._raise_if_ended()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"kernel tidak menjawab dalam {RESET_TIMEOUT} detik "
                                       "saat disiapkan untuk laporan berikutnya") from None
                continue
            if reply["parent_header"].get("msg_id") == request:
                break
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel gagal menjalankan {code!r}: {reply['content']}")

    def _raise_if_ended(self) -> None:
        if _ended(self.manager):
            raise KernelDied(f"kernel (pid {self.pid}) berhenti sebelum laporan dimulai")

    @staticmethod
    def _kill(manager: AsyncKernelManager) -> None:
        """Kill the kernel and its children, unless it has ended, when its pid may be another's."""
        provisioner = getattr(manager, "provisioner", None)
        pid = getattr(provisioner, "pid", None)
        if pid is None or _ended(manager):
            return
        try:
            kernel = psutil.Process(pid)
            tree = [kernel, *kernel.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        kill_all(tree)


def _ended(manager: AsyncKernelManager) -> bool:
    """Return whether the kernel process has ended and been reaped (polling reaps it)."""
    process = getattr(getattr(manager, "provisioner", None), "process", None)
    return process is None or process.poll() is not None


def _copy_to_stdout(stream) -> None:
    while chunk := stream.read1(65536):
        try:
            os.write(1, chunk)
        except OSError:
            return


def kill_all(processes: list[psutil.Process]) -> None:
    """Kill the processes, skip those already gone, and wait up to 5 s for them to end."""
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(processes, timeout=5)
