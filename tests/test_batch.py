"""Tests of the report pool and the ``laporan`` command.

The runners below are module-level so that the worker processes can unpickle
them. They stand in for run_report, except the ``*_without_kernel`` ones,
which call the real run_report with papermill replaced, so that the real
staging and promotion code runs without starting a kernel.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from itertools import pairwise
from pathlib import Path

import psutil
import pytest
from rich.console import Console

from iku_nb import batch, pool
from iku_nb import manifest as manifest_module
from iku_nb.catalogue import SHIPPED_CATALOGUE, load_catalogue
from iku_nb.cli import main
from iku_nb.dataset import inspect
from iku_nb.errors import RunError
from iku_nb.params import RunParameters
from iku_nb.pool import FAILED, SUCCEEDED, TIMED_OUT, LocalPool, run_batch, terminate_as_exit
from iku_nb.run import FAILED_SUFFIX, STAGING, ReportSpec, run_report

PROJECT = Path(__file__).resolve().parents[1]
DATA = PROJECT / "data"


def spec(tahun: int = 2025, triwulan: int | None = None, bidang: str | None = None) -> ReportSpec:
    return ReportSpec(RunParameters(tahun, triwulan, bidang, data=str(DATA)))


def fake_runner(spec: ReportSpec, output: Path, execution_timeout: int | None) -> dict[str, Path]:
    """Write a small report with a manifest, and a trace of when and where it ran."""
    started = time.time()
    time.sleep(0.2)
    folder = spec.folder(output)
    folder.mkdir(parents=True, exist_ok=True)
    html = folder / f"{spec.notebook}.html"
    html.write_text(f"<p>{spec.name}</p>", encoding="utf-8")
    manifest = folder / f"{spec.notebook}.manifest.json"
    manifest.write_text(json.dumps({"laporan": spec.name, "notebook": spec.notebook,
                                    "selesai": "2025-07-01T02:30:00+00:00"}), encoding="utf-8")
    trace = Path(output) / "trace"
    trace.mkdir(exist_ok=True)
    (trace / f"{spec.name}.json").write_text(json.dumps(
        {"pid": os.getpid(), "start": started, "end": time.time()}))
    return {"html": html, "manifest": manifest}


def failing_hanbang_runner(spec: ReportSpec, output: Path,
                           execution_timeout: int | None) -> dict[str, Path]:
    if spec.params.bidang == "hanbang":
        raise RunError(f"Laporan {spec.name} gagal di sel 3: ValueError: contoh.\nBaris kedua.")
    return fake_runner(spec, output, execution_timeout)


def data_changing_runner(spec: ReportSpec, output: Path,
                         execution_timeout: int | None) -> dict[str, Path]:
    """Write a report with a real manifest; the poldagri report first edits konflik.csv."""
    data = Path(spec.params.data)
    if spec.params.bidang == "poldagri":
        path = data / "konflik.csv"
        path.write_text(path.read_text(encoding="utf-8-sig").replace(
            "mediasi", "mediasi warga", 1), encoding="utf-8")
    files = fake_runner(spec, output, execution_timeout)
    now = manifest_module.now()
    record = manifest_module.build(spec.name, spec.notebook, {}, inspect(data), now, now)
    files["manifest"].write_text(json.dumps(record), encoding="utf-8")
    return files


def crashing_runner(spec: ReportSpec, output: Path,
                    execution_timeout: int | None) -> dict[str, Path]:
    if spec.params.bidang == "hanbang":
        os._exit(9)
    if spec.params.bidang == "poldagri":
        raise KeyError("kolom")
    return fake_runner(spec, output, execution_timeout)


def stuck_hanbang_runner(spec: ReportSpec, output: Path,
                         execution_timeout: int | None) -> dict[str, Path]:
    """Hang in hanbang like a stuck kernel: a child in its own session, and a staging folder."""
    if spec.params.bidang != "hanbang":
        return fake_runner(spec, output, execution_timeout)
    staging = Path(output) / STAGING / f"{spec.name}-abcd1234"
    staging.mkdir(parents=True)
    kernel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                              start_new_session=True)
    (Path(output) / "kernel.pid").write_text(str(kernel.pid))
    time.sleep(60)
    return {}


def run_report_without_kernel(spec: ReportSpec, output: Path,
                              execution_timeout: int | None) -> dict[str, Path]:
    """Run the real run_report with papermill copying the notebook instead of executing it."""
    # Imported here: the workers import this module, and the timing tests want
    # them to start quickly.
    import nbformat  # noqa: PLC0415
    import papermill  # noqa: PLC0415

    from iku_nb import registry  # noqa: PLC0415

    def copy(template, notebook, **kwargs):
        # The unexecuted template, with the registry output a real run displays last.
        nb = nbformat.read(template, as_version=4)
        nb.cells[-1].outputs = [nbformat.v4.new_output(
            "display_data", data={registry.MIME: [], "text/plain": "Daftar angka"})]
        nbformat.write(nb, notebook)
        return nb

    papermill.execute_notebook = copy
    return run_report(spec, output, execution_timeout)


def run_report_failing_cell(spec: ReportSpec, output: Path,
                            execution_timeout: int | None) -> dict[str, Path]:
    """Run the real run_report with papermill failing in a cell after writing the notebook."""
    import papermill  # noqa: PLC0415
    from papermill.exceptions import PapermillExecutionError  # noqa: PLC0415

    def fail(template, notebook, **kwargs):
        shutil.copyfile(template, notebook)
        raise PapermillExecutionError(0, 4, "1 / 0", "ZeroDivisionError", "division by zero", [])

    papermill.execute_notebook = fail
    return run_report(spec, output, execution_timeout)


class DiesWhileStarting:
    """A runner whose worker exits while it prepares, before it reads its first report."""

    def start(self) -> None:
        time.sleep(0.5)
        os._exit(3)

    def __call__(self, spec, output, execution_timeout):
        raise AssertionError("never reached")


def read_traces(output: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in (output / "trace").glob("*.json")}


# run_batch ---------------------------------------------------------------------


def test_run_batch_parallel_workers(tmp_path):
    specs = [spec(bidang=b) for b in (None, "poldagri", "hanbang")]
    results = run_batch(specs, tmp_path, jobs=2, timeout=30, runner=fake_runner)
    assert [r.status for r in results] == [SUCCEEDED] * 3
    assert [r.name for r in results] == [s.name for s in specs]
    traces = read_traces(tmp_path)
    assert len({t["pid"] for t in traces.values()}) == 3, "one process per report"
    assert os.getpid() not in {t["pid"] for t in traces.values()}
    intervals = sorted((t["start"], t["end"]) for t in traces.values())
    overlapping = any(a_end > b_start for (_, a_end), (b_start, _) in pairwise(intervals))
    assert overlapping, "two reports should run at the same time with jobs=2"
    for result in results:
        assert result.files["html"].read_text() == f"<p>{result.name}</p>"


def test_run_batch_one_job_serial(tmp_path):
    specs = [spec(triwulan=q) for q in (1, 2)]
    results = run_batch(specs, tmp_path, jobs=1, timeout=30, runner=fake_runner)
    assert [r.status for r in results] == [SUCCEEDED] * 2
    intervals = sorted((t["start"], t["end"]) for t in read_traces(tmp_path).values())
    for (_, end), (start, _) in pairwise(intervals):
        assert start >= end


def test_run_batch_longest_reports_first(tmp_path):
    class StartOrder:
        def __init__(self):
            self.names = []

        def started(self, spec):
            self.names.append(spec.name)

        def finished(self, result):
            pass

    specs = [spec(2023, bidang="poldagri"), spec(2024, triwulan=2), spec(2023),
             spec(2025, bidang="hanbang"), spec(2024), spec(2025, bidang="iwasbang")]
    order = StartOrder()
    results = run_batch(specs, tmp_path, jobs=1, timeout=30, runner=fake_runner,
                        listener=order)
    assert order.names == ["2024", "2024-tw2", "2023", "2025-hanbang", "2025-iwasbang",
                           "2023-poldagri"]
    assert [r.name for r in results] == [s.name for s in specs]


def test_worker_dying_at_start_fails_report(tmp_path):
    results = run_batch([spec(bidang="poldagri")], tmp_path, jobs=1, timeout=30,
                        runner=DiesWhileStarting())
    assert [r.status for r in results] == [FAILED]
    assert "kode keluar 3" in results[0].reason


def test_run_batch_failure_isolated(tmp_path):
    specs = [spec(bidang=b) for b in ("iwasbang", "hanbang", "poldagri")]
    results = run_batch(specs, tmp_path, jobs=2, timeout=30, runner=failing_hanbang_runner)
    statuses = {r.name: r.status for r in results}
    assert statuses == {"2025-iwasbang": SUCCEEDED, "2025-hanbang": FAILED,
                        "2025-poldagri": SUCCEEDED}
    failed = results[1]
    assert failed.reason.startswith("Laporan 2025-hanbang gagal di sel 3: ValueError: contoh.")
    assert "\n" not in failed.reason
    assert "Baris kedua." in failed.reason
    assert failed.files == {}
    note = tmp_path / "2025" / "hanbang" / "laporan_bidang.GAGAL.txt"
    assert note.read_text(encoding="utf-8").startswith("gagal: Laporan 2025-hanbang gagal")


def test_run_batch_failure_note_unwritable(tmp_path):
    # A file sits where the failed report's folder belongs, so neither the
    # report nor its failure note can be written, and the batch goes on.
    (tmp_path / "2025").mkdir()
    (tmp_path / "2025" / "hanbang").write_text("bukan folder", encoding="utf-8")
    specs = [spec(bidang=b) for b in ("iwasbang", "hanbang", "poldagri")]
    results = run_batch(specs, tmp_path, jobs=2, timeout=30, runner=failing_hanbang_runner)
    statuses = {r.name: r.status for r in results}
    assert statuses == {"2025-iwasbang": SUCCEEDED, "2025-hanbang": FAILED,
                        "2025-poldagri": SUCCEEDED}
    assert "catatan laporan_bidang.GAGAL.txt tidak dapat ditulis" in results[1].reason
    assert (tmp_path / "2025" / "poldagri" / "laporan_bidang.html").is_file()


def test_failure_reason_names_only_written_logs(tmp_path):
    empty = tmp_path / "kosong.log"
    empty.write_text("", encoding="utf-8")
    written = tmp_path / "isi.log"
    written.write_text("Traceback ...\n", encoding="utf-8")
    assert pool._log_note(empty) == ""
    assert pool._log_note(tmp_path / "tidak-ada.log") == ""
    assert pool._log_note(written) == f" (catatan proses: {written})"


def test_laporan_output_unwritable_exit_2(tmp_path, capsys):
    blocker = tmp_path / "berkas"
    blocker.write_text("bukan folder", encoding="utf-8")
    status = main(["laporan", "--data", str(DATA), "--tahun", "2025",
                   "--output", str(blocker / "keluaran")])
    assert status == 2
    captured = capsys.readouterr()
    assert f"Folder keluaran {blocker / 'keluaran'} tidak dapat ditulis" in captured.err
    assert "Galat internal" not in captured.err


@pytest.mark.parametrize(("blocker", "names"), [
    ("2025", "2025, 2025-iwasbang, 2025-poldagri, 2025-hanbang"),
    ("2025/poldagri", "2025-poldagri"),
])
def test_laporan_file_named_like_report_folder(fake_pool, tmp_path, capsys, blocker, names):
    (tmp_path / blocker).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / blocker).write_text("bukan folder", encoding="utf-8")
    status = main(["laporan", "--data", str(DATA), "--tahun", "2025", "--bidang", "semua",
                   "--output", str(tmp_path)])
    assert status == 2
    err = " ".join(capsys.readouterr().err.split())
    assert (f"{tmp_path / blocker} adalah berkas, padahal laporan {names} ditulis di dalam "
            "folder bernama itu") in err
    assert not (tmp_path / "index.html").exists(), "no report may run"


def test_laporan_lock_unwritable_exit_2(tmp_path, capsys):
    (tmp_path / ".kunci").mkdir()
    status = main(["laporan", "--data", str(DATA), "--tahun", "2025",
                   "--output", str(tmp_path)])
    assert status == 2
    captured = capsys.readouterr()
    assert f"Folder keluaran {tmp_path} tidak dapat ditulis" in captured.err
    assert "Galat internal" not in captured.err


def test_run_batch_crash_and_unexpected_error(tmp_path):
    specs = [spec(bidang=b) for b in ("hanbang", "poldagri", "iwasbang")]
    results = run_batch(specs, tmp_path, jobs=3, timeout=30, runner=crashing_runner)
    crashed, raised, good = results
    assert crashed.status == FAILED
    assert "kode keluar 9" in crashed.reason
    assert raised.status == FAILED
    assert "galat internal: KeyError" in raised.reason
    assert good.status == SUCCEEDED


def test_run_batch_timeout_kills_tree(tmp_path):
    specs = [spec(bidang="hanbang"), spec(bidang="poldagri")]
    started = time.monotonic()
    # Long enough for a worker to start on a busy machine, far below the 60 s hang.
    results = run_batch(specs, tmp_path, jobs=2, timeout=6, runner=stuck_hanbang_runner)
    elapsed = time.monotonic() - started
    assert elapsed < 30
    stuck, good = results
    assert stuck.status == TIMED_OUT
    assert "batas waktu 6 detik" in stuck.reason
    assert 6 <= stuck.seconds < 25
    assert good.status == SUCCEEDED
    kernel_pid = int((tmp_path / "kernel.pid").read_text())
    assert not _alive(kernel_pid), "the stuck report's child process must be killed"
    assert not (tmp_path / STAGING / "2025-hanbang-abcd1234").exists()
    note = tmp_path / "2025" / "hanbang" / "laporan_bidang.GAGAL.txt"
    assert note.read_text(encoding="utf-8").startswith("waktu habis: dihentikan")


def test_run_batch_interrupt_kills_workers(tmp_path):
    class InterruptAfterStart:
        def __init__(self, pid_file: Path):
            self.count = 0
            self.pid_file = pid_file

        def started(self, spec):
            self.count += 1
            if self.count == 2:
                wait_for(self.pid_file)  # the stuck report has started its child process
                raise KeyboardInterrupt

        def finished(self, result):
            pass

    specs = [spec(bidang="hanbang"), spec(bidang="poldagri"), spec(bidang="iwasbang")]
    with pytest.raises(KeyboardInterrupt):
        run_batch(specs, tmp_path, jobs=2, timeout=60, runner=stuck_hanbang_runner,
                  listener=InterruptAfterStart(tmp_path / "kernel.pid"))
    kernel_pid = int((tmp_path / "kernel.pid").read_text())
    assert not _alive(kernel_pid)
    assert not (tmp_path / "2025" / "iwasbang").exists(), "no report starts after Ctrl-C"


def test_failed_rerun_keeps_good_report(tmp_path):
    """A good report exists; a failing rerun leaves it byte-identical, failed notebook beside it."""
    good = spec(bidang="poldagri")
    first = run_batch([good], tmp_path, jobs=1, timeout=60, runner=run_report_without_kernel)
    assert first[0].status == SUCCEEDED, first[0].reason
    folder = good.folder(tmp_path)
    html = folder / "laporan_bidang.html"
    manifest = folder / "laporan_bidang.manifest.json"
    before = (html.read_bytes(), manifest.read_bytes())

    rerun = run_batch([spec(), good], tmp_path, jobs=2, timeout=60,
                      runner=run_report_failing_cell)
    assert [r.status for r in rerun] == [FAILED, FAILED]
    assert "gagal di sel 4: ZeroDivisionError" in rerun[1].reason
    assert (html.read_bytes(), manifest.read_bytes()) == before
    assert (folder / f"laporan_bidang{FAILED_SUFFIX}").is_file()
    assert not (tmp_path / "2025" / "laporan_tahunan.html").exists()
    assert (tmp_path / "2025" / f"laporan_tahunan{FAILED_SUFFIX}").is_file()
    assert list((tmp_path / STAGING).glob("2025-*-*")) == []


def test_sigterm_kills_workers_and_kernel(tmp_path):
    # SIGTERM to the parent must not leave a worker writing reports after it.
    def terminate_once_started() -> None:
        wait_for(tmp_path / "kernel.pid")
        os.kill(os.getpid(), signal.SIGTERM)

    timer = threading.Thread(target=terminate_once_started)
    timer.start()
    with pytest.raises(SystemExit) as stopped, terminate_as_exit():
        run_batch([spec(bidang="hanbang")], tmp_path, jobs=1, timeout=30,
                  runner=stuck_hanbang_runner)
    timer.join()
    assert stopped.value.code == 128 + signal.SIGTERM
    kernel_pid = int((tmp_path / "kernel.pid").read_text())
    assert not _alive(kernel_pid), "the worker's kernel must be killed"
    assert not (tmp_path / STAGING / "2025-hanbang-abcd1234").exists()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def wait_for(path: Path, seconds: float = 60) -> None:
    """Wait until ``path`` exists; a busy machine starts worker processes slowly."""
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


# summary and command -----------------------------------------------------------


def test_summary_table_lists_status_reason(tmp_path):
    results = [
        pool.ReportResult(spec(), SUCCEEDED, 12.34, {"html": tmp_path / "a.html",
                                                     "pdf": tmp_path / "a.pdf"}),
        pool.ReportResult(spec(bidang="hanbang"), FAILED, 1.0, reason="gagal di sel 3"),
        pool.ReportResult(spec(bidang="poldagri"), TIMED_OUT, 900.0, reason="batas waktu"),
    ]
    recorder = Console(record=True, width=200)
    recorder.print(batch.summary_table(results))
    text = recorder.export_text()
    for expected in ("laporan", "status", "waktu (detik)", "berkas", "keterangan", "12,3",
                     str(tmp_path / "a.pdf"), "gagal di sel 3", "waktu habis", "batas waktu"):
        assert expected in text


def test_summary_table_paths_under_output_as_written(tmp_path):
    real = tmp_path / "asli"
    (real / "2025").mkdir(parents=True)
    link = tmp_path / "tautan"
    link.symlink_to(real, target_is_directory=True)
    results = [pool.ReportResult(spec(), SUCCEEDED, 1.0,
                                 {"html": real / "2025" / "laporan_tahunan.html"})]
    recorder = Console(record=True, width=200)
    recorder.print(batch.summary_table(results, link))
    text = recorder.export_text()
    assert str(link / "2025" / "laporan_tahunan.html") in text
    assert str(real) not in text


def test_pool_background_start_then_submit(tmp_path):
    workers = LocalPool(tmp_path, jobs=2, timeout=30, reports_per_worker=None,
                        runner=fake_runner)
    workers.start_workers_in_background(2)
    results = run_batch([spec(bidang="poldagri"), spec(bidang="hanbang")], tmp_path,
                        pool=workers)
    assert [r.status for r in results] == [SUCCEEDED] * 2


def test_pool_background_start_failure_recovers(tmp_path, monkeypatch, caplog):
    """A worker that fails to start early is logged, and submit starts another."""
    original = LocalPool._start_worker
    failures = []

    def fail_once(self):
        if not failures:
            failures.append(True)
            raise OSError("forkserver tidak menjawab")
        return original(self)

    monkeypatch.setattr(LocalPool, "_start_worker", fail_once)
    workers = LocalPool(tmp_path, jobs=1, timeout=30, reports_per_worker=None,
                        runner=fake_runner)
    with caplog.at_level("INFO", logger="iku_nb"):
        workers.start_workers_in_background(1)
        results = run_batch([spec(bidang="poldagri")], tmp_path, pool=workers)
    assert [r.status for r in results] == [SUCCEEDED]
    assert "forkserver tidak menjawab" in caplog.text


@pytest.fixture
def fake_pool(monkeypatch):
    """Make ``iku-nb laporan`` run failing_hanbang_runner instead of run_report."""
    def early_pool(args):
        pool = LocalPool(args.output.resolve(), args.jobs, args.timeout,
                         reports_per_worker=None, runner=failing_hanbang_runner)
        pool.start_workers(1)
        return pool

    monkeypatch.setattr(batch, "_local_pool", early_pool)


def test_laporan_command_matrix_and_index(fake_pool, tmp_path, capsys):
    output = tmp_path / "keluaran"
    status = main(["laporan", "--data", str(DATA), "--tahun", "2024-2025",
                   "--bidang", "poldagri", "--output", str(output), "--jobs", "2"])
    assert status == 0
    for tahun in ("2024", "2025"):
        assert (output / tahun / "poldagri" / "laporan_bidang.html").is_file()
    assert not (output / "2025" / "laporan_tahunan.html").exists()
    index = (output / "index.html").read_text(encoding="utf-8")
    assert 'href="2025/poldagri/laporan_bidang.html"' in index
    captured = capsys.readouterr()
    assert "Ringkasan laporan" in captured.out
    assert "2 berhasil, 0 gagal, 0 waktu habis" in captured.err


def test_laporan_clears_killed_runs_staging(fake_pool, tmp_path):
    output = tmp_path / "keluaran"
    # What a batch killed with SIGKILL leaves: its reports' staging folders.
    left = output / STAGING / "2025-poldagri-k1ll3d00"
    left.mkdir(parents=True)
    (left / "laporan_bidang.ipynb").write_text("{}", encoding="utf-8")
    other = output / STAGING / "2024-poldagri-k1ll3d00"
    other.mkdir()
    status = main(["laporan", "--data", str(DATA), "--tahun", "2025", "--bidang", "poldagri",
                   "--output", str(output)])
    assert status == 0
    assert not left.exists()
    # Another report's folder stays: this batch does not make that report.
    assert other.is_dir()


def test_laporan_warns_of_own_renstra_estimates(fake_pool, tmp_path, caplog):
    with caplog.at_level("WARNING", logger="iku_nb"):
        status = main(["laporan", "--data", str(DATA), "--tahun", "2025", "--bidang", "poldagri",
                       "--output", str(tmp_path)])
    assert status == 0
    # The sample catalogue marks every Renstra target as an estimate; poldagri shows IKU-2 only.
    estimates = [r.getMessage() for r in caplog.records if "masih perkiraan" in r.getMessage()]
    assert estimates == ["katalog.yaml: target akhir Renstra IKU-2 (77,50% untuk tahun 2026) "
                         "masih perkiraan; laporan menyebutnya perkiraan. Setelah dikonfirmasi "
                         "dengan dokumen Renstra, hapus perkiraan: true di katalog."]


def test_data_changed_during_batch_reported(monkeypatch, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)

    def early_pool(args):
        pool = LocalPool(args.output.resolve(), 1, args.timeout, reports_per_worker=None,
                         runner=data_changing_runner)
        pool.start_workers(1)
        return pool

    monkeypatch.setattr(batch, "_local_pool", early_pool)
    status = main(["laporan", "--data", str(data), "--tahun", "2025", "--bidang", "semua",
                   "--output", str(tmp_path / "keluaran"), "--jobs", "1"])
    captured = capsys.readouterr()
    err = " ".join(captured.err.split())
    assert status == 1, captured.err
    assert "4 berhasil, 0 gagal" in err
    assert re.search(r"Peringatan: konflik\.csv berubah selama batch berjalan, sehingga [1-3] "
                     r"laporan \(.*2025-poldagri.*\) dibuat dari isi yang lain", err)
    assert "dibuat dari konflik.csv yang sudah berubah" in " ".join(captured.out.split())


def test_laporan_command_failure_exit_1(fake_pool, tmp_path, capsys):
    status = main(["laporan", "--data", str(DATA), "--tahun", "2025", "--bidang", "semua",
                   "--output", str(tmp_path)])
    assert status == 1
    captured = capsys.readouterr()
    assert "3 berhasil, 1 gagal" in captured.err
    assert "gagal di sel 3" in captured.out
    assert (tmp_path / "index.html").is_file()


@pytest.mark.parametrize(("content", "repeat", "message"), [
    ("tahun: 2025\ndata: [1, 2]\n", False,
     "data tertulis daftar [1, 2], padahal harus jalur folder, misalnya data: data."),
    ("analisis:\n  IKU-1:\n    penyebab: Teks.\n", False, "analisis.periode belum diisi"),
    ("tahun: 2025\n", True, "-f hanya boleh diberikan sekali"),
])
def test_laporan_parameters_file_mistakes(fake_pool, tmp_path, capsys, content, repeat,
                                          message):
    parameters = tmp_path / "p.yaml"
    parameters.write_text(content, encoding="utf-8")
    arguments = ["laporan", "--tahun", "2025", "-f", str(parameters), "--output",
                 str(tmp_path / "keluaran")]
    if repeat:
        arguments += ["-f", str(parameters)]
    try:
        status = main(arguments)
    except SystemExit as exc:  # argparse ends the command on a repeated option
        status = exc.code
    assert status == 2
    assert message in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "keluaran").exists()


def test_laporan_analysis_period_forms(fake_pool, tmp_path, capsys):
    parameters = tmp_path / "tw2.yaml"
    parameters.write_text(f"tahun: 2025\ntriwulan: 2\nbidang: poldagri\ndata: {DATA}\n"
                          "analisis:\n  periode: 2025-TW2\n  IKU-2:\n    penyebab: Teks.\n",
                          encoding="utf-8")
    # "02" is triwulan 2, as everywhere else.
    assert main(["laporan", "-f", str(parameters), "-p", "triwulan", "02", "--output",
                 str(tmp_path / "keluaran")]) == 0
    parameters.write_text(parameters.read_text(encoding="utf-8").replace(
        "periode: 2025-TW2", "periode: Tahun 2025"), encoding="utf-8")
    assert main(["laporan", "-f", str(parameters), "--output", str(tmp_path / "lain")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "analisis.periode: tertulis teks 'Tahun 2025', padahal harus periode teks ini" in err


def test_laporan_command_parameters_file(fake_pool, tmp_path, caplog):
    parameters = tmp_path / "2025.yaml"
    parameters.write_text(f"tahun: 2024\ntriwulan: 1\nbidang: [poldagri]\ndata: {DATA}\n",
                          encoding="utf-8")
    output = tmp_path / "keluaran"
    status = main(["laporan", "-f", str(parameters), "-p", "tahun", "2025",
                   "--triwulan", "2", "--output", str(output)])
    assert status == 0
    assert (output / "2025" / "tw2" / "poldagri" / "laporan_bidang.html").is_file()
    assert not (output / "2024").exists(), "-p overrides the file"
    assert not (output / "2025" / "tw1").exists(), "--triwulan overrides the file"
    assert "parameter tahun 2024 dari -f diganti 2025 dari -p" in caplog.text
    assert "parameter triwulan 1 dari -f diganti 2 dari --triwulan" in caplog.text


ANALYSIS_FILE = ("tahun: 2025\ntriwulan: null\ndata: {data}\n"
                 "analisis:\n  periode: \"2025\"\n"
                 "  IKU-1:\n    penyebab: Teks analis untuk tahun 2025.\n")


@pytest.mark.parametrize(("extra", "named"), [
    (["--tahun", "2024"], "--tahun meminta tahun 2024,"),
    (["--tahun", "2024,2025"], "--tahun meminta tahun 2024,2025,"),
    (["--triwulan", "1"], "--triwulan meminta tahun 2025 triwulan 1,"),
    (["-p", "tahun", "2024"], "-p tahun meminta tahun 2024,"),
])
def test_laporan_analysis_other_period_rejected(fake_pool, tmp_path, capsys, extra, named):
    parameters = tmp_path / "2025.yaml"
    parameters.write_text(ANALYSIS_FILE.format(data=DATA), encoding="utf-8")
    output = tmp_path / "keluaran"
    status = main(["laporan", "-f", str(parameters), *extra, "--output", str(output)])
    assert status == 2
    err = capsys.readouterr().err
    assert f"Berkas {parameters} berisi analisis untuk periode 2025" in err
    assert named in err
    assert not output.exists()


def test_laporan_analysis_same_period_runs(fake_pool, tmp_path):
    parameters = tmp_path / "2025.yaml"
    parameters.write_text(ANALYSIS_FILE.format(data=DATA), encoding="utf-8")
    output = tmp_path / "keluaran"
    status = main(["laporan", "-f", str(parameters), "--tahun", "2025", "--output", str(output)])
    assert status == 0
    assert (output / "2025" / "laporan_tahunan.html").is_file()


def test_laporan_command_interrupt_exit_130(monkeypatch, tmp_path, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "run_batch", interrupted)
    status = main(["laporan", "--data", str(DATA), "--tahun", "2025",
                   "--output", str(tmp_path)])
    assert status == 130
    assert "Laporan yang belum selesai tidak diubah" in capsys.readouterr().err
    assert (tmp_path / "index.html").is_file()


@pytest.mark.parametrize(("arguments", "message"), [
    (["--tahun", "2025-2023"], "rentang tahun '2025-2023' terbalik"),
    (["--tahun", "25"], "tahun '25' tidak sah"),
    (["--tahun", "2030"], "tahun 2030 tidak tercakup data"),
    (["--tahun", "2025", "--triwulan", "5"], "triwulan '5' tidak sah"),
    (["--tahun", "2025", "--bidang", "keuangan"], "pilihan: iwasbang, poldagri, hanbang"),
    (["--tahun", "2025", "--format", "html,docx"], "format 'docx' tidak dikenal"),
    (["--tahun", "2025", "-p", "kota", "Mojokerto"], "parameter 'kota' tidak dikenal"),
    (["-p", "tahunn", "2025"], "parameter 'tahunn' tidak dikenal; maksudnya 'tahun'?"),
    (["--triwulan", "2"], "tahun wajib diisi"),
])
def test_laporan_command_rejects_before_running(fake_pool, tmp_path, capsys, arguments,
                                                message):
    output = tmp_path / "keluaran"
    status = main(["laporan", "--data", str(DATA), "--output", str(output), *arguments])
    assert status == 2
    assert message in " ".join(capsys.readouterr().err.split())
    assert not output.exists(), "nothing may run when a parameter is invalid"


@pytest.mark.parametrize("arguments", [["--tahun", "dua"], ["--tahun", "2025", "--triwulan", "5"],
                                       ["-p", "tahunn", "2025"]])
def test_parameter_error_before_data_warnings(fake_pool, tmp_path, capsys, arguments):
    # The sample data print warnings when read; a typo is reported alone, before them.
    status = main(["laporan", "--data", str(DATA), "--output", str(tmp_path / "keluaran"),
                   *arguments])
    assert status == 2
    err = capsys.readouterr().err
    assert "Parameter tidak sah" in err
    assert "peringatan" not in err


def test_output_file_rejected_before_data(fake_pool, tmp_path, capsys):
    output = tmp_path / "keluaran"
    output.write_text("bukan folder\n", encoding="utf-8")
    status = main(["laporan", "--data", str(DATA), "--tahun", "2025", "--output", str(output)])
    assert status == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"--output {output} adalah berkas, bukan folder" in err
    assert "peringatan" not in err
    assert output.read_text(encoding="utf-8") == "bukan folder\n"


def test_laporan_invalid_parameter_stops_early_kernel(tmp_path, capsys):
    """The worker started while the data are checked goes, with its kernel, on an error."""
    status = main(["laporan", "--data", str(DATA), "--tahun", "2030",
                   "--output", str(tmp_path / "keluaran")])
    assert status == 2
    assert "tahun 2030 tidak tercakup data" in " ".join(capsys.readouterr().err.split())
    assert _workers_and_kernels() == []


def _workers_and_kernels() -> list[psutil.Process]:
    """Return this process's descendants except multiprocessing's forkserver and resource tracker.

    Workers are forked from the forkserver and their first kernels from the
    workers, so they carry the forkserver's command line, not ipykernel's.
    """
    helpers = ("multiprocessing.forkserver import main", "multiprocessing.resource_tracker")
    left = []
    for process in psutil.Process().children(recursive=True):
        try:
            command = " ".join(process.cmdline())
        except psutil.NoSuchProcess:
            continue
        if process.ppid() == os.getpid() and any(helper in command for helper in helpers):
            continue
        left.append(process)
    return left


def test_katalog_has_three_bidang():
    """The command tests above assume the shipped catalogue's three bidang."""
    codes = [b.kode for b in load_catalogue(SHIPPED_CATALOGUE).bidang]
    assert codes == ["iwasbang", "poldagri", "hanbang"]


