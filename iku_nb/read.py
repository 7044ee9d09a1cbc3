"""Find and read the monitoring tables: CSV, xlsx, or a sheet of one workbook.

Every value is kept as written (text, or the cell's own type for xlsx), with
the spreadsheet row it came from, so that checks can quote it back.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from iku_nb.problems import WARNING, Problem

log = logging.getLogger("iku_nb")


@dataclass(frozen=True)
class TableSpec:
    """The columns of one monitoring table."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    optional_table: bool = False

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
        ),
        TableSpec(
            "organisasi",
            ("id_organisasi", "nama", "jenis", "tanggal_terdaftar", "tanggal_nonaktif"),
        ),
        TableSpec("partisipasi", ("id_organisasi", "tanggal", "kegiatan")),
        TableSpec("target", ("kode_indikator", "tahun", "target"), ("triwulan",)),
        TableSpec(
            "rekap",
            ("kode_indikator", "tahun", "pembilang", "penyebut"),
            ("triwulan", "keterangan"),
            optional_table=True,
        ),
    )
}

SUPPORTED = {".csv", ".xlsx"}
SPREADSHEET_LIKE = {".xls", ".xlsm", ".ods", ".txt", ".tsv", ".json", ".pdf", ".docx"}


@dataclass
class RawTable:
    """One table as written: its source, header and rows of raw cell values."""

    name: str
    source: str
    header: list[str]
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)


def read_tables(data_dir: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read every monitoring table in ``data_dir``.

    Returns the tables found and the problems met while locating and reading
    them (missing or duplicated tables, unsupported files, bad encodings).
    Checks of the values themselves are left to :mod:`iku_nb.check`.
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    if not data_dir.is_dir():
        problems.append(Problem("folder-tidak-ada", str(data_dir),
                                f"Folder data {data_dir} tidak ditemukan.",
                                expected="folder berisi tabel pemantauan"))
        return {}, problems

    sources = _locate_sources(data_dir, problems)
    tables: dict[str, RawTable] = {}
    for name, spec in TABLES.items():
        found = sources.get(name, [])
        if not found:
            if not spec.optional_table:
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
        table = reader(problems)
        if table is not None:
            log.info("membaca %s: %d baris", label, len(table.rows))
            tables[name] = table
    return tables, problems


def _locate_sources(data_dir: Path, problems: list[Problem]) -> dict[str, list]:
    """Map each table name to (label, reader) pairs for the files that hold it."""
    sources: dict[str, list] = {}
    for path in sorted(data_dir.iterdir()):
        if not path.is_file() or path.name.startswith(("~$", ".")):
            continue
        suffix = path.suffix.lower()
        stem = path.stem
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
    return sources


def _locate_sheets(path: Path, sources: dict[str, list], problems: list[Problem]) -> None:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        problems.append(Problem(
            "format-berkas", path.name,
            f"Berkas {path.name} tidak dapat dibuka sebagai buku kerja xlsx ({exc}).",
            expected="buku kerja Excel .xlsx yang sah"))
        return
    sheet_names = book.sheetnames
    book.close()
    if path.stem in TABLES:
        # A table-named workbook holds that table on its sheet of the same
        # name, or else on its first sheet.
        sheet = path.stem if path.stem in sheet_names else sheet_names[0]
        sources.setdefault(path.stem, []).append(
            (path.name, lambda p, s=path.stem, f=path, sh=sheet: _read_sheet(s, f, sh, p)))
        return
    for sheet in sheet_names:
        if sheet in TABLES:
            label = f"{path.name} [{sheet}]"
            sources.setdefault(sheet, []).append(
                (label, lambda p, f=path, sh=sheet: _read_sheet(sh, f, sh, p)))


def _decode(path: Path, problems: list[Problem]) -> str | None:
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        problems.append(Problem(
            "format-berkas", path.name,
            f"Berkas {path.name} sebenarnya buku kerja Excel, bukan CSV. "
            f"Ganti namanya menjadi {path.stem}.xlsx.", expected="teks CSV"))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        problems.append(Problem(
            "encoding-tidak-terbaca", path.name,
            f"Berkas {path.name} tidak dapat dibaca: bukan UTF-8 maupun Windows-1252 "
            f"(bita tak sah di posisi {utf8_error.start}). Simpan ulang sebagai "
            "'CSV UTF-8'.", expected="CSV UTF-8"))
        return None
    problems.append(Problem(
        "encoding-windows-1252", path.name,
        f"Berkas {path.name} bukan UTF-8; dibaca sebagai Windows-1252. Periksa "
        "huruf beraksen, lalu simpan ulang sebagai 'CSV UTF-8'.",
        expected="CSV UTF-8", severity=WARNING))
    return text


def _read_csv(name: str, path: Path, problems: list[Problem]) -> RawTable | None:
    text = _decode(path, problems)
    if text is None:
        return None
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return _build(name, path.name, records, problems)


def _read_sheet(name: str, path: Path, sheet: str, problems: list[Problem]) -> RawTable:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        records = [list(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
    label = path.name if path.stem == name else f"{path.name} [{sheet}]"
    return _build(name, label, records, problems)


def _build(name: str, source: str, records: list[list], problems: list[Problem]) -> RawTable:
    """Turn records (header first) into a RawTable, numbering rows as a spreadsheet does."""
    if not records:
        return RawTable(name, source, [])
    header = [_header_text(cell) for cell in records[0]]
    table = RawTable(name, source, [h for h in header if h])
    for index, record in enumerate(records[1:], start=2):
        cells = {}
        stray = []
        for position, cell in enumerate(record):
            value = _cell_value(cell)
            column = header[position] if position < len(header) else ""
            if column:
                cells[column] = value
            elif value != "":
                stray.append(value)
        if stray:
            problems.append(Problem(
                "sel-tanpa-kolom", source,
                f"Baris {index} berisi nilai di luar kolom berjudul.", row=index,
                value=", ".join(map(str, stray)), expected="sel kosong atau kolom berjudul"))
        if any(v != "" for v in cells.values()):
            table.rows.append((index, cells))
    return table


def _header_text(cell: object) -> str:
    return "" if cell is None else str(cell).replace("\ufeff", "").strip()


def _cell_value(cell: object) -> object:
    """Return text as written, an xlsx date or number as itself, blanks as ''."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date() if cell.time() == datetime.min.time() else cell
    if isinstance(cell, (date, int, float)) and not isinstance(cell, bool):
        return cell
    return str(cell)
