"""Generated sentences: exact changes and polarity-aware wording."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from iku_nb.catalogue import SHIPPED_CATALOGUE, load_catalogue
from iku_nb.count import Counts
from iku_nb.period import Period
from iku_nb.report.narrative import summary
from iku_nb.values import Nilai

IKU1 = load_catalogue(SHIPPED_CATALOGUE).indikator[0]


def nilai(pembilang: int, penyebut: int, period: Period, target: str = "90",
          ind=IKU1) -> Nilai:
    value = Fraction(pembilang, penyebut) * 100
    return Nilai(ind, period, Counts(pembilang, penyebut, "register"), value,
                 Decimal(target), "tahunan", value / Fraction(Decimal(target)) * 100, "Tinggi")


def test_change_from_exact_values():
    current = nilai(4, 6, Period(2025, 1))
    previous = nilai(14, 17, Period(2024, 1))
    # 14/17 − 4/6 = 8/51 = 15,686… points: 15,69, not 82,35 − 66,67 = 15,68.
    assert "turun 15,69 poin persen dari Triwulan I Tahun 2024 (82,35%)" in summary(
        current, previous)


def test_unchanged_realisasi():
    text = summary(nilai(1, 2, Period(2025)), nilai(2, 4, Period(2024)))
    assert "sama dengan Tahun 2024 (50,00%)" in text


def test_negative_polarity_below_target_is_better():
    negative = IKU1.model_copy(update={"polaritas": "negatif"})
    text = summary(nilai(1, 10, Period(2025), target="20", ind=negative), None)
    assert "(lebih baik dari target)" in text


def test_positive_polarity_below_target():
    text = summary(nilai(1, 10, Period(2025), target="20"), None)
    assert "(di bawah target)" in text
