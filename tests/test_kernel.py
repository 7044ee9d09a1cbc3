"""Tests of the kept kernel: a report made in a reused kernel equals one made in a new kernel."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import psutil
import pytest
from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError

from iku_nb import kernel as kernel_module
from iku_nb.errors import DataError, RunError
from iku_nb.kernel import KernelDied, WarmKernel
from iku_nb.params import RunParameters
from iku_nb.pool import WarmKernelRunner
from iku_nb.run import ReportSpec, _cause, run_report

DATA = Path(__file__).resolve().parents[1] / "data"
# papermill gives its injected parameters cell a new random id at every run,
# and nbconvert writes cell ids into the HTML, so two runs in new kernels
# differ there too.


def spec(tahun: int = 2025, bidang: str | None = None) -> ReportSpec:
    return ReportSpec(RunParameters(tahun, None, bidang, data=str(DATA)))


def cells(notebook: Path) -> list[tuple]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return [(c["cell_type"], c["source"], c.get("execution_count"), c.get("outputs"))
            for c in nb["cells"]]


def manifest(path: Path) -> dict:
    """Return a manifest without what differs between two runs: times and notebook hash."""
    values = json.loads(path.read_text(encoding="utf-8"))
    for name in ("mulai", "selesai"):
        values.pop(name)
    values["berkas"].pop("laporan_bidang.ipynb")
    return values


@pytest.mark.slow
def test_reused_kernel_report_equals_new(tmp_path):
    target = spec(bidang="poldagri")
    new = run_report(target, tmp_path / "baru", 600)

    kernel = WarmKernel()
    try:
        run_report(spec(2024), tmp_path / "dipakai-ulang", 600, kernel=kernel)
        first_pid = kernel.pid
        reused = run_report(target, tmp_path / "dipakai-ulang", 600, kernel=kernel)
        assert kernel.pid == first_pid, "the second report must run in the same kernel"
        assert kernel.reports == 2
    finally:
        kernel.discard()

    new_cells = cells(new["ipynb"])
    reused_cells = cells(reused["ipynb"])
    assert len(new_cells) == len(reused_cells)
    for index, (expected, actual) in enumerate(zip(new_cells, reused_cells, strict=True)):
        assert actual == expected, f"cell {index} differs"
    assert next(c[2] for c in reused_cells if c[0] == "code") == 1, "counts restart at 1"
    assert reused["html"].read_bytes() == new["html"].read_bytes()
    assert reused["angka"].read_bytes() == new["angka"].read_bytes()
    assert manifest(reused["manifest"]) == manifest(new["manifest"])


@pytest.mark.slow
def test_early_start_private_folder(tmp_path):
    target = spec(bidang="poldagri")
    new = run_report(target, tmp_path / "baru", 600)
    runner = WarmKernelRunner()
    try:
        runner.start()
        folder = Path(psutil.Process(runner._kernel.pid).cwd())
        assert folder.name.startswith("iku-nb-kernel-")
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert list(folder.iterdir()) == []
        early = runner(target, tmp_path / "awal", 600)
    finally:
        runner.close()
    assert not folder.exists()
    assert cells(early["ipynb"]) == cells(new["ipynb"])
    assert early["html"].read_bytes() == new["html"].read_bytes()


@pytest.mark.slow
def test_reset_clears_namespace_and_folder(tmp_path):
    kernel = WarmKernel()
    first, second = tmp_path / "satu", tmp_path / "dua"
    first.mkdir()
    second.mkdir()
    try:
        manager = kernel.prepare(first)
        client = manager.client()
        client.start_channels()

        from jupyter_core.utils import run_sync  # noqa: PLC0415

        def run(code: str) -> dict:
            outputs = []
            run_sync(client.wait_for_ready)(timeout=60)
            run_sync(client.execute_interactive)(code, timeout=60, output_hook=outputs.append)
            return {m["msg_type"]: m["content"] for m in outputs}

        run("sisa = 41")
        kernel.prepare(second)
        after = run("import os; print('sisa' in globals(), os.getcwd())")
        frozen = run("import gc; print(gc.get_freeze_count() > 0)")
    finally:
        kernel.discard()
    assert after["stream"]["text"].split() == ["False", str(second.resolve())]
    assert frozen["stream"]["text"].strip() == "True", "the warm-up freezes the imported objects"
    assert after["execute_input"]["execution_count"] == 1


@pytest.mark.slow
def test_failed_report_discards_kernel(tmp_path):
    broken = tmp_path / "data"
    broken.mkdir()
    (broken / "konflik.csv").write_text("bukan,tabel\n1,2\n", encoding="utf-8")
    runner = WarmKernelRunner()
    try:
        runner(spec(), tmp_path / "keluaran", 600)
        first_pid = runner._kernel.pid
        with pytest.raises(DataError):
            runner(ReportSpec(RunParameters(2025, data=str(broken))), tmp_path / "keluaran", 600)
        assert runner._kernel.manager is None, "a failed report must discard its kernel"
        runner(spec(bidang="hanbang"), tmp_path / "keluaran", 600)
        assert runner._kernel.pid != first_pid
    finally:
        runner.close()


def test_reset_kernel_death_raises_at_once(tmp_path, monkeypatch):
    """A kernel that dies between two reports is noticed, not waited for until the timeout."""
    monkeypatch.setattr(kernel_module, "RESET_TIMEOUT", 30)
    kernel = WarmKernel()
    try:
        kernel.start(tmp_path)
        with pytest.raises(KernelDied, match="berhenti sebelum laporan dimulai"):
            kernel._run_quietly("import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    finally:
        kernel.discard()


def kill_and_reap(pid: int) -> None:
    psutil.Process(pid).kill()
    psutil.Process(pid).wait(30)


def suspend(pid: int) -> None:
    psutil.Process(pid).suspend()


@pytest.mark.parametrize(("stop", "timeout", "error", "message"), [
    (kill_and_reap, 30, KernelDied, "berhenti sebelum menjawab permintaan pertamanya"),
    (suspend, 1.5, TimeoutError, "tidak menjawab dalam 1,5 detik sesudah dimulai"),
])
def test_first_wait_stopped_kernel(tmp_path, stop, timeout, error, message):
    """A dead kernel raises at once, and a silent one when the wait times out."""
    kernel = WarmKernel()
    try:
        kernel.start(tmp_path)
        stop(kernel.pid)
        client = kernel.manager.client()
        with pytest.raises(error, match=message):
            run_sync(client.wait_for_ready)(timeout=timeout)
    finally:
        kernel.discard()


def test_first_wait_keeps_first_output(tmp_path):
    """After the first wait, the first cell's output arrives: IOPub is connected by then."""
    kernel = WarmKernel()
    try:
        manager = kernel.prepare(tmp_path)
        client = manager.client()
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=60)
        outputs = []
        reply = run_sync(client.execute_interactive)("print('pertama')", timeout=60,
                                                     output_hook=outputs.append)
        # A second wait returns at once and changes nothing.
        run_sync(client.wait_for_ready)(timeout=60)
    finally:
        kernel.discard()
    assert reply["content"]["status"] == "ok"
    streams = [m["content"]["text"] for m in outputs if m["msg_type"] == "stream"]
    assert streams == ["pertama\n"]


