"""The monitoring tables: their columns, and one table's cells as written."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SEP_LINE = re.compile(r"^\ufeff?sep=(.)\s*$", re.IGNORECASE)
# Rows searched for the header when a title or blank rows sit above it.
HEADER_SEARCH_ROWS = 10


# Checked tables keep ids as arrow-backed text (pandas 3's default ``str``
# dtype, NaN for a missing id), so loading builds no Python string per id.
# Building them took about 0.06 s per 1M ids, and turning them back into
# arrow to number the cases 0.03 s (pyarrow 26, 2-core AMD EPYC).
ID_COLUMNS = ("id_konflik", "id_organisasi")
ID_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)


@dataclass(frozen=True)
class TableSpec:
    """The columns of one monitoring table."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    optional_table: bool = False
    # Columns whose values differ on almost every row; the columnar CSV reader
    # reads them as text and every other column as categories.
    distinct: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "konflik",
            ("id_konflik", "tanggal_kejadian", "jenis", "sara", "kecamatan",
             "kelurahan", "sumber", "status", "tanggal_selesai"),
            ("uraian",),
            distinct=("id_konflik", "uraian"),
        ),
        TableSpec(
            "organisasi",
            ("id_organisasi", "nama", "jenis", "tanggal_terdaftar", "tanggal_nonaktif"),
            distinct=("id_organisasi", "nama"),
        ),
        TableSpec("partisipasi", ("id_organisasi", "tanggal", "kegiatan")),
        TableSpec("target", ("kode_indikator", "tahun", "target"), ("triwulan",)),
        TableSpec(
            "rekap",
            ("kode_indikator", "tahun", "pembilang", "penyebut"),
            ("triwulan", "keterangan"),
            optional_table=True,
        ),
        TableSpec(
            "anggaran",
            ("tahun", "program", "pagu", "realisasi"),
            ("kegiatan", "keterangan"),
            optional_table=True,
        ),
    )
}

class RawTable:
    """One table as written: its source, header and rows of raw cell values.

    A CSV table read by the columnar reader keeps its cells as text columns in
    ``text_cells``, indexed by spreadsheet row, and builds ``rows`` only when
    asked. Every other table is built row by row.
    """

    def __init__(self, name: str, source: str, header: list[str],
                 rows: list[tuple[int, dict[str, object]]] | None = None,
                 path: Path | None = None, text_cells: pd.DataFrame | None = None,
                 header_cells: int | None = None) -> None:
        self.name = name
        self.source = source
        self.header = header
        self.path = path
        self.text_cells = text_cells
        self._rows = rows if rows is not None or text_cells is not None else []
        # Spreadsheet row -> number of cells, for the rows with fewer cells
        # than the header. Some CSV writers leave out trailing empty cells, and
        # a cell broken by an unquoted line break also leaves a short row.
        self.short_rows: dict[int, int] = {}
        # Spreadsheet row -> its cells, for the CSV rows with more cells than
        # the header whose extra cells are all empty (iku_nb.check explains them).
        self.long_rows: dict[int, list[str]] = {}
        # The number of cells in the CSV header row, untitled ones included,
        # which ``header`` leaves out.
        self.header_cells = len(header) if header_cells is None else header_cells
        # The delimiter of a CSV table; None for a worksheet.
        self.delimiter: str | None = None
        # Data rows left out by the reader after reporting them (another delimiter).
        self.rows_left_out = 0

    @property
    def rows(self) -> list[tuple[int, dict[str, object]]]:
        """Return (spreadsheet row, cells by column) for every row that is not blank."""
        if self._rows is None:
            columns = list(self.text_cells.columns)
            self._rows = [(int(row), dict(zip(columns, cells, strict=True)))
                          for row, *cells in self.text_cells.itertuples(name=None)]
        return self._rows

    @property
    def row_count(self) -> int:
        if self._rows is None:
            return len(self.text_cells)
        return len(self._rows)


def header_text(cell: object) -> str:
    return "" if cell is None else str(cell).replace("\ufeff", "").strip()


# Excel writes ";" or ","; tab and "|" come from exports of other systems.
DELIMITERS = (";", ",", "\t", "|")
# The name of each delimiter in messages, so that a tab is not written '\t'.
DELIMITER_NAMES = {";": "titik koma (;)", ",": "koma (,)", "\t": "tab", "|": "garis tegak (|)"}


def sniff_delimiter(name: str, lines: list[str]) -> str:
    """Return the delimiter that splits a header line of table ``name`` into known columns.

    Values may contain more commas than the header has semicolons (English
    amounts such as 1,250,000.00), so the header line decides. Without a
    line naming two known columns, the delimiter most frequent on one line wins.
    """
    known = set(TABLES[name].columns)
    hits = {d: max((len(known & {header_text(cell) for cell in split_line(line, d)})
                    for line in lines), default=0) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: hits[d])
    if hits[best] >= 2:
        return best
    return max(DELIMITERS, key=lambda d: max((line.count(d) for line in lines), default=0))


def split_line(line: str, delimiter: str) -> list[str]:
    """Split one line into cells as CSV does, quotes removed; [] for a broken line."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []
