"""Generated sentences: hand-worked figures in every case the template distinguishes."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from iku_nb.catalogue import SHIPPED_CATALOGUE, TargetRenstra, load_catalogue
from iku_nb.comparison import compare
from iku_nb.count import Counts
from iku_nb.period import Period
from iku_nb.report.narrative import summary
from iku_nb.values import Nilai

KATALOG = load_catalogue(SHIPPED_CATALOGUE)
IKU1 = KATALOG.indikator[0]
IKU2 = KATALOG.indikator[1]


def nilai(pembilang: int, penyebut: int, period: Period, target: str | None = "90",
          ind=IKU1, asal: str = "register", keterangan: str | None = None) -> Nilai:
    value = None if penyebut == 0 else Fraction(pembilang, penyebut) * 100
    goal = None if target is None else Decimal(target)
    achieved = None if value is None or goal is None else value / Fraction(goal) * 100
    counts = Counts(pembilang, penyebut, asal, keterangan=keterangan,
                    rekap_baris=2 if asal == "rekap" else None)
    return Nilai(ind, period, counts, value, goal, "tahunan", achieved,
                 None if achieved is None else "Tinggi")


def test_change_from_exact_values():
    current = nilai(4, 6, Period(2025, 1))
    previous = nilai(14, 17, Period(2024, 1))
    # 14/17 − 4/6 = 8/51 = 15,686… points: 15,69, not 82,35 − 66,67 = 15,68.
    assert ("Dibandingkan Triwulan I Tahun 2024 (82,35%), realisasi turun 15,69 poin persen."
            in summary(current, previous))


def test_unchanged_realisasi():
    text = summary(nilai(1, 2, Period(2025)), nilai(2, 4, Period(2024)))
    assert "Realisasi ini sama dengan Tahun 2024 (50,00%)." in text


def test_several_cases_counts_and_capaian():
    # 16 of 19: 84,2105…% → 84,21%; 90 − 84,2105… = 5,789… → 5,79 points;
    # capaian 84,2105…/90 × 100 = 93,567… → 93,57%.
    text = summary(nilai(16, 19, Period(2025)), None)
    assert ("tercatat 19 kasus yang masuk hitungan IKU-1; 16 kasus di antaranya telah "
            "diselesaikan paling lambat 31 Desember 2025 dan 3 kasus belum.") in text
    assert ("Realisasi IKU-1 sebesar 84,21%, masih di bawah target 90,00% "
            "(kurang 5,79 poin persen)") in text
    assert "capaian kinerjanya 93,57% dengan kategori Tinggi." in text
    assert "Tidak ada data Tahun 2024 sebagai pembanding." in text


def test_singular_case():
    text = summary(nilai(1, 1, Period(2025)), None)
    assert ("tercatat 1 kasus yang masuk hitungan IKU-1, dan kasus tersebut telah "
            "diselesaikan paling lambat 31 Desember 2025.") in text
    assert "1 dari 1" not in text
    assert "kasus-kasus" not in text


def test_singular_case_unresolved():
    text = summary(nilai(0, 1, Period(2025)), None)
    assert "kasus tersebut belum diselesaikan sampai 31 Desember 2025." in text


def test_singular_organisation():
    text = summary(nilai(1, 1, Period(2025), ind=IKU2), None)
    assert ("tercatat 1 organisasi yang terdaftar dan aktif, dan organisasi tersebut "
            "berpartisipasi dalam paling sedikit satu kegiatan pembangunan.") in text


def test_zero_penyebut():
    text = summary(nilai(0, 0, Period(2025)), None)
    assert "tidak ada kasus yang masuk hitungan IKU-1." in text
    assert ("Karena penyebutnya 0, realisasi, capaian dan kategori IKU-1 tidak dapat "
            "dihitung.") in text
    assert "Realisasi IKU-1 sebesar" not in text


def test_target_met_exactly():
    # 9 of 10 = 90,00% against target 90: capaian exactly 100,00%.
    text = summary(nilai(9, 10, Period(2025)), None)
    assert "Realisasi IKU-1 sebesar 90,00%, tepat sama dengan target 90,00%" in text
    assert "capaian kinerjanya 100,00% dengan kategori" in text
    assert "di atas 100%" not in text


def test_capaian_above_hundred():
    # All 5 resolved: 100% against target 80: capaian 125,00%.
    text = summary(nilai(5, 5, Period(2025), target="80"), None)
    assert "seluruhnya telah diselesaikan" in text
    assert "melampaui target 80,00%" in text
    assert "capaian kinerjanya 125,00%, di atas 100%, dengan kategori Tinggi." in text


def test_missing_target():
    text = summary(nilai(3, 4, Period(2025), target=None), None)
    assert ("Realisasi IKU-1 sebesar 75,00%. Target Tahun 2025 belum ditetapkan, sehingga "
            "capaian dan kategori belum dapat dihitung.") in text


def test_rekap_year():
    text = summary(nilai(12, 15, Period(2022), target="82.5", asal="rekap",
                         keterangan="Rekap manual LKjIP 2022"), None)
    assert text.startswith("Menurut rekap (Rekap manual LKjIP 2022), tercatat 15 kasus")
    # 12/15 = 80%; 82,5 − 80 = 2,50 points; 80/82,5 × 100 = 96,969… → 96,97%.
    assert "(kurang 2,50 poin persen)" in text
    assert "capaian kinerjanya 96,97%" in text


def test_negative_polarity_below_target_is_better():
    negative = IKU1.model_copy(update={"polaritas": "negatif"})
    text = summary(nilai(1, 10, Period(2025), target="20", ind=negative), None)
    assert ("Realisasi IKU-1 sebesar 10,00%, lebih rendah dari target 20,00%; karena "
            "indikator ini berpolaritas negatif (makin rendah makin baik), kinerjanya lebih "
            "baik dari target") in text


def test_negative_polarity_rise_is_worse():
    negative = IKU1.model_copy(update={"polaritas": "negatif"})
    current = nilai(3, 10, Period(2025), target="20", ind=negative)
    previous = nilai(1, 10, Period(2024), target="20", ind=negative)
    text = summary(current, previous)
    assert "lebih tinggi dari target 20,00%" in text
    assert "kinerjanya lebih buruk dari target" in text
    assert ("realisasi naik 20,00 poin persen, yang bagi indikator berpolaritas negatif "
            "berarti kinerja memburuk.") in text


def test_positive_polarity_below_target():
    text = summary(nilai(1, 10, Period(2025), target="20"), None)
    assert "masih di bawah target 20,00% (kurang 10,00 poin persen)" in text


def test_renstra_gap_and_trend():
    ind = IKU1.model_copy(update={"target_renstra": TargetRenstra(tahun=2026,
                                                                 nilai=Decimal("92.5"))})
    history = [nilai(6, 10, Period(2023), ind=ind), nilai(7, 10, Period(2024), ind=ind),
               nilai(8, 10, Period(2025), ind=ind)]
    comparison = compare(history, history[-1], history[1])
    text = summary(history[-1], history[1], comparison)
    # 92,5 − 80 = 12,50 points; the line 60, 70, 80 rises 10 a year: 90,00% in 2026.
    assert ("masih berjarak 12,50 poin persen dari target akhir Renstra 92,50% untuk "
            "tahun 2026.") in text
    assert ("Bila tren realisasi tahunan 2023–2025 berlanjut, realisasi tahun 2026 "
            "diperkirakan 90,00%, sehingga target akhir Renstra diperkirakan belum "
            "tercapai.") in text


def test_renstra_trend_needs_two_years():
    text = summary(nilai(8, 10, Period(2025)), None)
    assert "Tren belum dapat dinilai karena realisasi tahunan baru tersedia" in text


def test_renstra_missing():
    ind = IKU1.model_copy(update={"target_renstra": None})
    text = summary(nilai(8, 10, Period(2025), ind=ind), None)
    assert "Target akhir Renstra IKU-1 belum dicantumkan di katalog." in text
