"""Report pieces built in-process from the sample data, without papermill."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from conftest import ROOT, report

from iku_nb.errors import ParameterError
from iku_nb.report import breakdown
from iku_nb.report.laporan import Laporan, _date_text

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
    assert ("1 Januari 2025 sampai 31 Desember 2025 (Triwulan IV Tahun 2025, kumulatif sejak "
            "Januari)") in html


def test_rincian_year_not_called_cumulative():
    # The dates of a year already start in January, so only quarters add "kumulatif".
    html = Laporan.siapkan(2025, bidang="hanbang", data=DATA).rincian_bidang().data
    assert "1 Januari 2025 sampai 31 Desember 2025 (Tahun 2025) yang dilaporkan" in html
    assert "kumulatif" not in html


@pytest.mark.parametrize(("bidang", "captions"), [
    ("hanbang", ["Kasus yang dilaporkan sumber Hanbang & Wasnas, Tahun 2025",
                 "Kasus sumber Hanbang & Wasnas per jenis, Tahun 2025",
                 "Kasus sumber Hanbang & Wasnas per kecamatan, Tahun 2025"]),
    ("poldagri", ["Organisasi aktif dan yang berpartisipasi per jenis (IKU-2, Tahun 2025)"]),
])
def test_rincian_tables_have_captions(bidang, captions):
    html = Laporan.siapkan(2025, bidang=bidang, data=DATA).rincian_bidang().data
    found = re.findall(r"<caption>(.*?)</caption>", html)
    assert [unescape(c) for c in found] == captions
    assert html.count("<table") == len(captions)


def test_rincian_counts_in_catalogue_order():
    html = Laporan.siapkan(2025, bidang="hanbang", data=DATA).rincian_bidang().data
    per_jenis, per_kecamatan = html.split("<table")[2:4]
    # The catalogue lists ideologi, politik, ekonomi, sosial, budaya and
    # Magersari, Prajurit Kulon, Kranggan; Bab III uses the same order.
    assert re.findall(r"<tr><td>([^<]*)</td>", per_jenis) == [
        "politik", "ekonomi", "sosial", "budaya"]
    assert re.findall(r"<tr><td>([^<]*)</td>", per_kecamatan) == [
        "Magersari", "Prajurit Kulon", "Kranggan"]


def test_rincian_counts_use_thousands_dot(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with (data / "organisasi.csv").open("a", encoding="utf-8") as table:
        for number in range(1200):
            table.write(f"ORG-B{number:04d},Ormas Baru {number},ORMAS,2020-01-01,\n")
    html = Laporan.siapkan(2025, bidang="poldagri", data=str(data)).rincian_bidang().data
    ormas = re.search(r"<tr><td>ORMAS</td><td class=\"angka\">([^<]*)</td>", html)
    assert ormas is not None
    assert re.fullmatch(r"1\.2\d\d", ormas.group(1))


def test_case_ids_do_not_wrap():
    laporan = Laporan.siapkan(2025, data=DATA)
    html = laporan.bab_akuntabilitas().data
    assert '<span class="iku-id">K-2025-001</span>' in html
    assert re.search(r"\bnan\b", html) is None


def test_rekap_year_has_no_breakdown():
    laporan = Laporan.siapkan(2022, data=DATA)
    html = laporan.bab_akuntabilitas().data
    assert html.count("Rincian tidak tersedia untuk Tahun 2022: angka") == 3
    assert "hanya ada sebagai rekap (jumlah pembilang dan penyebut)" in html
    assert "Menurut rekap (Rekap manual LKjIP 2022)" in html


def test_breakdown_adds_up_to_penyebut():
    laporan = Laporan.siapkan(2025, data=DATA)
    for n in laporan.nilai:
        if n.indikator.hitung.metode != "kasus_selesai":
            continue
        table = breakdown.indicator_cases(laporan.dataset, n)
        groups = breakdown.case_breakdown(laporan.dataset, n, table)
        for column in ("jenis", "sara", "kecamatan", "triwulan"):
            assert sum(r["jumlah"] for r in groups[column]) == n.penyebut, (n.kode, column)
            assert sum(r["selesai"] for r in groups[column]) == n.pembilang, (n.kode, column)


def test_organisation_breakdown_adds_up():
    laporan = Laporan.siapkan(2025, data=DATA)
    iku2 = laporan.angka.current["IKU-2"]
    rows = breakdown.organisation_breakdown(laporan.dataset, iku2)
    # 55 active organisations, 44 of them took part (hand count of the sample data).
    assert sum(r["aktif"] for r in rows) == 55
    assert sum(r["berpartisipasi"] for r in rows) == 44
    kinds = breakdown.activity_breakdown(laporan.dataset, iku2)
    assert {r["nilai"] for r in kinds} >= {"Musrenbang Kota", "Kerja bakti"}
    assert all(r["organisasi"] <= 44 for r in kinds)


def test_ikhtisar_summarises_sasaran():
    laporan = Laporan.siapkan(2025, data=DATA)
    html = laporan.ikhtisar().data
    assert "Sasaran strategis SS-1 <q>Menguatnya ketahanan sosial masyarakat</q>" in html
    # IKU-2 (80,00% ≥ 75%) meets its target; IKU-1 (84,21% < 90%) and IKU-3 do not.
    assert ("Satu dari tiga indikator mencapai atau melampaui targetnya (IKU-2), sedangkan "
            "IKU-1 dan IKU-3 belum.") in html


def test_ikhtisar_whole_office_lists_all():
    html = Laporan.siapkan(2025, data=DATA).ikhtisar().data
    assert "diukur dengan 3 indikator (IKU-1, IKU-2 dan IKU-3)." in html
    assert "di antaranya" not in html


@pytest.mark.parametrize(("bidang", "own", "codes"), [
    ("hanbang", 2, "IKU-1 dan IKU-3"), ("poldagri", 1, "IKU-2"), ("iwasbang", 1, "IKU-1")])
def test_ikhtisar_bidang_counts_whole_sasaran(bidang, own, codes):
    # SS-1 has three indicators in the catalogue, whichever bidang reports on it.
    html = Laporan.siapkan(2025, bidang=bidang, data=DATA).ikhtisar().data
    assert "<q>Menguatnya ketahanan sosial masyarakat</q> diukur dengan 3 indikator." in html
    assert (f"Laporan ini menyajikan {own} di antaranya, yang menjadi tanggung jawab bidang "
            f"ini ({codes}).") in html


def test_ikhtisar_bidang_owning_whole_sasaran(tmp_path):
    # IKU-2 moves to a sasaran of its own, so Poldagri reports all of SS-2,
    # and Iwasbang still reports only one of the two indicators left in SS-1.
    data = data_with_katalog(tmp_path, {
        "    uraian: Menguatnya ketahanan sosial masyarakat\n":
            "    uraian: Menguatnya ketahanan sosial masyarakat\n"
            "  - kode: SS-2\n    uraian: Meningkatnya partisipasi politik\n",
        "    sasaran: SS-1\n    pembilang: Jml LSM/ORMAS":
            "    sasaran: SS-2\n    pembilang: Jml LSM/ORMAS"})
    poldagri = Laporan.siapkan(2025, bidang="poldagri", data=str(data)).ikhtisar().data
    assert ("<q>Meningkatnya partisipasi politik</q> diukur dengan 1 indikator (IKU-2)."
            in poldagri)
    assert "SS-1" not in poldagri
    assert "di antaranya" not in poldagri
    iwasbang = Laporan.siapkan(2025, bidang="iwasbang", data=str(data)).ikhtisar().data
    assert ("<q>Menguatnya ketahanan sosial masyarakat</q> diukur dengan 2 indikator. "
            "Laporan ini menyajikan 1 di antaranya") in iwasbang
    assert "SS-2" not in iwasbang


def test_target_rows_cited():
    laporan = Laporan.siapkan(2025, data=DATA)
    assert "dengan target Tahun 2025 dari target.csv." in laporan.bab_perencanaan().data
    lampiran = laporan.lampiran_asal().data
    for sentence in ("Target 90,00% diambil dari target.csv baris 6.",
                     "Target 75,00% diambil dari target.csv baris 11.",
                     "Target 95,00% diambil dari target.csv baris 16."):
        assert sentence in lampiran
        assert sentence in laporan.bab_akuntabilitas().data
    # A quarter without its own target names the yearly row it is judged against.
    quarter = Laporan.siapkan(2025, triwulan=2, data=DATA).lampiran_asal().data
    assert "Target 75,00% diambil dari target.csv baris 18." in quarter
    assert "Target tahunan 95,00% diambil dari target.csv baris 16." in quarter


def test_metode_states_rekap_rules():
    html = Laporan.siapkan(2025, data=DATA).metode().data
    assert ("Triwulan tanpa catatan register dan tanpa baris rekap, dalam tahun yang "
            "registernya berisi, dihitung dari register sebagai 0 dari 0") in html
    assert "baris triwulan IV sama dengan baris tahunan" in html
    assert "ditolak sebagai kesalahan data" in html


def test_penutup_counts_like_ikhtisar():
    laporan = Laporan.siapkan(2025, data=DATA)
    sentence = ("Satu dari tiga indikator mencapai atau melampaui targetnya (IKU-2), "
                "sedangkan IKU-1 dan IKU-3 belum.")
    assert sentence in laporan.ikhtisar().data
    assert sentence in laporan.penutup().data


def test_bab3_tables_and_figures_numbered_in_order():
    laporan = Laporan.siapkan(2025, data=DATA)
    html = laporan.bab_akuntabilitas().data
    tables = re.findall(r"<caption>Tabel 3\.(\d+) ", html)
    figures = re.findall(r"<figcaption>Gambar 3\.(\d+) ", html)
    assert [int(t) for t in tables] == list(range(1, len(tables) + 1))
    assert [int(f) for f in figures] == list(range(1, len(figures) + 1))
    assert "<caption>Tabel 3.1 Target, realisasi dan capaian IKU-1 Tahun 2025</caption>" in html
    assert "<figcaption>Gambar 3.1 Realisasi dan target IKU-1 per tahun. Sumber:" in html
    # The count runs on into the second indicator instead of starting again.
    second = html.index('id="iku-2"')
    assert "Tabel 3.1 " not in html[second:]
    assert "Gambar 3.1 " not in html[second:]


def test_indicator_notes_not_repeating_narrative(make_data):
    # No conflict case in 2025 and no rekap row: IKU-1 and IKU-3 have no data.
    data = make_data(konflik=[report("K-1", "2024-01-10", selesai="2024-01-11")])
    laporan = Laporan.siapkan(2025, data=str(data))
    html = laporan.bab_akuntabilitas().data
    assert html.count("Data IKU-1 untuk Tahun 2025 tidak tersedia: register tidak memuat") == 1
    assert "Tidak ada data IKU-1" not in html
    assert "Rincian tidak tersedia karena data IKU-1 untuk Tahun 2025 tidak tersedia." in html


def test_period_without_data_reads_as_report():
    # The sample registers start in 2023 and rekap.csv contains only whole years,
    # so no indicator has data for Triwulan I 2022.
    laporan = Laporan.siapkan(2022, triwulan=1, data=DATA)
    pages = {"ikhtisar": laporan.ikhtisar().data, "bab3": laporan.bab_akuntabilitas().data,
             "penutup": laporan.penutup().data, "lampiran": laporan.lampiran_asal().data}
    for name, page in pages.items():
        # The advice to add an empty rekap row is for the data clerk, on the command line.
        assert "tambahkan baris rekap" not in page, name
        assert "belum tersedia" not in page, name
    assert ("<li>Data IKU-1 untuk Triwulan I Tahun 2022 tidak tersedia: register tidak "
            "memuat catatan pada periode ini dan tidak ada baris rekap.</li>") in pages["ikhtisar"]
    assert ("IKU-1, IKU-2 dan IKU-3 belum dapat dinilai karena data Triwulan I Tahun 2022 "
            "tidak tersedia.") in pages["ikhtisar"]
    assert ("Tidak ada realisasi Triwulan I Tahun 2022 yang dapat dibandingkan dengan target "
            "akhir Renstra 92,50% untuk tahun 2026.") in pages["bab3"]
    assert "kumulatif sampai akhir triwulan" not in pages["bab3"]
    assert "Data IKU-1 untuk Triwulan I Tahun 2022 tidak tersedia." in pages["lampiran"]


def data_with_katalog(tmp_path, replacements: dict[str, str]) -> Path:
    """Copy the sample data and replace parts of its catalogue; each part must occur once."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    katalog = data / "katalog.yaml"
    text = katalog.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    katalog.write_text(text, encoding="utf-8")
    return data


