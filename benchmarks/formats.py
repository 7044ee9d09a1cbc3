"""Number formats of the benchmark tables, written as the Indonesian documentation writes them."""

from __future__ import annotations


def number(value: float, digits: int) -> str:
    """Format with a decimal comma and a thousands point, such as 7,3 or 1.100."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def count(value: int) -> str:
    """Format a whole number with a thousands point, such as 1.000.000."""
    return number(value, 0)
