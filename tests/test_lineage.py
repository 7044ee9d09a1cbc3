"""The lineage: each counted id with the source rows that put it in the count."""

from __future__ import annotations

from conftest import event, organisation, report

from iku_nb import api, lineage
from iku_nb.dataset import load
from iku_nb.period import Period
from iku_nb.report import Laporan


def test_case_lists_every_report_row(make_data):
    # Row 1 is the header: K-1 is reported on rows 2 and 4 (two sources), K-2 on row 3.
    data = make_data(konflik=[
        report("K-1", "2025-01-10", status="proses"),
        report("K-2", "2025-02-01", status="proses"),
        report("K-1", "2025-01-10", selesai="2025-03-01", sumber="Kodim"),
    ])
    dataset = load(data)
    iku1 = api.hitung(dataset, 2025)[0]
    trace = lineage.trace(dataset, iku1)
    assert [(s.id, s.in_pembilang, s.rows) for s in trace.sources] == [
        ("K-1", True, (("konflik.csv", (2, 4)),)),
        ("K-2", False, (("konflik.csv", (3,)),)),
    ]


def test_organisation_lists_only_counted_events(make_data):
    # O-1 took part in 2025 on rows 3 and 4, and its 2024 event (row 2) is outside
    # the period. O-2 is active but took part only in 2024.
    data = make_data(
        organisasi=[organisation("O-1", "2020-01-01"), organisation("O-2", "2021-05-01")],
        partisipasi=[event("O-1", "2024-06-01"), event("O-1", "2025-02-01"),
                     event("O-1", "2025-03-01"), event("O-2", "2024-02-01")])
    dataset = load(data)
    iku2 = api.hitung(dataset, 2025)[1]
    trace = lineage.trace(dataset, iku2)
    assert [(s.id, s.in_pembilang, s.rows) for s in trace.sources] == [
        ("O-1", True, (("organisasi.csv", (2,)), ("partisipasi.csv", (3, 4)))),
        ("O-2", False, (("organisasi.csv", (3,)),)),
    ]


def test_rekap_year_points_at_its_row(make_data):
    rekap = [{"kode_indikator": "IKU-1", "tahun": 2022, "triwulan": "", "pembilang": 3,
              "penyebut": 4, "keterangan": "rekap manual"}]
    dataset = load(make_data(rekap=rekap))
    iku1 = api.figure(dataset, dataset.katalog.indikator[0], Period(2022))
    assert lineage.trace(dataset, iku1).rekap == ("rekap.csv", 2)


def test_row_ranges_compact():
    assert lineage.row_ranges((2, 3, 4, 7, 9, 10)) == "2–4, 7, 9–10"
    assert lineage.row_ranges(()) == ""


def test_appendix_shows_ids_rows_no_free_text(make_data):
    data = make_data(konflik=[report("K-1", "2025-01-10", selesai="2025-01-20"),
                              report("K-1", "2025-01-10", selesai="2025-01-20", sumber="Kodim")])
    html = Laporan.siapkan(2025, data=str(data)).lampiran_asal().data
    assert "Lampiran: Asal Angka" in html
    assert "konflik.csv: 2–3" in html
    assert "penyebut dan pembilang" in html
    assert "uraian rahasia" not in html
    assert "Organisasi O-1" not in html


def test_hitung_empty_indicator_list(make_data):
    dataset = load(make_data(konflik=[report("K-1", "2025-01-10", status="proses")]))
    assert api.hitung(dataset, 2025, indikator=[]) == []
    assert len(api.hitung(dataset, 2025)) == len(dataset.katalog.indikator)
