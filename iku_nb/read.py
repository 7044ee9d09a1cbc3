"""Find and read the monitoring tables: CSV, xlsx, or a sheet of one workbook.

Every value is kept as written (text, or the cell's own type for xlsx), with
the spreadsheet row it came from, so that checks can quote it back.
"""

from __future__ import annotations

import csv
import errno
import io
import logging
import os
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree.ElementTree import ParseError

from iku_nb.errors import os_cause
from iku_nb.formatting import runs
from iku_nb.parse import excel_decimal, shown
from iku_nb.problems import ERROR, ROWS_NAMED, WARNING, Problem, row_list
from iku_nb.read_columnar import nul_damage, read_plain_csv
from iku_nb.tables import (
    DELIMITERS,
    HEADER_SEARCH_ROWS,
    SEP_LINE,
    TABLES,
    RawTable,
    header_text,
    sniff_delimiter,
    split_line,
)

log = logging.getLogger("iku_nb")
FORMULA = "rumus-tanpa-nilai"


SUPPORTED = {".csv", ".xlsx"}
# Lock files of Excel and LibreOffice, and hidden files, are never read.
IGNORED_PREFIXES = ("~$", ".")
SPREADSHEET_LIKE = {".xls", ".xlsm", ".ods", ".txt", ".tsv", ".json", ".pdf", ".docx"}


