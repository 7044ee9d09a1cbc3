"""Realisasi, capaian and kategori formulas, with hand-computed values."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from iku_nb.catalogue import SHIPPED_CATALOGUE, Kebijakan, load_catalogue
from iku_nb.count import Counts
from iku_nb.period import Period
from iku_nb.values import JSON_KEYS, Nilai, capaian, kategori, realisasi

SKALA = load_catalogue(SHIPPED_CATALOGUE).skala


def test_realisasi_is_exact_fraction():
    assert realisasi(1, 3, Kebijakan()) == Fraction(100, 3)


def test_realisasi_zero_penyebut_default_empty():
    assert realisasi(0, 0, Kebijakan()) is None


def test_realisasi_zero_penyebut_policy_seratus():
    assert realisasi(0, 0, Kebijakan(penyebut_nol="seratus")) == 100


def test_capaian_polaritas_positif():
    # 50 / 80 × 100 = 62.5
    assert capaian(Fraction(50), Decimal("80"), "positif", Kebijakan()) == Fraction(125, 2)


@pytest.mark.parametrize(("variant", "expected"), [
    ("2t-r", 120),   # (2 × 25 − 20) / 25 × 100
    ("t/r", 125),    # 25 / 20 × 100
    ("t-r", 20),     # (25 − 20) / 25 × 100
])
def test_capaian_polaritas_negatif(variant, expected):
    policy = Kebijakan(capaian_negatif=variant)
    assert capaian(Fraction(20), Decimal("25"), "negatif", policy) == expected


def test_capaian_target_zero_is_empty():
    assert capaian(Fraction(50), Decimal("0"), "positif", Kebijakan()) is None


def test_capaian_cap():
    policy = Kebijakan(batas_capaian=120)
    assert capaian(Fraction(90), Decimal("60"), "positif", policy) == 120


@pytest.mark.parametrize(("printed", "expected"), [
    ("91.00", "Sangat Tinggi"), ("90.99", "Tinggi"), ("76.00", "Tinggi"),
    ("75.99", "Sedang"), ("66.00", "Sedang"), ("65.99", "Rendah"), ("51.00", "Rendah"),
    ("50.99", "Sangat Rendah"), ("0.00", "Sangat Rendah"), ("141.92", "Sangat Tinggi"),
])
def test_kategori_bands(printed, expected):
    assert kategori(Decimal(printed), SKALA) == expected


def test_target_keeps_own_decimals_when_catalogue_has_fewer():
    ind = load_catalogue(SHIPPED_CATALOGUE).indikator[0].model_copy(update={"desimal": 0})
    nilai = Nilai(ind, Period(2025), Counts(1, 2, "register"), Fraction(50), Decimal("82.5"),
                  "tahunan", Fraction(50) / Fraction(165, 2) * 100, "Rendah")
    assert nilai.as_json()["target"] == 82.5
    # 50 / 82.5 × 100 = 60.606... printed with 0 decimals: 61.
    assert nilai.as_json()["capaian"] == 61.0
    assert nilai.as_json()["realisasi"] == 50.0


@pytest.mark.parametrize(("polaritas", "realisasi", "expected"), [
    ("positif", 80, True), ("positif", 79, False),
    ("negatif", 80, True), ("negatif", 50, True), ("negatif", 81, False),
])
def test_meets_target_by_polarity(polaritas, realisasi, expected):
    ind = load_catalogue(SHIPPED_CATALOGUE).indikator[0].model_copy(
        update={"polaritas": polaritas})
    value = Fraction(realisasi)
    nilai = Nilai(ind, Period(2025), Counts(realisasi, 100, "register"), value,
                  Decimal("80"), "tahunan", value, None)
    assert nilai.meets_target is expected


def test_json_record_has_contract_keys():
    ind = load_catalogue(SHIPPED_CATALOGUE).indikator[0]
    nilai = Nilai(ind, Period(2025, 2), None, None, None, None, None, None)
    record = nilai.as_json()
    assert tuple(record) == JSON_KEYS
    assert JSON_KEYS == ("kode", "tahun", "triwulan", "pembilang", "penyebut", "realisasi",
                         "target", "target_asal", "capaian", "kategori")
    assert record["triwulan"] == 2
    assert record["realisasi"] is None