def test_renstra_table_per_stage(tmp_path):
    # IKU-1 ends its Renstra in 2025 with a confirmed target, IKU-2 ended in
    # 2024, and IKU-3 runs to 2026 with the estimate of the sample catalogue.
    data = data_with_katalog(tmp_path, {
        "target_renstra: {tahun: 2026, nilai: 92.5, perkiraan: true}":
            "target_renstra: {tahun: 2025, nilai: 92.5}",
        "target_renstra: {tahun: 2026, nilai: 77.5, perkiraan: true}":
            "target_renstra: {tahun: 2024, nilai: 77.5}"})
    html = Laporan.siapkan(2025, data=str(data)).bab_akuntabilitas().data
    parts = dict(zip(("IKU-1", "IKU-2", "IKU-3"), html.split('<section class="iku-indikator">')[1:],
                     strict=True))
    # IKU-1: 16/19 = 84,21…%, 92,5 − 84,21… = 8,29 points short at the end of the Renstra.
    assert "<td class=\"angka\">92,50%</td><td class=\"angka\">2025</td>" in parts["IKU-1"]
    assert "perkiraan" not in parts["IKU-1"]
    assert ("Target akhir Renstra 92,50% belum tercapai; realisasi berjarak 8,29 poin"
            in parts["IKU-1"])
    assert "Proyeksi tren" not in parts["IKU-1"]
    assert "Cara proyeksi" not in parts["IKU-1"]
    assert "iku-renstra" not in parts["IKU-2"]
    assert "berakhir pada tahun 2024, sebelum Tahun 2025" in parts["IKU-2"]
    assert "Proyeksi tren tahun 2026" in parts["IKU-3"]
    assert "Cara proyeksi" in parts["IKU-3"]
    assert "<td class=\"angka\">97,50% (perkiraan)</td>" in parts["IKU-3"]
    assert ("Target akhir Renstra 97,50% itu masih perkiraan di katalog dan belum "
            "dikonfirmasi dengan dokumen Renstra.") in parts["IKU-3"]


