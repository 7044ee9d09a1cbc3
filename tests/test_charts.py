"""The trend chart: PNG output that is reproducible byte for byte."""

from __future__ import annotations

from conftest import ROOT, report

import iku_nb
from iku_nb.report.charts import trend_chart, trend_frame

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


def test_trend_chart_is_reproducible():
    history = sample_history()
    first = trend_chart(history)
    assert first.startswith(PNG_SIGNATURE)
    assert trend_chart(history) == first


def test_trend_chart_without_any_realisasi(make_data):
    # No SARA case in 2025: IKU-3 is 0 of 0, so there is no bar to draw.
    data = make_data(konflik=[report("K-1", "2025-01-10", selesai="2025-01-11")])
    dataset = iku_nb.load(data)
    history = iku_nb.history(dataset, dataset.katalog.indikator[2], iku_nb.Period(2025))
    assert history[-1].realisasi is None
    assert trend_chart(history).startswith(PNG_SIGNATURE)
