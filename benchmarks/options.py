"""Argument types shared by the benchmark scripts, with Indonesian messages."""

from __future__ import annotations

import argparse


def positive_int(value: str) -> int:
    """Parse a whole number of 1 or more, such as a repeat count or a row count."""
    text = value.strip()
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"{value!r} tidak sah: harus bilangan bulat 1 atau lebih, misalnya 5")
    return int(text)


def row_counts(value: str) -> list[int]:
    """Parse comma-separated row counts of 1 or more, such as 10000,100000."""
    counts = []
    for part in value.split(","):
        text = part.strip()
        if not text.isdigit() or int(text) < 1:
            where = f" di {value!r}" if part != value else ""
            raise argparse.ArgumentTypeError(
                f"{part!r}{where} tidak sah: setiap jumlah baris harus bilangan bulat 1 atau "
                "lebih, dipisah koma, misalnya 10000,100000")
        counts.append(int(text))
    return counts


def seed_number(value: str) -> int:
    """Parse a random seed: a whole number of 0 or more, as numpy accepts."""
    text = value.strip()
    if not text.isdigit():
        raise argparse.ArgumentTypeError(
            f"{value!r} tidak sah: benih harus bilangan bulat 0 atau lebih, misalnya 20251231")
    return int(text)