def test_quarterly_history_marks_yearly_targets():
    html = Laporan.siapkan(2025, triwulan=2, data=DATA).bab_akuntabilitas().data
    iku1 = html.split('<section class="iku-indikator">')[1]
    # target.csv has a Triwulan II target for 2025 only, so 2023 and 2024 fall back to the year's.
    assert '<td class="angka">85,00% (tahunan)</td>' in iku1
    assert '<td class="angka">87,50% (tahunan)</td>' in iku1
    assert '<td class="angka">75,00%</td>' in iku1
    assert "Target bertanda (tahunan) adalah target setahun penuh" in iku1
    yearly = Laporan.siapkan(2025, data=DATA).bab_akuntabilitas().data
    assert "(tahunan)</td>" not in yearly
    assert "Target bertanda (tahunan)" not in yearly


def test_fourth_quarter_yearly_target_note():
    html = Laporan.siapkan(2025, triwulan=4, data=DATA).bab_akuntabilitas().data
    note = re.search(r'<p class="iku-catatan-target">(.*?)</p>', html).group(1)
    assert "realisasi kumulatif Triwulan IV mencakup setahun penuh" in note
    assert "tidak setara" not in note


def test_quarter_labels_annual_target_everywhere():
    laporan = Laporan.siapkan(2025, triwulan=2, data=DATA)
    # Triwulan II 2025 targets: IKU-1 75% and IKU-2 60% from target.csv; IKU-3 has
    # only its yearly 95%, which every table marks and the summary names.
    for page in (laporan.ikhtisar().data, laporan.bab_perencanaan().data):
        assert '<td class="angka">95,00% (tahunan)</td>' in page
        assert '<td class="angka">75,00%</td>' in page
        assert '<td class="angka">60,00%</td>' in page
    sentence = ("Ketiga indikator (IKU-1, IKU-2 dan IKU-3) mencapai atau melampaui targetnya. "
                "Untuk IKU-3, realisasi Triwulan II Tahun 2025 dibandingkan dengan target "
                "tahunan, karena target triwulannya belum ditetapkan.")
    assert sentence in laporan.ikhtisar().data
    assert sentence in laporan.penutup().data
    yearly = Laporan.siapkan(2025, data=DATA)
    assert "(tahunan)" not in yearly.ikhtisar().data
    assert "(tahunan)" not in yearly.bab_perencanaan().data


