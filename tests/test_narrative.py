"""Generated sentences: hand-worked figures in every case the template distinguishes."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd

from iku_nb.catalogue import SHIPPED_CATALOGUE, Kebijakan, TargetRenstra, load_catalogue
from iku_nb.comparison import Comparison, compare
from iku_nb.count import Counts
from iku_nb.period import Period
from iku_nb.report.narrative import (
    extra_notes,
    history_sentence,
    renstra_sentence,
    report_notes,
    summary,
    target_summary,
)
from iku_nb.values import Nilai, evaluate

KATALOG = load_catalogue(SHIPPED_CATALOGUE)
IKU1 = KATALOG.indikator[0]
IKU2 = KATALOG.indikator[1]


def nilai(pembilang: int, penyebut: int, period: Period, target: str | None = "90",
          ind=IKU1, asal: str = "register", keterangan: str | None = None,
          target_asal: str = "tahunan") -> Nilai:
    value = None if penyebut == 0 else Fraction(pembilang, penyebut) * 100
    goal = None if target is None else Decimal(target)
    achieved = None if value is None or goal is None else value / Fraction(goal) * 100
    counts = Counts(pembilang, penyebut, asal, keterangan=keterangan,
                    rekap_baris=2 if asal == "rekap" else None)
    return Nilai(ind, period, counts, value, goal, target_asal, achieved,
                 None if achieved is None else "Tinggi")


def evaluated(counts: Counts | None, period: Period, target: str | None = "90",
              ind=IKU1, katalog=KATALOG) -> Nilai:
    """Return the Nilai that the value registry builds, notes included."""
    rows = [] if target is None else [
        {"kode_indikator": ind.kode, "tahun": period.tahun, "triwulan": None,
         "target": Decimal(target)}]
    table = pd.DataFrame(rows, columns=["kode_indikator", "tahun", "triwulan", "target"])
    return evaluate(katalog, ind, period, counts, table)


def paragraphs(n: Nilai, previous: Nilai | None = None,
               comparison: Comparison | None = None) -> str:
    """Return the summary, the change from last year and the Renstra sentence of ``n``."""
    comparison = comparison or compare([n], n, previous)
    return " ".join([summary(n), history_sentence(comparison), renstra_sentence(comparison)])


def test_change_from_printed_values():
    current = nilai(4, 6, Period(2025, 1))
    previous = nilai(14, 17, Period(2024, 1))
    # 4/6 = 66,666…% prints 66,67% and 14/17 = 82,352…% prints 82,35%, so the
    # change is 82,35 − 66,67 = 15,68 points (the exact 8/51 = 15,686… would print 15,69).
    assert ("Dibandingkan dengan realisasi Triwulan I Tahun 2024 (82,35%), realisasi ini "
            "turun 15,68 poin persen." in paragraphs(current, previous))


def test_summary_leaves_comparisons_to_their_sections():
    current = nilai(4, 6, Period(2025))
    text = summary(current)
    assert "Dibandingkan dengan realisasi" not in text
    assert "Renstra" not in text


def test_unchanged_realisasi():
    text = paragraphs(nilai(1, 2, Period(2025)), nilai(2, 4, Period(2024)))
    assert "Realisasi ini sama dengan realisasi Tahun 2024 (50,00%)." in text


def test_several_cases_counts_and_capaian():
    # 16 of 19: 84,2105…% → 84,21%; 90,00 − 84,21 = 5,79 points;
    # capaian 84,2105…/90 × 100 = 93,567… → 93,57%.
    text = paragraphs(nilai(16, 19, Period(2025)))
    assert ("tercatat 19 kasus yang masuk hitungan IKU-1; 16 kasus di antaranya telah "
            "diselesaikan paling lambat 31 Desember 2025 dan 3 kasus belum.") in text
    assert ("Realisasi IKU-1 sebesar 84,21%, masih di bawah target 90,00% "
            "(kurang 5,79 poin persen)") in text
    assert "capaian kinerjanya 93,57% dengan kategori Tinggi." in text
    assert "Realisasi Tahun 2024 sebagai pembanding tidak tersedia." in text


def test_singular_case():
    text = summary(nilai(1, 1, Period(2025)))
    assert ("tercatat 1 kasus yang masuk hitungan IKU-1, dan kasus tersebut telah "
            "diselesaikan paling lambat 31 Desember 2025.") in text
    assert "1 dari 1" not in text
    assert "kasus-kasus" not in text


def test_singular_case_unresolved():
    text = summary(nilai(0, 1, Period(2025)))
    assert "kasus tersebut belum diselesaikan sampai 31 Desember 2025." in text


def test_singular_organisation():
    text = summary(nilai(1, 1, Period(2025), ind=IKU2))
    assert ("tercatat 1 organisasi yang terdaftar dan aktif, dan organisasi tersebut "
            "berpartisipasi dalam paling sedikit satu kegiatan pembangunan.") in text


def test_zero_penyebut():
    text = summary(nilai(0, 0, Period(2025)))
    assert "tidak ada kasus yang masuk hitungan IKU-1." in text
    assert ("Karena penyebutnya 0, realisasi, capaian dan kategori IKU-1 tidak dapat "
            "dihitung.") in text
    assert "Realisasi IKU-1 sebesar" not in text


def test_target_met_exactly():
    # 9 of 10 = 90,00% against target 90: capaian exactly 100,00%.
    text = summary(nilai(9, 10, Period(2025)))
    assert "Realisasi IKU-1 sebesar 90,00%, tepat sama dengan target 90,00%" in text
    assert "capaian kinerjanya 100,00% dengan kategori" in text
    assert "di atas 100%" not in text


def test_capaian_above_hundred():
    # All 5 resolved: 100% against target 80: capaian 125,00%.
    text = summary(nilai(5, 5, Period(2025), target="80"))
    assert "seluruhnya telah diselesaikan" in text
    assert "melampaui target 80,00%" in text
    assert "capaian kinerjanya 125,00% dengan kategori Tinggi." in text
    assert "di atas 100%" not in text


def test_missing_target():
    text = summary(nilai(3, 4, Period(2025), target=None))
    assert ("Realisasi IKU-1 sebesar 75,00%. Target Tahun 2025 belum ditetapkan, sehingga "
            "capaian dan kategori belum dapat dihitung.") in text


def test_rekap_year():
    text = summary(nilai(12, 15, Period(2022), target="82.5", asal="rekap",
                         keterangan="Rekap manual LKjIP 2022"))
    assert text.startswith("Menurut rekap (Rekap manual LKjIP 2022), tercatat 15 kasus")
    # 12/15 = 80%; 82,50 − 80,00 = 2,50 points; 80/82,5 × 100 = 96,969… → 96,97%.
    assert "(kurang 2,50 poin persen)" in text
    assert "capaian kinerjanya 96,97%" in text


def test_negative_polarity_below_target_is_better():
    negative = IKU1.model_copy(update={"polaritas": "negatif"})
    text = summary(nilai(1, 10, Period(2025), target="20", ind=negative))
    assert ("Realisasi IKU-1 sebesar 10,00%, lebih rendah dari target 20,00%; karena "
            "indikator ini berpolaritas negatif (makin rendah makin baik), kinerjanya lebih "
            "baik dari target") in text


def test_negative_polarity_rise_is_worse():
    negative = IKU1.model_copy(update={"polaritas": "negatif"})
    current = nilai(3, 10, Period(2025), target="20", ind=negative)
    previous = nilai(1, 10, Period(2024), target="20", ind=negative)
    text = paragraphs(current, previous)
    assert "lebih tinggi dari target 20,00%" in text
    assert "kinerjanya lebih buruk dari target" in text
    assert ("realisasi ini naik 20,00 poin persen, yang bagi indikator berpolaritas negatif "
            "berarti kinerja memburuk.") in text


def test_positive_polarity_below_target():
    text = summary(nilai(1, 10, Period(2025), target="20"))
    assert "masih di bawah target 20,00% (kurang 10,00 poin persen)" in text


def test_renstra_gap_and_trend():
    ind = IKU1.model_copy(update={"target_renstra": TargetRenstra(tahun=2026,
                                                                 nilai=Decimal("92.5"))})
    history = [nilai(6, 10, Period(2023), ind=ind), nilai(7, 10, Period(2024), ind=ind),
               nilai(8, 10, Period(2025), ind=ind)]
    comparison = compare(history, history[-1], history[1])
    text = paragraphs(history[-1], history[1], comparison)
    # 92,50 − 80,00 = 12,50 points; the line 60, 70, 80 rises 10 a year: 90,00% in 2026.
    assert ("masih berjarak 12,50 poin persen dari target akhir Renstra 92,50% untuk "
            "tahun 2026.") in text
    assert ("Bila tren realisasi tahunan 2023–2025 berlanjut, realisasi tahun 2026 "
            "diperkirakan 90,00%, sehingga target akhir Renstra diperkirakan belum "
            "tercapai.") in text


def renstra_history(end_year: int, periods: list[Period] | None = None) -> list[Nilai]:
    ind = IKU1.model_copy(update={"target_renstra": TargetRenstra(tahun=end_year,
                                                                 nilai=Decimal("92.5"))})
    periods = periods or [Period(2023), Period(2024), Period(2025)]
    return [nilai(6 + i, 10, p, ind=ind) for i, p in enumerate(periods)]


def test_renstra_end_year_outcome():
    history = renstra_history(2025)
    comparison = compare(history, history[-1], history[1])
    # 92,50 − 80,00 = 12,50 points short in the end year itself; no line is read at 2025.
    assert (comparison.renstra_stage, comparison.gap, comparison.projection) == (
        "akhir", Decimal("12.50"), None)
    text = paragraphs(history[-1], history[1], comparison)
    assert ("Tahun 2025 adalah tahun akhir Renstra, sehingga realisasi tahun ini adalah "
            "realisasi akhir periode Renstra. Target akhir Renstra 92,50% belum tercapai; "
            "realisasi berjarak 12,50 poin persen darinya.") in text
    assert "diperkirakan" not in text
    assert "Tren belum" not in text


def test_renstra_end_year_reached():
    history = renstra_history(2025)
    reached = nilai(19, 20, Period(2025), ind=history[-1].indikator)
    text = paragraphs(reached, history[1],
                      compare([*history[:2], reached], reached, history[1]))
    # 19/20 = 95,00% ≥ 92,50%.
    assert "Target akhir Renstra 92,50% tercapai." in text


def test_ended_renstra_not_compared():
    history = renstra_history(2024)
    comparison = compare(history, history[-1], history[1])
    assert (comparison.renstra_stage, comparison.gap, comparison.projection,
            comparison.renstra_reached, comparison.trend_reaches) == (
        "lewat", None, None, None, None)
    text = paragraphs(history[-1], history[1], comparison)
    assert ("Periode Renstra dengan target akhir 92,50% berakhir pada tahun 2024, sebelum "
            "Tahun 2025, sehingga realisasi ini tidak dibandingkan dengan target itu. "
            "Target akhir Renstra yang berlaku untuk IKU-1 belum tercantum dalam katalog "
            "IKU.") in text
    assert "target_renstra" not in text
    assert "berjarak" not in text
    assert "diperkirakan" not in text


def test_renstra_stage_of_quarters():
    quarters = [Period(2024, 2), Period(2025, 2)]
    in_end_year = renstra_history(2025, quarters)
    text = paragraphs(in_end_year[-1], in_end_year[0],
                      compare(in_end_year, in_end_year[-1], in_end_year[0]))
    assert ("Realisasi Triwulan II Tahun 2025 hanya mencakup 1 Januari 2025 sampai 30 Juni "
            "2025, belum setahun penuh, sehingga jaraknya ke target akhir Renstra 92,50% "
            "untuk tahun 2025 dinilai pada laporan tahunan.") in text
    assert "kumulatif" not in text
    after_end = renstra_history(2024, quarters)
    text = paragraphs(after_end[-1], after_end[0],
                      compare(after_end, after_end[-1], after_end[0]))
    assert "berakhir pada tahun 2024, sebelum Triwulan II Tahun 2025" in text


def test_renstra_fourth_quarter_is_full_year():
    quarters = [Period(2024, 4), Period(2025, 4)]
    history = renstra_history(2026, quarters)
    text = paragraphs(history[-1], history[0], compare(history, history[-1], history[0]))
    assert ("Realisasi Triwulan IV Tahun 2025 mencakup setahun penuh (1 Januari 2025 sampai "
            "31 Desember 2025), tetapi seperti pada laporan triwulan lain, jaraknya ke target "
            "akhir Renstra 92,50% untuk tahun 2026 dan arah trennya dinilai pada laporan "
            "tahunan.") in text
    assert "belum setahun penuh" not in text


def test_renstra_quarter_without_realisasi():
    ind = renstra_history(2026)[0].indikator
    n = evaluated(None, Period(2022, 1), ind=ind)
    text = renstra_sentence(compare([n], n, None))
    assert text.startswith("Tidak ada realisasi Triwulan I Tahun 2022 yang dapat "
                           "dibandingkan dengan target akhir Renstra 92,50% untuk tahun 2026.")
    assert "dinilai pada laporan tahunan" not in text


def test_renstra_trend_needs_two_years():
    text = paragraphs(nilai(8, 10, Period(2025)))
    assert "Tren belum dapat dinilai karena realisasi tahunan baru tersedia" in text


def test_renstra_missing():
    ind = IKU1.model_copy(update={"target_renstra": None})
    text = paragraphs(nilai(8, 10, Period(2025), ind=ind))
    assert "Target akhir Renstra untuk IKU-1 belum tercantum dalam katalog IKU." in text


def test_no_data_says_unavailable_without_advice():
    n = evaluated(None, Period(2025))
    text = summary(n)
    assert text == ("Data IKU-1 untuk Tahun 2025 tidak tersedia: register tidak memuat "
                    "catatan pada periode ini dan tidak ada baris rekap.")
    assert report_notes(n) == [text]
    # The command line keeps the advice for the data clerk.
    assert n.catatan[0] == (f"{text} Bila pada Tahun 2025 memang tidak ada kasus yang "
                            "dihitung, tambahkan baris rekap IKU-1 untuk periode itu dengan "
                            "pembilang 0 dan penyebut 0.")


def test_quarter_advice_keeps_rekap_cumulative():
    n = evaluated(None, Period(2025, 2))
    assert n.catatan[0].endswith(
        "dengan pembilang 0 dan penyebut 0. Angka triwulan kumulatif sejak Januari, jadi "
        "pembilang dan penyebut itu tidak boleh lebih kecil daripada baris rekap triwulan "
        "sebelumnya pada tahun yang sama.")


def test_no_data_note_not_repeated():
    assert extra_notes(evaluated(None, Period(2025))) == []


def test_missing_target_note_not_repeated():
    n = evaluated(Counts(3, 4, "register"), Period(2025), target=None)
    assert len(n.catatan) == 1
    assert "Target Tahun 2025 belum ditetapkan" in summary(n)
    assert extra_notes(n) == []


def test_target_note_kept_without_realisasi():
    # Without data the summary stops before the target, so the note about it stays.
    n = evaluated(None, Period(2025), target=None)
    assert extra_notes(n) == ["Target IKU-1 untuk Tahun 2025 belum ditetapkan, sehingga "
                              "capaian tidak dihitung."]


def test_zero_penyebut_note_names_cases():
    n = evaluated(Counts(0, 0, "register"), Period(2024))
    assert n.catatan[0] == ("Tidak ada kasus yang dihitung untuk IKU-1 pada Tahun 2024 "
                            "(penyebut 0), sehingga realisasi, capaian dan kategori tidak "
                            "dapat dihitung.")
    assert extra_notes(n) == []


def test_zero_penyebut_note_names_organisations_under_seratus():
    katalog = KATALOG.model_copy(update={"kebijakan": Kebijakan(penyebut_nol="seratus")})
    n = evaluated(Counts(0, 0, "register"), Period(2024), ind=IKU2, katalog=katalog)
    assert n.catatan[0] == ("Tidak ada organisasi yang dihitung untuk IKU-2 pada Tahun 2024 "
                            "(penyebut 0). Sesuai kebijakan katalog, realisasi dicatat 100%.")


def test_quarter_with_annual_target_says_so():
    text = summary(nilai(1, 10, Period(2025, 2), target="20"))
    assert "masih di bawah target tahunan 20,00%" in text
    quarterly = summary(nilai(1, 10, Period(2025, 2), target="20", target_asal="triwulan"))
    assert "masih di bawah target 20,00%" in quarterly


def test_year_target_not_called_annual():
    assert "target tahunan" not in summary(nilai(1, 10, Period(2025), target="20"))


def test_target_gap_from_printed_figures():
    # 7/9 = 77,777…% prints 77,78%: 82,125 − 77,78 = 4,345 points, printed with the
    # target's three decimals; the exact 82,125 − 700/9 = 4,347… would print 4,347.
    text = summary(nilai(7, 9, Period(2025), target="82.125"))
    assert "masih di bawah target 82,125% (kurang 4,345 poin persen)" in text


IKU3 = KATALOG.indikator[2]


def test_target_summary_all_met_uses_collective():
    period = Period(2025)
    met = [nilai(9, 10, period, ind=ind) for ind in (IKU1, IKU2, IKU3)]
    assert target_summary(met, period) == ("Ketiga indikator (IKU-1, IKU-2 dan IKU-3) "
                                           "mencapai atau melampaui targetnya.")
    assert target_summary(met[:2], period) == ("Kedua indikator (IKU-1 dan IKU-2) mencapai "
                                               "atau melampaui targetnya.")


def test_target_summary_single_judged_is_named():
    period = Period(2025)
    # IKU-2 reaches 90%; IKU-1 has no target and IKU-3 no data.
    rows = [nilai(9, 10, period, target=None), nilai(9, 10, period, ind=IKU2),
            evaluated(None, period, ind=IKU3)]
    text = target_summary(rows, period)
    assert text.startswith("Satu-satunya indikator yang dapat dinilai, IKU-2, mencapai "
                           "atau melampaui targetnya.")
    assert "IKU-1 belum dapat dinilai karena target Tahun 2025 belum ditetapkan." in text
    assert "IKU-3 belum dapat dinilai karena data Tahun 2025 tidak tersedia." in text


def test_target_summary_mixed_and_zero_penyebut():
    period = Period(2025)
    # IKU-1: 5/10 = 50% < 90%; IKU-2: 9/10 = 90% = 90%; IKU-3: penyebut 0.
    rows = [nilai(5, 10, period), nilai(9, 10, period, ind=IKU2),
            nilai(0, 0, period, ind=IKU3)]
    text = target_summary(rows, period)
    assert text.startswith("Satu dari dua indikator yang dapat dinilai mencapai atau "
                           "melampaui targetnya (IKU-2), sedangkan IKU-1 belum.")
    assert ("IKU-3 belum dapat dinilai karena realisasinya tidak dapat dihitung "
            "(penyebut 0).") in text


def test_target_summary_none_met():
    period = Period(2025)
    rows = [nilai(5, 10, period), nilai(1, 10, period, ind=IKU2)]
    assert target_summary(rows, period) == ("Kedua indikator (IKU-1 dan IKU-2) belum "
                                            "mencapai targetnya.")
    assert target_summary(rows[:1], period) == "IKU-1 belum mencapai targetnya."


def test_target_summary_nothing_judged():
    period = Period(2025)
    rows = [evaluated(None, period, target=None), nilai(0, 0, period, ind=IKU2, target=None)]
    text = target_summary(rows, period)
    assert text.startswith("Belum ada indikator yang dapat dibandingkan dengan target pada "
                           "Tahun 2025.")
    assert ("IKU-1 belum dapat dinilai karena data Tahun 2025 tidak tersedia dan targetnya "
            "belum ditetapkan.") in text
    assert ("IKU-2 belum dapat dinilai karena realisasinya tidak dapat dihitung "
            "(penyebut 0) dan target Tahun 2025 belum ditetapkan.") in text


def test_target_summary_many_indicators():
    period = Period(2025)
    rows = [nilai(9, 10, period, ind=IKU1.model_copy(update={"kode": f"IKU-{i}"}))
            for i in range(1, 12)]
    assert target_summary(rows, period).startswith("Seluruh 11 indikator (IKU-1, IKU-2")


def test_target_summary_names_annual_target_of_quarter():
    period = Period(2025, 2)
    # IKU-1 has a Triwulan II target; IKU-2 and IKU-3 fall back to the year's.
    rows = [nilai(9, 10, period, target_asal="triwulan"), nilai(9, 10, period, ind=IKU2),
            nilai(9, 10, period, ind=IKU3)]
    assert target_summary(rows, period) == (
        "Ketiga indikator (IKU-1, IKU-2 dan IKU-3) mencapai atau melampaui targetnya. "
        "Untuk IKU-2 dan IKU-3, realisasi Triwulan II Tahun 2025 dibandingkan dengan target "
        "tahunan, karena target triwulannya belum ditetapkan.")
    # A year's own target is not called annual.
    yearly = [nilai(9, 10, Period(2025), ind=IKU2)]
    assert "target tahunan" not in target_summary(yearly, Period(2025))
