"""The iku-nb entry point: light imports, and the forkserver started before the command."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

import iku_nb
from iku_nb.entry import runs_local_batch


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize(("arguments", "expected"), [
    (["laporan", "--tahun", "2025"], True),
    (["--log-level", "info", "laporan", "-f", "parameters/2025.yaml"], True),
    (["laporan", "--tahun", "2025", "--kernel-baru"], True),
    (["laporan", "--cluster", "tcp://127.0.0.1:8786"], False),
    (["laporan", "--cluster=tcp://127.0.0.1:8786"], False),
    (["laporan", "--help"], False),
    (["laporan", "-h"], False),
    (["periksa", "--data", "data"], False),
    (["hitung", "--tahun", "2025"], False),
    ([], False),
])
def test_runs_local_batch_cases(arguments, expected):
    assert runs_local_batch(arguments) is expected


def test_package_import_leaves_pandas_out():
    result = run_python("import sys, iku_nb, iku_nb.entry\n"
                        "print(sorted(m for m in ('pandas', 'iku_nb.api', 'iku_nb.cli') "
                        "if m in sys.modules))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_public_names_import_on_use():
    result = run_python("import iku_nb\n"
                        "from iku_nb import DataError, Period\n"
                        "from iku_nb.dataset import load\n"
                        "assert iku_nb.load is load\n"
                        "assert DataError.__module__ == 'iku_nb.errors'\n"
                        "assert Period.__module__ == 'iku_nb.period'\n"
                        "assert set(iku_nb.__all__) <= set(dir(iku_nb))\n"
                        "try:\n"
                        "    iku_nb.missing_name\n"
                        "except AttributeError as error:\n"
                        "    print(error)\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "module 'iku_nb' has no attribute 'missing_name'"


def test_forkserver_starts_before_pandas(tmp_path):
    # The data folder does not exist, so the command stops at the data check,
    # after the forkserver started.
    code = ("import sys, multiprocessing.forkserver as forkserver\n"
            "import iku_nb.entry\n"
            "calls = []\n"
            "start = forkserver.ensure_running\n"
            "def spy():\n"
            "    calls.append('pandas' in sys.modules)\n"
            "    start()\n"
            "forkserver.ensure_running = spy\n"
            f"status = iku_nb.entry.main(['laporan', '--data', {str(tmp_path / 'tidak-ada')!r}, "
            "'--tahun', '2025', '--output', " + repr(str(tmp_path / 'keluaran')) + "])\n"
            "print(status, calls[0])\n")
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    status, pandas_loaded = result.stdout.split()
    assert status == "2"
    assert pandas_loaded == "False"


# A forkserver's interpreter: multiprocessing.forkserver imported and "-c" as
# sys.argv. The object's finaliser runs only when the interpreter frees its
# modules, and the handler is registered after the guard, as the preload's are.
FORKSERVER_END = (
    "import atexit, os, multiprocessing.forkserver\n"
    "{guard}"
    "class Finalised:\n"
    "    def __del__(self):\n"
    "        os.write(1, b'modules freed\\n')\n"
    "kept = Finalised()\n"
    "atexit.register(os.write, 1, b'handler ran\\n')\n"
    "{end}\n")


@pytest.mark.parametrize(("end", "status"), [("raise SystemExit", 0),
                                              ("raise RuntimeError('gagal')", 1)])
def test_forkserver_ends_without_freeing_modules(end, status):
    result = run_python(FORKSERVER_END.format(guard="import iku_nb.forkserver_guard\n", end=end))
    assert result.stdout.split("\n") == ["handler ran", ""]
    assert result.returncode == status, result.stderr
    assert ("RuntimeError: gagal" in result.stderr) is (status == 1)


def test_guard_outside_forkserver_keeps_normal_exit():
    code = FORKSERVER_END.format(guard="import iku_nb.forkserver_guard\n",
                                 end="raise SystemExit(3)")
    result = run_python(code.replace("import atexit, os, multiprocessing.forkserver",
                                     "import atexit, os"))
    assert result.stdout.split("\n") == ["handler ran", "modules freed", ""]
    assert result.returncode == 3


def test_forkserver_without_guard_frees_modules():
    # Shows that the finaliser above does report a normal interpreter exit.
    result = run_python(FORKSERVER_END.format(guard="", end="raise SystemExit"))
    assert result.stdout.split("\n") == ["handler ran", "modules freed", ""]


def test_all_lists_every_public_name():
    assert sorted(iku_nb.__all__) == sorted(iku_nb._PUBLIC)


COMMAND = Path(sys.executable).with_name("iku-nb")
DATA = Path(__file__).resolve().parents[1] / "data"
SHADOWS = ("seaborn", "pandas", "papermill", "nbconvert")


@pytest.mark.skipif(not COMMAND.exists(), reason="the iku-nb command is not installed here")
def test_working_folder_modules_ignored(tmp_path):
    """Files named like the report's libraries, where the command runs, replace nothing."""
    for name in SHADOWS:
        (tmp_path / f"{name}.py").write_text(
            f"raise RuntimeError('{name}.py dari folder kerja diimpor')\n", encoding="utf-8")
    output = tmp_path / "keluaran"
    result = subprocess.run([str(COMMAND), "laporan", "--data", str(DATA), "--tahun", "2025",
                             "--bidang", "poldagri", "--output", str(output)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "folder kerja" not in result.stderr + result.stdout
    assert (output / "2025" / "poldagri" / "laporan_bidang.html").stat().st_size > 10_000


@pytest.mark.skipif(not COMMAND.exists(), reason="the iku-nb command is not installed here")
def test_ctrl_c_while_forkserver_imports(tmp_path):
    """Ctrl-C during the first second ends every process with a message, not a traceback."""
    command = subprocess.Popen([str(COMMAND), "laporan", "--data", str(DATA), "--tahun", "2025",
                                "--output", str(tmp_path / "keluaran")], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    servers = []
    stdout, stderr = _interrupt(command, lambda: servers.append(_forkserver_of(command.pid)))
    server = servers[0]
    assert command.returncode == 130, stderr + stdout
    assert "Dihentikan oleh pengguna" in stderr
    assert "Traceback" not in stderr + stdout
    psutil.wait_procs([server], timeout=30)
    assert not server.is_running(), "the forkserver must end with the command"
    assert not (tmp_path / "keluaran" / "index.html").exists()


@pytest.mark.skipif(not COMMAND.exists(), reason="the iku-nb command is not installed here")
@pytest.mark.parametrize(("tahun", "status"), [("2025", 0), ("2031", 2)])
def test_command_exit_runs_every_handler(tmp_path, tahun, status):
    """The command ends with its own status, after multiprocessing has removed its folder."""
    temporary = tmp_path / "sementara"
    temporary.mkdir()
    result = subprocess.run([str(COMMAND), "laporan", "--data", str(DATA), "--tahun", tahun,
                             "--bidang", "poldagri", "--output", str(tmp_path / "keluaran")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
                            env={**os.environ, "TMPDIR": str(temporary)})
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    # The forkserver's socket folder (pymp-*) and the kernel's start folder are gone.
    assert list(temporary.iterdir()) == []


CONSOLE = ("import atexit, os, sys, threading, time\n"
           "{before}"
           "from iku_nb.entry import console\n"
           f"sys.argv = ['iku-nb', 'periksa', '--data', {str(DATA)!r}]\n"
           "console()\n")


def test_console_runs_handlers_registered_before():
    """A handler registered before the console started, e.g. by coverage, still runs."""
    before = ("atexit.register(os.write, 2, b'penangan awal\\n')\n"
              "import multiprocessing.util\n")
    result = run_python(CONSOLE.format(before=before))
    assert result.returncode == 0, result.stderr
    assert "penangan awal" in result.stderr


def test_console_waits_for_other_threads():
    """A thread that is not a daemon still finishes, as at a normal exit."""
    before = ("def late():\n"
              "    time.sleep(0.5)\n"
              "    os.write(2, b'utas selesai\\n')\n"
              "threading.Thread(target=late).start()\n")
    result = run_python(CONSOLE.format(before=before))
    assert result.returncode == 0, result.stderr
    assert "utas selesai" in result.stderr


@pytest.mark.skipif(not COMMAND.exists(), reason="the iku-nb command is not installed here")
@pytest.mark.parametrize("kernels", [[], ["--kernel-baru"]])
def test_ctrl_c_during_report_leaves_no_temporary_files(tmp_path, kernels):
    """Ctrl-C once kernels run leaves no connection file (with the kernel's key) in TMPDIR."""
    temporary = tmp_path / "sementara"
    temporary.mkdir()
    command = subprocess.Popen([str(COMMAND), "laporan", "--data", str(DATA), "--tahun",
                                "2024-2025", "--bidang", "semua", *kernels, "--output",
                                str(tmp_path / "keluaran")], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, env={**os.environ, "TMPDIR": str(temporary)})

    def kernel_running() -> None:
        deadline = time.monotonic() + 120
        while not list(temporary.rglob("*.json")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(temporary.rglob("*.json")), "no kernel started within 120 s"
        time.sleep(0.5)  # the first report is running by now

    stdout, stderr = _interrupt(command, kernel_running)
    assert command.returncode == 130, stderr + stdout
    assert list(temporary.iterdir()) == []


def _interrupt(command: subprocess.Popen, wait) -> tuple[str, str]:
    """Call ``wait``, then send Ctrl-C's signal to the command's process group; return its output.

    The command is killed if anything fails before it ends.
    """
    try:
        wait()
        # The same signal that Ctrl-C in a terminal sends to the command's process group.
        os.killpg(command.pid, signal.SIGINT)
        return command.communicate(timeout=60)
    finally:
        if command.poll() is None:
            os.killpg(command.pid, signal.SIGKILL)


def _forkserver_of(pid: int) -> psutil.Process:
    """Wait until the command has started its forkserver, and return it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for child in psutil.Process(pid).children():
            with contextlib.suppress(psutil.Error):
                if "multiprocessing.forkserver" in " ".join(child.cmdline()):
                    return child
        time.sleep(0.01)
    raise AssertionError("the command started no forkserver within 60 s")


@pytest.mark.skipif(not COMMAND.exists(), reason="the iku-nb command is not installed here")
def test_sigterm_during_batch_message(tmp_path):
    """SIGTERM to the command ends the batch with a message and status 143, leaving no process."""
    log = tmp_path / "stderr.txt"
    with log.open("w", encoding="utf-8") as stderr:
        command = subprocess.Popen([str(COMMAND), "laporan", "--data", str(DATA), "--tahun",
                                    "2021-2025", "--bidang", "semua", "--output",
                                    str(tmp_path / "keluaran")], cwd=tmp_path,
                                   stdout=subprocess.DEVNULL, stderr=stderr, text=True)
        try:
            deadline = time.monotonic() + 120
            while "Menyusun" not in log.read_text(encoding="utf-8"):
                assert time.monotonic() < deadline, "the batch did not start within 120 s"
                time.sleep(0.05)
            family = psutil.Process(command.pid).children(recursive=True)
            command.send_signal(signal.SIGTERM)
            command.wait(timeout=60)
        finally:
            if command.poll() is None:
                command.kill()
    text = log.read_text(encoding="utf-8")
    assert command.returncode == 128 + signal.SIGTERM, text
    assert "Dihentikan oleh sinyal SIGTERM." in text
    assert "Traceback" not in text
    psutil.wait_procs(family, timeout=30)
    assert not [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
