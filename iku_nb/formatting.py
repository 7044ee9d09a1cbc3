"""Write numbers, percentages and dates the Indonesian way (``62,50%``, ``5 Februari 2026``)."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
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
    # Integer arithmetic on the exact fraction, so neither a Decimal context
    # nor binary floats can round twice. Halves go away from zero.
    exact = Fraction(value) * 10**places
    units = math.floor(abs(exact) + Fraction(1, 2))
    # A Decimal built from a string is exact under any context precision.
    return Decimal(f"{units if exact >= 0 else -units}E{-places}")


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
