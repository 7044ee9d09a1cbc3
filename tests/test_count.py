"""Counting rules checked against values worked out by hand on small data folders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import event, organisation, report, target

import iku_nb
from iku_nb.count import cases


def figures(data, tahun, triwulan=None):
    results = iku_nb.hitung(iku_nb.load(data), tahun, triwulan)
    return {n.kode: n for n in results}


def test_duplicate_reports_count_one_case(make_data):
    data = make_data(konflik=[
        report("K-1", "2025-02-01", status="proses", sumber="Polres"),
        report("K-1", "2025-02-01", status="selesai", selesai="2025-02-10", sumber="FKDM"),
        report("K-2", "2025-03-05", status="belum"),
    ])
    iku1 = figures(data, 2025)["IKU-1"]
    # Two cases (K-1 reported twice), one of them resolved: 1 / 2 × 100 = 50.
    assert (iku1.pembilang, iku1.penyebut) == (1, 2)
    assert iku1.as_json()["realisasi"] == 50.0


def test_case_resolved_after_period_not_resolved(make_data):
    data = make_data(konflik=[
        report("K-1", "2024-12-20", selesai="2025-01-05"),
        report("K-2", "2024-06-01", selesai="2024-06-03"),
        report("K-3", "2025-01-10", selesai="2025-01-11"),
    ])
    iku1_2024 = figures(data, 2024)["IKU-1"]
    assert (iku1_2024.pembilang, iku1_2024.penyebut) == (1, 2)
    # K-1 happened in 2024, so 2025 counts only K-3.
    iku1_2025 = figures(data, 2025)["IKU-1"]
    assert (iku1_2025.pembilang, iku1_2025.penyebut) == (1, 1)


def test_earliest_selesai_date_resolves_case(make_data):
    data = make_data(konflik=[
        report("K-1", "2025-03-01", selesai="2025-04-10", sumber="Polres"),
        report("K-1", "2025-03-01", selesai="2025-03-30", sumber="FKDM"),
        report("K-2", "2025-05-01", selesai="2025-05-02"),
    ])
    tw1 = figures(data, 2025, 1)["IKU-1"]
    assert (tw1.pembilang, tw1.penyebut) == (1, 1)


def test_triwulan_is_cumulative_from_january(make_data):
    data = make_data(konflik=[
        report("K-1", "2025-02-01", selesai="2025-07-15"),
        report("K-2", "2025-05-01", selesai="2025-05-02"),
        report("K-3", "2025-11-01", status="proses"),
    ])
    tw2 = figures(data, 2025, 2)["IKU-1"]
    # Jan-Jun: K-1 and K-2 happened; only K-2 was resolved by 30 June.
    assert (tw2.pembilang, tw2.penyebut) == (1, 2)
    tw3 = figures(data, 2025, 3)["IKU-1"]
    assert (tw3.pembilang, tw3.penyebut) == (2, 2)
    year = figures(data, 2025)["IKU-1"]
    assert (year.pembilang, year.penyebut) == (2, 3)


def test_sara_indicator_counts_only_sara_cases(make_data):
    data = make_data(konflik=[
        report("K-1", "2025-02-01", selesai="2025-02-02", sara="agama"),
        report("K-2", "2025-02-03", status="proses", sara="Suku "),
        report("K-3", "2025-02-04", selesai="2025-02-05"),
    ])
    iku3 = figures(data, 2025)["IKU-3"]
    assert (iku3.pembilang, iku3.penyebut) == (1, 2)


def test_year_without_sara_gives_zero_of_zero(make_data):
    data = make_data(konflik=[report("K-1", "2025-02-01", selesai="2025-02-02")])
    iku3 = figures(data, 2025)["IKU-3"]
    assert (iku3.pembilang, iku3.penyebut) == (0, 0)
    assert iku3.counts.asal == "register"
    assert iku3.realisasi is None
    assert iku3.capaian is None
    assert iku3.kategori is None
    assert any("Tidak ada kasus yang dihitung untuk IKU-3 pada Tahun 2025 (penyebut 0)" in note
               for note in iku3.catatan)


def test_rekap_used_when_register_has_no_rows(make_data):
    rekap = [{"kode_indikator": "IKU-1", "tahun": 2024, "triwulan": "", "pembilang": 7,
              "penyebut": 8, "keterangan": "Rekap manual"}]
    data = make_data(konflik=[report("K-1", "2025-02-01", selesai="2025-02-02")], rekap=rekap)
    iku1 = figures(data, 2024)["IKU-1"]
    assert (iku1.pembilang, iku1.penyebut) == (7, 8)
    assert iku1.counts.asal == "rekap"
    assert iku1.counts.rekap_baris == 2
    # 7 / 8 × 100 = 87.5; target 80 gives capaian 109.375 -> 109.38.
    assert iku1.as_json()["realisasi"] == 87.5
    assert iku1.as_json()["capaian"] == 109.38
    assert figures(data, 2025)["IKU-1"].counts.asal == "register"


def test_one_of_32_rounds_half_up(make_data):
    rows = [report(f"K-{i}", "2025-03-01", status="proses") for i in range(31)]
    rows.append(report("K-31", "2025-03-01", selesai="2025-03-02"))
    data = make_data(konflik=rows, targets=[target(k, 2025, "100") for k in
                                            ("IKU-1", "IKU-2", "IKU-3")])
    iku1 = figures(data, 2025)["IKU-1"]
    # 1 / 32 × 100 = 3.125 exactly: half up gives 3.13 where half-even gives 3.12.
    assert iku1.as_json()["realisasi"] == 3.13
    assert iku1.as_json()["capaian"] == 3.13
    assert iku1.kategori == "Sangat Rendah"


def test_participation_rules(make_data):
    organisasi = [
        organisation("O-1", "2020-01-01"),                       # active, takes part twice
        organisation("O-2", "2020-01-01"),                       # active, no event
        organisation("O-3", "2025-06-01"),                       # event before registration
        organisation("O-4", "2020-01-01", nonaktif="2025-04-01"),  # event after deactivation
        organisation("O-5", "2020-01-01", nonaktif="2024-12-31"),  # gone before 2025
        organisation("O-6", "2026-01-05"),                       # registers after 2025
        organisation("O-7", "2020-01-01", jenis="Parpol"),       # takes part in 2025
    ]
    partisipasi = [
        event("O-1", "2025-02-01"), event("O-1", "2025-03-01"),
        event("O-3", "2025-05-01"), event("O-4", "2025-05-01"),
        event("O-7", "2025-12-31"), event("O-2", "2024-12-31"),
    ]
    data = make_data(organisasi=organisasi, partisipasi=partisipasi)
    iku2 = figures(data, 2025)["IKU-2"]
    # Penyebut: O-1, O-2, O-3, O-4, O-7 (O-5 left before 1 January, O-6 after 31 December).
    assert iku2.penyebut == 5
    assert iku2.counts.ids_penyebut == ("O-1", "O-2", "O-3", "O-4", "O-7")
    # Pembilang: O-1 (twice, counted once) and O-7.
    assert iku2.counts.ids_pembilang == ("O-1", "O-7")
    assert iku2.as_json()["realisasi"] == 40.0


def test_quarter_target_preferred_over_year(make_data):
    targets = [target("IKU-1", 2025, "80"), target("IKU-1", 2025, "40", triwulan="1"),
               target("IKU-2", 2025, "60"), target("IKU-3", 2025, "90")]
    data = make_data(konflik=[report("K-1", "2025-01-10", selesai="2025-01-11"),
                              report("K-2", "2025-02-10", status="proses")],
                     targets=targets)
    tw1 = figures(data, 2025, 1)
    assert tw1["IKU-1"].target_asal == "triwulan"
    assert tw1["IKU-1"].as_json()["target"] == 40.0
    # 50 / 40 × 100 = 125.
    assert tw1["IKU-1"].as_json()["capaian"] == 125.0
    assert tw1["IKU-2"].target_asal == "tahunan"
    assert tw1["IKU-2"].as_json()["target"] == 60.0


def test_decimal_comma_target(make_data):
    targets = [target(k, 2025, "72,5") for k in ("IKU-1", "IKU-2", "IKU-3")]
    data = make_data(konflik=[report("K-1", "2025-01-10", selesai="2025-01-11"),
                              report("K-2", "2025-02-10", status="proses")],
                     targets=targets)
    iku1 = figures(data, 2025)["IKU-1"]
    # 50 / 72.5 × 100 = 68.9655... -> 68.97, band 66 to < 76: Sedang.
    assert iku1.as_json()["target"] == 72.5
    assert iku1.as_json()["capaian"] == 68.97
    assert iku1.kategori == "Sedang"


def test_quarter_compared_with_same_quarter_last_year(make_data):
    data = make_data(konflik=[
        report("K-1", "2024-02-01", selesai="2024-02-02"),
        report("K-2", "2024-03-01", status="proses"),
        report("K-3", "2024-08-01", selesai="2024-08-02"),
        report("K-4", "2025-02-01", selesai="2025-02-02"),
    ])
    dataset = iku_nb.load(data)
    iku1 = dataset.katalog.indikator[0]
    previous = iku_nb.api.same_period_last_year(dataset, iku1, iku_nb.Period(2025, 1))
    # Triwulan I 2024: K-1 and K-2 happened, only K-1 resolved: 1 / 2.
    assert previous.periode == iku_nb.Period(2024, 1)
    assert (previous.pembilang, previous.penyebut) == (1, 2)
    assert iku_nb.api.same_period_last_year(dataset, iku1, iku_nb.Period(2024, 1)) is None


def test_cases_take_first_filled_value(make_data):
    data = make_data(konflik=[
        report("K-2", "2025-03-01", status="proses", sara="", sumber="Polres"),
        report("K-1", "2025-02-01", status="proses", sumber="Polres"),
        report("K-2", "2025-03-01", status="selesai", selesai="2025-03-09", sara="agama",
               sumber="FKUB"),
        report("K-2", "2025-03-01", status="selesai", selesai="2025-03-05", sara="agama",
               sumber="Polres"),
    ])
    # The sara of K-2 disagrees between its reports, which is an error, but the
    # checked table is still built and cases() still reads it.
    dataset = iku_nb.inspect(data)
    table = cases(dataset.tables["konflik"])
    assert list(table.index) == ["K-1", "K-2"]
    assert table.loc["K-2", "sara"] == "agama"
    assert table.loc["K-1", "sara"] is None
    assert table.loc["K-2", "tanggal_selesai"] == pd.Timestamp("2025-03-05")
    assert pd.isna(table.loc["K-1", "tanggal_selesai"])
    assert table.loc["K-2", "sumber"] == ("Polres", "FKUB")
    assert list(table["jumlah_laporan"]) == [1, 3]


@pytest.mark.parametrize(("tahun", "triwulan", "message"), [
    ("2025", None, "tahun harus bilangan bulat, misalnya 2025; tertulis '2025' (str)."),
    (2025.0, None, "tahun harus bilangan bulat, misalnya 2025; tertulis 2025.0 (float)."),
    (True, None, "tahun harus bilangan bulat, misalnya 2025; tertulis True (bool)."),
    (2025, 5, "triwulan harus 1, 2, 3, 4 atau None (setahun); tertulis 5."),
    (2025, "2", "triwulan harus 1, 2, 3, 4 atau None (setahun); tertulis '2'."),
])
def test_hitung_rejects_period_arguments(make_data, tahun, triwulan, message):
    dataset = iku_nb.load(make_data(konflik=[report("K-2", "2025-03-05", status="belum")]))
    with pytest.raises(iku_nb.ParameterError) as raised:
        iku_nb.hitung(dataset, tahun, triwulan)
    assert str(raised.value) == message


@pytest.mark.parametrize(("tahun", "triwulan"), [(2025, 5), (2025, 0), ("2025", None),
                                                 (2025, True)])
def test_period_rejects_invalid_values(tahun, triwulan):
    """A Period built directly fails at once, not later with a date error in English."""
    with pytest.raises(iku_nb.ParameterError, match="harus"):
        iku_nb.Period(tahun, triwulan)


def test_hitung_accepts_numpy_tahun(make_data):
    dataset = iku_nb.load(make_data(konflik=[report("K-2", "2025-03-05", status="belum")]))
    assert iku_nb.hitung(dataset, np.int64(2025)) == iku_nb.hitung(dataset, 2025)


def test_fourth_quarter_reads_yearly_rekap(make_data):
    rekap = [{"kode_indikator": "IKU-1", "tahun": 2024, "triwulan": "", "pembilang": 7,
              "penyebut": 8, "keterangan": "Rekap tahunan"}]
    data = make_data(konflik=[report("K-1", "2025-02-01", selesai="2025-02-02")], rekap=rekap)
    fourth = figures(data, 2024, 4)["IKU-1"]
    assert (fourth.pembilang, fourth.penyebut) == (7, 8)
    assert fourth.counts.rekap_baris == 2
    # Cumulative quarters before the fourth end before December, so the yearly row is not theirs.
    assert figures(data, 2024, 3)["IKU-1"].counts is None
