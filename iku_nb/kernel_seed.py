"""Kernels forked from a batch worker, which has already imported what a kernel imports.

A kernel started as ``python -m ipykernel_launcher`` imports IPython,
ipykernel, pandas, matplotlib and seaborn again in every worker: about 1.2 s
of CPU per kernel on the 2-core benchmark machine (``benchmarks/biaya.py``),
more than two reports' cells. The workers' forkserver imports these modules
once (:data:`iku_nb.forkserver.PRELOAD`), so a worker can fork its kernel
instead, and the child shares the imported modules.

The fork happens in :meth:`KernelSeed.fork`, while the worker has no other
Python thread and no kernel connection. The child, the seed, waits on a pipe.
jupyter_client then starts the kernel as it always does (connection file,
ports, environment, working folder) through :class:`SeededProvisioner`,
which sends the command line, environment and folder to the seed instead of
calling ``Popen``. The seed applies them and runs ``IPKernelApp`` as
``ipykernel_launcher`` would, so the cells run in an ordinary IPython kernel
that talks to nbclient over ZeroMQ. What still differs from a new process:

- The modules of the forkserver's preload list are imported before the
  kernel starts, where a new kernel imports them in its warm-up or first
  cell. ``iku_nb.report`` selects matplotlib's Agg backend on import either way.
- NOTE: file descriptors that the worker had open stay open in the kernel,
  where ``Popen`` closes them. Closing them in the child could let a stale
  Python object of the worker close a descriptor number the kernel reuses.
- Standard input is os.devnull, not an unused pipe. The kernel keeps the
  worker's warning filters and multiprocessing process name.
- jsonschema, imported by the worker, lacks the checkers of the string
  formats whose libraries :mod:`iku_nb.quick_imports` skips ("iri", "uri",
  "uri-reference" and "duration"). No report notebook uses jsonschema.

A command line other than this interpreter's ``-m ipykernel_launcher``, such
as a kernel spec of another environment, is started with ``Popen``. So is
every kernel after the first one of a worker, because by then the worker
runs threads and a fork is no longer safe.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import importlib.util
import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
import traceback
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

log = logging.getLogger("iku_nb")

LAUNCHER = "ipykernel_launcher"
# The module path that ``python -m ipykernel_launcher`` leaves to IPython,
# which then adds "" in front. An interpreter puts its script's folder or ""
# first, unless it runs with -P, and the launcher removes that entry. This is
# recorded at import in the forkserver, a new interpreter run with "-c", and
# workers inherit it, because multiprocessing replaces a worker's sys.path
# with that of the command which started the batch, and that may have more.
# The forkserver's guard has already removed "" by then, and kept the path
# the interpreter set.
_INTERPRETER_PATH = getattr(sys.modules.get("iku_nb.forkserver_guard"), "INTERPRETER_PATH",
                            None) or sys.path
_KERNEL_PATH = list(_INTERPRETER_PATH if sys.flags.safe_path else _INTERPRETER_PATH[1:])


class KernelSeed:
    """A forked child of this process that waits to become a kernel."""

    def __init__(self, pid: int, request: int, output: int) -> None:
        self.pid = pid
        self._request = request
        self._output = output

    @classmethod
    def fork(cls) -> KernelSeed | None:
        """Fork a seed now, or return None where forking is not safe or not possible.

        Forking is safe while this process runs no other Python thread, so
        that no lock is held in the child. Threads that libraries start in C
        (OpenBLAS, jemalloc) are fork-aware, as the forkserver's own forks rely on.
        """
        if not hasattr(os, "fork") or threading.active_count() != 1:
            return None
        request_read, request_write = os.pipe()
        output_read, output_write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.close(request_write)
            os.close(output_read)
            _run_seed(request_read, output_write)  # never returns
        os.close(request_read)
        os.close(output_write)
        return cls(pid, request_write, output_read)

    def can_run(self, cmd: list[str]) -> bool:
        """Return whether ``cmd`` starts an IPython kernel of this interpreter."""
        if len(cmd) < 3 or cmd[1:3] != ["-m", LAUNCHER]:
            return False
        try:
            return os.path.samefile(cmd[0], sys.executable)
        except OSError:
            return False

    def launch(self, cmd: list[str], env: dict[str, str], cwd: str) -> ForkedKernelProcess:
        """Make the seed run ``cmd``'s kernel in ``cwd`` with ``env``; return its process."""
        request = pickle.dumps({"argv": cmd[3:], "env": env, "cwd": cwd})
        try:
            with open(self._request, "wb", closefd=True) as pipe:
                pipe.write(request)
        finally:
            self._request = -1
        output = open(self._output, "rb", closefd=True)  # LocalProvisioner.wait closes it
        self._output = -1
        return ForkedKernelProcess(self.pid, output)

    def discard(self) -> None:
        """End a seed that was never launched, and reap it."""
        for descriptor in (self._request, self._output):
            if descriptor >= 0:
                os.close(descriptor)
        self._request = self._output = -1
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