def test_changes_from_printed_realisasi():
    # Yearly IKU-1: 2024 is 14/17 = 82,35%, 2023 is 13/15 = 86,67%: 82,35 − 86,67 = −4,32
    # (the exact −62/255 × 100 = −4,313… would print −4,31).
    yearly = Laporan.siapkan(2025, data=DATA).bab_akuntabilitas().data
    iku1 = yearly.split('<section class="iku-indikator">')[1]
    assert '<td class="angka">82,35%</td><td class="angka">−4,32</td>' in iku1
    # Triwulan II IKU-2: 42/55 = 76,36% after 35/55 = 63,64%: 12,72 points (exact 12,727…).
    quarter = Laporan.siapkan(2025, triwulan=2, data=DATA).bab_akuntabilitas().data
    iku2 = quarter.split('<section class="iku-indikator">')[2]
    assert '<td class="angka">76,36%</td><td class="angka">+12,72</td>' in iku2
    assert "realisasi ini naik 12,72 poin persen." in iku2
    assert iku2.count("Dibandingkan dengan realisasi Triwulan II Tahun 2024") == 1


def test_trend_chart_names_own_sources():
    # Every 2021 figure comes from rekap.csv and every target from target.csv.
    html = Laporan.siapkan(2021, data=DATA).bab_akuntabilitas().data
    captions = re.findall(r"<figcaption>Gambar 3\.\d+ Realisasi dan target [^<]*</figcaption>",
                          html)
    assert len(captions) == 3
    assert all(c.endswith("Sumber: rekap.csv dan target.csv, diolah.</figcaption>")
               for c in captions)
    # 2025 history: 2021-2022 from rekap, 2023-2025 from the registers.
    yearly = Laporan.siapkan(2025, data=DATA).bab_akuntabilitas().data
    assert ("per tahun. Sumber: organisasi.csv, partisipasi.csv, rekap.csv dan target.csv, "
            "diolah.") in yearly


