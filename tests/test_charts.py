"""The charts: PNG output that is reproducible byte for byte, embedded or replaced."""

from __future__ import annotations

import gc
import re
import weakref

import matplotlib.pyplot as plt
import pandas as pd
from conftest import ROOT, report
from matplotlib.figure import Figure

import iku_nb
from iku_nb.report.charts import (
    count_chart,
    count_figure,
    rate_chart,
    status_chart,
    target_runs,
    trend_chart,
    trend_figure,
    trend_frame,
)
from iku_nb.report.laporan import Laporan

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def sample_history():
    dataset = iku_nb.load(ROOT / "data")
    return iku_nb.history(dataset, dataset.katalog.indikator[0], iku_nb.Period(2025))


def test_trend_frame_uses_printed_realisasi():
    frame = trend_frame(sample_history())
    assert list(frame["periode"]) == ["2021", "2022", "2023", "2024", "2025"]
    # 16 / 19 × 100 = 84.2105... printed as 84,21.
    assert frame["realisasi"].iloc[-1] == 84.21
    assert frame["target"].iloc[-1] == 90.0


def test_trend_frame_marks_yearly_targets_of_quarters():
    dataset = iku_nb.load(ROOT / "data")
    quarters = iku_nb.history(dataset, dataset.katalog.indikator[0], iku_nb.Period(2025, 2))
    frame = trend_frame(quarters)
    # Only 2025 has a Triwulan II target; 2021-2024 are compared with their yearly target.
    assert list(frame["target_tahunan"]) == [True, True, True, True, False]
    assert not trend_frame(sample_history())["target_tahunan"].any()


def test_trend_chart_is_reproducible():
    history = sample_history()
    first = trend_chart(history)
    assert first.startswith(PNG_SIGNATURE)
    assert trend_chart(history) == first


def test_trend_chart_frees_figures():
    """Drawn figures are freed, so a kernel kept for many reports does not grow."""

    def figures() -> list[Figure]:
        gc.collect()
        return [o for o in gc.get_objects() if isinstance(o, Figure)]

    # Figures that other tests left behind may be freed meanwhile, so only new ones count.
    before = weakref.WeakSet(figures())
    history = sample_history()
    for _ in range(12):
        trend_chart(history)
    alive = [figure for figure in figures() if figure not in before]
    # matplotlib's own caches keep a few recent figures for a while (1 to 4 here).
    assert len(alive) < 6


def test_trend_chart_without_any_realisasi(make_data):
    # No SARA case in 2025: IKU-3 is 0 of 0, so there is no bar to draw.
    data = make_data(konflik=[report("K-1", "2025-01-10", selesai="2025-01-11")])
    dataset = iku_nb.load(data)
    history = iku_nb.history(dataset, dataset.katalog.indikator[2], iku_nb.Period(2025))
    assert history[-1].realisasi is None
    assert trend_chart(history).startswith(PNG_SIGNATURE)


def indicator_sections(html: str) -> dict[str, str]:
    parts = html.split('<section class="iku-indikator">')[1:]
    return {re.search(r'<h3 id="[^"]+">(IKU-\d)', part).group(1): part for part in parts}


def test_every_chart_embedded_as_data_uri():
    laporan = Laporan.siapkan(2025, data=str(ROOT / "data"))
    sections = indicator_sections(laporan.bab_akuntabilitas().data)
    # Trend, status per jenis and kecamatan for conflicts; trend and rate for IKU-2.
    expected = {"IKU-1": 3, "IKU-2": 2, "IKU-3": 3}
    for kode, count in expected.items():
        images = re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+"', sections[kode])
        assert len(images) == count, kode
        assert sections[kode].count("Sumber: ") == count, kode
    assert "Sumber: konflik.csv, diolah." in sections["IKU-1"]
    assert "Sumber: organisasi.csv dan partisipasi.csv, diolah." in sections["IKU-2"]


def test_breakdown_without_cases_becomes_sentence(make_data):
    # No SARA case in 2025: IKU-3 has 0 of 0 cases, so no breakdown tables or charts.
    data = make_data(konflik=[report("K-1", "2025-01-10", selesai="2025-01-11")])
    laporan = Laporan.siapkan(2025, data=str(data))
    section = indicator_sections(laporan.bab_akuntabilitas().data)["IKU-3"]
    assert section.count("data:image/png") == 1  # the trend chart only
    assert section.count("Rincian kasus tidak disajikan karena tidak ada kasus yang dihitung "
                         "untuk IKU-3 pada Tahun 2025 (penyebut 0).") == 1
    assert "Rincian ini memuat 0 kasus" not in section
    assert "iku-tabel iku-rincian" not in section
    assert "grafik ini" not in section