# the real notebooks --------------------------------------------------------------


@pytest.mark.slow
def test_laporan_real_notebooks(tmp_path):
    """Run the real notebooks for two reports in two batches; the index lists both."""
    output = tmp_path / "keluaran"
    command = [sys.executable, "-m", "iku_nb", "laporan", "--data", str(DATA),
               "--tahun", "2025", "--output", str(output)]
    first = subprocess.run([*command, "--bidang", "poldagri"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=900, check=False)
    assert first.returncode == 0, first.stderr + first.stdout
    second = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                            timeout=900, check=False)
    assert second.returncode == 0, second.stderr + second.stdout
    for folder, stem in ((output / "2025" / "poldagri", "laporan_bidang"),
                         (output / "2025", "laporan_tahunan")):
        assert (folder / f"{stem}.html").stat().st_size > 10_000
        manifest = json.loads((folder / f"{stem}.manifest.json").read_text(encoding="utf-8"))
        assert manifest["notebook"] == stem
        assert not (folder / f"{stem}{FAILED_SUFFIX}").exists()
    index = (output / "index.html").read_text(encoding="utf-8")
    assert 'href="2025/laporan_tahunan.html"' in index
    assert 'href="2025/poldagri/laporan_bidang.html"' in index
    assert "2025-poldagri" in first.stdout
    assert not (output / STAGING).exists()


