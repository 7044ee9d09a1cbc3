"""Tests of kernels forked from a batch worker: they run as a new kernel would, and clean up."""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path

import psutil
import pytest

from iku_nb.forkserver import worker_context
from iku_nb.kernel_seed import KernelSeed
from iku_nb.params import RunParameters
from iku_nb.pool import SUCCEEDED, run_batch
from iku_nb.quick_imports import SKIPPED
from iku_nb.run import ReportSpec, run_report

DATA = Path(__file__).resolve().parents[1] / "data"

# Printed by a cell: what the kernel's cells can see of the process they run in.
PROBE = r"""
import json, os, sys, matplotlib, pandas
from ipykernel.kernelapp import IPKernelApp
app = IPKernelApp.instance()
formats = get_ipython().display_formatter.format(pandas.DataFrame({"a": [1]}))[0]
print(json.dumps({
    "path": sys.path, "cwd": os.getcwd(), "argv": sys.argv[1:], "ppid": os.getppid(),
    "JPY_PARENT_PID": os.environ.get("JPY_PARENT_PID"),
    "MPLBACKEND": os.environ.get("MPLBACKEND"), "PROBE_VARIABLE": os.environ.get("PROBE_VARIABLE"),
    "backend": matplotlib.get_backend(), "shell": type(get_ipython()).__name__,
    "main": sys.modules["__main__"].__name__, "session_leader": os.getsid(0) == os.getpid(),
    "parent_handle": app.parent_handle, "poller": type(app.poller).__name__,
    "display": sorted(formats),
    "numpy_random": __import__("numpy").random.rand(),
    "debugpy": sys.modules.get("debugpy") is not None,
    "blocked": sorted(name for name, module in sys.modules.items() if module is None),
}))
"""


def probe_kernel(fork_first: bool, folder: str, results) -> None:
    """Start a kept kernel in this worker process, run PROBE in it, and send what it printed."""
    from jupyter_core.utils import run_sync  # noqa: PLC0415

    from iku_nb.kernel import WarmKernel  # noqa: PLC0415

    os.environ["PROBE_VARIABLE"] = "dari pekerja"
    kernel = WarmKernel(fork_first=fork_first)
    try:
        kernel.start(Path(folder))
        client = kernel.manager.client()
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=60)
        printed = []
        run_sync(client.execute_interactive)(
            PROBE, timeout=60,
            output_hook=lambda m: printed.append(m["content"].get("text", "")))
        facts = json.loads("".join(printed))
        facts["cmdline"] = psutil.Process(kernel.pid).cmdline()[1:3]
        facts["worker"] = os.getpid()
    finally:
        kernel.discard()
    results.put(facts)


def run_in_worker(target, *args):
    """Run ``target(*args, results)`` in a process started as a batch worker; return its result."""
    context = worker_context()
    results = context.Queue()
    process = context.Process(target=target, args=(*args, results))
    process.start()
    outcome = results.get(timeout=120)
    process.join(30)
    return outcome


def probe_in_worker(fork_first: bool, folder: Path) -> dict:
    return run_in_worker(probe_kernel, fork_first, str(folder))


@pytest.mark.slow
@pytest.mark.skipif(worker_context().get_start_method() != "forkserver",
                    reason="workers fork kernels only where they are forked from a forkserver")
def test_forked_kernel_matches_new(tmp_path):
    (tmp_path / "baru").mkdir()
    (tmp_path / "cabang").mkdir()
    new = probe_in_worker(False, tmp_path / "baru")
    forked = probe_in_worker(True, tmp_path / "cabang")

    assert new["cmdline"] == ["-m", "ipykernel_launcher"]
    assert forked["cmdline"] != new["cmdline"], "the kernel must be forked, not started anew"
    for facts in (new, forked):
        assert facts["ppid"] == facts["worker"]
        assert facts["JPY_PARENT_PID"] == str(facts["worker"])
        assert facts["parent_handle"] == facts["worker"], "the kernel must end with its worker"
        assert facts["poller"] == "ParentPollerUnix"
    assert forked["cwd"] == str((tmp_path / "cabang").resolve())
    assert new["cwd"] == str((tmp_path / "baru").resolve())
    for name in ("path", "argv"):
        # Only the connection file's name differs between the two command lines.
        assert [a for a in forked[name] if not a.endswith(".json")] == \
            [a for a in new[name] if not a.endswith(".json")], name
    for name in ("MPLBACKEND", "PROBE_VARIABLE", "backend", "shell", "main",
                 "session_leader", "display"):
        assert forked[name] == new[name], name
    # The worker skips some of jsonschema's format libraries (iku_nb.quick_imports),
    # but a report's cells may still import them.
    assert not set(forked["blocked"]) & set(SKIPPED)
    # The one intended difference: a forked report kernel starts without debugpy.
    assert new["debugpy"] is True
    assert forked["debugpy"] is False