def read_tables(data_dir: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read every monitoring table in ``data_dir``.

    Returns the tables found and the problems met while locating and reading
    them (missing or duplicated tables, unsupported files, bad encodings).
    Checks of the values themselves are left to :mod:`iku_nb.check`.
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    if not data_dir.is_dir():
        state = "adalah berkas, bukan folder" if data_dir.exists() else "tidak ditemukan"
        problems.append(Problem("folder-tidak-ada", str(data_dir),
                                f"Folder data {data_dir} {state}.",
                                expected="folder berisi tabel pemantauan"))
        return {}, problems

    sources = _locate_sources(data_dir, problems)
    # A table saved in an unsupported format already has its own problem.
    rejected = {p.file.rsplit(".", 1)[0].strip().casefold()
                for p in problems if p.code == "format-berkas"}
    tables: dict[str, RawTable] = {}
    for name, spec in TABLES.items():
        found = sources.get(name, [])
        if not found:
            if not spec.optional_table and name not in rejected:
                problems.append(Problem(
                    "tabel-tidak-ada", f"{name}.csv",
                    f"Tabel {name} tidak ditemukan di {data_dir}.",
                    expected=f"{name}.csv, {name}.xlsx, atau lembar {name!r} "
                    "dalam satu buku kerja xlsx"))
            continue
        if len(found) > 1:
            labels = ", ".join(label for label, _ in found)
            problems.append(Problem(
                "tabel-ganda", found[0][0],
                f"Tabel {name} ada di lebih dari satu tempat: {labels}. "
                "Simpan satu saja.", expected="satu sumber per tabel"))
            continue
        label, reader = found[0]
        try:
            table = reader(problems)
        except (csv.Error, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            # The library's own message, for support staff (--log-level info).
            log.info("%s tidak dapat dibaca: %s: %s", label, type(exc).__name__, exc)
            problems.append(Problem(
                "berkas-tidak-terbaca", label,
                f"Tabel {name} di {label} tidak dapat dibaca: {unreadable_reason(exc)}. "
                "Buka dan simpan ulang berkas itu sebagai CSV UTF-8 atau xlsx.",
                expected="CSV UTF-8 atau buku kerja xlsx yang sah"))
            continue
        if table is not None:
            log.info("membaca %s: %d baris", label, table.row_count)
            tables[name] = table
    return tables, problems


class WorkbookError(ValueError):
    """Error raised when a workbook's XML cannot be parsed, with the reason in Indonesian."""


def unreadable_reason(exc: BaseException) -> str:
    """Return why a table file could not be read, in Indonesian, from the error raised."""
    if isinstance(exc, WorkbookError):
        return str(exc)
    if isinstance(exc, csv.Error):
        if "field larger than field limit" in str(exc):
            limit = f"{csv.field_size_limit():,}".replace(",", ".")
            return (f"ada sel yang lebih panjang dari {limit} karakter, biasanya karena "
                    "tanda kutip (\") yang dibuka tetapi tidak ditutup")
        return "susunan CSV-nya tidak sah (tanda kutip atau pemisah yang salah tempat)"
    if isinstance(exc, zipfile.BadZipFile):
        return "isinya bukan arsip xlsx yang utuh; berkas mungkin rusak atau terpotong"
    if isinstance(exc, KeyError):
        return "salah satu bagian di dalam buku kerja xlsx tidak ada"
    if isinstance(exc, PermissionError):
        return "izin untuk membaca berkas itu ditolak oleh sistem"
    if isinstance(exc, FileNotFoundError):
        return "berkas itu hilang atau dipindahkan saat sedang dibaca"
    if isinstance(exc, OSError):
        return f"sistem berkas gagal membacanya: {os_cause(exc)}"
    return "isinya tidak sah sebagai tabel"


def _not_a_file(path: Path) -> str:
    """Say what a path that is not a readable file is, e.g. a folder or a broken link."""
    if path.is_symlink() and not path.exists():
        if _is_link_loop(path):
            return (f"adalah tautan ke {os.readlink(path)} yang berputar kembali ke dirinya "
                    "sendiri; salin berkas tabelnya ke folder data atau perbaiki tautannya")
        return (f"adalah tautan ke {os.readlink(path)}, yang tidak ada; salin berkas "
                "tabelnya ke folder data atau perbaiki tautannya")
    if path.is_dir():
        return "adalah folder, bukan berkas tabel"
    return ("bukan berkas biasa (misalnya pipa atau perangkat), jadi tidak dapat dibaca "
            "sebagai tabel")


def _is_link_loop(path: Path) -> bool:
    """Return whether following the symbolic link ``path`` never reaches a file."""
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _locate_sources(data_dir: Path, problems: list[Problem]) -> dict[str, list]:
    """Map each table name to (label, reader) pairs for the files that hold it."""
    sources: dict[str, list] = {}
    for path in sorted(data_dir.iterdir()):
        if path.name.startswith(IGNORED_PREFIXES):
            continue
        suffix = path.suffix.lower()
        stem = _table_name(path.stem)
        if not path.is_file():
            if stem in TABLES and suffix in SUPPORTED:
                problems.append(Problem(
                    "format-berkas", path.name, f"{path.name} {_not_a_file(path)}.",
                    value=path.name, expected=f"berkas {stem}.csv atau {stem}.xlsx"))
            continue
        if stem in TABLES and suffix == ".csv":
            sources.setdefault(stem, []).append(
                (path.name, lambda p, s=stem, f=path: _read_csv(s, f, p)))
        elif suffix == ".xlsx":
            _locate_sheets(path, sources, problems)
        elif stem in TABLES and suffix in SPREADSHEET_LIKE:
            problems.append(Problem(
                "format-berkas", path.name,
                f"Berkas {path.name} bukan CSV atau xlsx, jadi tidak dibaca. "
                f"Simpan ulang sebagai {stem}.csv atau {stem}.xlsx.",
                value=suffix, expected=".csv atau .xlsx"))
        elif suffix == ".csv" and (table := _table_in_name(stem)) is not None:
            problems.append(Problem(
                "berkas-tidak-dibaca", path.name,
                f"Berkas {path.name} tidak dibaca: hanya {table}.csv yang dibaca sebagai "
                f"tabel {table}. Bila berkas ini versi terbarunya (misalnya salinan yang "
                f"disimpan Excel), ganti namanya menjadi {table}.csv; bila bukan, "
                "pindahkan ke luar folder data.",
                value=path.name, expected=f"{table}.csv", severity=WARNING))
        elif (intended := _intended_name(path.name)) is not None and (
                table := _table_in_name(_table_name(Path(intended).stem))) is not None:
            problems.append(_hidden_suffix_problem(path.name, intended, table))
    return sources


def _intended_name(name: str) -> str | None:
    """Return the .csv or .xlsx name that a file seems to have in Explorer, or None.

    Explorer hides the extensions of registered file types, so a CSV saved
    by Notepad as "target.csv" with the .txt type is "target.csv.txt" on
    disk. A space or dot after the extension ("target.csv ") is as hard to see.
    """
    trimmed = name.rstrip(" .")
    if trimmed != name and Path(trimmed).suffix.lower() in SUPPORTED:
        return trimmed
    base, dot, extension = name.rpartition(".")
    if dot and extension.lower() == "txt" and Path(base).suffix.lower() in SUPPORTED:
        return base
    return None


def _hidden_suffix_problem(name: str, intended: str, table: str) -> Problem:
    """Return the warning that a file whose name only looks like a table file's is not read."""
    suffix = Path(intended).suffix.lower()
    if name.endswith((" ", ".")):
        cause = f"namanya diakhiri spasi atau titik sesudah {suffix}, jadi bukan berkas {suffix}"
    else:
        cause = (f"namanya berakhir .txt, jadi bukan berkas {suffix}; Windows menyembunyikan "
                 f"akhiran .txt sehingga berkas itu tampak bernama {intended}")
    return Problem(
        "berkas-tidak-dibaca", name,
        f"Berkas {name!r} tidak dibaca: {cause}. Bila berkas ini tabel {table}, ganti namanya "
        f"menjadi {table}{suffix}.",
        value=name, expected=f"{table}{suffix}", severity=WARNING)


def _table_in_name(stem: str) -> str | None:
    """Return the table that starts a file name, as in 'konflik (1)' or 'konflik_lama'."""
    match = re.match(r"[a-z]+", stem)
    return match[0] if match and match[0] in TABLES else None


def _locate_sheets(path: Path, sources: dict[str, list], problems: list[Problem]) -> None:
    try:
        book = _open_workbook(path, data_only=True)
    except (ValueError, zipfile.BadZipFile, KeyError, OSError):
        problems.append(Problem(
            "format-berkas", path.name,
            f"Berkas {path.name} tidak dapat dibuka sebagai buku kerja xlsx; mungkin "
            "rusak atau sebenarnya format lain. Buka di Excel dan simpan ulang sebagai .xlsx.",
            expected="buku kerja Excel .xlsx yang sah"))
        return
    sheet_names = book.sheetnames
    hidden = {ws.title for ws in book.worksheets
              if getattr(ws, "sheet_state", "visible") != "visible"}
    # Sheet and file names match a table ignoring case and surrounding spaces,
    # because Excel users type "Konflik " as readily as "konflik".
    named = {_table_name(sheet): sheet for sheet in reversed(sheet_names)}
    stem = _table_name(path.stem)
    try:
        sheet = _table_sheet(book, stem, named) if stem in TABLES else None
    finally:
        book.close()
    if sheet is not None:
        # The sheet is named when another sheet could have been meant.
        label = (path.name if len(sheet_names) == 1 or _table_name(sheet) == stem
                 else f"{path.name} [{sheet}]")
        if sheet != sheet_names[0] and _table_name(sheet) != stem:
            problems.append(Problem(
                "lembar-lain-dibaca", label,
                f"Lembar pertama {sheet_names[0]!r} di {path.name} tidak berisi semua kolom "
                f"wajib tabel {stem}, jadi lembar {sheet!r}, yang berisi kolom itu, dibaca "
                f"sebagai tabel {stem}. Ganti nama lembar itu menjadi {stem!r} supaya "
                "lembar yang dibaca tidak bergantung pada isinya.",
                value=sheet, expected=f"lembar bernama {stem!r}", severity=WARNING))
        sources.setdefault(stem, []).append(
            (label, lambda p, s=stem, f=path, sh=sheet, lb=label: _read_sheet(s, f, sh, lb, p)))
        _note_hidden(label, sheet, stem, hidden, problems)
        for name, other in named.items():
            if name in TABLES and name != stem:
                problems.append(Problem(
                    "lembar-tidak-dibaca", path.name,
                    f"Lembar {other!r} di {path.name} tidak dibaca sebagai tabel {name}: "
                    f"buku kerja yang bernama tabel hanya dibaca untuk tabel {stem}. "
                    f"Simpan lembar itu sebagai {name}.xlsx, atau beri buku kerja nama lain "
                    "(misalnya pemantauan.xlsx) supaya setiap lembarnya dibaca.",
                    value=other, expected=f"hanya tabel {stem} di {path.name}",
                    severity=WARNING))
        if _table_name(sheet) == stem:
            _note_sheet_copies(path.name, sheet_names, {stem}, problems)
        return
    for name, sheet in named.items():
        if name in TABLES:
            label = f"{path.name} [{sheet}]"
            sources.setdefault(name, []).append(
                (label, lambda p, n=name, f=path, sh=sheet, lb=label: _read_sheet(n, f, sh, lb, p)))
            _note_hidden(label, sheet, name, hidden, problems)
    _note_sheet_copies(path.name, sheet_names, set(TABLES), problems)


def _note_sheet_copies(file: str, sheets: list[str], tables: set[str],
                       problems: list[Problem]) -> None:
    """Warn about sheets not read whose name starts with one of ``tables``, as in 'Konflik (2)'.

    Excel names a copied sheet so, and the copy is easily taken for the table read.
    """
    for sheet in sheets:
        name = _table_name(sheet)
        table = _table_in_name(name)
        if name in TABLES or table not in tables:
            continue
        problems.append(Problem(
            "lembar-tidak-dibaca", file,
            f"Lembar {sheet!r} di {file} tidak dibaca: hanya lembar bernama {table!r} yang "
            f"dibaca sebagai tabel {table}. Bila lembar ini versi terbarunya (misalnya salinan "
            f"lembar yang dibuat Excel), ganti namanya menjadi {table!r}; bila bukan, hapus "
            "lembar itu atau pindahkan ke buku kerja lain.",
            value=sheet, expected=f"lembar {table!r}", severity=WARNING))


def _table_sheet(book, name: str, named: dict[str, str]) -> str:
    """Return the sheet of a workbook named after table ``name`` that contains the table.

    That is the sheet of the same name, else the first sheet. When the first
    sheet lacks a required column of the table, for instance a sheet of notes
    placed before the data, the first other sheet with all of them is taken.
    """
    if name in named:
        return named[name]
    first, *others = book.sheetnames
    if not others or _has_required_columns(book[first], name):
        return first
    return next((sheet for sheet in others if _has_required_columns(book[sheet], name)), first)


def _has_required_columns(worksheet, name: str) -> bool:
    """Return whether the header of a worksheet names every required column of table ``name``.

    A sheet that cannot be parsed counts as lacking them, and reading it reports why.
    """
    if not hasattr(worksheet, "iter_rows"):
        return False  # a chart sheet
    try:
        records = [list(row) for row in
                   worksheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
    except (ParseError, ValueError, KeyError, zipfile.BadZipFile, OSError):
        return False
    start = _header_row(name, records)
    if start is None:
        return False
    header = {header_text(cell) for cell in records[start]}
    return set(TABLES[name].required) <= header


def _note_hidden(label: str, sheet: str, name: str, hidden: set[str],
                 problems: list[Problem]) -> None:
    """Warn that a sheet read as a table is hidden in Excel, where its rows go unchecked."""
    if sheet in hidden:
        problems.append(Problem(
            "lembar-tersembunyi", label,
            f"Lembar {sheet!r} tersembunyi di Excel, tetapi tetap dibaca sebagai tabel {name}. "
            "Tampilkan lembar itu (Unhide) untuk memeriksa isinya, atau hapus bila tidak "
            "dipakai.", value=sheet, expected="lembar yang terlihat", severity=WARNING))


def _table_name(text: str) -> str:
    return text.strip().casefold()


def _decode(path: Path, problems: list[Problem]) -> str | None:
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        problems.append(Problem(
            "format-berkas", path.name,
            f"Berkas {path.name} sebenarnya buku kerja Excel, bukan CSV. "
            f"Ganti namanya menjadi {path.stem}.xlsx.", expected="teks CSV"))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            problems.append(Problem(
                "encoding-tidak-terbaca", path.name,
                f"Berkas {path.name} bertanda UTF-16, tetapi isinya rusak mulai bita ke-"
                f"{exc.start + 1} dari {len(data)}. Simpan ulang sebagai 'CSV UTF-8'.",
                value=f"bita ke-{exc.start + 1}", expected="CSV UTF-8"))
            return None
    damage = nul_damage(data)
    if damage is not None:
        line = data[:damage].count(b"\n") + 1
        problems.append(Problem(
            "berkas-rusak", path.name,
            f"Berkas {path.name} rusak atau bukan teks CSV: berisi bita NUL (0x00) mulai bita "
            f"ke-{damage + 1} dari {len(data)}, di baris {line}. Biasanya berkas itu tidak "
            "selesai disimpan (komputer mati atau flashdisk dicabut saat menyimpan), atau "
            "berupa teks UTF-16 tanpa BOM. Buka berkas itu dan periksa isinya; bila rusak, "
            "simpan ulang dari data aslinya atau pakai salinan cadangannya.",
            row=line, value="0x00", expected="teks CSV tanpa bita NUL"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # The line of the first byte that is not UTF-8, counted as the spreadsheet
    # counts rows when no quoted cell spans lines.
    line = data[:utf8_error.start].count(b"\n") + 1
    bad = data[utf8_error.start:utf8_error.start + 1].hex().upper()
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        problems.append(Problem(
            "encoding-tidak-terbaca", path.name,
            f"Berkas {path.name} tidak dapat dibaca: bukan UTF-8 maupun Windows-1252 "
            f"(bita 0x{data[exc.start]:02X} di baris {line}). Simpan ulang sebagai "
            "'CSV UTF-8'.", row=line, value=f"0x{data[exc.start]:02X}",
            expected="CSV UTF-8"))
        return None
    problems.append(Problem(
        "encoding-windows-1252", path.name,
        f"Berkas {path.name} bukan UTF-8 (bita 0x{bad} di baris {line}), jadi dibaca "
        "sebagai Windows-1252. Periksa huruf beraksen, lalu simpan ulang sebagai "
        "'CSV UTF-8'.", row=line, value=f"0x{bad}", expected="CSV UTF-8",
        severity=WARNING))
    return text


def _read_csv(name: str, path: Path, problems: list[Problem]) -> RawTable | None:
    table = read_plain_csv(name, path)
    if table is not None:
        return table
    text = _decode(path, problems)
    if text is None:
        return None
    first_line, _, rest = text.partition("\n")
    directive = SEP_LINE.match(first_line)
    if directive:
        # Excel's "sep=;" line sets the delimiter and is not shown as a row,
        # so the header below it is row 1, as the user sees it in Excel.
        delimiter = directive.group(1)
        text = rest
    else:
        # Judged on the first lines, not only the first: a title line above
        # the header usually has no delimiter at all.
        head = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
        delimiter = sniff_delimiter(name, head)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    start = _header_row(name, records)
    left_out = _drop_rows_with_other_delimiter(start, path.name, records, delimiter, problems)
    table = _build(name, path.name, records, problems, path, delimiter)
    table.delimiter = delimiter
    table.rows_left_out = left_out
    return table


def _drop_rows_with_other_delimiter(start: int | None, source: str, records: list[list],
                                    delimiter: str, problems: list[Problem]) -> int:
    """Report data rows written with another delimiter than the header, and blank them.

    Such a row reads as one cell, or as a few when a value contains the
    header's delimiter, so every later check would report it again (missing
    cells, an unknown id). Blanked, it keeps its row number but is not
    checked; the error stops the report all the same. Returns how many rows
    were blanked. ``start`` is the index of the header record.
    """
    if start is None or len(records[start]) < 2:
        return 0
    width = len(records[start])
    found: dict[str, list[int]] = {}
    for index in range(start + 1, len(records)):
        record = records[index]
        if len(record) >= width or not any(cell.strip() for cell in record):
            continue
        line = delimiter.join(record)
        other = next((d for d in DELIMITERS
                      if d != delimiter and len(split_line(line, d)) == width), None)
        if other is not None:
            found.setdefault(other, []).append(index + 1)
            records[index] = []
    for other, rows in found.items():
        problems.append(Problem(
            "pemisah-berbeda", source,
            f"{len(rows)} baris data (baris {row_list(rows)}) memisahkan sel dengan {other!r}, "
            f"sedangkan judul kolom memakai {delimiter!r}, sehingga setiap baris itu terbaca "
            "sebagai satu sel dan tidak diperiksa. Simpan ulang berkas dengan satu pemisah "
            "untuk semua baris.",
            row=rows[0], value=other, expected=f"pemisah {delimiter!r} seperti judul kolom"))
    return sum(map(len, found.values()))


def _open_workbook(path: Path, data_only: bool):
    """Open a workbook read-only; an invalid one raises WorkbookError.

    openpyxl is imported here, not with this module, because most data
    folders hold only CSV files and the import costs about 0.13 s in every
    process that reads data, every report kernel included.
    """
    from openpyxl import load_workbook  # noqa: PLC0415
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except InvalidFileException as exc:
        raise WorkbookError("berkas itu tidak dikenali sebagai buku kerja xlsx") from exc
    except ParseError as exc:
        raise WorkbookError(_xml_reason(exc)) from exc


def _sheet_rows(path: Path, sheet: str, data_only: bool,
                percent_cells: list[tuple[int, int]] | None = None) -> list[list]:
    """Return the rows of one sheet; a sheet that is not valid XML raises WorkbookError.

    With ``percent_cells``, a number in a cell formatted as a percentage is
    read as Excel shows it (0.9 shown as 90% is read as 90), and its row and
    column, counted from 1, are appended to that list.
    """
    book = _open_workbook(path, data_only=data_only)
    try:
        if percent_cells is None:
            return [list(row) for row in book[sheet].iter_rows(values_only=True)]
        records = []
        for row_number, row in enumerate(book[sheet].iter_rows(), start=1):
            values = []
            for column_number, cell in enumerate(row, start=1):
                value = cell.value
                if (isinstance(value, (int, float)) and not isinstance(value, bool)
                        and _is_percent_format(getattr(cell, "number_format", None))):
                    value = _as_shown_percent(value)
                    percent_cells.append((row_number, column_number))
                values.append(value)
            records.append(values)
        return records
    except ParseError as exc:
        raise WorkbookError(_xml_reason(exc)) from exc
    finally:
        book.close()


# Quoted text and backslash-escaped characters in a number format are shown as
# written, so a % inside them does not make the cell a percentage.
FORMAT_LITERAL = re.compile(r'"[^"]*"|\\.')


def _is_percent_format(number_format: object) -> bool:
    """Return whether an Excel number format shows its number multiplied by 100, as in 0.0%."""
    return isinstance(number_format, str) and "%" in FORMAT_LITERAL.sub("", number_format)


def _as_shown_percent(value: float) -> Decimal:
    """Return the percentage Excel shows for a stored fraction: 0.825 is 82.5."""
    percent = excel_decimal(value) * 100
    return percent.quantize(Decimal(1)) if percent == percent.to_integral() else percent.normalize()


def _xml_reason(exc: ParseError) -> str:
    """Return where the XML inside a workbook breaks off, in Indonesian."""
    line, column = getattr(exc, "position", (None, None))
    # The parser counts columns from 0 and lines from 1.
    where = f" (baris {line}, kolom {column + 1} XML-nya)" if line is not None else ""
    return f"XML di dalam buku kerja xlsx rusak atau terpotong{where}"


def _read_sheet(name: str, path: Path, sheet: str, label: str,
                problems: list[Problem]) -> RawTable:
    percent_cells: list[tuple[int, int]] = []
    records = _sheet_rows(path, sheet, data_only=True, percent_cells=percent_cells)
    start = _header_row(name, records)
    _note_percent_cells(start, label, records, percent_cells, problems)
    if any(cell is None for record in records for cell in record):
        _flag_formulas_without_values(path, sheet, label, records, problems)
    from iku_nb.sheet_xml import sheet_layout  # noqa: PLC0415 - imports openpyxl

    layout = sheet_layout(path, sheet)
    # Every cell of a merged range but the first reads as empty.
    _flag_merged_cells(name, start, label, records, layout.merged, problems)
    _note_hidden_rows(start, label, records, layout.hidden_rows, problems)
    return _build(name, label, records, problems, path)


def _note_hidden_rows(start: int | None, label: str, records: list[list], hidden: list[int],
                      problems: list[Problem]) -> None:
    """Warn once per sheet that rows hidden in Excel, by hand or by a filter, are still counted."""
    if start is None:
        return
    data_rows = [row for row in hidden
                 if start + 1 < row <= len(records) and not _blank_record(records[row - 1])]
    if not data_rows:
        return
    spans = runs(data_rows)
    shown_spans = ", ".join(spans[:ROWS_NAMED]) + (", …" if len(spans) > ROWS_NAMED else "")
    problems.append(Problem(
        "baris-tersembunyi", label,
        f"{len(data_rows)} baris data tersembunyi di Excel (disembunyikan atau "
        f"tersaring): baris {shown_spans}. Baris itu tetap dibaca dan dihitung. Tampilkan "
        "semua baris (Unhide, atau Clear pada saringan) untuk memeriksanya, dan hapus baris "
        "yang memang tidak boleh dihitung.",
        row=data_rows[0], value=str(len(data_rows)), expected="baris yang terlihat",
        severity=WARNING))


def _note_percent_cells(start: int | None, label: str, records: list[list],
                        cells: list[tuple[int, int]], problems: list[Problem]) -> None:
    """Warn once per column that its percentage-formatted numbers were read as shown.

    Excel stores 90% as 0.9. The reader takes 90, the value Excel displays,
    and reports it, because the stored number differs from the displayed one.
    """
    header = [header_text(cell) for cell in records[start]] if start is not None else []
    by_column: dict[int, list[int]] = {}
    for row, column in cells:
        if start is None or row > start + 1:
            by_column.setdefault(column, []).append(row)
    for column, rows in sorted(by_column.items()):
        title = header[column - 1] if column <= len(header) and header[column - 1] else None
        first = records[rows[0] - 1][column - 1]
        stored, displayed = shown(first / 100), shown(first)
        where = (f"baris {rows[0]}" if len(rows) == 1
                 else f"{len(rows)} sel, baris {rows[0]}–{rows[-1]}")
        problems.append(Problem(
            "sel-berformat-persen", label,
            f"Sel berformat persen ({where}) dibaca seperti yang ditampilkan Excel: "
            f"{stored} tersimpan, {displayed}% tampil, jadi dibaca {displayed}.",
            row=rows[0], column=title, value=f"{displayed}%",
            expected="angka persen seperti yang tampil di Excel", severity=WARNING))


def _flag_merged_cells(name: str, start: int | None, label: str, records: list[list],
                       ranges: list[tuple[int, int, int, int]], problems: list[Problem]) -> None:
    """Report merged ranges in the header or the data rows, which hide values from the reader.

    Excel shows the first cell's value across the whole range, so "Magersari"
    merged over three rows is displayed three times, while the reader gets
    it once and two empty cells. A range only in columns that the table
    does not use is a warning; a range above the header (a title) is fine.
    """
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 - loaded with the workbook

    if start is None:
        return
    header_row = start + 1
    header = [header_text(cell) for cell in records[start]]
    used = set(TABLES[name].columns)
    for first_column, first_row, last_column, last_row in ranges:
        if last_row < header_row:
            continue
        ref = (f"{get_column_letter(first_column)}{first_row}:"
               f"{get_column_letter(last_column)}{last_row}")
        columns = [header[i - 1] if i <= len(header) else ""
                   for i in range(first_column, last_column + 1)]
        first = records[first_row - 1] if first_row <= len(records) else []
        value = _cell_value(first[first_column - 1]) if first_column <= len(first) else ""
        severity = ERROR if used & set(columns) else WARNING
        if first_row <= header_row:
            problems.append(Problem(
                "sel-digabung", label,
                f"Judul kolom di sel {ref} digabung (merge), jadi hanya sel pertamanya yang "
                "berjudul dan kolom lain di gabungan itu terbaca tanpa judul. Pisahkan "
                "gabungan sel itu (Unmerge Cells) dan tulis satu judul di setiap kolom.",
                row=header_row, column=columns[0] or None, value=str(value) or None,
                expected="satu judul di setiap kolom, tanpa sel digabung", severity=severity))
            continue
        letters = [c or get_column_letter(first_column + i) for i, c in enumerate(columns)]
        if first_column == last_column:
            hidden = f"baris {_span(first_row + 1, last_row)} kolom {letters[0]}"
        elif first_row == last_row:
            hidden = f"kolom {', '.join(letters[1:])} di baris {first_row}"
        else:
            hidden = (f"sel lainnya di kolom {', '.join(letters)} baris "
                      f"{_span(first_row, last_row)}")
        problems.append(Problem(
            "sel-digabung", label,
            f"Sel {ref} digabung (merge). Excel menampilkan nilai sel pertamanya di seluruh "
            f"gabungan, tetapi nilai itu hanya tersimpan di baris {first_row}, jadi {hidden} "
            "terbaca kosong. Pisahkan gabungan sel itu (Unmerge Cells) dan isi nilainya di "
            "setiap sel.",
            row=first_row, column=columns[0] or None, value=str(value) or None,
            expected="satu nilai di setiap sel, tanpa sel digabung", severity=severity))


def _flag_formulas_without_values(path: Path, sheet: str, label: str, records: list[list],
                                  problems: list[Problem]) -> None:
    """Report formula cells that have no stored result, and show their formula.

    A workbook written by a script and never saved in Excel keeps formulas
    without results, which would otherwise read as empty cells.
    """
    formulas = _sheet_rows(path, sheet, data_only=False)
    header = records[0] if records else []
    for index, (values, written) in enumerate(zip(records, formulas, strict=False), start=1):
        for position, (value, formula) in enumerate(zip(values, written, strict=False)):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                values[position] = formula
                column = header[position] if position < len(header) else None
                problems.append(Problem(
                    FORMULA, label,
                    f"Sel berisi rumus {formula} tanpa hasil tersimpan. Buka buku kerja "
                    "di Excel lalu simpan, atau ganti rumus dengan nilainya.",
                    row=index, column=None if column is None else header_text(column),
                    value=formula, expected="nilai atau rumus dengan hasil tersimpan"))


def _build(name: str, source: str, records: list[list], problems: list[Problem],
           path: Path | None = None, delimiter: str | None = None) -> RawTable:
    """Turn records into a RawTable, numbering rows as a spreadsheet does.

    ``delimiter`` is a CSV file's, named in the hint about cells past the header.
    """
    start = _header_row(name, records)
    if start is None:
        return RawTable(name, source, [], path=path)
    if not all(_blank_record(record) for record in records[:start]):
        problems.append(Problem(
            "judul-bukan-baris-1", source,
            f"Judul kolom tabel {name} ada di baris {start + 1}, bukan baris 1; baris di "
            "atasnya diabaikan.", row=start + 1, expected="judul kolom di baris 1",
            severity=WARNING))
    header = [header_text(cell) for cell in records[start]]
    table = RawTable(name, source, [h for h in header if h], path=path,
                     header_cells=len(header))
    outside: list[tuple[int, list]] = []
    for index, record in enumerate(records[start + 1:], start=start + 2):
        cells = {}
        stray = []
        for position, cell in enumerate(record):
            value = _cell_value(cell)
            column = header[position] if position < len(header) else ""
            if column:
                cells[column] = value
            elif not _is_blank_cell(value):
                stray.append(value)
        if stray:
            outside.append((index, stray))
        if any(not _is_blank_cell(v) for v in cells.values()):
            table.rows.append((index, cells))
            if len(record) < len(header):
                table.short_rows[index] = len(record)
            elif delimiter is not None and len(record) > len(header) and not stray:
                table.long_rows[index] = [str(cell) for cell in record]
    _report_cells_outside(source, outside, delimiter, problems)
    return table


def _report_cells_outside(source: str, outside: list[tuple[int, list]], delimiter: str | None,
                          problems: list[Problem]) -> None:
    """Report values in columns without a title: per row, or once when many rows have them.

    Many such rows usually mean one column without a title, for instance a
    title written in merged cells, so one problem names them all.
    """
    hint = (f" Bila sebuah sel berisi {delimiter!r} tanpa tanda kutip, sel-sel sesudahnya "
            "bergeser ke kanan: beri tanda kutip ganda pada sel itu." if delimiter else "")
    if len(outside) > ROWS_NAMED:
        rows = [index for index, _ in outside]
        problems.append(Problem(
            "sel-tanpa-kolom", source,
            f"{len(rows)} baris (baris {row_list(rows)}) berisi nilai di luar kolom berjudul. "
            "Biasanya sebuah kolom tidak berjudul, misalnya karena sel judulnya digabung."
            + hint, row=rows[0], value=", ".join(map(str, outside[0][1])),
            expected="sel kosong atau kolom berjudul"))
        return
    for index, stray in outside:
        problems.append(Problem(
            "sel-tanpa-kolom", source, f"Baris {index} berisi nilai di luar kolom berjudul."
            + hint, row=index, value=", ".join(map(str, stray)),
            expected="sel kosong atau kolom berjudul"))


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _header_row(name: str, records: list[list]) -> int | None:
    """Return the index of the header record, or None when every record is blank.

    The header is the first non-blank record, unless a later one among the
    first rows contains a column name of the table (a title typed above it).
    """
    filled = [i for i, record in enumerate(records[:HEADER_SEARCH_ROWS])
              if not _blank_record(record)]
    if not filled:
        return None if all(_blank_record(r) for r in records) else 0
    columns = set(TABLES[name].columns)
    for index in filled:
        if columns & {header_text(cell) for cell in records[index]}:
            return index
    return filled[0]


def _blank_record(record: list) -> bool:
    return all(_is_blank_cell(_cell_value(c)) for c in record)


def _is_blank_cell(value: object) -> bool:
    return isinstance(value, str) and value.strip() == ""


def _cell_value(cell: object) -> object:
    """Return text as written, an xlsx date or number as itself, blanks as ''.

    A percentage cell arrives here already as the Decimal that Excel shows,
    and a boolean cell becomes the text Excel shows: TRUE or FALSE.
    """
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime):
        return cell.date() if cell.time() == datetime.min.time() else cell
    if isinstance(cell, (date, int, float, Decimal)) and not isinstance(cell, bool):
        return cell
    return str(cell)