# persistent workers ------------------------------------------------------------


def test_local_pool_reuses_workers(tmp_path):
    specs = [spec(bidang=b) for b in (None, "poldagri", "hanbang", "iwasbang")]
    local = pool.LocalPool(tmp_path, 2, 30, runner=fake_runner, reports_per_worker=None)
    results = run_batch(specs, tmp_path, pool=local)
    assert [r.status for r in results] == [SUCCEEDED] * 4
    pids = {t["pid"] for t in read_traces(tmp_path).values()}
    assert len(pids) == 2, "two workers run all four reports"
    for pid in pids:
        assert not _alive(pid), "closing the pool stops its workers"


def test_local_pool_replaces_timed_out_worker(tmp_path):
    specs = [spec(bidang="hanbang"), spec(bidang="poldagri"), spec(bidang="iwasbang")]
    local = pool.LocalPool(tmp_path, 1, 1.5, runner=stuck_hanbang_runner,
                           reports_per_worker=None)
    stuck, after, last = run_batch(specs, tmp_path, pool=local)
    assert stuck.status == TIMED_OUT
    assert after.status == SUCCEEDED
    assert last.status == SUCCEEDED
    kernel_pid = int((tmp_path / "kernel.pid").read_text())
    assert not _alive(kernel_pid), "the stuck report's child process must be killed"
    traces = read_traces(tmp_path)
    assert traces["2025-poldagri"]["pid"] == traces["2025-iwasbang"]["pid"]