@pytest.mark.slow
@pytest.mark.skipif(worker_context().get_start_method() != "forkserver",
                    reason="workers fork kernels only where they are forked from a forkserver")
def test_forked_kernels_draw_different_numbers(tmp_path):
    """Kernels forked from the same preloaded heap must not share numpy's random state."""
    draws = []
    for name in ("satu", "dua"):
        (tmp_path / name).mkdir()
        facts = probe_in_worker(True, tmp_path / name)
        assert facts["cmdline"] != ["-m", "ipykernel_launcher"], "the kernel must be forked"
        draws.append(facts["numpy_random"])
    assert draws[0] != draws[1]


@pytest.mark.slow
def test_batch_forked_report_equals_new(tmp_path):
    target = ReportSpec(RunParameters(2025, None, "poldagri", data=str(DATA)))
    new = run_report(target, tmp_path / "baru", 600)
    [result] = run_batch([target], tmp_path / "batch", jobs=1, keep_kernel=True)
    assert result.status == SUCCEEDED, result.reason
    assert result.files["html"].read_bytes() == new["html"].read_bytes()
    assert result.files["angka"].read_bytes() == new["angka"].read_bytes()


@pytest.mark.slow
def test_batch_after_failure_starts_new_kernel(tmp_path):
    """A worker whose forked kernel was discarded starts the next one as a new process."""
    missing = ReportSpec(RunParameters(2025, data=str(tmp_path / "tidak-ada")))
    good = ReportSpec(RunParameters(2025, None, "poldagri", data=str(DATA)))
    # The yearly report is expected to take longer, so it runs first.
    results = run_batch([missing, good], tmp_path / "keluaran", jobs=1, keep_kernel=True)
    assert [r.status for r in results] == ["gagal", SUCCEEDED]
    assert "tidak-ada" in results[0].reason


@pytest.mark.slow
def test_second_kernel_not_forked(tmp_path, monkeypatch):
    """Once a process has started a kernel, it has threads and an event loop, so it never forks."""
    import subprocess  # noqa: PLC0415

    from iku_nb import kernel as kernel_module  # noqa: PLC0415

    monkeypatch.setattr(kernel_module, "_started_kernel", True)
    monkeypatch.setattr(KernelSeed, "fork", lambda: pytest.fail("the second kernel was forked"))
    kernel = kernel_module.WarmKernel(fork_first=True)
    try:
        kernel.start(tmp_path)
        assert isinstance(kernel.manager.provisioner.process, subprocess.Popen)
    finally:
        kernel.discard()


def fork_and_discard_seed(results) -> None:
    """Fork a seed in this fresh process, discard it, and send what became of it."""
    seed = KernelSeed.fork()
    if seed is None:
        results.put(None)
        return
    alive = psutil.pid_exists(seed.pid)
    seed.discard()
    try:
        os.waitpid(seed.pid, os.WNOHANG)
        reaped = False
    except ChildProcessError:
        reaped = True
    results.put({"alive": alive, "reaped": reaped})


def test_unused_seed_ends():
    outcome = run_in_worker(fork_and_discard_seed)
    assert outcome is not None, "a new worker process has no threads, so it must fork"
    assert outcome["alive"]
    assert outcome["reaped"], "discard must end and reap the seed"


def test_seed_runs_only_this_interpreter_kernel():
    seed = KernelSeed(pid=0, request=-1, output=-1)
    assert seed.can_run([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"])
    assert not seed.can_run(["/usr/bin/python3-lain", "-m", "ipykernel_launcher"])
    assert not seed.can_run([sys.executable, "-m", "ipykernel", "-f", "k.json"])
    assert not seed.can_run(["R", "--slave"])


def test_seed_refused_with_threads():
    import threading  # noqa: PLC0415

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert KernelSeed.fork() is None
    finally:
        stop.set()
        thread.join()


def report_what_worker_inherits(results) -> None:
    from iku_nb import run  # noqa: PLC0415

    results.put({"exporter": getattr(run._EXPORTERS, "html", None) is not None,
                 "modules": [name for name in ("ipykernel.kernelapp", "iku_nb.report",
                                               "seaborn") if name in sys.modules],
                 "collector": gc.isenabled(), "frozen": gc.get_freeze_count()})


@pytest.mark.skipif(worker_context().get_start_method() != "forkserver",
                    reason="only a forkserver preloads modules for the workers")
def test_worker_inherits_kernel_modules_and_templates():
    inherited = run_in_worker(report_what_worker_inherits)
    assert inherited["exporter"], "the page templates must be compiled in the forkserver"
    assert inherited["modules"] == ["ipykernel.kernelapp", "iku_nb.report", "seaborn"]
    assert inherited["collector"], "the forkserver must start the garbage collector again"
    assert inherited["frozen"] > 100_000, "the preload's objects stay out of collections"
