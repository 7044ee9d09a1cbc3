"""Dates, numbers and text as users type them in spreadsheets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from iku_nb.parse import (
    canonical,
    closest,
    describe_characters,
    invisible_characters,
    marked_invisible,
    parse_date,
    parse_integer,
    parse_number,
    parse_rupiah,
    parse_scientific,
    shown,
    unseen_difference,
    without_invisible,
)


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-03-10", date(2025, 3, 10)),
    ("2025-03-10 00:00:00", date(2025, 3, 10)),
    ("10/03/2025", date(2025, 3, 10)),
    ("1/2/2025", date(2025, 2, 1)),
    ("10.03.2025", date(2025, 3, 10)),
    ("10-03-2025", date(2025, 3, 10)),
    (" 10/03/2025 ", date(2025, 3, 10)),
    (datetime(2025, 3, 10, 0, 0), date(2025, 3, 10)),
    (datetime(2025, 3, 10, 14, 30), date(2025, 3, 10)),
    (date(2025, 3, 10), date(2025, 3, 10)),
])
def test_parse_date_reads(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [
    "31/02/2025", "03/25/2025", "10/03/25", "10/03-2025", "12 Maret 2025", "2025-13-05",
    "", "abc", 45000, 45000.0, None,
])
def test_parse_date_rejects(value):
    assert parse_date(value) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("72,5", Decimal("72.5")),
    ("72.5", Decimal("72.5")),
    ("1.234,5", Decimal("1234.5")),
    ("1,234.5", Decimal("1234.5")),
    ("80%", Decimal("80")),
    (" 80 % ", Decimal("80")),
    ("1 234,5", Decimal("1234.5")),
    ("1\u00a0234", Decimal("1234")),
    ("1\u2009234,5", Decimal("1234.5")),
    ("-1 234 567", Decimal("-1234567")),
    ("-5", Decimal("-5")),
    ("2025.0", Decimal("2025.0")),
    (72, Decimal("72")),
    (72.5, Decimal("72.5")),
    (89.99999999999999, Decimal("90")),  # =0,9*100 in Excel
    (0.1 + 0.2, Decimal("0.3")),
    (5.0, Decimal("5")),
])
def test_parse_number_reads(value, expected):
    assert parse_number(value) == expected


@pytest.mark.parametrize("value", [
    "abc", "1,2,3", "1.2.3", "1.23,4", "", True, float("nan"), float("inf"), None,
    "8 0", "12 34", "1 2345",
])
def test_parse_number_rejects(value):
    assert parse_number(value) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("12", 12), ("12,0", 12), ("2025.0", 2025), (2025.0, 2025), ("12,5", None),
    ("1.234", None), ("dua", None),
])
def test_parse_integer(value, expected):
    assert parse_integer(value) == expected


def test_canonical_ignores_case_and_spaces():
    assert canonical("  SELESAI ", ["selesai", "proses"]) == "selesai"
    assert canonical("prajurit   kulon", ["Prajurit Kulon"]) == "Prajurit Kulon"
    assert canonical("selesei", ["selesai", "proses"]) is None


def test_closest_suggests_near_name():
    assert closest("Magersary", ["Magersari", "Kranggan"]) == "Magersari"
    assert closest("zzz", ["Magersari", "Kranggan"]) is None


def test_closest_skips_other_numbers():
    assert closest("IKU-9", ["IKU-1", "IKU-2", "IKU-3"]) is None
    assert closest("IKU 3", ["IKU-1", "IKU-2", "IKU-3"]) == "IKU-3"
    assert closest("ORG-01", ["ORG-001", "ORG-002"]) == "ORG-001"


@pytest.mark.parametrize("value", ["31/03/2025 23:59", "2025-03-31 14:30:00",
                                   "31.03.2025 08.15", "2025-03-31T00:00:00"])
def test_parse_date_drops_time_part(value):
    assert parse_date(value) == date(2025, 3, 31)


@pytest.mark.parametrize(("value", "expected"), [
    ("1.250.000.000", Decimal("1250000000")), ("Rp1.250.000", Decimal("1250000")),
    ("Rp. 2.000.000", Decimal("2000000")), ("rp 1.250.000,50", Decimal("1250000.50")),
    ("1250000", Decimal("1250000")), ("1.250", Decimal("1250")), (1250000, Decimal("1250000")),
    (1250000.5, Decimal("1250000.5")),
    ("1,250.00", None), ("12.50", None), ("-5", None), ("satu juta", None), (True, None),
])
def test_parse_rupiah(value, expected):
    assert parse_rupiah(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (0.9, "0,9"), (2.0, "2"), (Decimal("82.5"), "82,5"), ("0.9", "0.9"), (7, "7"),
    (date(2025, 3, 10), "2025-03-10"),
])
def test_shown_numbers_with_decimal_comma(value, expected):
    assert shown(value) == expected


@pytest.mark.parametrize(("text", "found"), [
    ("ORG-001", []),
    ("K-2025-\u200b004", ["\u200b"]),
    ("\ufeffORG-\u200b0\u200b1", ["\ufeff", "\u200b"]),
    ("a\u00adb\u2060c\u200ed\x00e\u3164f\ufe0fg", ["\u00ad", "\u2060", "\u200e", "\x00",
                                                   "\u3164", "\ufe0f"]),
    # Whitespace is collapsed into spaces instead, and letters of any script are seen.
    ("a\u00a0b\tc\u3000d\x1fé\u041e", []),
])
def test_invisible_characters(text, found):
    assert invisible_characters(text) == found


def test_invisible_characters_marked_and_removed():
    assert marked_invisible("\ufeffORG-0\u200b10") == "<U+FEFF>ORG-0<U+200B>10"
    assert without_invisible("\ufeffORG-0\u200b10") == "ORG-010"


def test_characters_described_by_name():
    assert describe_characters(["\u200b", "\x00"]) == "U+200B (ZERO WIDTH SPACE), U+0000"


@pytest.mark.parametrize(("value", "hint", "named"), [
    ("politik", "politik", None),
    ("politk", "politik", None),
    ("p\u043elitik", "politik", "U+043E (CYRILLIC SMALL LETTER O)"),
    ("politik", "p\u043elitik", "U+043E (CYRILLIC SMALL LETTER O)"),
    ("ORG\u2011001", "ORG-001", "U+2011 (NON-BREAKING HYPHEN)"),
    ("Méri", "Méri ", None),
])
def test_unseen_difference(value, hint, named):
    note = unseen_difference(value, hint)
    if named is None:
        assert note == ""
    else:
        assert named in note


@pytest.mark.parametrize(("value", "expected"), [
    (1e300, "1E+300"),
    (1.5e20, "1,5E+20"),
    (-2.5e17, "-2,5E+17"),
    (1e15, "1E+15"),
    (999999999999999.0, "999999999999999"),
    (True, "TRUE"),
    (False, "FALSE"),
])
def test_shown_large_numbers_and_booleans(value, expected):
    assert shown(value) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1e308", Decimal("1e308")),
    (" 1,5E+20 ", Decimal("1.5e20")),
    ("-2E-3", Decimal("-0.002")),
    ("1e", None),
    ("E5", None),
    ("80", None),
    (1e308, None),
])
def test_parse_scientific(text, expected):
    assert parse_scientific(text) == expected
