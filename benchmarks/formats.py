"""Number formats of the benchmark tables, written as the Indonesian documentation writes them."""

from __future__ import annotations


def number(value: float, digits: int) -> str:
    """Format with a decimal comma and a thousands point, such as 7,3 or 1.100.

    A value that rounds to zero prints without a minus sign (``z``, Python 3.11).
    """
    text = f"{value:z,.{digits}f}"
    return _indonesian(text)


def count(value: int) -> str:
    """Format a whole number with a thousands point, such as 1.000.000.

    The int is formatted as it is, so counts above 2**53 keep every digit.
    """
    return _indonesian(f"{value:,}")


def _indonesian(text: str) -> str:
    return text.replace(",", "_").replace(".", ",").replace("_", ".")
