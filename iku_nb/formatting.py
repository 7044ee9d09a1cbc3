"""Write numbers, percentages and dates the Indonesian way (``62,50%``, ``5 Februari 2026``)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "id_ID"
EMPTY = "–"


def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Round ``value`` to ``places`` decimals, halves away from zero, as done by hand.

    A :class:`~fractions.Fraction` is rounded exactly, so 1/32 × 100 = 3.125
    becomes 3.13 (round-half-even would give 3.12).
    """
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
        # Fractions with long expansions are cut at 28 digits by the default
        # context, far below any printed place.
    quantum = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def angka(value: Fraction | Decimal | int | None, desimal: int = 2) -> str:
    """Format a number with decimal comma and thousands dot: ``1.234,50``."""
    if value is None:
        return EMPTY
    rounded = round_half_up(value, desimal)
    pattern = "#,##0" + ("." + "0" * desimal if desimal else "")
    return format_decimal(rounded, format=pattern, locale=LOCALE)


def persen(value: Fraction | Decimal | int | None, desimal: int = 2) -> str:
    """Format a percentage: ``62,50%``; an empty value becomes ``–``."""
    return EMPTY if value is None else angka(value, desimal) + "%"


def bilangan(value: int | None) -> str:
    """Format a count with a thousands dot: ``1.234``."""
    return EMPTY if value is None else format_decimal(value, format="#,##0", locale=LOCALE)


def tanggal(day: date | None) -> str:
    """Format a date as ``5 Februari 2026``."""
    return EMPTY if day is None else format_date(day, "d MMMM y", locale=LOCALE)