def test_local_pool_replaces_crashed_worker(tmp_path):
    specs = [spec(bidang=b) for b in ("hanbang", "poldagri", "iwasbang", None)]
    local = pool.LocalPool(tmp_path, 1, 30, runner=crashing_runner, reports_per_worker=None)
    crashed, raised, good, last = run_batch(specs, tmp_path, pool=local)
    assert crashed.status == FAILED
    assert "kode keluar 9" in crashed.reason
    assert raised.status == FAILED
    assert "galat internal: KeyError" in raised.reason
    assert good.status == SUCCEEDED
    assert last.status == SUCCEEDED


def test_laporan_command_kernel_baru_option(monkeypatch, tmp_path):
    calls = []

    def record(specs, output, jobs, timeout, **options):
        calls.append(dict(options))
        early_pool = options.pop("pool")
        if early_pool is not None:
            early_pool.abort()
        return run_batch(specs, output, jobs, timeout, **options, runner=fake_runner)

    monkeypatch.setattr(batch, "run_batch", record)
    for name, extra in (("tetap", []), ("baru", ["--kernel-baru"])):
        status = main(["laporan", "--data", str(DATA), "--tahun", "2025", "--bidang",
                       "poldagri", "--output", str(tmp_path / name), *extra])
        assert status == 0
        assert (tmp_path / name / "2025" / "poldagri" / "laporan_bidang.html").is_file()
    assert [c["keep_kernel"] for c in calls] == [True, False]
    warm_pool, fresh_pool = calls[0]["pool"], calls[1]["pool"]
    assert isinstance(warm_pool.runner, pool.WarmKernelRunner)
    assert warm_pool.runner.fork_first, "batch workers fork their first kernel"
    assert warm_pool.reports_per_worker is None
    assert fresh_pool is None, "--kernel-baru leaves run_batch to start one process per report"


