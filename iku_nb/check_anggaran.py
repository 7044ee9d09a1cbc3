"""Rules of the anggaran table: the office's budget (pagu) and spending (realisasi) per year."""

from __future__ import annotations

import re
from decimal import Decimal

from iku_nb.catalogue import Katalog
from iku_nb.formatting import rupiah
from iku_nb.parse import SCIENTIFIC_ADVICE, fold, is_blank, parse_rupiah, parse_scientific, shown
from iku_nb.period import MAX_YEAR, MIN_YEAR
from iku_nb.problems import WARNING
from iku_nb.rows import Rows

AMOUNT = "jumlah rupiah 0 atau lebih, misalnya 1.250.000.000"
# A thousand trillion rupiah is far above any city's budget: a typing error.
MAX_AMOUNT = Decimal(10) ** 15


def parse_anggaran(rows: Rows, katalog: Katalog) -> None:
    """Check each budget row: a year, a programme, and pagu and realisasi in rupiah."""
    seen: dict[tuple, int] = {}
    for row, cells in rows.table.rows:
        tahun = rows.integer(row, cells, "tahun", expected="tahun empat angka")
        if tahun is not None and not MIN_YEAR <= tahun <= MAX_YEAR:
            rows.problem("tahun-tidak-sah", row, "tahun", cells.get("tahun"),
                         "tahun empat angka", f"Tahun {tahun} tidak masuk akal.")
            tahun = None
        record = {"baris": row, "tahun": tahun,
                  "program": rows.text(row, cells, "program"),
                  "kegiatan": rows.text(row, cells, "kegiatan", required=False),
                  "pagu": _amount(rows, row, cells, "pagu"),
                  "realisasi": _amount(rows, row, cells, "realisasi"),
                  "keterangan": rows.text(row, cells, "keterangan", required=False)}
        pagu, spent = record["pagu"], record["realisasi"]
        if pagu is not None and spent is not None and spent > pagu:
            rows.problem("realisasi-melebihi-pagu", row, "realisasi", cells.get("realisasi"),
                         f"paling banyak {rupiah(pagu)} (pagu)",
                         f"Realisasi {rupiah(spent)} melebihi pagu {rupiah(pagu)}; periksa "
                         "apakah ada perubahan anggaran yang belum dicatat.", severity=WARNING)
        if tahun is not None and record["program"] is not None:
            _check_unique(rows, row, record, seen)
        rows.records.append(record)


def _programme_name(program: str) -> str:
    """Return the programme's name for the start of a sentence, with the word Program once."""
    if fold(program).startswith("program "):
        return program[0].upper() + program[1:]
    return f"Program {program}"


def _check_unique(rows: Rows, row: int, record: dict, seen: dict[tuple, int]) -> None:
    """Reject a second row for a programme and kegiatan, and a programme given both ways.

    Names are compared without case and extra spaces. A programme written as
    a whole row and again in kegiatan rows would be counted twice in the total.
    """
    tahun, program = record["tahun"], record["program"]
    kegiatan = record["kegiatan"]
    key = (tahun, fold(program), None if kegiatan is None else fold(kegiatan))
    if key in seen:
        rows.problem("anggaran-ganda", row, "program", program,
                     "satu baris per tahun, program dan kegiatan",
                     f"Anggaran {program} tahun {tahun}"
                     + (f" kegiatan {kegiatan}" if kegiatan else "")
                     + f" sudah ada di baris {seen[key]}.")
        return
    other = next(((k, r) for k, r in seen.items() if k[:2] == key[:2]
                  and (k[2] is None) != (key[2] is None)), None)
    if other is not None:
        rows.problem("anggaran-ganda", row, "kegiatan", kegiatan or "",
                     "satu program ditulis per kegiatan saja, atau satu baris saja",
                     f"{_programme_name(program)} tahun {tahun} sudah tercatat di baris {other[1]} "
                     + ("per kegiatan" if other[0][2] is not None else "sebagai satu baris")
                     + ", sehingga baris ini akan terhitung dua kali dalam jumlah anggaran.")
        return
    seen[key] = row


def _amount(rows: Rows, row: int, cells: dict, column: str) -> Decimal | None:
    value = cells.get(column, "")
    if is_blank(value):
        return rows.text(row, cells, column)
    amount = parse_rupiah(value)
    if amount is None and isinstance(value, str) and value.strip().startswith("-"):
        # The rupiah reader takes no sign, so "-2.310.000.000" is read without it.
        unsigned = parse_rupiah(value.strip()[1:].strip())
        amount = None if unsigned is None else -unsigned
    if amount is not None and amount >= MAX_AMOUNT:
        rows.problem("angka-terlalu-besar", row, column, value,
                     f"{AMOUNT}, kurang dari {rupiah(MAX_AMOUNT)}",
                     f"Nilai {column} {shown(value)!r} terlalu besar untuk anggaran satu "
                     "program; periksa salah ketik.")
        return None
    if amount is not None and amount < 0:
        rows.problem("rupiah-negatif", row, column, value, AMOUNT,
                     f"Nilai {column} {shown(value)!r} negatif, padahal jumlah rupiah {column} "
                     "tidak boleh kurang dari 0. Periksa angkanya dan tulis tanpa tanda minus.")
        return None
    if amount is None and _scientific(value):
        rows.problem("rupiah-tidak-sah", row, column, value, AMOUNT,
                     f"Nilai {column} {shown(value)!r} bukan jumlah rupiah yang lengkap."
                     + SCIENTIFIC_ADVICE)
        return None
    if amount is None:
        rows.problem("rupiah-tidak-sah", row, column, value, AMOUNT,
                     f"Nilai {column} {shown(value)!r} bukan jumlah rupiah; tulis titik sebagai "
                     "pemisah ribuan dan koma untuk sen, misalnya 1.250.000.000 atau "
                     "1.250.000,50.")
        return None
    return amount


def _scientific(value: object) -> bool:
    """Return whether a rupiah cell is a number in E notation, with Rp or spaces around it."""
    if not isinstance(value, str):
        return False
    return parse_scientific(re.sub(r"(?i)rp\.?|\s", "", value)) is not None
