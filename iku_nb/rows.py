"""Parse the cells of one table row by row, recording a Problem for each bad cell."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from iku_nb.formatting import bilangan, tanggal
from iku_nb.parse import (
    DATE_FORMATS,
    SCIENTIFIC_ADVICE,
    THOUSANDS,
    canonical,
    closest,
    describe_characters,
    invisible_characters,
    is_blank,
    marked_invisible,
    parse_date,
    parse_integer,
    parse_number,
    parse_scientific,
    shown,
    unseen_difference,
    without_invisible,
)
from iku_nb.period import MAX_YEAR, MIN_YEAR
from iku_nb.problems import ERROR, WARNING, Problem
from iku_nb.tables import RawTable

# Whole numbers are stored as 64-bit integers; a larger one is taken for a typing error.
MAX_INTEGER = 2**63 - 1


# Day 0 of Excel's 1900 date system, for serial numbers from 61 (1 March 1900) on.
# Excel counts a 29 February 1900 that never was, so earlier serials are one day off.
EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL = re.compile(r"\d{5}([.,]\d+)?")


def excel_serial_date(value: object) -> date | None:
    """Return the day that an Excel date serial number is, or None.

    The number may be an xlsx number or text of five digits with an optional
    fraction (the time of day), as a CSV written from an unformatted date
    column contains. Only days in the years a monitoring date may fall in,
    MIN_YEAR to MAX_YEAR, count.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _SERIAL.fullmatch(value.strip()):
        number = float(value.strip().replace(",", "."))
    else:
        return None
    if not 61 <= number < 2_958_466:  # 2958465 is 31 December 9999
        return None
    day = EXCEL_EPOCH + timedelta(days=int(number))
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


