"""Tests of the index page that lists every report under the output folder."""

from __future__ import annotations

import json
import logging
import os
import re
import time
from pathlib import Path

from iku_nb.index import FAILED, NEVER_SUCCEEDED, OK, UNREADABLE, scan_reports, write_index


def make_report(folder: Path, stem: str, pdf: bool = False, mtime: float | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.html").write_text("<p>laporan</p>", encoding="utf-8")
    if pdf:
        (folder / f"{stem}.pdf").write_bytes(b"%PDF-1.7")
    manifest = folder / f"{stem}.manifest.json"
    manifest.write_text(json.dumps({"notebook": stem, "selesai": "2025-07-01T02:30:00+00:00"}),
                        encoding="utf-8")
    if mtime is not None:
        os.utime(manifest, (mtime, mtime))


def make_failed(folder: Path, stem: str, mtime: float | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    failed = folder / f"{stem}.GAGAL.ipynb"
    failed.write_text("{}", encoding="utf-8")
    if mtime is not None:
        os.utime(failed, (mtime, mtime))
    return failed


def test_scan_reports_order_and_links(tmp_path):
    make_report(tmp_path / "2024", "laporan_tahunan")
    make_report(tmp_path / "2025" / "tw2" / "poldagri", "laporan_bidang", pdf=True)
    make_report(tmp_path / "2025" / "tw2", "laporan_triwulan")
    make_report(tmp_path / "2025" / "tw1", "laporan_triwulan")
    make_report(tmp_path / "2025", "laporan_tahunan", pdf=True)
    make_report(tmp_path / "2025" / "hanbang", "laporan_bidang")
    entries = scan_reports(tmp_path)
    places = [(e.tahun, e.triwulan, e.bidang) for e in entries]
    assert places == [(2025, None, None), (2025, None, "hanbang"), (2025, 1, None),
                      (2025, 2, None), (2025, 2, "poldagri"), (2024, None, None)]
    poldagri = entries[4]
    assert poldagri.html == "2025/tw2/poldagri/laporan_bidang.html"
    assert poldagri.pdf == "2025/tw2/poldagri/laporan_bidang.pdf"
    assert entries[1].pdf is None
    assert all(e.status == OK for e in entries)


def test_scan_reports_failed_newer_than_report(tmp_path):
    now = time.time()
    make_report(tmp_path / "2025" / "poldagri", "laporan_bidang", mtime=now - 100)
    make_failed(tmp_path / "2025" / "poldagri", "laporan_bidang", mtime=now)
    make_report(tmp_path / "2025" / "hanbang", "laporan_bidang", mtime=now)
    make_failed(tmp_path / "2025" / "hanbang", "laporan_bidang", mtime=now - 100)
    entries = {e.bidang: e for e in scan_reports(tmp_path)}
    assert entries["poldagri"].status == FAILED
    assert entries["poldagri"].failed_notebook == "2025/poldagri/laporan_bidang.GAGAL.ipynb"
    assert entries["poldagri"].html == "2025/poldagri/laporan_bidang.html"
    assert entries["hanbang"].status == OK, "an older failed notebook does not count"
    assert entries["hanbang"].failed_notebook is None


def test_scan_reports_failure_note_without_notebook(tmp_path):
    now = time.time()
    make_report(tmp_path / "2025", "laporan_tahunan", mtime=now - 100)
    note = tmp_path / "2025" / "laporan_tahunan.GAGAL.txt"
    note.write_text("waktu habis: dihentikan setelah batas waktu 900 detik\n", encoding="utf-8")
    (entry,) = scan_reports(tmp_path)
    assert entry.status == FAILED
    assert entry.failed_reason == "waktu habis: dihentikan setelah batas waktu 900 detik"
    assert entry.failed_notebook is None
    html = write_index(tmp_path).read_text(encoding="utf-8")
    assert "waktu habis: dihentikan setelah batas waktu 900 detik" in html


def test_scan_reports_failed_without_report(tmp_path):
    make_failed(tmp_path / "2023" / "tw4", "laporan_triwulan")
    (entry,) = scan_reports(tmp_path)
    assert (entry.tahun, entry.triwulan, entry.bidang) == (2023, 4, None)
    assert entry.status == NEVER_SUCCEEDED
    assert entry.html is None
    assert entry.failed_notebook == "2023/tw4/laporan_triwulan.GAGAL.ipynb"


def test_index_newest_quarter_manifest_wins(tmp_path):
    """The newest manifest counts, because older versions wrote quarters as laporan_tahunan."""
    quarter = tmp_path / "2025" / "tw2"
    make_report(quarter, "laporan_tahunan", mtime=1_700_000_000)
    make_report(quarter, "laporan_triwulan", pdf=True, mtime=1_800_000_000)
    (entry,) = scan_reports(tmp_path)
    assert entry.html == "2025/tw2/laporan_triwulan.html"
    assert entry.pdf == "2025/tw2/laporan_triwulan.pdf"


def test_scan_reports_skips_staging_and_others(tmp_path):
    make_report(tmp_path / ".sementara" / "2025-abcd1234", "laporan_tahunan")
    make_report(tmp_path / "arsip" / "lama", "laporan_tahunan")
    make_report(tmp_path / "2025" / "a" / "b", "laporan_bidang")
    assert scan_reports(tmp_path) == []


def test_scan_reports_unreadable_manifest(tmp_path):
    folder = tmp_path / "2025"
    folder.mkdir()
    (folder / "laporan_tahunan.manifest.json").write_text("{rusak", encoding="utf-8")
    (folder / "laporan_tahunan.html").write_text("<p></p>", encoding="utf-8")
    (entry,) = scan_reports(tmp_path)
    assert entry.status == UNREADABLE
    assert entry.html == "2025/laporan_tahunan.html"


def test_write_index_groups_and_links(tmp_path):
    make_report(tmp_path / "2025", "laporan_tahunan", pdf=True)
    make_report(tmp_path / "2025" / "tw2" / "poldagri", "laporan_bidang")
    make_report(tmp_path / "2024", "laporan_tahunan")
    path = write_index(tmp_path, {"poldagri": "Bidang Politik Dalam Negeri"})
    assert path == tmp_path / "index.html"
    html = path.read_text(encoding="utf-8")
    headings = re.findall(r"<h[23]>(.*?)</h[23]>", html)
    assert headings == ["Tahun 2025", "Tahun 2025", "Triwulan II Tahun 2025",
                        "Tahun 2024", "Tahun 2024"]
    assert '<a href="2025/laporan_tahunan.html">HTML</a>' in html
    assert '<a href="2025/laporan_tahunan.pdf">PDF</a>' in html
    assert '<a href="2025/tw2/poldagri/laporan_bidang.html">HTML</a>' in html
    assert "Bidang Politik Dalam Negeri (poldagri)" in html
    assert 'lang="id"' in html
    assert "3 laporan" in html


def test_write_index_failed_link(tmp_path):
    now = time.time()
    make_report(tmp_path / "2025", "laporan_tahunan", mtime=now - 100)
    make_failed(tmp_path / "2025", "laporan_tahunan", mtime=now)
    html = write_index(tmp_path).read_text(encoding="utf-8")
    assert '<a href="2025/laporan_tahunan.GAGAL.ipynb">notebook yang gagal</a>' in html
    assert '<span class="gagal">gagal</span>' in html


def test_write_index_escapes_text(tmp_path):
    make_report(tmp_path / "2025" / "a&b<i>", "laporan_bidang")
    html = write_index(tmp_path, {"a&b<i>": "Bidang <b>\"X\" & Y</b>"},
                       title="IKU <Mojokerto>").read_text(encoding="utf-8")
    assert "<i>" not in html
    assert "<b>" not in html
    assert "Bidang &lt;b&gt;&#34;X&#34; &amp; Y&lt;/b&gt; (a&amp;b&lt;i&gt;)" in html
    assert "<title>IKU &lt;Mojokerto&gt;</title>" in html
    assert 'href="2025/a%26b%3Ci%3E/laporan_bidang.html"' in html


def test_write_index_atomic_replace(tmp_path):
    old = tmp_path / "index.html"
    old.write_text('<meta name="generator" content="iku-nb">INDEKS-LAMA', encoding="utf-8")
    old_inode = old.stat().st_ino
    make_report(tmp_path / "2025", "laporan_tahunan")
    write_index(tmp_path)
    assert "INDEKS-LAMA" not in old.read_text(encoding="utf-8")
    assert old.stat().st_ino != old_inode, "a new file replaces the old one, not a rewrite"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025", "index.html"]


def test_write_index_replaces_earlier_version_page(tmp_path):
    # An index written before the generator tag, recognised by its count line.
    old = tmp_path / "index.html"
    old.write_text("<p class=\"catatan\">3 laporan di folder ini. Halaman dibuat 1 Juli 2025</p>",
                   encoding="utf-8")
    assert write_index(tmp_path) == old
    assert "generator" in old.read_text(encoding="utf-8")


def test_write_index_keeps_foreign_index(tmp_path, caplog):
    foreign = tmp_path / "index.html"
    foreign.write_text("<h1>Beranda kantor</h1>", encoding="utf-8")
    make_report(tmp_path / "2025", "laporan_tahunan")
    with caplog.at_level(logging.WARNING, logger="iku_nb"):
        path = write_index(tmp_path)
    assert path == tmp_path / "index-iku-nb.html"
    assert foreign.read_text(encoding="utf-8") == "<h1>Beranda kantor</h1>"
    assert "laporan_tahunan.html" in path.read_text(encoding="utf-8")
    assert f"{foreign} tidak dibuat oleh iku-nb, jadi tidak ditimpa" in caplog.text


def test_write_index_empty_output(tmp_path):
    output = tmp_path / "baru"
    html = write_index(output).read_text(encoding="utf-8")
    assert "Belum ada laporan" in html
