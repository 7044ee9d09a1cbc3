"""Indonesian numbers, percentages, dates and period names."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest

from iku_nb.formatting import (
    angka,
    bilangan,
    bilangan_kata,
    bulan,
    daftar,
    detik,
    persen,
    poin_persen,
    rentang_tahun,
    round_half_up,
    rupiah,
    selisih,
    tanggal,
    triwulan,
    waktu,
    waktu_berkas,
    waktu_sekarang,
    waktu_tercatat,
)
from iku_nb.period import Period


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("12.345"), "12,35"), (Decimal("12.335"), "12,34"), (Fraction(1, 8), "0,13"),
    (Decimal("1234.5"), "1.234,50"), (0, "0,00"), (Fraction(200, 3), "66,67"),
])
def test_angka_half_up_with_decimal_comma(value, expected):
    assert angka(value) == expected


def test_negative_takes_minus_sign():
    assert angka(Decimal("-6.666")) == "−6,67"
    assert persen(Decimal("-6.666")) == "−6,67%"
    assert angka(Decimal("-0.001")) == "0,00"


def test_round_half_up_not_half_even():
    assert round_half_up(Fraction(1, 32) * 100, 2) == Decimal("3.13")
    assert round_half_up(Decimal("0.125"), 2) == Decimal("0.13")


def test_persen_and_empty():
    assert persen(Fraction(125, 2)) == "62,50%"
    assert persen(None) == "–"


def test_bilangan_thousands_dot():
    assert bilangan(915576000) == "915.576.000"


@pytest.mark.parametrize(("value", "words"), [
    (0, "nol"), (1, "satu"), (3, "tiga"), (10, "sepuluh"), (11, "sebelas"),
    (12, "dua belas"), (20, "dua puluh"), (21, "dua puluh satu"), (100, "seratus"),
    (111, "seratus sebelas"), (250, "dua ratus lima puluh"),
    (999, "sembilan ratus sembilan puluh sembilan"),
])
def test_bilangan_kata_words(value, words):
    assert bilangan_kata(value) == words


@pytest.mark.parametrize("value", [-1, 1000])
def test_bilangan_kata_out_of_range(value):
    with pytest.raises(ValueError, match="harus 0 sampai 999"):
        bilangan_kata(value)


@pytest.mark.parametrize(("seconds", "expected"),
                         [(900, "900"), (900.0, "900"), (0.5, "0,5"), (1800, "1.800"),
                          (2.25, "2,25")])
def test_detik_decimal_comma(seconds, expected):
    assert detik(seconds) == expected


def test_tanggal_indonesian_month():
    assert tanggal(date(2026, 2, 5)) == "5 Februari 2026"


@pytest.mark.parametrize(("triwulan", "end", "label"), [
    (None, date(2025, 12, 31), "Tahun 2025"), (1, date(2025, 3, 31), "Triwulan I Tahun 2025"),
    (2, date(2025, 6, 30), "Triwulan II Tahun 2025"),
    (3, date(2025, 9, 30), "Triwulan III Tahun 2025"),
    (4, date(2025, 12, 31), "Triwulan IV Tahun 2025"),
])
def test_period_end_and_label(triwulan, end, label):
    period = Period(2025, triwulan)
    assert period.start == date(2025, 1, 1)
    assert period.end == end
    assert period.label == label


def test_round_half_up_ignores_decimal_context():
    with localcontext() as context:
        context.prec = 3
        assert round_half_up(Fraction(31249, 10000), 2) == Decimal("3.12")
        assert str(round_half_up(Fraction(12345678, 100), 2)) == "123456.78"


def test_round_half_up_negative_away_from_zero():
    assert round_half_up(Decimal("-12.345"), 2) == Decimal("-12.35")


def test_period_words():
    assert triwulan(2) == "Triwulan II"
    assert triwulan(4, short=True) == "TW IV"
    assert bulan(2) == "Februari"
    assert Period(2025, 2).label == "Triwulan II Tahun 2025"
    assert Period(2025, 3).short_label == "TW III 2025"


def test_signed_change_and_points():
    assert selisih(Fraction(8, 51) * 100) == "+15,69"
    assert selisih(Fraction(-1, 8)) == "−0,13"
    assert selisih(Fraction(1, 1000)) == "0,00"
    assert poin_persen(Fraction(-25)) == "25,00 poin persen"


def test_daftar_joins_with_dan():
    assert daftar(["IKU-1"]) == "IKU-1"
    assert daftar(["IKU-1", "IKU-3"]) == "IKU-1 dan IKU-3"
    assert daftar(["a", "b", "c"]) == "a, b dan c"


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("1250000000"), "Rp1.250.000.000"), (Decimal("1250.50"), "Rp1.250,50"),
    (0, "Rp0"), (None, "–"),
])
def test_rupiah_thousands_dot(value, expected):
    assert rupiah(value) == expected


def test_waktu_indonesian_date_and_dotted_time():
    wib = timezone(timedelta(hours=7), "WIB")
    assert waktu(datetime(2025, 7, 1, 9, 5, tzinfo=wib)) == "1 Juli 2025 09.05 WIB"


@pytest.mark.parametrize(("moment", "expected"), [
    # 02.30 UTC is 09.30 WIB on the same day.
    (datetime(2025, 7, 1, 2, 30, tzinfo=UTC), "1 Juli 2025 09.30 WIB"),
    # 20.00 UTC on 31 December is already the new year in Mojokerto.
    (datetime(2025, 12, 31, 20, 0, tzinfo=UTC), "1 Januari 2026 03.00 WIB"),
    # Central European summer time is UTC+2, five hours behind WIB.
    (datetime(2025, 7, 1, 4, 30, tzinfo=timezone(timedelta(hours=2), "CEST")),
     "1 Juli 2025 09.30 WIB"),
])
def test_waktu_converts_to_wib(moment, expected):
    assert waktu(moment) == expected


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Jayapura"])
def test_waktu_ignores_machine_zone(monkeypatch, zone):
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert waktu_tercatat("2025-07-01T02:30:00+00:00") == "1 Juli 2025 09.30 WIB"
        assert waktu_berkas(1751337000.0) == "1 Juli 2025 09.30 WIB"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_waktu_tercatat_manifest_values():
    assert waktu_tercatat("tidak tercatat") == "tidak tercatat"
    assert waktu_tercatat(None) is None
    # A timestamp without a zone is UTC, as manifest.now() writes it.
    assert waktu_tercatat("2025-07-01T02:30:00") == "1 Juli 2025 09.30 WIB"


def test_waktu_sekarang_is_wib():
    before = datetime.now(UTC)
    printed = waktu_sekarang()
    after = datetime.now(UTC)
    expected = {waktu(before), waktu(after)}
    assert printed in expected


@pytest.mark.parametrize(("years", "expected"), [
    ([], "tidak ada"),
    ([2025], "2025"),
    ([2024, 2025], "2024–2025"),
    ([2021, 2023, 2024, 2025], "2021, 2023–2025"),
    ([2021, 2022, 2024], "2021–2022, 2024"),
])
def test_rentang_tahun_runs(years, expected):
    assert rentang_tahun(years) == expected
