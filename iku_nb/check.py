"""Check every monitoring table against the data contract and the catalogue.

Each table is parsed row by row into typed records. Every problem met is kept,
not only the first, with its file, spreadsheet row, column, value as written,
what was expected, and a stable check code.
"""

from __future__ import annotations

import csv
import io
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa

from iku_nb import columns
from iku_nb.catalogue import Katalog
from iku_nb.check_anggaran import parse_anggaran
from iku_nb.check_duplicates import check_duplicate_rows
from iku_nb.check_konflik import (
    check_case_agreement,
    check_case_year,
    check_duplicate_reports,
    check_near_duplicate_ids,
    parse_konflik,
    parse_konflik_columns,
)
from iku_nb.check_organisasi import (
    check_organisation_names,
    check_participation,
    parse_organisasi,
    parse_organisasi_columns,
    parse_partisipasi,
    parse_partisipasi_columns,
)
from iku_nb.check_periods import parse_rekap, parse_target
from iku_nb.memo import case_numbers
from iku_nb.parse import (
    closest,
    fold,
    unseen_difference,
)
from iku_nb.problems import WARNING, Problem, row_list
from iku_nb.read import TABLES, RawTable
from iku_nb.read_columnar import contains_line_break
from iku_nb.rows import Rows
from iku_nb.tables import DELIMITER_NAMES, ID_COLUMNS, ID_DTYPE

# The maximum length, in characters, of a row quoted in a message.
ROW_TEXT_LIMIT = 120


def check_tables(tables: dict[str, RawTable], katalog: Katalog) -> tuple[dict, list[Problem]]:
    """Parse and check every table; return typed DataFrames and all problems found."""
    problems: list[Problem] = []
    typed: dict[str, pd.DataFrame] = {}
    # Arrow sorts the case ids without the GIL, so the cases are numbered on a
    # second thread while the tables after konflik are parsed in Python.
    with ThreadPoolExecutor(max_workers=1) as numbering:
        agreement = None
        for name, spec in TABLES.items():
            table = tables.get(name)
            if table is None or not _check_columns(table, spec, problems):
                continue
            rows = Rows(table, problems)
            if table.text_cells is not None and name in COLUMN_PARSERS:
                typed[name] = _frame(COLUMN_PARSERS[name](rows, katalog), name)
            else:
                PARSERS[name](rows, katalog)
                typed[name] = _frame(rows.records, name)
            if name == "partisipasi":
                check_duplicate_rows(table, problems)
            if name == "organisasi":
                check_organisation_names(typed[name], table.source, problems)
            if name == "konflik":
                agreement = (len(problems), table, numbering.submit(case_numbers, typed[name]))
        if agreement is not None:
            # The problems of case agreement keep their place right after konflik's.
            position, table, numbered = agreement
            numbered.result()
            rows = Rows(table, [])
            check_case_agreement(rows, typed["konflik"])
            check_case_year(rows, typed["konflik"])
            check_near_duplicate_ids(rows, typed["konflik"])
            check_duplicate_reports(rows, typed["konflik"])
            problems[position:position] = rows.problems
    _check_references(typed, tables, katalog, problems)
    for table in tables.values():
        quote_row = _explain_open_quote(table, problems)
        _explain_short_rows(table, problems)
        _report_long_rows(table, problems, quote_row)
    return typed, problems


def _report_long_rows(table: RawTable, problems: list[Problem], quote_row: int | None) -> None:
    """Reject the CSV rows with more cells than the header whose extra cells are empty.

    An unquoted delimiter inside a value, as in ``Lembaga Kajian Hukum, Sosial``
    or the decimal ``95,4`` in a comma-separated file, splits it in two and
    shifts every later cell to the right. The shifted values may still pass
    the column checks, as a target of 95 in the triwulan 4 column does, so
    the row is an error. That is so even when every row has the same extra
    empty cell, because a delimiter ending each row looks the same. Rows
    whose extra cells are filled are reported by the reader. The row of an
    unclosed quote (``quote_row``) is explained by that error already.
    """
    rows = sorted(row for row in table.long_rows if row != quote_row)
    if not rows:
        return
    width = table.header_cells
    first = table.long_rows[rows[0]]
    delimiter = table.delimiter or ","
    name = DELIMITER_NAMES.get(delimiter, repr(delimiter))
    example = ("" if delimiter == "\t" else
               f', misalnya "Lembaga Kajian Hukum{delimiter} Sosial dan Lingkungan"')
    opening = (f"Baris {rows[0]} berisi" if len(rows) == 1
               else f"{len(rows)} baris data (baris {row_list(rows)}) berisi")
    decimal = (" Angka desimal dengan koma, seperti 95,4, juga terbelah begitu: tulis "
               '"95,4" dengan tanda kutip ganda, atau simpan berkas dengan pemisah titik koma.'
               if delimiter == "," else "")
    every = len(rows) == len(table.rows)
    ending = (" Bila setiap baris memang diakhiri pemisah, tambahkan pemisah yang sama di akhir "
              "baris judul kolom, atau hapus pemisah di akhir setiap baris." if every else "")
    # sort_problems puts it first in its row, before what the shifted values broke,
    # because it names no column.
    problems.append(Problem(
        "baris-lebih-sel", table.source,
        f"{opening} lebih banyak sel daripada judul kolom ({width}), dengan sel lebih yang "
        f"kosong. Biasanya sebuah sel berisi {name} tanpa tanda kutip, sehingga nilai-nilai "
        "sesudahnya bergeser ke kolom sebelah kanan dan baris itu tidak dapat dibaca dengan "
        f"benar: beri tanda kutip ganda pada sel itu{example}." + decimal + ending
        + f" Isi baris {rows[0]}: {_row_text(first, delimiter)}",
        row=rows[0], value=str(len(first)), expected=f"{width} sel, sebanyak judul kolom"))


