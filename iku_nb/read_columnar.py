"""Read a plain UTF-8 CSV table into text columns with pandas, for large registers.

"Plain" means: UTF-8 (with or without BOM), no ``sep=`` line, the header on
the first line with unique, non-empty column names, every record with as
many cells as the header (a blank one may have fewer), and no quoted cell
left open at the end of the file. Such a file gives the same cells and row
numbers as the row-by-row reader in :mod:`iku_nb.read`, which reads every
other file and reports its problems.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from iku_nb.columns import visible
from iku_nb.tables import (
    HEADER_SEARCH_ROWS,
    SEP_LINE,
    TABLES,
    RawTable,
    header_text,
    sniff_delimiter,
)

HEAD_BYTES = 1 << 16
# Counting a delimiter block by block took 0.02-0.04 s on a 143 MB file, and
# comparing the whole file at once 0.2-0.45 s (numpy 2.4, 2-core AMD EPYC).
COUNT_BLOCK_BYTES = 1 << 20
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
# Below this many rows, starting two threads (1-2 ms on a busy 2-core machine)
# costs more than encoding the categories on one (about 1 ms per column).
PARALLEL_ROWS = 100_000
# Text saved by a spreadsheet has no run of NUL bytes, but a file left
# incomplete by an interrupted save is often zero-filled in whole disk blocks.
NUL_RUN = b"\x00" * 16


def nul_damage(data: bytes) -> int | None:
    """Return the offset of the NUL bytes that show a file is damaged or not text, or None.

    These are a NUL in the first line, the header, or a run of NUL_RUN NULs.
    A lone NUL inside a cell is read like any other invisible character.
    """
    # The first line ends at a CR as well, because Excel for Mac ends lines with CR alone.
    ends = [end for end in (data.find(b"\n"), data.find(b"\r")) if end >= 0]
    position = data.find(b"\x00", 0, min(ends, default=len(data)))
    if position < 0:
        position = data.find(NUL_RUN)
    return None if position < 0 else position


def read_plain_csv(name: str, path: Path) -> RawTable | None:
    """Read a plain CSV table as text columns; None when the file is not plain."""
    head = _head(path)
    if head is None or SEP_LINE.match(head.partition("\n")[0]):
        return None
    lines = head.split("\n")
    delimiter = sniff_delimiter(name, lines)
    first = _first_record(head, delimiter)
    header = None if first is None else _plain_header(name, first)
    if header is None:
        return None

    # The header line is parsed as pandas' header and replaced by position
    # names. Skipping it with skiprows=1 instead loses the first byte of the
    # next line after a lone CR (Excel for Mac), shifting an empty first cell.
    options = {"sep": delimiter, "header": 0, "names": range(len(header)),
               "index_col": False, "na_filter": False, "encoding": "utf-8", "engine": "c"}
    texts = _read_texts(path, options)
    if texts is None:
        return None
    categorical = [column not in TABLES[name].distinct for column in header]
    if len(texts[0]) >= PARALLEL_ROWS:
        # Arrow builds the categories without the GIL, so two columns are encoded at once.
        with ThreadPoolExecutor(max_workers=2) as pool:
            columns = list(pool.map(_column, texts, categorical))
    else:
        columns = list(map(_column, texts, categorical))
    if not _records_complete(path, options, first, columns):
        return None

    cells = pd.DataFrame(dict(zip(header, columns, strict=True)), copy=False)
    # The header is spreadsheet row 1, so data record i is row i + 2.
    cells.index = pd.RangeIndex(2, len(cells) + 2, name="baris")
    cells = cells[visible(cells)]
    table = RawTable(name, path.name, header, path=path, text_cells=cells)
    table.delimiter = delimiter
    return table


def _read_texts(path: Path, options: dict) -> list[pd.api.extensions.ExtensionArray] | None:
    """Read every cell as text, as written, one record per row; None when pandas cannot.

    pandas' C parser with its own type inference read a 1M-row konflik.csv in
    0.13 s, and with ``dtype=str`` in about 1 s (pandas 3.1, 2-core AMD EPYC).
    A column it reads as numbers, booleans or mixed objects is read again as
    text, so "007", "1.0" or " 5" stay as written. A first record with more
    cells than the header gives a ParserWarning, a later one a ParserError,
    and a file that is not UTF-8 a UnicodeDecodeError. An empty line is read
    as a record of empty cells.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            # A column read as numbers in one block and as text in another is
            # read again as text below, so pandas' warning about it is moot.
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            frame = pd.read_csv(path, skip_blank_lines=False, **options)
            others = [position for position, dtype in enumerate(frame.dtypes) if TEXT != dtype]
            if others:
                again = pd.read_csv(path, skip_blank_lines=False, usecols=others, dtype=TEXT,
                                    **options)
                for position in others:
                    frame[position] = again[position]
    except (ValueError, pd.errors.ParserWarning):
        return None
    return [frame[position].array for position in frame.columns]


def _column(texts: pd.api.extensions.ExtensionArray,
            categorical: bool) -> pd.api.extensions.ExtensionArray:
    """Return a column's text cells, as categories when ``categorical``."""
    if not categorical:
        return texts
    encoded = _arrow(texts).dictionary_encode().unify_dictionaries()
    if encoded.num_chunks:
        categories = encoded.chunk(0).dictionary
        codes = np.concatenate([chunk.indices.to_numpy() for chunk in encoded.chunks])
    else:
        categories = pa.array([], pa.large_string())
        codes = np.zeros(0, dtype=np.int32)
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=TEXT),
                                     validate=False)


