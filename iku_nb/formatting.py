"""Write numbers, percentages, dates and periods the Indonesian way.

Every printed ``62,50%``, ``1.234``, ``5 Februari 2026`` or ``Triwulan II`` of
the reports, charts and command line comes from this module.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "id_ID"
EMPTY = "–"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# Kota Mojokerto keeps Western Indonesian Time (UTC+7, no daylight saving).
# Every printed moment is in WIB whatever zone the machine is set to, so a
# server on UTC and an office PC print the same time. The tzdata package
# supplies the zone where the system has no zone database (Windows, slim
# containers).
WIB = ZoneInfo("Asia/Jakarta")


def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Round ``value`` to ``places`` decimals, halves away from zero, as done by hand.

    A :class:`~fractions.Fraction` is rounded exactly, so 1/32 × 100 = 3.125
    becomes 3.13 (round-half-even would give 3.12).
    """
    # Integer arithmetic on the exact fraction, so neither a Decimal context
    # nor binary floats can round twice. Halves go away from zero.
    exact = Fraction(value) * 10**places
    units = math.floor(abs(exact) + Fraction(1, 2))
    # A Decimal built from a string is exact under any context precision.
    return Decimal(f"{units if exact >= 0 else -units}E{-places}")


def angka(value: Fraction | Decimal | int | None, desimal: int = 2) -> str:
    """Format a number with decimal comma and thousands dot: ``1.234,50``, ``−6,67``.

    A negative number takes the minus sign (U+2212), as changes do in selisih.
    """
    if value is None:
        return EMPTY
    rounded = round_half_up(value, desimal)
    pattern = "#,##0" + ("." + "0" * desimal if desimal else "")
    text = format_decimal(abs(rounded), format=pattern, locale=LOCALE)
    return f"−{text}" if rounded < 0 else text


def persen(value: Fraction | Decimal | int | None, desimal: int = 2) -> str:
    """Format a percentage: ``62,50%``; an empty value becomes ``–``."""
    return EMPTY if value is None else angka(value, desimal) + "%"


def bilangan(value: int | None) -> str:
    """Format a count with a thousands dot: ``1.234``."""
    return EMPTY if value is None else format_decimal(value, format="#,##0", locale=LOCALE)


UNITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan",
         "sembilan")


def bilangan_kata(value: int) -> str:
    """Write a count from 0 to 999 in words: 3 gives ``tiga``, 11 ``sebelas``.

    Indonesian spells out a number that opens a sentence. Raises ValueError
    outside 0 to 999.
    """
    if not 0 <= value < 1000:
        raise ValueError(f"bilangan {value!r} tidak dapat ditulis dengan kata: harus 0 "
                         "sampai 999")
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    words = []
    if hundreds:
        words.append("seratus" if hundreds == 1 else f"{UNITS[hundreds]} ratus")
    if tens == 1:
        words.append({0: "sepuluh", 1: "sebelas"}.get(units, f"{UNITS[units]} belas"))
    else:
        if tens:
            words.append(f"{UNITS[tens]} puluh")
        if units or not words:
            words.append(UNITS[units])
    return " ".join(words)


def rupiah(value: Decimal | int | None) -> str:
    """Format rupiah as an Indonesian report does: ``Rp1.250.000``, or ``Rp1.250,50`` with sen."""
    if value is None:
        return EMPTY
    pattern = "#,##0" if Decimal(value) == Decimal(value).to_integral_value() else "#,##0.00"
    return "Rp" + format_decimal(value, format=pattern, locale=LOCALE)


def detik(seconds: float) -> str:
    """Format a duration in seconds without trailing zeros: ``900``, ``0,5``, ``1.800``."""
    return format_decimal(seconds, format="#,##0.###", locale=LOCALE)


def tanggal(day: date | None) -> str:
    """Format a date as ``5 Februari 2026``."""
    return EMPTY if day is None else format_date(day, "d MMMM y", locale=LOCALE)


def waktu(moment: datetime) -> str:
    """Format a moment in WIB as ``1 Juli 2025 09.30 WIB``.

    Indonesian writes the time with a dot between hours and minutes. A moment
    without a zone is taken as the machine's local time, as
    :meth:`datetime.astimezone` does.
    """
    moment = moment.astimezone(WIB)
    return f"{tanggal(moment.date())} {moment:%H.%M} WIB"


def waktu_berkas(timestamp: float) -> str:
    """Format a file's modification time (seconds since the epoch) in WIB."""
    return waktu(datetime.fromtimestamp(timestamp, WIB))


def waktu_sekarang() -> str:
    """Format the current moment in WIB."""
    return waktu(datetime.now(WIB))


def waktu_tercatat(value: object) -> str | None:
    """Format an ISO timestamp from a manifest in WIB: ``1 Juli 2025 09.30 WIB``.

    A timestamp without a zone is taken as UTC, and text that is not a
    timestamp is returned as written; anything else gives None.
    """
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return waktu(moment)


def poin_persen(value: Fraction | Decimal | int | None, desimal: int = 2) -> str:
    """Format a difference of two percentages: ``15,69 poin persen`` (sign dropped)."""
    return EMPTY if value is None else angka(abs(value), desimal) + " poin persen"


def bulan(month: int) -> str:
    """Return the month's Indonesian name: 2 gives ``Februari``."""
    return format_date(date(2000, month, 1), "MMMM", locale=LOCALE)


def triwulan(number: int, short: bool = False) -> str:
    """Return ``Triwulan II`` (or ``TW II`` with ``short``) for quarter 2."""
    if number not in ROMAN:
        raise ValueError(f"triwulan {number!r} tidak sah: harus 1, 2, 3 atau 4")
    return ("TW " if short else "Triwulan ") + ROMAN[number]


def triwulan_of(day: date) -> int:
    """Return the quarter (1 to 4) a date falls in."""
    return (day.month - 1) // 3 + 1


def selisih(value: Fraction | Decimal | int | None, desimal: int = 2) -> str:
    """Format a signed change: ``+3,00``, ``−1,25`` (minus sign) or ``0,00``."""
    if value is None:
        return EMPTY
    rounded = round_half_up(value, desimal)
    if rounded == 0:
        return angka(0, desimal)
    return ("+" if rounded > 0 else "−") + angka(abs(rounded), desimal)


def daftar(items: list[str]) -> str:
    """Join items the Indonesian way: ``A``, ``A dan B``, ``A, B dan C``."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " dan " + items[-1]


def runs(numbers: list[int]) -> list[str]:
    """Write sorted whole numbers as runs: [3, 4, 5, 9] gives ``["3–5", "9"]``."""
    if not numbers:
        return []
    written = []
    first = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        written.append(str(first) if first == previous else f"{first}–{previous}")
        if number is not None:
            first = previous = number
    return written


def rentang_tahun(years: list[int]) -> str:
    """Write sorted years as runs: 2021, 2023, 2024 and 2025 give ``2021, 2023–2025``.

    No years gives ``tidak ada``.
    """
    return ", ".join(runs(years)) or "tidak ada"