def test_report_body_names_no_catalogue_fields():
    laporan = Laporan.siapkan(2025, data=DATA)
    html = laporan.bab_akuntabilitas().data
    assert ("Katalog IKU belum mencantumkan standar nasional untuk IKU-1, sehingga perbandingan "
            "ini") in html
    for field in ("standar_nasional", "target_renstra", "isian", "<code>kegiatan"):
        assert field not in html, field
    penutup = laporan.penutup().data
    assert "<code>" not in penutup
    assert "--tahun" not in penutup
    assert "verifikasi iku-nb" in penutup


def test_pendahuluan_uses_standard_terms():
    html = Laporan.siapkan(2025, data=DATA).bab_pendahuluan().data
    assert "<th>Nama Perangkat Daerah</th>" in html
    assert "SKPD" not in html
    assert "oleh Wali Kota sesuai" in html


def test_indicator_name_spelled_as_formula():
    laporan = Laporan.siapkan(2025, data=DATA)
    html = laporan.ikhtisar().data + laporan.bab_perencanaan().data
    assert "Persentase LSM/ORMAS/Parpol yang berpartisipasi" in html
    assert "PARPOL" not in html


def test_quality_section_writes_indonesian_dates():
    html = Laporan.siapkan(2025, data=DATA).kualitas_data().data
    # partisipasi.csv row 183: ORG-056 took part on 2024-02-08, before registering on 2024-04-05.
    assert "<td>8 Februari 2024</td>" in html
    assert "bertanggal sebelum organisasi terdaftar (5 April 2024)" in html
    assert re.search(r"\d{4}-\d{2}-\d{2}", html) is None


def test_history_cites_rekap_rows():
    html = Laporan.siapkan(2025, data=DATA).bab_akuntabilitas().data
    iku1 = html.split('<section class="iku-indikator">')[1]
    # rekap.csv: IKU-1 2021 is row 2 and IKU-1 2022 row 5 (spreadsheet rows).
    assert "<td>rekap (rekap.csv baris 2)</td>" in iku1
    assert "<td>rekap (rekap.csv baris 5)</td>" in iku1
    assert "<td>register</td>" in iku1


def test_national_standard_compared_when_catalogued(tmp_path):
    renstra = "target_renstra: {tahun: 2026, nilai: 92.5, perkiraan: true}"
    data = data_with_katalog(tmp_path, {renstra: renstra + "\n    standar_nasional: "
                                        "{nilai: 80, sumber: Contoh Peraturan 1/2025}"})
    parts = Laporan.siapkan(2025, data=str(data)).bab_akuntabilitas().data.split(
        '<section class="iku-indikator">')
    # IKU-1: 16/19 = 84,21…% printed 84,21%, 4,21 points above a standard of 80%.
    assert '<td class="angka">80,00%</td><td>Contoh Peraturan 1/2025</td>' in parts[1]
    assert '<td class="angka">+4,21</td>' in parts[1]
    assert ("Realisasi 84,21% memenuhi standar nasional 80,00% (Contoh Peraturan 1/2025)."
            in parts[1])
    assert "Katalog IKU belum mencantumkan standar nasional untuk IKU-2" in parts[2]
    quarter = Laporan.siapkan(2025, triwulan=2, data=str(data)).bab_akuntabilitas().data
    assert ("Standar nasional IKU-1 adalah 80,00% (Contoh Peraturan 1/2025). Realisasi "
            "Triwulan II Tahun 2025 hanya mencakup 1 Januari 2025 sampai 30 Juni 2025, belum "
            "setahun penuh, sehingga perbandingannya disajikan pada laporan tahunan.") in quarter
    fourth = Laporan.siapkan(2025, triwulan=4, data=str(data)).bab_akuntabilitas().data
    assert ("Standar nasional IKU-1 adalah 80,00% (Contoh Peraturan 1/2025). Realisasi "
            "Triwulan IV Tahun 2025 mencakup setahun penuh (1 Januari 2025 sampai 31 Desember "
            "2025), tetapi seperti pada laporan triwulan lain, perbandingannya disajikan pada "
            "laporan tahunan.") in fourth
    assert "belum setahun penuh" not in fourth
    empty = Laporan.siapkan(2022, triwulan=1, data=str(data)).bab_akuntabilitas().data
    assert ("Tidak ada realisasi Triwulan I Tahun 2022 yang dapat dibandingkan dengan standar "
            "itu.") in empty


