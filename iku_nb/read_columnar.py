"""Read a plain UTF-8 CSV table into text columns with pyarrow, for large registers.

"Plain" means: UTF-8 (with or without BOM), no ``sep=`` line, the header on
the first line with unique, non-empty column names, and every record with as
many cells as the header and no empty line. Such a file gives the same cells
and row numbers as the row-by-row reader in :mod:`iku_nb.read`, which reads
every other file and reports its problems.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from iku_nb.columns import visible
from iku_nb.tables import HEADER_SEARCH_ROWS, SEP_LINE, TABLES, RawTable, header_text

DELIMITERS = (";", ",", "\t")
HEAD_BYTES = 1 << 16


def read_plain_csv(name: str, path: Path) -> RawTable | None:
    """Read a plain CSV table as text columns; None when the file is not plain."""
    head = _head(path)
    if head is None or SEP_LINE.match(head.partition("\n")[0]):
        return None
    lines = head.split("\n")
    delimiter = max(DELIMITERS, key=lambda d: max(line.count(d) for line in lines))
    header = _plain_header(name, head, delimiter)
    if header is None:
        return None

    # Every cell is read as text, empty cells as "", as the row-by-row reader does.
    # An empty line or a record with another number of cells raises ArrowInvalid.
    # Columns that repeat few values are read as categories, which the checks
    # parse once per category.
    names = [f"kolom_{i}" for i in range(len(header))]
    categories = pa.dictionary(pa.int32(), pa.string())
    types = {label: pa.string() if column in TABLES[name].distinct else categories
             for label, column in zip(names, header, strict=True)}
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    cells = table.rename_columns(header).to_pandas()
    # The header is spreadsheet row 1, so data record i is row i + 2.
    cells.index = pd.RangeIndex(2, len(cells) + 2, name="baris")
    cells = cells[visible(cells)]
    return RawTable(name, path.name, header, path=path, text_cells=cells)


def _head(path: Path) -> str | None:
    """Return the first lines that the header search reads, or None if not plain UTF-8."""
    with open(path, "rb") as handle:
        data = handle.read(HEAD_BYTES)
        while data.count(b"\n") < HEADER_SEARCH_ROWS:
            more = handle.read(HEAD_BYTES)
            if not more:
                break
            data += more
    if data.startswith((b"PK\x03\x04", b"\xff\xfe", b"\xfe\xff")):
        return None
    lines = data.removeprefix(codecs.BOM_UTF8).split(b"\n", HEADER_SEARCH_ROWS)
    try:
        return b"\n".join(lines[:HEADER_SEARCH_ROWS]).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _plain_header(name: str, head: str, delimiter: str) -> list[str] | None:
    """Return the header when it is the first record and names known columns uniquely."""
    records = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    first = next(records, None)
    if not first:
        return None
    header = [header_text(cell) for cell in first]
    if not all(header) or len(set(header)) != len(header):
        return None
    # A first record without any column name may be a title above the header.
    if not set(TABLES[name].columns) & set(header):
        return None
    return header
