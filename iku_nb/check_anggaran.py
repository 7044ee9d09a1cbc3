"""Rules of the anggaran table: the office's budget (pagu) and spending (realisasi) per year."""

from __future__ import annotations

from decimal import Decimal

from iku_nb.catalogue import Katalog
from iku_nb.formatting import rupiah
from iku_nb.parse import is_blank, parse_rupiah, shown
from iku_nb.period import MAX_YEAR, MIN_YEAR
from iku_nb.problems import WARNING
from iku_nb.rows import Rows

AMOUNT = "jumlah rupiah 0 atau lebih, misalnya 1.250.000.000"


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
        key = (tahun, record["program"], record["kegiatan"])
        if None not in key[:2]:
            if key in seen:
                rows.problem("anggaran-ganda", row, "program", record["program"],
                             "satu baris per tahun, program dan kegiatan",
                             f"Anggaran {record['program']} tahun {tahun}"
                             + (f" kegiatan {record['kegiatan']}" if record["kegiatan"] else "")
                             + f" sudah ada di baris {seen[key]}.")
            else:
                seen[key] = row
        rows.records.append(record)


def _amount(rows: Rows, row: int, cells: dict, column: str) -> Decimal | None:
    value = cells.get(column, "")
    if is_blank(value):
        return rows.text(row, cells, column)
    amount = parse_rupiah(value)
    if amount is None or amount < 0:
        rows.problem("rupiah-tidak-sah", row, column, value, AMOUNT,
                     f"Nilai {column} {shown(value)!r} bukan jumlah rupiah; tulis titik sebagai "
                     "pemisah ribuan dan koma untuk sen, misalnya 1.250.000.000 atau "
                     "1.250.000,50.")
        return None
    return amount