def test_national_standard_compared_as_printed(tmp_path):
    # A standard with more decimals than the indicator is compared as printed.
    # 84,214% prints as 84,21%, and so does the realisasi 16/19.
    renstra = "target_renstra: {tahun: 2026, nilai: 92.5, perkiraan: true}"
    data = data_with_katalog(tmp_path, {renstra: renstra + "\n    standar_nasional: "
                                        "{nilai: 84.214, sumber: Contoh Peraturan 1/2025}"})
    laporan = Laporan.siapkan(2025, data=str(data))
    iku1 = laporan.bab_akuntabilitas().data.split('<section class="iku-indikator">')[1]
    assert ("Realisasi 84,21% memenuhi standar nasional 84,21% (Contoh Peraturan 1/2025)."
            in iku1)
    record = next(r for r in laporan.angka.records() if (r["kode"], r["tahun"]) == ("IKU-1", 2025))
    assert record["perbandingan"]["standar_nasional"] == "84.214"
    assert record["perbandingan"]["realisasi_dikurangi_standar"] == "0.00"


def budget_section(html: str) -> str:
    start = html.find('<section class="iku-anggaran">')
    return "" if start < 0 else " ".join(re.sub(r"<[^>]+>", " ", html[start:]).split())


def test_budget_realisation_in_yearly_report():
    text = budget_section(Laporan.siapkan(2025, data=DATA).bab_akuntabilitas().data)
    # anggaran.csv rows 22-26: pagu 2.754 + 292 + 370 + 221 + 501 = 4.138 million and
    # realisasi 3.989.478.000, which is 96,410...% of pagu, leaving 148.522.000.
    assert "Jumlah Rp4.138.000.000 Rp3.989.478.000 96,41%" in text
    assert ("Realisasi anggaran Tahun 2025 sebesar Rp3.989.478.000 dari pagu Rp4.138.000.000, "
            "atau 96,41%, dengan sisa anggaran Rp148.522.000. Angka ini diambil dari "
            "anggaran.csv baris 22, 23, 24, 25 dan 26.") in text
    # 2.674.134.000 / 2.754.000.000 = 97,10%.
    assert "Rp2.754.000.000 Rp2.674.134.000 97,10%" in text


def test_budget_only_in_yearly_office_report():
    quarterly = Laporan.siapkan(2025, triwulan=2, data=DATA).bab_akuntabilitas().data
    bidang = Laporan.siapkan(2025, bidang="poldagri", data=DATA).bab_akuntabilitas().data
    assert budget_section(quarterly) == ""
    assert budget_section(bidang) == ""


def test_budget_missing_or_without_year(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "anggaran.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace("2025;", "2020;"),
                    encoding="utf-8")
    text = budget_section(Laporan.siapkan(2025, data=str(data)).bab_akuntabilitas().data)
    assert ("anggaran.csv tidak memuat baris tahun 2025, sehingga realisasi anggaran Tahun "
            "2025 belum dapat disajikan.") in text
    path.unlink()
    text = budget_section(Laporan.siapkan(2025, data=str(data)).bab_akuntabilitas().data)
    assert ("Data realisasi anggaran Tahun 2025 tidak tersedia, sehingga realisasi anggaran "
            "belum dapat disajikan.") in text
    assert "tambahkan" not in text