def test_run_batch_keep_kernel_warm_runner(tmp_path, monkeypatch):
    created = []
    monkeypatch.setattr(pool, "LocalPool", lambda *args, **kwargs: created.append(kwargs) or
                        EmptyPool())
    run_batch([], tmp_path, keep_kernel=True)
    run_batch([], tmp_path)
    assert isinstance(created[0]["runner"], pool.WarmKernelRunner)
    assert created[0]["runner"].fork_first
    assert created[0]["reports_per_worker"] is None
    assert created[1]["runner"] is run_report
    assert "reports_per_worker" not in created[1]


class EmptyPool:
    """Stands in for LocalPool when no report runs."""

    slots = 1

    def results(self):
        return []

    def close(self):
        pass


@pytest.mark.parametrize(("options", "pairs", "expected"), [
    ({}, [], 1),
    ({"tahun": "2025"}, [], 1),
    ({"tahun": "2025", "bidang": "poldagri"}, [], 1),
    ({"tahun": "2024,2025"}, [], 2),
    ({"tahun": "2023-2025"}, [], 3),
    ({"tahun": "2021-2025", "triwulan": "1,2"}, [], 3),
    ({"triwulan": "Semua"}, [], 3),
    ({"bidang": "semua"}, [], 3),
    ({"bidang": "poldagri,hanbang"}, [], 2),
    ({"bidang": "bidang-a"}, [], 1),
    ({}, [("tahun", "2023–2025")], 3),
    ({"tahun": "2025"}, [("tahun", "2023-2025")], 1),
    ({}, [("judul", "a,b")], 1),
])
def test_early_workers_follow_options(options, pairs, expected):
    """As many workers start early as the options name reports, up to --jobs."""
    args = argparse.Namespace(tahun=None, triwulan=None, bidang=None, jobs=3, parameters=pairs)
    for name, value in options.items():
        setattr(args, name, value)

    assert batch.early_workers(args) == expected