def _date_hint(value: object) -> str:
    """Explain why a date could not be read when the cause is a common one."""
    serial = excel_serial_date(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        meaning = (f" Sebagai nomor seri tanggal Excel, angka itu berarti {tanggal(serial)}."
                   if serial else "")
        return (" Sel berisi angka, bukan tanggal." + meaning
                + " Beri format Tanggal pada sel itu di Excel.")
    if serial is not None:
        return (f" Angka itu tampaknya nomor seri tanggal Excel (sistem tanggal 1900), yaitu "
                f"{tanggal(serial)}: kolom tanggalnya tidak berformat Tanggal saat disimpan "
                "sebagai CSV. Beri format Tanggal pada kolom itu di Excel lalu simpan ulang, "
                f"atau tulis {serial:%d/%m/%Y}.")
    parts = re.split(r"[/.-]", str(value).strip())
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return ""
    if len(parts[0]) == 4:
        year, month, day = parts
        if "-" not in str(value) and _is_calendar_date(year, month, day):
            return (" Tanggal yang diawali tahun ditulis dengan tanda hubung: "
                    f"{year}-{int(month):02d}-{int(day):02d}, atau tulis hari lebih dulu: "
                    f"{int(day):02d}/{int(month):02d}/{year}.")
    elif len(parts[2]) == 4:
        day, month, year = parts
        if 1 <= int(day) <= 12 < int(month) <= 31:
            return (" Tampaknya ditulis bulan/hari/tahun; tulis hari lebih dulu: "
                    f"{int(month):02d}/{int(day):02d}/{year}.")
    else:
        return " Tulis tahun dengan empat angka."
    if not 1 <= int(month) <= 12:
        return f" Bulan {int(month)} tidak ada."
    return " Tanggal itu tidak ada di kalender."


def _is_calendar_date(year: str, month: str, day: str) -> bool:
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _escapes_explained(value: object, message: str) -> str:
    """Return a sentence naming each character that the message quotes as a Python escape.

    Messages quote values with repr, which writes a tab as \\t and a thin
    space as \\u2009, so that a character the eye cannot tell from a space
    still shows. The sentence names it, as "\\u2009 adalah karakter U+2009
    (THIN SPACE)", or returns '' when the message contains no such escape.
    """
    if value is None:
        return ""
    named = []
    for character in dict.fromkeys(shown(value)):
        escape = repr(character)[1:-1]
        if character not in (escape, "\\") and escape in message:
            named.append(f"{escape} adalah karakter {describe_characters([character])}")
    return f" Di pesan ini {'; '.join(named)}." if named else ""


@dataclass
class Rows:
    """Parse the cells of one table, recording a Problem for each bad cell."""

    table: RawTable
    problems: list[Problem]
    records: list[dict] = field(default_factory=list)
    _cells_by_row: dict[int, dict] | None = field(default=None, repr=False)
    _short_reported: set[int] = field(default_factory=set, repr=False)

    def cell(self, row: int, column: str) -> object:
        """Return the cell of spreadsheet row ``row`` as written; '' when the column is absent."""
        text_cells = self.table.text_cells
        if text_cells is not None:
            return text_cells.at[row, column] if column in text_cells else ""
        if self._cells_by_row is None:
            self._cells_by_row = dict(self.table.rows)
        return self._cells_by_row[row].get(column, "")

    def problem(self, code: str, row: int | None, column: str | None, value: object,
                expected: str, message: str, severity: str = ERROR,
                ids: tuple[str, ...] = ()) -> None:
        message += _escapes_explained(value, message)
        self.problems.append(Problem(
            code, self.table.source, message, row=row, column=column,
            value=None if value is None else shown(value), expected=expected,
            severity=severity, ids=ids))

    def text(self, row: int, cells: dict, column: str, required: bool = True) -> str | None:
        value = cells.get(column, "")
        if is_blank(value):
            if not required:
                return None
            if column not in cells and row in self.table.short_rows:
                self._short_row(row, cells)
            else:
                self.problem("nilai-kosong", row, column, "", "nilai terisi",
                             f"Kolom {column} wajib diisi.")
            return None
        return " ".join(shown(value).split())

    def _short_row(self, row: int, cells: dict) -> None:
        """Report, once, a row that ends before a required column.

        The one problem names the columns the row lacks, in place of an
        empty-value problem for each required one.
        """
        if row in self._short_reported:
            return
        self._short_reported.add(row)
        header = self.table.header
        count = self.table.short_rows[row]
        absent = header[count:]
        columns = absent[0] if len(absent) == 1 else f"{absent[0]} sampai {absent[-1]}"
        self.problem(
            "baris-kurang-sel", row, None, count, f"{len(header)} sel, sebanyak judul kolom",
            f"Baris {row} hanya berisi {count} dari {len(header)} sel: sel kolom {columns} "
            "tidak ada, padahal ada yang wajib diisi. Biasanya sebuah sel di baris sebelumnya "
            "berisi ganti baris tanpa tanda kutip, sehingga satu baris terpecah dua. Beri tanda "
            "kutip pada sel itu atau gabungkan kedua baris.")

    def drop_invisible(self, row: int, cells: dict, column: str) -> dict:
        """Return the cells with invisible characters removed from ``column``.

        Such a character, often a BOM or a zero-width space pasted from a
        document, makes a code differ from the same code elsewhere although
        both look alike, so each cell that contains one gets an error.
        """
        value = cells.get(column, "")
        hidden = invisible_characters(value) if isinstance(value, str) else []
        if not hidden:
            return cells
        visible = without_invisible(value)
        marked = marked_invisible(value)
        looks = (f"Nilai itu tampak sama dengan {visible.strip()!r}, tetapi berbeda saat "
                 "dicocokkan atau dicari." if visible.strip()
                 else "Sel itu tampak kosong, tetapi tidak kosong.")
        self.problem(
            "karakter-tak-terlihat", row, column, marked, visible.strip() or "sel kosong",
            f"Nilai {column} {marked!r} berisi karakter tak terlihat "
            f"{describe_characters(hidden)}, biasanya terbawa saat menyalin dari dokumen atau "
            f"halaman web. {looks} Hapus karakter itu dari selnya.")
        return {**cells, column: visible}

    def ident(self, row: int, cells: dict, column: str) -> str | None:
        cells = self.drop_invisible(row, cells, column)
        value = self.text(row, cells, column)
        return None if value is None else value.upper()

    def choice(self, row: int, cells: dict, column: str, allowed: list[str],
               required: bool = True) -> str | None:
        cells = self.drop_invisible(row, cells, column)
        value = cells.get(column, "")
        if is_blank(value):
            return self.text(row, cells, column, required)
        found = canonical(value, allowed)
        if found is None:
            hint = closest(value, allowed)
            expected = ", ".join(allowed) + ("" if required else ", atau kosong")
            self.problem(
                "nilai-tidak-sah", row, column, value, expected,
                f"Nilai {column} {shown(value)!r} tidak dikenal"
                + (f"; maksudnya {hint!r}?{unseen_difference(value, hint)}" if hint else ".")
                + f" Nilai yang sah: {expected}.")
        return found

    def date(self, row: int, cells: dict, column: str, required: bool = True) -> date | None:
        value = cells.get(column, "")
        if is_blank(value):
            return self.text(row, cells, column, required)
        parsed = parse_date(value)
        if parsed is None:
            self.problem("tanggal-tidak-terbaca", row, column, value, DATE_FORMATS,
                         f"Tanggal {shown(value)!r} tidak dapat dibaca." + _date_hint(value))
        elif not MIN_YEAR <= parsed.year <= MAX_YEAR:
            self.problem("tanggal-tidak-masuk-akal", row, column, value,
                         f"tanggal antara tahun {MIN_YEAR} dan {MAX_YEAR}",
                         f"Tanggal {shown(value)!r} bertahun {parsed.year}; periksa "
                         "salah ketik pada tahunnya.")
            parsed = None
        elif parsed > date.today():
            self.problem("tanggal-masa-depan", row, column, value,
                         f"paling lambat hari ini ({date.today().isoformat()})",
                         f"Tanggal {shown(value)!r} belum terjadi; periksa salah ketik.",
                         severity=WARNING)
        return parsed

    def integer(self, row: int, cells: dict, column: str, required: bool = True,
                expected: str = "bilangan bulat") -> int | None:
        value = cells.get(column, "")
        if is_blank(value):
            return self.text(row, cells, column, required)
        parsed = parse_integer(value)
        if parsed is None:
            if isinstance(value, str) and THOUSANDS.fullmatch(value.strip()):
                # With both marks the last one is a decimal mark (parse_number), so
                # only a value with one kind of mark shows itself without it.
                one_kind = not ("." in value and "," in value)
                example = re.sub("[.,]", "", value.strip()) if one_kind else "1000"
                hint = f" Tulis tanpa pemisah ribuan, misalnya {example}."
            elif parse_number(value) is not None:
                hint = f" Nilai itu pecahan, padahal {column} adalah bilangan bulat."
            elif (large := parse_scientific(value)) is not None and abs(large) > MAX_INTEGER:
                self._too_large(row, column, value, expected)
                return None
            elif large is not None:
                hint = SCIENTIFIC_ADVICE
            else:
                hint = ""
            self.problem("bukan-bilangan-bulat", row, column, value, expected,
                         f"Nilai {column} {shown(value)!r} bukan {expected}.{hint}")
        elif abs(parsed) > MAX_INTEGER:
            self._too_large(row, column, value, expected)
            return None
        return parsed

    def _too_large(self, row: int, column: str, value: object, expected: str) -> None:
        self.problem("angka-terlalu-besar", row, column, value,
                     f"{expected}, paling besar {bilangan(MAX_INTEGER)}",
                     f"Nilai {column} {shown(value)!r} terlalu besar untuk dihitung; "
                     "periksa salah ketik.")
