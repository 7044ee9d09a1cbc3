"""Warn about rows that repeat another row of their table in every cell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from iku_nb.parse import shown
from iku_nb.problems import ROWS_NAMED, WARNING, Problem, row_list
from iku_nb.tables import RawTable

# The effect of a copied row on the report, per table whose copies are
# reported. Organisasi, target, rekap and anggaran already reject a second row
# for one id or period with an error.
COPY_EFFECT = {
    "konflik": ("Salinan laporan tidak menambah jumlah kasus, tetapi bisa menandakan laporan "
                "lain yang tertimpa saat menyalin, misalnya laporan sumber lain atau status "
                "yang lebih baru."),
    "partisipasi": ("Setiap salinan terhitung sebagai kegiatan tersendiri di rincian kegiatan "
                    "laporan."),
}
ID_COLUMN = {"konflik": "id_konflik", "partisipasi": "id_organisasi"}
# Category codes of several columns are combined into one int64 key while
# the product of their ranges stays below this bound.
KEY_LIMIT = 2**62
# Characters of the copied row quoted as the problem's value.
VALUE_LENGTH = 80


def check_duplicate_rows(table: RawTable, problems: list[Problem],
                         key: np.ndarray | None = None) -> None:
    """Warn once about the rows of a table that are written exactly like another row.

    A copy is usually pasted twice by mistake, but two events can also be
    written alike, so this is a warning. ``key`` numbers the rows of a table
    read as columns with small non-negative integers, so that rows written
    alike always share a number, such as each report's case. It lets the
    comparison skip every row alone in its number.
    """
    if table.text_cells is not None:
        spreadsheet_rows = table.text_cells.index.to_numpy()
        positions = _duplicate_positions(table.text_cells, key)
        sizes = [len(group) for group in positions]
        rows = [spreadsheet_rows[group].tolist() for group in positions[:ROWS_NAMED]]
    else:
        rows = _duplicate_records(table)
        sizes = [len(group) for group in rows]
    if not rows:
        return
    groups = [_group_text(group) for group in rows[:ROWS_NAMED]]
    listed = "; ".join(f"baris {text}" for text in groups)
    if len(sizes) == 1:
        opening = f"Baris {groups[0]} sama persis di semua kolom."
    else:
        opening = (f"{sum(sizes) - len(sizes)} baris adalah salinan persis baris lain, dalam "
                   f"{len(sizes)} kelompok baris yang sama di semua kolom"
                   + (f": {listed}." if len(sizes) <= ROWS_NAMED
                      else f". {ROWS_NAMED} kelompok pertama: {listed}."))
    cells = [_written_cells(table, group[0]) for group in rows[:ROWS_NAMED]]
    id_column = ID_COLUMN[table.name]
    ids = dict.fromkeys(shown(written.get(id_column, "")).strip() for written in cells)
    problems.append(Problem(
        "baris-ganda", table.source,
        f"{opening} {COPY_EFFECT[table.name]} Hapus salinannya bila tidak disengaja.",
        row=rows[0][1], value=_row_text(table, cells[0]),
        expected="setiap baris tercatat sekali", severity=WARNING,
        ids=tuple(ident for ident in ids if ident)))


def _group_text(rows: list[int]) -> str:
    """Return the row numbers of one group (2, 3 dan 4), counted when they are not all named."""
    if len(rows) > ROWS_NAMED:
        return f"{row_list(rows)} ({len(rows)} baris)"
    return ", ".join(map(str, rows[:-1])) + f" dan {rows[-1]}"


def _duplicate_positions(cells: pd.DataFrame, key: np.ndarray | None) -> list[np.ndarray]:
    """Return the positions of rows written alike in every cell, one array per group.

    Rows are grouped column by column, and a row alone in its group is
    dropped at once, so the text columns such as uraian are compared only for
    the few rows left. Category columns are compared by their codes, several
    columns in one factorisation. With the case number as ``key``, the
    1,000,000 reports of benchmarks/buat_register.py took 0.06 s and its
    250,000 events 0.01 s (pandas 3.1, 2-core AMD EPYC).
    """
    start = np.zeros(len(cells), np.int64) if key is None else key.astype(np.int64)
    counts = np.bincount(start)
    positions = np.flatnonzero(counts[start] > 1)
    key, size = start[positions], len(counts)
    categories = [column for column in cells.columns
                  if isinstance(cells[column].dtype, pd.CategoricalDtype)]
    for column in categories:
        width = len(cells[column].cat.categories) + 1
        if size * width >= KEY_LIMIT:
            positions, key, size = _shared(positions, key)
        # Code -1 (a missing text) becomes 0.
        key = key * width + cells[column].cat.codes.to_numpy()[positions] + 1
        size *= width
    positions, key, size = _shared(positions, key)
    for column in cells.columns:
        if column in categories or not len(positions):
            continue
        codes, uniques = pd.factorize(cells[column].iloc[positions])
        positions, key, size = _shared(positions, key * (len(uniques) + 1) + codes + 1)
    if not len(positions):
        return []
    order = np.lexsort((positions, key))
    positions, key = positions[order], key[order]
    groups = np.split(positions, np.flatnonzero(np.diff(key)) + 1)
    return sorted(groups, key=lambda group: group[0])


def _shared(positions: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Keep the rows whose key another row shares.

    Returns their positions, their keys renumbered from 0, and the number of
    distinct keys before the rows alone in theirs were dropped.
    """
    codes, uniques = pd.factorize(key)
    shared = np.bincount(codes, minlength=len(uniques))[codes] > 1
    return positions[shared], codes[shared].astype(np.int64), len(uniques)


def _duplicate_records(table: RawTable) -> list[list[int]]:
    """Return the rows written alike in every cell, per group, for a table read row by row.

    A row that ends before its last empty cells is written like the same row
    with those cells.
    """
    seen: dict[tuple, list[int]] = {}
    for row, cells in table.rows:
        seen.setdefault(tuple(cells.get(column, "") for column in table.header), []).append(row)
    return [rows for rows in seen.values() if len(rows) > 1]


def _written_cells(table: RawTable, row: int) -> dict[str, object]:
    if table.text_cells is not None:
        return table.text_cells.loc[row].to_dict()
    return next(cells for number, cells in table.rows if number == row)


def _row_text(table: RawTable, cells: dict[str, object]) -> str:
    """Return a row's cells as written, joined by the file's delimiter and cut to VALUE_LENGTH."""
    text = (table.delimiter or ", ").join(shown(cells.get(column, "")) for column in table.header)
    return text if len(text) <= VALUE_LENGTH else text[:VALUE_LENGTH - 1] + "…"