class StuckAfterStartRunner(pool.WarmKernelRunner):
    """Start a real kernel in the worker, then hang in hanbang like a stuck report."""

    def __call__(self, spec: ReportSpec, output: Path, execution_timeout: int | None):
        if spec.params.bidang == "hanbang":
            (Path(output) / "folder-awal.txt").write_text(self._start_folder.name)
            time.sleep(60)
        return fake_runner(spec, output, execution_timeout)


def test_killed_worker_start_folder_removed(tmp_path):
    """The empty folder a worker's kernel starts in goes with the worker, even when killed."""
    specs = [spec(bidang="hanbang"), spec(bidang="poldagri")]
    local = pool.LocalPool(tmp_path, 1, 5, runner=StuckAfterStartRunner(),
                           reports_per_worker=None)
    stuck, after = run_batch(specs, tmp_path, pool=local)
    assert stuck.status == TIMED_OUT
    assert after.status == SUCCEEDED
    start_folder = Path((tmp_path / "folder-awal.txt").read_text())
    assert start_folder.name.startswith(pool.START_FOLDER_PREFIX)
    assert not start_folder.exists()


@pytest.mark.parametrize(("written", "seconds"), [
    ("900", 900.0), ("0,5", 0.5), ("0.5", 0.5), (" 30 ", 30.0), ("604800", 604800.0),
    # The minimum that the error message names.
    ("0,1", 0.1), ("0.1", 0.1), ("0,10", 0.1)])
