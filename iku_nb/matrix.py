"""Expand the ``laporan`` options into the list of reports to run.

The matrix is every tahun × (the yearly report, or each requested triwulan)
× (the office-wide report and/or the requested bidang). ``bidang`` decides
the third axis:

* not given: only the office-wide report (``laporan_tahunan``);
* ``semua``: the office-wide report plus one report per bidang of the catalogue;
* a list of codes such as ``poldagri`` or ``poldagri,hanbang``: only those
  bidang reports, without the office-wide one.

Every value is checked before any report starts, and all problems are
reported together in one ParameterError.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from iku_nb.catalogue import Katalog
from iku_nb.errors import ParameterError
from iku_nb.formatting import rentang_tahun
from iku_nb.params import NAMES, ROMAN_QUARTERS, parse_parameters, written
from iku_nb.parse import canonical, closest
from iku_nb.period import MAX_YEAR, MIN_YEAR
from iku_nb.run import ReportSpec
from iku_nb.yamlfile import read_mapping

log = logging.getLogger("iku_nb")

ALL = "semua"
FORMATS = ("html", "pdf")
MATRIX_NAMES = ("tahun", "triwulan", "bidang")
_RANGE = re.compile(r"^\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?$")


def read_parameters_file(path: Path) -> dict[str, Any]:
    """Read a papermill-style YAML parameters file into a mapping.

    Raises
    ------
    ParameterError
        When the file is missing, is not YAML, or is not a mapping.
    """
    raw = read_mapping(Path(path), ParameterError, "Berkas parameter") or {}
    return {str(name): value for name, value in raw.items()}


def merge_parameters(file_values: dict[str, Any], pairs: Iterable[tuple[str, str]],
                     options: dict[str, Any]) -> dict[str, Any]:
    """Merge parameter sources; later sources win: file, then ``-p`` pairs, then options.

    Options whose value is None were not given on the command line and are skipped.
    """
    merged: dict[str, Any] = {}
    on_command_line = {name: value for name, value in options.items() if value is not None}
    pair_values: dict[str, str] = {}
    for name, value in pairs:
        if name in pair_values and pair_values[name] != value:
            raise ParameterError(
                f"-p {name} diberikan dua kali ({pair_values[name]!r} dan {value!r}); berikan "
                "sekali saja, misalnya -p tahun 2024,2025 untuk beberapa tahun.")
        pair_values[name] = value
    sources = (("-f", file_values), ("-p", pair_values), ("opsi", on_command_line))
    given_in: dict[str, str] = {}
    for label, source in sources:
        for name, value in source.items():
            where = f"--{name}" if label == "opsi" else label
            if name in merged and _as_read(name, merged[name]) != _as_read(name, value):
                # The later source wins, but a silently dropped value hides a typo.
                log.warning("parameter %s %s dari %s diganti %s dari %s", name,
                            _as_typed(merged[name]), given_in[name], _as_typed(value), where)
            merged[name] = value
            given_in[name] = where
    return merged


def _as_read(name: str, value: Any) -> object:
    """Return a value of tahun, triwulan or bidang as they are read: 1, " 1" and "01" alike.

    Their text is compared without surrounding spaces and case, and whole
    numbers as numbers. Other parameters, such as paths, are compared as given.
    """
    if name not in MATRIX_NAMES or isinstance(value, bool) or not isinstance(value, (str, int)):
        return value
    text = str(value).strip()
    return int(text) if re.fullmatch(r"[+-]?\d+", text) else text.casefold()


def _as_typed(value: Any) -> str:
    """Write a value as typed on the command line, where 2024 and "2024" look the same.

    Empty text is written "(kosong)", and text with spaces around it is quoted.
    """
    if not isinstance(value, str):
        return written(value)
    if not value.strip():
        return "(kosong)"
    return value if value == value.strip() else repr(value)


def check_before_data(raw: dict[str, Any], formats: str | Iterable[str]) -> None:
    """Raise ParameterError for the parameters that can be judged without the data.

    Those are unknown names, tahun, triwulan and formats, so that a typo is
    reported alone, before the data folder is read and its warnings printed.
    :func:`expand` checks them again with bidang and the years of the data.
    """
    problems: list[str] = []
    _check_names(raw, problems)
    parse_tahun(raw.get("tahun"), problems)
    parse_triwulan(raw.get("triwulan"), problems)
    parse_formats(formats, problems)
    _raise_if_any(problems)


def _raise_if_any(problems: list[str]) -> None:
    """Raise ParameterError listing ``problems``, one item each, unless there are none."""
    if problems:
        raise ParameterError("Parameter tidak sah:\n" + "\n".join(f"  - {p}" for p in problems))


def _check_names(raw: dict[str, Any], problems: list[str]) -> None:
    for name in sorted(set(raw) - set(NAMES)):
        guess = closest(name, list(NAMES))
        problems.append(f"parameter {name!r} tidak dikenal"
                        + (f"; maksudnya {guess!r}?" if guess else "")
                        + f" (yang dikenal: {', '.join(NAMES)})")


def expand(raw: dict[str, Any], formats: str | Iterable[str], katalog: Katalog,
           years: list[int] | None = None) -> list[ReportSpec]:
    """Return the reports of the matrix described by ``raw``, in run order.

    ``raw`` contains the parameter names of params.NAMES; ``tahun``, ``triwulan``
    and ``bidang`` may use the matrix forms (``2023-2025``, ``2024,2025``,
    ``semua``, YAML lists). ``years`` are the years that the data covers;
    when given, a tahun outside them is rejected.

    Raises
    ------
    ParameterError
        Listing every invalid value with the valid ones.
    """
    problems: list[str] = []
    _check_names(raw, problems)
    tahun_list = parse_tahun(raw.get("tahun"), problems)
    if years is not None:
        outside = [t for t in tahun_list if t not in years]
        if outside:
            problems.append(f"tahun {', '.join(map(str, outside))} tidak tercakup data "
                            f"pemantauan (tahun yang ada: {rentang_tahun(years)})")
    triwulan_list = parse_triwulan(raw.get("triwulan"), problems)
    bidang_list = parse_bidang(raw.get("bidang"), katalog, problems)
    format_tuple = parse_formats(formats, problems)
    _raise_if_any(problems)

    rest = {name: value for name, value in raw.items() if name not in MATRIX_NAMES}
    specs = []
    for tahun in tahun_list:
        for triwulan in triwulan_list:
            for bidang in bidang_list:
                params = parse_parameters(
                    {**rest, "tahun": tahun, "triwulan": triwulan, "bidang": bidang}, katalog)
                specs.append(ReportSpec(params, format_tuple))
    return specs


def parse_tahun(value: Any, problems: list[str]) -> list[int]:
    """Return the sorted years of ``2025``, ``2024,2025``, ``2023-2025`` or a YAML list."""
    hint = "gunakan tahun empat angka, daftar, atau rentang: 2025, 2024,2025 atau 2023-2025"
    if _empty(value):
        problems.append(f"tahun wajib diisi ({hint})")
        return []
    years: set[int] = set()
    for item in _items(value):
        match = _RANGE.match(item)
        if match is None:
            problems.append(f"tahun {item!r} tidak sah ({hint})")
            continue
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if not (MIN_YEAR <= first <= MAX_YEAR and MIN_YEAR <= last <= MAX_YEAR):
            problems.append(f"tahun {item!r} tidak sah ({hint})")
        elif last < first:
            problems.append(f"rentang tahun {item!r} terbalik: tulis tahun awal lebih dulu, "
                            f"misalnya {last}-{first}")
        else:
            years.update(range(first, last + 1))
    return sorted(years)


def parse_triwulan(value: Any, problems: list[str]) -> list[int | None]:
    """Return ``[None]`` (yearly report) when empty, else the requested triwulan, 1 to 4."""
    if _empty(value):
        return [None]
    hint = "pilihan: 1, 2, 3, 4, daftar seperti 1,2, atau semua; kosongkan untuk laporan setahun"
    quarters: set[int] = set()
    for item in _items(value):
        if item.strip().casefold() == ALL:
            quarters.update((1, 2, 3, 4))
            continue
        match = _RANGE.match(item)
        first = int(match.group(1)) if match else 0
        last = int(match.group(2) or first) if match else 0
        roman = ROMAN_QUARTERS.get(item.strip().casefold())
        if roman is not None:
            problems.append(f"triwulan {item!r} tidak sah: tulis nomornya dengan angka, "
                            f"{roman} untuk Triwulan {item.strip().upper()}")
            continue
        if not (1 <= first <= last <= 4):
            problems.append(f"triwulan {item!r} tidak sah ({hint})")
            continue
        quarters.update(range(first, last + 1))
    return sorted(quarters)


def parse_bidang(value: Any, katalog: Katalog, problems: list[str]) -> list[str | None]:
    """Return the bidang axis; None stands for the office-wide report.

    Empty gives only the office-wide report, ``semua`` gives the office-wide
    report and every bidang that is penanggung jawab of an indicator, and a
    list of codes gives only those bidang.
    """
    if _empty(value):
        return [None]
    codes = [b.kode for b in katalog.bidang]
    chosen: list[str | None] = []
    for item in _items(value):
        if item.strip().casefold() == ALL:
            chosen.extend([None, *(c for c in codes if katalog.indikator_of_bidang(c))])
            continue
        code = canonical(item, codes)
        if code is None:
            problems.append(f"bidang {item!r} tidak ada di katalog "
                            f"(pilihan: {', '.join(codes)} atau {ALL})")
            continue
        chosen.append(code)
    return list(dict.fromkeys(chosen))


def names_all_bidang(value: Any) -> bool:
    """Return whether a bidang option requests every bidang (``semua``)."""
    return not _empty(value) and any(item.casefold() == ALL for item in _items(value))


def parse_formats(value: str | Iterable[str], problems: list[str]) -> tuple[str, ...]:
    """Return the output formats; HTML is always included because the PDF is printed from it."""
    items = _items(value) if isinstance(value, str) else [str(v) for v in value]
    if not items:
        problems.append(f"format kosong (pilihan: {', '.join(FORMATS)}, misalnya html,pdf)")
    chosen = {"html"}
    for item in items:
        name = item.strip().casefold()
        if name not in FORMATS:
            problems.append(f"format {item!r} tidak dikenal (pilihan: {', '.join(FORMATS)})")
            continue
        chosen.add(name)
    return tuple(f for f in FORMATS if f in chosen)


# A whole number written with a zero fraction, 2.0 or 2025.00, as hitung and
# the notebooks' parameter check accept it.
_WHOLE = re.compile(r"^(\d+)\.0+$")


def _items(value: Any) -> list[str]:
    """Split a comma-separated string or a YAML list into stripped, non-empty items."""
    values = value if isinstance(value, list | tuple) else [value]
    items = []
    for item in values:
        # YAML reads 2.0 as a float; the notebooks' parameters accept it as 2.
        whole = isinstance(item, float) and item.is_integer()
        if whole:
            text = str(int(item))
        elif isinstance(item, bool):
            text = written(item)  # true, as written in YAML, not Python's True
        else:
            text = str(item)
        items.extend(_WHOLE.sub(r"\1", part.strip()) for part in text.split(","))
    return [item for item in items if item]


def _empty(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return not value
    if isinstance(value, str):
        return value.strip().lower() in ("", "none", "null")
    return value is None