def test_reset_kernel_death_starts_new(tmp_path, monkeypatch):
    """The next report runs in a new kernel when the kept one dies before it starts."""
    first, second = tmp_path / "satu", tmp_path / "dua"
    first.mkdir()
    second.mkdir()
    reset = WarmKernel._reset

    def kill_then_reset(self, work):
        psutil.Process(self.pid).kill()
        psutil.Process(self.pid).wait(30)
        reset(self, work)

    kernel = WarmKernel()
    try:
        kernel.prepare(first)
        dead_pid = kernel.pid
        monkeypatch.setattr(WarmKernel, "_reset", kill_then_reset)
        manager = kernel.prepare(second)
        assert kernel.pid != dead_pid
        assert psutil.Process(kernel.pid).cwd() == str(second.resolve())
        assert run_sync(manager.is_alive)()
        assert kernel.reports == 1
    finally:
        kernel.discard()


def test_report_kernel_death_explained(tmp_path, monkeypatch):
    """A report whose kernel ends fails with an Indonesian reason and keeps the previous report."""
    prepare = WarmKernel.prepare

    def prepare_then_kill(self, work):
        manager = prepare(self, work)
        psutil.Process(self.pid).kill()
        psutil.Process(self.pid).wait(30)
        return manager

    monkeypatch.setattr(WarmKernel, "prepare", prepare_then_kill)
    runner = WarmKernelRunner()
    try:
        with pytest.raises(RunError) as failed:
            runner(spec(bidang="poldagri"), tmp_path / "keluaran", 600)
    finally:
        runner.close()
    message = str(failed.value)
    assert "kernel Jupyter berhenti sebelum laporan selesai" in message
    assert "laporan sebelumnya tidak diubah" in message
    assert not (tmp_path / "keluaran" / "2025" / "poldagri" / "laporan_bidang.html").exists()