def test_national_standard_in_value_registry(tmp_path):
    renstra = "target_renstra: {tahun: 2026, nilai: 92.5, perkiraan: true}"
    data = data_with_katalog(tmp_path, {renstra: renstra + "\n    standar_nasional: "
                                        "{nilai: 80, sumber: Contoh Peraturan 1/2025}"})
    laporan = Laporan.siapkan(2025, data=str(data))
    iku1 = next(r for r in laporan.angka.records() if (r["kode"], r["tahun"]) == ("IKU-1", 2025))
    # 84,21 − 80 = 4,21 points, from the printed realisasi as the report shows it.
    compared = iku1["perbandingan"]
    assert (compared["standar_nasional"], compared["sumber_standar_nasional"],
            compared["realisasi_dikurangi_standar"]) == ("80", "Contoh Peraturan 1/2025", "4.21")
    iku2 = next(r for r in laporan.angka.records() if (r["kode"], r["tahun"]) == ("IKU-2", 2025))
    assert "standar_nasional" not in iku2["perbandingan"]


def test_budget_overspent_and_empty_file(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "anggaran.csv"
    path.write_text("tahun;program;pagu;realisasi\n2025;Program A;1.000.000;1.500.000\n",
                    encoding="utf-8")
    text = budget_section(Laporan.siapkan(2025, data=str(data)).bab_akuntabilitas().data)
    # 1.500.000 / 1.000.000 = 150,00%, that is 500.000 over pagu.
    assert ("sebesar Rp1.500.000 dari pagu Rp1.000.000, atau 150,00%, sehingga realisasi "
            "melebihi pagu sebesar Rp500.000.") in text
    path.write_text("tahun;program;pagu;realisasi\n2025;Program A;0;0\n", encoding="utf-8")
    text = budget_section(Laporan.siapkan(2025, data=str(data)).bab_akuntabilitas().data)
    assert "sebesar Rp0 dari pagu Rp0, dengan sisa anggaran Rp0." in text
    path.write_text("tahun;program;pagu;realisasi\n", encoding="utf-8")
    text = budget_section(Laporan.siapkan(2025, data=str(data)).bab_akuntabilitas().data)
    assert "anggaran.csv hanya berisi judul kolom, tanpa baris data" in text
    path.write_bytes(b"")
    text = budget_section(Laporan.siapkan(2025, data=str(data)).bab_akuntabilitas().data)
    assert ("anggaran.csv ada di folder data tetapi tidak berisi judul kolom dan baris data"
            in text)


@pytest.mark.parametrize(("tahun", "rows"), [
    (2021, []),
    (2024, [183, 246]),
    (2025, [183, 246, 302]),
])
def test_quality_section_skips_later_rows(tahun, rows):
    """A warning about a row dated after the report's year does not touch its figures."""
    laporan = Laporan.siapkan(tahun, data=DATA)
    assert [p.row for p in laporan.relevant_warnings()] == rows


# The parameters of the yearly notebook, which has no bidang.
PARAMETER_NAMES = ("tahun", "triwulan", "data", "katalog", "analisis")


def test_dari_parameter_rejects_misspelled_name():
    namespace = {"Laporan": Laporan}
    before = set(namespace)
    namespace.update(tahun=2025, tahunn=2024, data=DATA)
    with pytest.raises(ParameterError) as raised:
        Laporan.dari_parameter(namespace, before, PARAMETER_NAMES)
    message = str(raised.value)
    assert "parameter 'tahunn' tidak dikenal; maksudnya 'tahun'?" in message
    assert message.endswith("\nBila nama itu bukan parameter tetapi dibuat di sel notebook ini, "
                            "jalankan notebook dari sel pertama (Run All).")


def test_dari_parameter_rerun_skips_later_names():
    namespace = {"Laporan": Laporan}
    before = set(namespace)
    namespace.update(tahun=2025, data=DATA)
    namespace["laporan"] = Laporan.dari_parameter(namespace, before, PARAMETER_NAMES)
    namespace.update(ringkasan=[], tahun=2024)
    assert Laporan.dari_parameter(namespace, before, PARAMETER_NAMES).periode.tahun == 2024
    # A new name that looks like a parameter is still a misspelling.
    namespace["triwulann"] = 2
    with pytest.raises(ParameterError, match="'triwulann' tidak dikenal; maksudnya 'triwulan'"):
        Laporan.dari_parameter(namespace, before, PARAMETER_NAMES)
    del namespace["triwulann"]
    # A new snapshot, as when the first cell runs again, checks every name again.
    namespace["tahunn"] = 2023
    with pytest.raises(ParameterError, match="'tahunn' tidak dikenal"):
        Laporan.dari_parameter(namespace, set(namespace) - {"tahunn"}, PARAMETER_NAMES)


def test_bidang_given_to_yearly_notebook_explained():
    # papermill -f with a bidang file on the yearly notebook.
    namespace = {"Laporan": Laporan}
    before = set(namespace)
    namespace.update(tahun=2025, data=DATA, bidang="poldagri")
    with pytest.raises(ParameterError) as raised:
        Laporan.dari_parameter(namespace, before, PARAMETER_NAMES)
    message = str(raised.value)
    assert ("parameter 'bidang' hanya untuk laporan per bidang "
            "(notebooks/laporan_bidang.ipynb)") in message
    assert "Run All" not in message


def test_changed_parameter_stops_stale_chapter():
    # The parameters cell ran again with another tahun, but the report cell did not.
    namespace = {"Laporan": Laporan}
    before = set(namespace)
    namespace.update(tahun=2025, data=DATA, analisis={})
    laporan = Laporan.dari_parameter(namespace, before, PARAMETER_NAMES)
    assert "2025" in laporan.ikhtisar().data
    namespace["tahun"] = 2024
    with pytest.raises(ParameterError) as raised:
        laporan.ikhtisar()
    assert str(raised.value).startswith(
        "Parameter tahun sekarang 2024, tetapi laporan ini dibuat dengan tahun 2025. "
        "Jalankan lagi sel `laporan = Laporan.dari_parameter(...)`")
    with pytest.raises(ParameterError, match="Parameter tahun sekarang 2024"):
        laporan.daftar_angka()
    namespace["tahun"] = 2025
    namespace["analisis"]["IKU-1"] = {"penyebab": "Mediasi berhasil."}
    with pytest.raises(ParameterError, match="Parameter analisis sekarang"):
        laporan.ikhtisar()
    del namespace["analisis"]
    with pytest.raises(ParameterError, match=r"analisis sekarang \(tidak ada\)"):
        laporan.ikhtisar()


def test_changed_bidang_stops_every_bidang_chapter():
    namespace = {"Laporan": Laporan}
    before = set(namespace)
    namespace.update(tahun=2025, bidang="hanbang", data=DATA)
    laporan = Laporan.dari_parameter(namespace, before, (*PARAMETER_NAMES, "bidang"))
    assert laporan.rincian_bidang().data
    namespace["bidang"] = "poldagri"
    chapters = [laporan.halaman_judul, laporan.ikhtisar, laporan.sasaran_summary,
                laporan.tabel_ringkasan, laporan.bab_pendahuluan, laporan.bab_perencanaan,
                laporan.bab_akuntabilitas, laporan.rincian_bidang, laporan.metode,
                laporan.kualitas_data, laporan.penutup, laporan.lampiran_asal,
                laporan.daftar_angka]
    for chapter in chapters:
        with pytest.raises(ParameterError, match="Parameter bidang sekarang 'poldagri'"):
            chapter()


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("tanggal_kejadian", "03/01/2025", "3 Januari 2025"),
    ("tanggal", "2024-02-08", "8 Februari 2024"),
    ("tanggal_selesai", "31/02/2023", "31/02/2023"),
    ("status", "03/01/2025", "03/01/2025"),
    (None, "2024-02-08", "2024-02-08"),
])
def test_quality_value_date_written_once(column, value, expected):
    assert _date_text(column, value) == expected