def test_breakdown_rule_has_no_nested_brackets():
    laporan = Laporan.siapkan(2025, data=str(ROOT / "data"))
    section = indicator_sections(laporan.bab_akuntabilitas().data)["IKU-3"]
    assert ("Rincian ini memuat 4 kasus yang sama dengan penyebut IKU-3, yaitu kasus berbeda "
            "dengan tanggal kejadian di dalam periode dan kolom sara terisi.") in section


def test_trend_frame_says_why_realisasi_is_empty():
    history = sample_history()
    zero = history[1].__class__(**{**history[1].__dict__, "realisasi": None})
    missing = history[2].__class__(**{**history[2].__dict__, "realisasi": None,
                                      "counts": None})
    frame = trend_frame([history[0], zero, missing])
    assert pd.isna(frame["kosong"].iloc[0])
    assert frame["kosong"].iloc[1] == "tidak dapat\ndihitung\n(penyebut 0)"
    assert frame["kosong"].iloc[2] == "tidak ada data"
    assert trend_chart([history[0], zero, missing]).startswith(PNG_SIGNATURE)


def test_rate_chart_without_organisations():
    assert rate_chart([{"jenis": "LSM", "persen": None, "teks": {"persen": "–"}}], "x") is None
    assert status_chart([{"nilai": "sosial", "jumlah": 0, "selesai": 0, "belum": 0}], "x") is None


def test_breakdown_charts_are_reproducible():
    rows = [{"nilai": "sosial", "jumlah": 3, "selesai": 2, "belum": 1},
            {"nilai": "politik", "jumlah": 1, "selesai": 0, "belum": 1}]
    first = status_chart(rows, "Status kasus")
    assert first.startswith(PNG_SIGNATURE)
    assert status_chart(rows, "Status kasus") == first
    assert count_chart(rows, "Per kecamatan", "Kecamatan") == count_chart(
        rows, "Per kecamatan", "Kecamatan")


def quarter_history():
    dataset = iku_nb.load(ROOT / "data")
    return iku_nb.history(dataset, dataset.katalog.indikator[0], iku_nb.Period(2025, 2))


def test_target_runs_split_by_kind():
    frame = pd.DataFrame({"target": [80.0, 82.5, None, 85.0, 75.0, 76.0],
                          "target_tahunan": [True, True, True, True, False, False]})
    assert target_runs(frame) == [(True, [0, 1]), (True, [3]), (False, [4, 5])]


def test_trend_chart_keeps_target_kinds_apart():
    """The quarter's own target is not joined to the yearly targets of earlier years."""
    figure = trend_figure(quarter_history())
    try:
        axes = figure.axes[0]
        targets = [line for line in axes.lines if line.get_marker() == "D"]
        points = [(list(line.get_xdata()), list(line.get_ydata())) for line in targets]
        labels = axes.get_legend_handles_labels()[1]
    finally:
        plt.close(figure)
    # Triwulan II 2021-2024 have only yearly targets, and 2025 has its own target of 75%.
    assert points == [([0, 1, 2, 3], [80.0, 82.5, 85.0, 87.5]), ([4], [75.0])]
    assert targets[0].get_markerfacecolor() == "white"
    assert targets[1].get_markerfacecolor() != "white"
    assert labels == ["Target tahunan (tanpa target triwulan)", "Target triwulan", "Realisasi"]


def test_trend_chart_of_years_has_one_target_line():
    figure = trend_figure(sample_history())
    try:
        axes = figure.axes[0]
        targets = [line for line in axes.lines if line.get_marker() == "D"]
        labels = axes.get_legend_handles_labels()[1]
    finally:
        plt.close(figure)
    assert len(targets) == 1
    assert list(targets[0].get_xdata()) == [0, 1, 2, 3, 4]
    assert labels == ["Target", "Realisasi"]


def test_count_chart_labels_below_frame():
    rows = [{"nilai": "Magersari", "jumlah": 8}, {"nilai": "Prajurit Kulon", "jumlah": 8},
            {"nilai": "Kranggan", "jumlah": 3}]
    figure = count_figure(rows, "Kasus per kecamatan", "Kecamatan")
    try:
        figure.tight_layout()
        renderer = figure.canvas.get_renderer()
        axes = figure.axes[0]
        frame_top = axes.get_window_extent(renderer).y1
        label_tops = [text.get_window_extent(renderer).y1 for text in axes.texts]
    finally:
        plt.close(figure)
    assert len(label_tops) == 3
    # At least 5 pixels between a label and the frame, at the chart's 110 dpi.
    for top in label_tops:
        assert top <= frame_top - 5