def _row_text(cells: list[str], delimiter: str) -> str:
    """Write a row back as CSV, quoting as a spreadsheet would, cut to ROW_TEXT_LIMIT."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(cells)
    text = buffer.getvalue().replace("\r", "").replace("\n", " ")
    return text if len(text) <= ROW_TEXT_LIMIT else text[:ROW_TEXT_LIMIT] + "…"


def _explain_short_rows(table: RawTable, problems: list[Problem]) -> None:
    """Name the missing cells of a short row whose other values were rejected.

    A row that lacks only optional trailing cells is accepted as it is. When
    a cell in the middle is missing, the values after it move one column to
    the left, and the errors they cause name only the symptoms. This error,
    placed before them, names the cause.
    """
    if not table.short_rows:
        return
    width = len(table.header)
    by_row: dict[int, list[Problem]] = {}
    for problem in problems:
        if problem.file == table.source and problem.row in table.short_rows:
            by_row.setdefault(problem.row, []).append(problem)
    for row, on_row in by_row.items():
        if not any(p.is_error for p in on_row) or any(
                p.code in ("baris-kurang-sel", "tanda-kutip-terbuka") for p in on_row):
            continue
        count = table.short_rows[row]
        absent = table.header[count:]
        columns = absent[0] if len(absent) == 1 else f"{absent[0]} sampai {absent[-1]}"
        position = problems.index(on_row[0])
        problems.insert(position, Problem(
            "baris-kurang-sel", table.source,
            f"Baris {row} hanya berisi {count} dari {width} sel, sehingga kolom {columns} "
            "tidak terisi. Karena nilai lain di baris itu juga ditolak, mungkin satu sel di "
            "tengah baris hilang dan nilai sesudahnya bergeser satu kolom ke kiri. Bandingkan "
            "setiap nilai baris itu dengan judul kolomnya, lalu tambahkan sel yang hilang.",
            row=row, value=str(count), expected=f"{width} sel, sebanyak judul kolom"))


def _explain_open_quote(table: RawTable, problems: list[Problem]) -> int | None:
    """Report a cell that swallowed whole records after an unclosed quote, and return its row.

    The errors it causes in its own row are replaced by this one, and the
    references to organisations whose ids it swallowed are summed up in one
    error. A quote that swallows the free-text last column to the end of the
    file causes no other error at all, so the records lost are counted here.
    """
    found = _open_quote_cell(table)
    if found is None:
        return None
    row, column, text = found
    # The line break that ends the file is not a line swallowed.
    lines = text.rstrip("\r\n").count("\n")
    first = text.split("\n", 1)[0]
    symptoms = [p for p in problems if p.file == table.source and p.row == row and p.is_error]
    for problem in symptoms:
        problems.remove(problem)
    swallowed = (f"{lines} baris berikutnya di berkas terbaca sebagai isi sel itu dan tidak "
                 "diperiksa sebagai baris data" if lines
                 else "sel-sel berikutnya di baris itu terbaca sebagai isi sel itu")
    problems.append(Problem(
        "tanda-kutip-terbuka", table.source,
        f"Sel {column} baris {row} diawali tanda kutip (\") yang tidak ditutup di akhir "
        f"selnya, sehingga {swallowed}. Hapus tanda kutip itu, atau tutup di akhir selnya.",
        row=row, column=column, value=first[:60],
        expected="tanda kutip yang ditutup di sel yang sama"))
    if table.name == "organisasi":
        unknown = [p for p in problems if p.code == "organisasi-tidak-dikenal"
                   and p.value and str(p.value) in text]
        for problem in unknown:
            problems.remove(problem)
        if unknown:
            problems.append(Problem(
                "organisasi-tidak-dikenal", unknown[0].file,
                f"{len(unknown)} baris merujuk organisasi yang tertelan oleh tanda kutip yang "
                f"tidak ditutup di {table.source} baris {row}, sehingga organisasi itu tidak "
                "terbaca.",
                row=unknown[0].row, column="id_organisasi", value=unknown[0].value,
                expected=f"id yang terbaca di {table.source}"))
    return row


# Rows whose first cell gives the shapes that a swallowed record is recognised by.
SHAPE_SAMPLE = 200


def _shape(text: str) -> str:
    """Return the shape of a cell: digit runs as 9, letter runs as A, e.g. ORG-012 as A-9.

    Runs are collapsed, so that K-9 and K-1100 have the same shape.
    """
    return re.sub(r"[^\W\d_]+", "A", re.sub(r"\d+", "9", text.strip()))


def _open_quote_cell(table: RawTable) -> tuple[int, str, str] | None:
    """Return the row, column and text of the first cell that looks like an unclosed quote.

    Such a cell contains a line with as many delimiters as a record, whose
    first cell has the shape of the table's first column (an id, a code, a
    year). In a row cut short, it contains the delimiters of the cells that
    row lacks instead. A quoted cell with an ordinary line break has neither.
    """
    delimiter, width = table.delimiter, len(table.header)
    if delimiter is None or width < 3:
        return None
    first_column = table.header[0]
    if table.text_cells is None:
        cells_by_row = table.rows
        sample = [cells.get(first_column, "") for _, cells in cells_by_row[:SHAPE_SAMPLE]]
    else:
        sample = list(table.text_cells[first_column].iloc[:SHAPE_SAMPLE])
    shapes = {_shape(str(v)) for v in sample if isinstance(v, str) and v.strip()}

    def record_inside(text: object) -> bool:
        if not isinstance(text, str) or "\n" not in text:
            return False
        return any(line.count(delimiter) >= width - 1
                   and _shape(line.split(delimiter, 1)[0]) in shapes
                   for line in text.split("\n")[1:])

    if table.text_cells is None:
        for row, cells in table.rows:
            short = table.short_rows.get(row)
            for column, text in cells.items():
                if record_inside(text):
                    return row, column, text
                # A quote open to the end of the file keeps the last line break.
                missing = 0 if short is None else width - short
                if (missing and isinstance(text, str) and "\n" in text
                        and text.count(delimiter) >= missing):
                    return row, column, text
        return None
    for column in table.text_cells.columns:
        values = table.text_cells[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            categories = values.cat.categories
            if not contains_line_break(categories.array):
                continue
            suspects = [c for c in categories if record_inside(c)]
            rows = values[values.isin(suspects)] if suspects else values.iloc[:0]
        else:
            if not len(values) or not contains_line_break(values.array):
                continue
            rows = values[values.str.contains("\n", regex=False).fillna(False)]
            rows = rows[rows.map(record_inside).astype(bool)]
        if len(rows):
            return int(rows.index[0]), column, str(rows.iloc[0])
    return None


# The loss to the reports when an optional table is left empty.
EMPTY_TABLE_EFFECT = {
    "rekap": "periode yang hanya tercatat di tabel rekap tidak punya angka",
    "anggaran": "laporan tahunan tidak dapat menyajikan realisasi anggaran",
}


def _check_columns(table: RawTable, spec, problems: list[Problem]) -> bool:
    """Check the header; return False when the table cannot be parsed further."""
    if spec.optional_table and (not table.header or table.row_count == 0):
        # A table left out is fine, but an empty one is usually a failed export.
        problems.append(Problem(
            "tabel-opsional-kosong", table.source,
            f"{table.source} ada tetapi tidak berisi baris data, jadi "
            f"{EMPTY_TABLE_EFFECT[spec.name]}. Isi tabelnya, atau hapus berkasnya bila memang "
            "tidak dipakai.",
            expected=f"baris data di bawah judul kolom {', '.join(spec.required)}",
            severity=WARNING))
    if not table.header:
        if not spec.optional_table:
            problems.append(Problem(
                "tabel-kosong", table.source,
                f"Tabel {spec.name} kosong: tidak ada judul kolom maupun data.",
                expected=f"judul kolom di baris 1: {', '.join(spec.required)}"))
        return False
    ok = True
    for column in spec.required:
        if column not in table.header:
            # A column of the table that is present under its own name is no misspelling.
            hint = closest(column, [h for h in table.header if h not in spec.columns])
            problems.append(Problem(
                "kolom-tidak-ada", table.source,
                f"Kolom wajib {column!r} tidak ada di tabel {spec.name}."
                + (f" Ada kolom {hint!r}: nama kolom harus persis {column!r}."
                   + unseen_difference(hint, column) if hint else ""),
                row=1, column=column, value=hint, expected=", ".join(spec.required)))
            ok = False
    for column in table.header:
        if column not in spec.columns and not column.startswith("_"):
            problems.append(Problem(
                "kolom-tidak-dikenal", table.source,
                f"Kolom {column!r} tidak dikenal di tabel {spec.name} dan diabaikan.",
                row=1, column=column, value=column, expected=", ".join(spec.columns),
                severity=WARNING))
    if len(set(table.header)) != len(table.header):
        twice = sorted({c for c in table.header if table.header.count(c) > 1})
        problems.append(Problem(
            "kolom-ganda", table.source, f"Judul kolom muncul dua kali: {', '.join(twice)}.",
            row=1, column=twice[0], value=twice[0], expected="judul kolom yang unik"))
        ok = False
    if ok and not table.row_count and not table.rows_left_out and not spec.optional_table:
        problems.append(Problem(
            "tabel-kosong", table.source, f"Tabel {spec.name} tidak berisi satu baris data pun.",
            expected="paling sedikit satu baris data di bawah judul kolom"))
        ok = False
    return ok


# Tables read as text columns are parsed column by column, see iku_nb.columns.
COLUMN_PARSERS = {
    "konflik": parse_konflik_columns,
    "organisasi": parse_organisasi_columns,
    "partisipasi": parse_partisipasi_columns,
}

PARSERS = {
    "konflik": parse_konflik,
    "organisasi": parse_organisasi,
    "partisipasi": parse_partisipasi,
    "target": parse_target,
    "rekap": parse_rekap,
    "anggaran": parse_anggaran,
}

_DATE_COLUMNS = ("tanggal_kejadian", "tanggal_selesai", "tanggal_terdaftar",
                 "tanggal_nonaktif", "tanggal")


def _frame(records: list[dict] | dict[str, np.ndarray | pa.Array], name: str) -> pd.DataFrame:
    """Build the typed table from records, or from whole columns of parsed values."""
    columns = ["baris", *TABLES[name].columns]
    # Free text (uraian) never leaves the check stage.
    columns = [c for c in columns if c != "uraian"]
    if isinstance(records, dict):
        # Parsed columns already have their final types, with None for empty
        # text and arrow strings for ids. copy=False keeps pandas from copying
        # same-typed columns into one block.
        return pd.DataFrame({column: _column(records[column]) for column in columns}, copy=False)
    frame = pd.DataFrame(records, columns=columns)
    for column in _DATE_COLUMNS:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    for column in ("tahun", "triwulan", "pembilang", "penyebut"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    for column in frame.columns:
        if column in ID_COLUMNS:
            frame[column] = frame[column].astype(ID_DTYPE)
        elif column not in _DATE_COLUMNS and frame[column].dtype != "Int64" and column != "baris":
            # Empty text stays None: pandas would turn it into NaN, a float that
            # is truthy and prints as "nan".
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def _column(values: np.ndarray | pa.Array) -> pd.Series:
    if isinstance(values, pa.Array):
        return pd.Series(pd.array(values, dtype=ID_DTYPE), copy=False)
    return pd.Series(values, dtype=values.dtype, copy=False)


def _check_references(typed: dict, tables: dict, katalog: Katalog,
                      problems: list[Problem]) -> None:
    """Cross-table rules: participation by known organisations inside their active span."""
    org, part = typed.get("organisasi"), typed.get("partisipasi")
    # Organisations left out by the reader would all look unknown.
    if org is not None and part is not None and not tables["organisasi"].rows_left_out:
        check_participation(org, part, tables["partisipasi"].source, problems)
    konflik = typed.get("konflik")
    if konflik is not None:
        known = {fold(s) for b in katalog.bidang for s in b.sumber}
        # Each distinct source is folded once; groups keep the order of first use.
        sources = konflik["sumber"]
        text = tables["konflik"].text_cells
        distinct = columns.distinct_values(sources, None if text is None else text["sumber"])
        unknown = [s for s in distinct if not pd.isna(s) and fold(s) not in known]
        reports = konflik[sources.isin(unknown)] if unknown else konflik.iloc[:0]
        for sumber, lines in reports.groupby("sumber", sort=False)["baris"]:
            problems.append(Problem(
                "sumber-tanpa-bidang", tables["konflik"].source,
                f"Sumber {sumber!r} tidak tercantum pada bidang mana pun di katalog, "
                f"jadi laporannya tidak masuk rincian bidang ({len(lines)} baris).",
                row=int(lines.iloc[0]), column="sumber", value=sumber,
                expected="sumber yang tercantum di katalog", severity=WARNING))