def test_relative_data_read_from_project(tmp_path, monkeypatch):
    # From a folder without a data folder of its own, "data" is the project's.
    monkeypatch.chdir(tmp_path)
    laporan = Laporan.siapkan(2025, data="data")
    assert laporan.dataset.data_dir == ROOT / "data"
    # The same from inside the project, where the working folder's data/ is the project's.
    monkeypatch.chdir(ROOT / "notebooks")
    assert Laporan.siapkan(2025, data="data").dataset.data_dir == ROOT / "data"
    monkeypatch.chdir(ROOT)
    assert Laporan.siapkan(2025, data="data").dataset.data_dir == ROOT / "data"


@pytest.mark.parametrize(("name", "in_project"), [
    # papermill run from another folder: its own data/ would silently go unused.
    ("data", f"dibaca dari folder proyek ({ROOT / 'data'})"),
    ("dataku", f"tidak ada di folder proyek ({ROOT / 'dataku'})"),
])
def test_relative_data_in_working_folder_rejected(tmp_path, monkeypatch, name, in_project):
    (tmp_path / name).mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError) as caught:
        Laporan.siapkan(2025, data=name)
    message = str(caught.value)
    assert in_project in message
    assert f"misalnya data = '{tmp_path / name}'" in message


def test_relative_data_found_nowhere_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError) as caught:
        Laporan.siapkan(2025, data="tidak-ada")
    assert ("Folder data 'tidak-ada' tidak ditemukan: jalur relatif dibaca dari folder proyek, "
            f"jadi yang dicari {ROOT / 'tidak-ada'}") in str(caught.value)
