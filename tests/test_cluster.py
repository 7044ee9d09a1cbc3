"""Tests of ``iku-nb laporan --cluster`` on a real Dask cluster bound to loopback."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from iku_nb.cli import main
from iku_nb.cluster import check_address
from iku_nb.run import FAILED_SUFFIX, STAGING

distributed = pytest.importorskip("distributed")

DATA = Path(__file__).resolve().parents[1] / "data"


def laporan(*arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "iku_nb", "laporan", "--data", str(DATA), *arguments]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600,
                          check=False)


@pytest.mark.slow
# Two workers of one thread, and one worker whose two threads run a report
# each in the same process, as a default `dask worker` does.
@pytest.mark.parametrize(("workers", "threads"), [(2, 1), (1, 2)])
def test_laporan_on_local_cluster(tmp_path, workers, threads):
    output = tmp_path / "keluaran"
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                                  host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster:
        finished = laporan("--tahun", "2025", "--bidang", "poldagri,hanbang",
                           "--output", str(output), "--cluster", cluster.scheduler_address,
                           cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr + finished.stdout
    for bidang in ("poldagri", "hanbang"):
        folder = output / "2025" / bidang
        assert (folder / "laporan_bidang.html").stat().st_size > 10_000
        manifest = json.loads((folder / "laporan_bidang.manifest.json").read_text(encoding="utf-8"))
        assert manifest["laporan"] == f"2025-{bidang}"
        assert not (folder / f"laporan_bidang{FAILED_SUFFIX}").exists()
    assert "Ringkasan laporan" in finished.stdout
    assert "2025-poldagri" in finished.stdout
    assert "2 berhasil, 0 gagal, 0 waktu habis" in finished.stderr
    assert f"di klaster {cluster.scheduler_address}" in finished.stderr
    index = (output / "index.html").read_text(encoding="utf-8")
    assert 'href="2025/hanbang/laporan_bidang.html"' in index
    assert list((output / STAGING).glob("2025-*-*")) == []


def test_laporan_unreachable_scheduler(tmp_path):
    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    output = tmp_path / "keluaran"
    finished = laporan("--tahun", "2025", "--output", str(output),
                       "--cluster", f"tcp://127.0.0.1:{port}", cwd=tmp_path)
    assert finished.returncode == 2
    message = " ".join(finished.stderr.split())
    assert f"Tidak dapat terhubung ke penjadwal Dask tcp://127.0.0.1:{port}" in message
    assert "tidak ada jawaban dalam 10 detik" in message
    assert "Timed out" not in message
    assert "Periksa alamat --cluster" in message
    assert "Traceback" not in finished.stderr
    assert not (output / "2025").exists()


@pytest.mark.parametrize(("address", "expected"), [
    ("tcp//127.0.0.1", "Alamat --cluster 'tcp//127.0.0.1' tidak sah"),
    ("tcp://127.0.0.1:99999", "port 99999 di luar 1 sampai 65535"),
    ("tcp://127.0.0.1:0", "port 0 di luar 1 sampai 65535"),
    ("tcp://127.0.0.1:-1", "tulis host dan port, dengan skema bila perlu"),
    ("tcp://:8786", "tulis host dan port, dengan skema bila perlu"),
    ("tcp://127.0.0.1: 8786", "ada spasi di dalamnya"),
    ("tls://127.0.0.1:1", "memerlukan sertifikat TLS"),
    ("wss://127.0.0.1:8786", "memerlukan sertifikat TLS"),
])
def test_laporan_invalid_cluster_address(tmp_path, address, expected):
    output = tmp_path / "keluaran"
    finished = laporan("--tahun", "2025", "--output", str(output),
                       "--cluster", address, cwd=tmp_path)
    assert finished.returncode == 2
    message = " ".join(finished.stderr.split())
    assert expected in message
    assert "tcp://10.0.0.5:8786" in message
    assert "Galat internal" not in message
    assert "Traceback" not in finished.stderr
    # Judged before the data folder is read, so none of its warnings are printed.
    assert "peringatan" not in message
    assert not (output / "2025").exists()


@pytest.mark.parametrize("address", ["10.0.0.5:8786", "scheduler:8786", "tcp://[fe80::1%eth0]:8786",
                                     "ws://127.0.0.1:8786/", "TCP://127.0.0.1:1"])
def test_cluster_address_forms_accepted(address):
    # Forms that distributed reads. Whether a scheduler responds is checked later.
    check_address(address)


def test_reports_fail_when_cluster_loses_workers(tmp_path, monkeypatch):
    """Reports waiting on a scheduler without workers fail, instead of waiting for ever."""
    import time  # noqa: PLC0415

    from iku_nb import cluster as cluster_module  # noqa: PLC0415
    from iku_nb.dataset import load  # noqa: PLC0415
    from iku_nb.matrix import expand  # noqa: PLC0415

    monkeypatch.setattr(cluster_module, "NO_WORKER_LIMIT", 1)
    dataset = load(DATA)
    spec = expand({"tahun": 2025, "data": str(DATA)}, "html", dataset.katalog,
                  dataset.years)[0]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tcp://", host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0") as cluster:
        pool = cluster_module.DaskPool(cluster.scheduler_address, tmp_path)
        try:
            cluster.scale(0)
            deadline = time.monotonic() + 30
            while pool.client.nthreads() and time.monotonic() < deadline:
                time.sleep(0.1)
            pool.submit(7, spec)
            results = pool.results()
        finally:
            pool.close()
    assert [key for key, _ in results] == [7]
    result = results[0][1]
    assert result.status == cluster_module.FAILED
    assert "penjadwal Dask tidak punya pekerja selama 1 detik" in result.reason
    assert not (tmp_path / "2025").exists()


def test_laporan_without_distributed_installed(tmp_path, monkeypatch, capsys):
    # None in sys.modules makes `import distributed` fail as if it were not installed.
    monkeypatch.setitem(sys.modules, "distributed", None)
    output = tmp_path / "keluaran"
    status = main(["laporan", "--data", str(DATA), "--tahun", "2025", "--output", str(output),
                   "--cluster", "tcp://127.0.0.1:8786"])
    assert status == 2
    message = " ".join(capsys.readouterr().err.split())
    assert ("Galat: --cluster memerlukan paket Dask distributed, tetapi Python tidak dapat "
            "mengimpor modul distributed.") in message
    assert "Pasang dengan `pip install -e '.[cluster]'` dari folder proyek" in message
    assert "Galat internal" not in message
    assert not output.exists()