@pytest.mark.parametrize(("error", "expected"), [
    (DeadKernelError("Kernel died"), "kernel Jupyter berhenti sebelum laporan selesai"),
    (KernelDied("kernel (pid 1) berhenti"), "kernel Jupyter berhenti sebelum laporan selesai"),
    (RuntimeError("Kernel died before replying to kernel_info"), "kernel Jupyter berhenti"),
    (RuntimeError("lain"), "RuntimeError: lain"),
    (ValueError("x"), "ValueError: x"),
    (FileNotFoundError(2, "No such file or directory", "/keluaran/.sementara/2025-x"),
     "berkas /keluaran/.sementara/2025-x tidak dapat dibaca atau ditulis: folder atau "
     "berkasnya tidak ada (ENOENT)"),
])
def test_failure_cause_words(error, expected):
    assert expected in _cause(error)


def test_failure_cause_of_timeouts_and_full_disk():
    from nbclient.exceptions import CellTimeoutError  # noqa: PLC0415

    timed_out = CellTimeoutError("A cell timed out while it was being executed, after 600 s")
    assert _cause(timed_out) == ("sebuah sel notebook tidak selesai dalam batas waktu "
                                 "eksekusinya (CellTimeoutError)")
    # The kernel's own timeout is already in Indonesian, and names no file.
    assert _cause(TimeoutError("kernel tidak menjawab")) == "TimeoutError: kernel tidak menjawab"
    full_disk = OSError(errno.ENOSPC, "No space left on device")
    assert _cause(full_disk, Path("/keluaran/.sementara/2025-x")) == (
        "berkas di /keluaran/.sementara/2025-x tidak dapat dibaca atau ditulis: ruang disk "
        "habis (ENOSPC)")


def test_discard_signals_no_reaped_kernel(tmp_path, monkeypatch):
    """A reaped kernel's pid may be another process's by now, so nothing is signalled."""
    kernel = WarmKernel()
    kernel.start(tmp_path)
    manager = kernel.manager
    psutil.Process(kernel.pid).kill()
    psutil.Process(kernel.pid).wait(30)
    assert not run_sync(manager.is_alive)(), "polling reaps the kernel"
    signalled = []
    monkeypatch.setattr(os, "killpg", lambda *args: signalled.append(("killpg", *args)))
    monkeypatch.setattr(os, "kill", lambda *args: signalled.append(("kill", *args)))
    kernel.discard()
    assert signalled == []
    assert not Path(manager.connection_file).exists(), "the connection file is removed"


class DiesAtFirstStart(WarmKernel):
    """A kept kernel whose first kernel is killed as soon as it starts, as a failed bind ends it."""

    killed: int | None = None

    def prepare(self, work: Path):
        manager = super().prepare(work)
        if self.killed is None:
            self.killed = self.pid
            self.kill()
        return manager


@pytest.mark.slow
def test_kernel_dead_at_start_retried(tmp_path, caplog):
    kernel = DiesAtFirstStart()
    try:
        files = run_report(spec(bidang="poldagri"), tmp_path, 600, kernel=kernel)
        assert kernel.pid != kernel.killed
    finally:
        kernel.discard()
    assert files["html"].exists()
    assert "dijalankan lagi di kernel baru" in caplog.text
    assert not list(tmp_path.rglob("*.GAGAL.ipynb"))


@pytest.mark.slow
def test_kernel_dead_twice_fails_report(tmp_path):
    class DiesEveryStart(WarmKernel):
        def prepare(self, work: Path):
            manager = super().prepare(work)
            self.kill()
            return manager

    kernel = DiesEveryStart()
    try:
        with pytest.raises(RunError, match="kernel Jupyter berhenti sebelum laporan selesai"):
            run_report(spec(bidang="poldagri"), tmp_path, 600, kernel=kernel)
    finally:
        kernel.discard()


def test_died_at_start_only_before_cells():
    from iku_nb.run import _died_at_start  # noqa: PLC0415

    assert _died_at_start(KernelDied("kernel berhenti sebelum menjawab permintaan pertamanya"))
    assert _died_at_start(RuntimeError("Kernel died before replying to kernel_info"))
    # A kernel that dies while cells run is not retried: its cells may have written files.
    assert not _died_at_start(DeadKernelError("Kernel died"))
    assert not _died_at_start(RuntimeError("kernel tidak menjawab: batas waktu"))
