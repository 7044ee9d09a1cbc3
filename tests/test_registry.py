"""The value registry: exact and printed figures of every period a report shows."""

from __future__ import annotations

import json
from decimal import Decimal

from conftest import ROOT, report, target

from iku_nb import registry
from iku_nb.dataset import load
from iku_nb.period import Period
from iku_nb.report import narrative


def test_sample_2025_records_hold_exact_and_printed_figures():
    dataset = load(ROOT / "data")
    ind = dataset.katalog.indikator
    reg = registry.build(dataset, Period(2025), ind)
    records = {(r["kode"], r["tahun"], r["triwulan"]): r for r in reg.records()}
    iku1 = records[("IKU-1", 2025, None)]
    # 16 of 19 cases resolved: 1600/19 = 84,2105...; target 90: 84,21/90 = 93,567...
    assert (iku1["pembilang"], iku1["penyebut"]) == (16, 19)
    assert iku1["realisasi_tepat"] == "1600/19"
    assert iku1["realisasi"] == "84.21"
    assert iku1["capaian_tepat"] == "16000/171"
    assert iku1["capaian"] == "93.57"
    assert iku1["teks"]["realisasi"] == "84,21%"
    assert iku1["aturan"]["metode"] == "kasus_selesai"
    # History years 2021-2024 are in the registry too, each once.
    assert [r["tahun"] for r in reg.records() if r["kode"] == "IKU-1"] == [
        2021, 2022, 2023, 2024, 2025]
    json.dumps(reg.records())  # every record is plain JSON
    # 2024: 14/17 = 82,35%. Change 84,21 − 82,35 = 1,86 points; Renstra
    # 92,50 − 84,21 = 8,29 points, both from the printed figures.
    comparison = iku1["perbandingan"]
    assert comparison["perubahan"] == "1.86"
    assert comparison["jarak_renstra"] == "8.29"
    assert "perubahan_tepat" not in comparison
    assert "jarak_renstra_tepat" not in comparison
    assert comparison["tahun_tren"] == [2021, 2022, 2023, 2024, 2025]
    assert "perbandingan" not in records[("IKU-1", 2024, None)]


def test_target_rows_recorded():
    # target.csv rows 6, 11 and 16 hold the 2025 yearly targets 90, 75 and 95.
    # For Triwulan II, IKU-1 and IKU-2 have quarter rows 18 and 22; IKU-3 has none.
    dataset = load(ROOT / "data")
    ind = dataset.katalog.indikator
    for period, expected in ((Period(2025), {"IKU-1": 6, "IKU-2": 11, "IKU-3": 16}),
                             (Period(2025, 2), {"IKU-1": 18, "IKU-2": 22, "IKU-3": 16})):
        records = [r for r in registry.build(dataset, period, ind).records()
                   if (r["tahun"], r["triwulan"]) == (period.tahun, period.triwulan)]
        assert {r["kode"]: r["target_baris"] for r in records} == expected, period.label
    assert "target_baris" in registry.FIGURES


def test_target_row_change_verified():
    from iku_nb.verify import compare  # noqa: PLC0415

    record = {"kode": "IKU-1", "tahun": 2025, "triwulan": None, "periode": "Tahun 2025",
              "target": "90", "target_baris": 6, "teks": {}}
    found = [c for c in compare([record], [{**record, "target_baris": 7}])
             if c.recorded != c.now]
    assert [c.label for c in found] == ["IKU-1 Tahun 2025 baris target"]
    assert (found[0].recorded, found[0].now) == (6, 7)


def test_quarter_registry_same_quarter(make_data):
    data = make_data(
        konflik=[report("K1", "2024-02-01", selesai="2024-03-01"),
                 report("K2", "2025-02-01", status="proses")],
        targets=[target("IKU-1", 2024, "80"), target("IKU-1", 2025, "80")])
    dataset = load(data)
    ind = [i for i in dataset.katalog.indikator if i.kode == "IKU-1"]
    reg = registry.build(dataset, Period(2025, 1), ind)
    periods = [(r["tahun"], r["triwulan"]) for r in reg.records()]
    # A quarterly report compares the same quarter of each year, never a full year.
    assert periods == [(2024, 1), (2025, 1)]
    first = reg.records()[0]
    assert (first["pembilang"], first["penyebut"], first["realisasi"]) == (1, 1, "100.00")


def test_quarter_compares_same_quarter_and_defers_renstra():
    dataset = load(ROOT / "data")
    reg = registry.build(dataset, Period(2025, 2), dataset.katalog.indikator)
    history = reg.history["IKU-1"]
    assert [h.periode.triwulan for h in history] == [2] * len(history)
    comparison = reg.comparison("IKU-1")
    # The change is taken from the same quarter a year earlier, which is the
    # history row just before the current one, so table and sentence agree:
    # 11/11 = 100,00% after 7/8 = 87,50%.
    assert comparison.change == Decimal("12.50")
    assert history[-2].periode == Period(2024, 2)
    assert comparison.gap is None
    assert comparison.projection is None
    sentence = narrative.renstra_sentence(comparison)
    assert "dinilai pada laporan tahunan" in sentence
    assert "sudah mencapai" not in sentence


def test_quarter_change_as_printed():
    dataset = load(ROOT / "data")
    reg = registry.build(dataset, Period(2025, 2), dataset.katalog.indikator)
    record = next(r for r in reg.records() if (r["kode"], r["tahun"]) == ("IKU-2", 2025))
    # 42/55 = 76,36% after 35/55 = 63,64%: 12,72 points as printed (exact 12,727…).
    assert (record["teks"]["realisasi"], record["perbandingan"]["perubahan"]) == (
        "76,36%", "12.72")