class ForkedKernelProcess:
    """The part of ``subprocess.Popen`` that jupyter_client uses, for a forked kernel."""

    def __init__(self, pid: int, stdout) -> None:
        self.pid = pid
        self.stdout = stdout
        self.stdin = None
        self.stderr = None
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                # Someone else reaped it (psutil's wait does), as Popen.poll also allows.
                self.returncode = 0
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(LAUNCHER, timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class SeededProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, which starts the kernel from a seed when it can."""

    seed: KernelSeed | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        seed, self.seed = self.seed, None
        if seed is None or not seed.can_run(cmd):
            if seed is not None:
                log.info("kernel %s tidak dapat dicabangkan; dijalankan sebagai proses baru",
                         cmd[:3])
                seed.discard()
            return await super().launch_kernel(cmd, **kwargs)
        # The environment and folder that jupyter_client's launch_kernel gives Popen.
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())
        cwd = str(kwargs.get("cwd") or os.getcwd())
        self.process = seed.launch(cmd, env, cwd)
        self.pid = self.process.pid
        # The seed starts a session of its own before anything else, as Popen
        # does with start_new_session, so its process group is its pid. A
        # signal sent before that fails, and send_signal then signals the pid.
        self.pgid = self.pid
        self.cwd = cwd
        return self.connection_info


def _run_seed(request: int, output: int) -> None:
    """Wait for the kernel's command line in the child, run the kernel, and exit."""
    code = 1
    try:
        os.setsid()
        # The worker's exit handlers (temporary folders, logging) are not the kernel's.
        atexit._clear()
        with open(request, "rb", closefd=True) as pipe:
            data = pipe.read()
        if not data:  # the worker discarded the seed or ended
            os._exit(0)
        _become_kernel(pickle.loads(data), output)
        code = 0
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
    except BaseException:  # the child must never return into the worker's code
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _become_kernel(request: dict, output: int) -> None:
    """Set up the process as ``Popen`` and ``python -m ipykernel_launcher`` would, then run it."""
    with open(os.devnull, "rb") as devnull:
        os.dup2(devnull.fileno(), 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)
    os.chdir(request["cwd"])
    # A new policy has no event loop, as in a new process. An inherited loop
    # would share its epoll instance with the worker's.
    asyncio.set_event_loop_policy(None)
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[:] = _KERNEL_PATH
    # Python reseeds the random module after a fork, but not numpy's global
    # generator, so kernels forked from one heap would draw the same numbers.
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
    spec = importlib.util.find_spec(LAUNCHER)
    sys.argv = [spec.origin if spec and spec.origin else LAUNCHER, *request["argv"]]

    # ipykernel 7.4 imports debugpy and sets up its debugger for every kernel
    # it creates, though nothing attaches a debugger to a report kernel.
    # Without debugpy a forked kernel took 0.14 s of CPU to start and warm
    # up instead of 0.24 s (median of 9 alternating starts, 2-core benchmark
    # machine). The kernel then lists no debugger in its kernel_info and
    # ignores debug requests.
    sys.modules.setdefault("debugpy", None)
    # The worker skipped some of jsonschema's format libraries, and a report's
    # cells may import them. jsonschema keeps the checkers it was built with.
    quick_imports = sys.modules.get("iku_nb.quick_imports")
    if quick_imports is not None:
        quick_imports.allow_skipped()
    from ipykernel.kernelapp import IPKernelApp  # noqa: PLC0415 - in the child only

    # These two defaults are read from the environment when ipykernel is
    # imported, which was in the forkserver, before the variables were set.
    environment = request["env"]
    IPKernelApp.launch_instance(
        argv=request["argv"], parent_handle=int(environment.get("JPY_PARENT_PID") or 0),
        interrupt=int(environment.get("JPY_INTERRUPT_EVENT") or 0))