def _arrow(texts: pd.api.extensions.ExtensionArray) -> pa.ChunkedArray:
    """Return the arrow data of an arrow-backed text column, without copying it."""
    data = pa.array(texts)
    return data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])


def _records_complete(path: Path, options: dict, first: list[str],
                      columns: list[pd.api.extensions.ExtensionArray]) -> bool:
    """Return whether every record that is not blank has as many cells as the header.

    pandas pads a record with fewer cells than the header with empty cells at
    its end, where the row-by-row reader keeps it short. Padding always fills
    the last column, so a file whose last column has no empty cell is
    complete. Otherwise the delimiters of the file are counted: a complete
    file has ``width - 1`` per record, plus those inside cells, except on the
    empty and whitespace-only lines, which are blank either way.
    """
    if any(pd.isna(column).any() for column in columns):
        return False
    last = columns[-1]
    if len(last) and not _has_empty_text(last):
        return True
    delimiter = options["sep"]
    found = _count_byte(path, ord(delimiter))
    inside = sum(cell.count(delimiter) for cell in first)
    inside += sum(_count_in_cells(column, delimiter) for column in columns)
    records = len(last) + 1
    if found == records * (len(first) - 1) + inside:
        return True
    # With skip_blank_lines=True pandas skips the empty and whitespace-only
    # lines, which contain no delimiter, so every other record must have all
    # its cells. This reads the file a second time.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            without_blank_lines = len(pd.read_csv(path, skip_blank_lines=True, **options))
    except ValueError:
        return False
    return found == (without_blank_lines + 1) * (len(first) - 1) + inside


def _has_empty_text(column: pd.api.extensions.ExtensionArray) -> bool:
    if isinstance(column, pd.Categorical):
        return bool((column.categories == "").any())
    return pc.min(pc.binary_length(_arrow(column))).as_py() == 0


def _count_in_cells(column: pd.api.extensions.ExtensionArray, delimiter: str) -> int:
    """Count the delimiters inside a column's cells, once per category for categories."""
    if isinstance(column, pd.Categorical):
        per_category = pc.count_substring(pa.array(column.categories), delimiter).to_numpy()
        used = np.bincount(column.codes, minlength=len(per_category))
        return int(used @ per_category)
    return _count_byte_in_texts(_arrow(column), ord(delimiter))


def _count_byte(path: Path, byte: int) -> int:
    """Count one byte value in a file, reading it block by block."""
    total = 0
    block = bytearray(COUNT_BLOCK_BYTES)
    with open(path, "rb", buffering=0) as handle:
        while size := handle.readinto(block):
            total += int(np.count_nonzero(np.frombuffer(block, np.uint8, size) == byte))
    return total


def _count_byte_in_texts(texts: pa.ChunkedArray, byte: int) -> int:
    """Count one byte value in the UTF-8 data of an arrow string column."""
    return sum(int(np.count_nonzero(data == byte)) for data in _utf8_data(texts))


def _utf8_data(texts: pa.ChunkedArray):
    """Yield the UTF-8 bytes of each chunk of an arrow string column, as numpy views."""
    for chunk in texts.cast(pa.large_string()).chunks:
        data = chunk.buffers()[2]
        if data is None or len(chunk) == 0:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)
        start, end = offsets[chunk.offset], offsets[chunk.offset + len(chunk)]
        yield np.frombuffer(data, np.uint8)[start:end]


def contains_line_break(texts: pd.api.extensions.ExtensionArray) -> bool:
    """Return whether any cell of an arrow-backed text column contains a line break.

    ``bytes.find`` scans the column's UTF-8 data at memory speed: about 10 ms
    for the 65 MB of a 1M-row uraian column, where pyarrow's match_substring
    took 70 ms (pyarrow 26, 2-core AMD EPYC).
    """
    return any(data.tobytes().find(b"\n") >= 0 for data in _utf8_data(_arrow(texts)))


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
    if nul_damage(data) is not None or _tail_has_nul_run(path):
        return None
    lines = data.removeprefix(codecs.BOM_UTF8).split(b"\n", HEADER_SEARCH_ROWS)
    try:
        return b"\n".join(lines[:HEADER_SEARCH_ROWS]).decode("utf-8")
    except UnicodeDecodeError:
        return None


def _tail_has_nul_run(path: Path) -> bool:
    """Return whether the last HEAD_BYTES of a file contain a run of NUL bytes.

    NOTE: a run between the head and the tail of a large file is not looked
    for, so such a file is read, and its NULs reported as cell values.
    """
    with open(path, "rb") as handle:
        handle.seek(0, io.SEEK_END)
        handle.seek(max(handle.tell() - HEAD_BYTES, 0))
        return NUL_RUN in handle.read()


def _first_record(head: str, delimiter: str) -> list[str] | None:
    """Return the cells of the first record as written, or None for an empty file."""
    records = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    return next(records, None)


def _plain_header(name: str, first: list[str]) -> list[str] | None:
    """Return the header when it is the first record and names known columns uniquely."""
    if not first:
        return None
    header = [header_text(cell) for cell in first]
    if not all(header) or len(set(header)) != len(header):
        return None
    # A first record without any column name may be a title above the header.
    if not set(TABLES[name].columns) & set(header):
        return None
    return header
