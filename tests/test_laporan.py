"""Report pieces built in-process from the sample data, without papermill."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from iku_nb.report.laporan import Laporan

DATA = str(ROOT / "data")


@pytest.mark.parametrize(("bidang", "expected"), [
    ("hanbang", set()),
    ("poldagri", {"partisipasi-sebelum-terdaftar", "partisipasi-sesudah-nonaktif"}),
    (None, {"partisipasi-sebelum-terdaftar", "partisipasi-sesudah-nonaktif"}),
])
def test_quality_section_lists_own_tables(bidang, expected):
    laporan = Laporan.siapkan(2025, bidang=bidang, data=DATA)
    assert {p.code for p in laporan.relevant_warnings()} == expected


def test_rincian_states_cumulative_range():
    laporan = Laporan.siapkan(2025, triwulan=4, bidang="hanbang", data=DATA)
    html = laporan.rincian_bidang().data
    assert "1 Januari 2025 sampai 31 Desember 2025 (Triwulan IV Tahun 2025" in html


def test_case_ids_do_not_wrap():
    laporan = Laporan.siapkan(2025, data=DATA)
    html = laporan.bab_akuntabilitas().data
    assert '<span class="iku-id">K-2025-001</span>' in html
    assert re.search(r"\bnan\b", html) is None
