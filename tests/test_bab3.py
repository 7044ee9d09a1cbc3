"""Bab III of a real report (papermill, nbconvert): every part, for every indicator."""

from __future__ import annotations

import html as html_lib
import re
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT

from iku_nb.params import parse_parameters
from iku_nb.registry import comparison_record, printed
from iku_nb.report.laporan import Laporan
from iku_nb.run import ReportSpec, run_report

pytestmark = pytest.mark.slow

DATA = str(ROOT / "data")
HEADINGS = ("Target, realisasi dan capaian Tahun 2025", "Perbandingan dengan tahun sebelumnya",
            "Perbandingan dengan target akhir Renstra", "Perbandingan dengan standar nasional",
            "Analisis capaian",
            "Penyebab keberhasilan atau kegagalan", "Upaya yang telah dilakukan",
            "Efisiensi penggunaan sumber daya", "Program dan kegiatan pendukung")


def sections(page: str) -> dict[str, str]:
    parts = page.split('<section class="iku-indikator">')[1:]
    return {re.search(r'<h3 id="[^"]+">(IKU-\d)', p).group(1): p.split("</section>")[0]
            for p in parts}


@pytest.fixture(scope="module")
def report_2025(tmp_path_factory) -> str:
    raw = yaml.safe_load((ROOT / "parameters" / "2025.yaml").read_text(encoding="utf-8"))
    spec = ReportSpec(parse_parameters({**raw, "data": DATA}), ("html",))
    files = run_report(spec, tmp_path_factory.mktemp("output"))
    return files["html"].read_text(encoding="utf-8")


def test_every_part_per_indicator(report_2025):
    found = sections(report_2025)
    assert list(found) == ["IKU-1", "IKU-2", "IKU-3"]
    for kode, part in found.items():
        for heading in HEADINGS:
            assert f"<h4>{heading}" in part or f"<h5>{heading}" in part, (kode, heading)
        assert "Rincian " in part, kode


def test_figures_come_from_registry(report_2025):
    laporan = Laporan.siapkan(2025, data=DATA)
    found = sections(report_2025)
    for kode, part in found.items():
        for period in laporan.angka.history[kode]:
            figures = printed(period)
            for name in ("pembilang", "penyebut", "realisasi", "target", "capaian"):
                assert f">{figures[name]}<" in part, (kode, period.periode.label, name)
        comparison = laporan.angka.comparison(kode)
        printed_comparison = comparison.printed()
        for name in ("proyeksi", "renstra_kurang_realisasi"):
            assert f">{printed_comparison[name]}<" in part, (kode, name)
        # The sample catalogue's Renstra targets are estimates, and the table marks them.
        assert comparison.renstra.perkiraan
        assert f">{printed_comparison['renstra']} (perkiraan)<" in part, kode


def test_renstra_gap_sign_as_registry(report_2025):
    # Renstra targets 92,50% and 77,50% against realisasi 84,21% and 80,00%.
    laporan = Laporan.siapkan(2025, data=DATA)
    found = sections(report_2025)
    for kode, cell, recorded in (("IKU-1", "+8,29", "8.29"), ("IKU-2", "−2,50", "-2.50")):
        assert "<th>Target Renstra dikurangi realisasi (poin persen)</th>" in found[kode]
        assert f'<td class="angka">{cell}</td>' in found[kode], kode
        record = comparison_record(laporan.angka.comparison(kode))
        assert record["jarak_renstra"] == recorded, kode


def test_hand_worked_values_of_2025(report_2025):
    found = sections(report_2025)
    text = {k: html_lib.unescape(re.sub(r"<[^>]+>", " ", v)) for k, v in found.items()}
    # IKU-1: 16/19 = 84,21% against 14/17 = 82,35% in 2024. The change is
    # 84,21 − 82,35 = 1,86 points, and 92,50 − 84,21 = 8,29 points.
    assert text["IKU-1"].count("realisasi ini naik 1,86 poin persen") == 1
    assert "masih berjarak 8,29 poin persen dari target akhir Renstra 92,50%" in text["IKU-1"]
    # The kecamatan breakdown adds up to the 19 cases of the penyebut: 8 + 8 + 3.
    assert re.search(r"Magersari\s+8\s+7\s+1", text["IKU-1"])
    assert re.search(r"Kranggan\s+3\s+2\s+1", text["IKU-1"])
    # IKU-2: 44 of 55 organisations; IKU-3: 3 of 4 SARA cases, all four with SARA.
    assert "tercatat 55 organisasi yang terdaftar dan aktif; 44 organisasi" in text["IKU-2"]
    assert "bukan SARA" not in text["IKU-3"]


def test_analysis_text_verbatim(report_2025):
    raw = yaml.safe_load((ROOT / "parameters" / "2025.yaml").read_text(encoding="utf-8"))
    found = sections(report_2025)
    texts = {kode: topics for kode, topics in raw["analisis"].items() if kode != "periode"}
    for kode, topics in texts.items():
        for topic, text in topics.items():
            first = text.split("\n\n")[0].strip()
            assert html_lib.escape(first, quote=False) in found[kode], (kode, topic)
    assert "Belum diisi analis" not in report_2025


def test_command_warns_about_missing_analysis(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "iku_nb", "laporan", "-f", "parameters/2024.yaml",
         "--output", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    for kode in ("IKU-1", "IKU-2", "IKU-3"):
        assert (f"peringatan: parameters/2024.yaml: analisis {kode} belum diisi untuk "
                "penyebab, upaya, efisiensi, program") in result.stderr
    page = (tmp_path / "2024" / "laporan_tahunan.html").read_text(encoding="utf-8")
    assert page.count('class="iku-belum-diisi"') == 12