def test_timeout_option_reads_seconds(written, seconds):
    assert batch._timeout_seconds(written) == seconds


@pytest.mark.parametrize("written", [
    "0", "0,05", "-5", "inf", "nan", "1e300", "604801", "1.800", "1,800", "+1.800", "80%",
    "lama", ""])
def test_timeout_option_rejects(written):
    with pytest.raises(argparse.ArgumentTypeError,
                       match="tidak sah: harus jumlah detik dari 0,1 sampai 604800"):
        batch._timeout_seconds(written)


def test_timeout_option_error_in_command(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["laporan", "--timeout", "inf"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "'inf' tidak sah: harus jumlah detik dari 0,1 sampai 604800 (7 hari)" in error
    assert "Traceback" not in error


def test_laporan_semua_skips_bidang_without_iku(fake_pool, tmp_path, caplog, capsys):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    katalog = data / "katalog.yaml"
    katalog.write_text(katalog.read_text(encoding="utf-8").replace(
        "penanggung_jawab: [poldagri]", "penanggung_jawab: [iwasbang]"), encoding="utf-8")
    output = tmp_path / "keluaran"
    with caplog.at_level("WARNING", logger="iku_nb"):
        status = main(["laporan", "--data", str(data), "--tahun", "2025", "--bidang", "semua",
                       "--output", str(output)])
    # The hanbang report fails on purpose in this runner.
    assert status != 0
    assert not (output / "2025" / "poldagri").exists()
    assert (output / "2025" / "iwasbang" / "laporan_bidang.html").is_file()
    warnings = [r.getMessage() for r in caplog.records if "poldagri" in r.getMessage()]
    assert warnings == ["katalog.yaml: bidang poldagri (Bidang Politik Dalam Negeri) bukan "
                        "penanggung jawab satu IKU pun, jadi tidak dibuatkan laporan bidang."]
    opening = " ".join(capsys.readouterr().err.split())
    assert f"Menyusun 3 laporan dari data {data} dengan" in opening


def test_laporan_bidang_without_iku_rejected(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    katalog = data / "katalog.yaml"
    katalog.write_text(katalog.read_text(encoding="utf-8").replace(
        "penanggung_jawab: [poldagri]", "penanggung_jawab: [iwasbang]"), encoding="utf-8")
    status = main(["laporan", "--data", str(data), "--tahun", "2025", "--bidang", "poldagri",
                   "--output", str(tmp_path / "keluaran")])
    assert status == 2
    assert ("bidang 'poldagri' (Bidang Politik Dalam Negeri) bukan penanggung jawab satu IKU "
            "pun di katalog" in " ".join(capsys.readouterr().err.split()))
    assert not (tmp_path / "keluaran" / "2025").exists()
