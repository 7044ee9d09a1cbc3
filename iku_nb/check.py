"""Check every monitoring table against the data contract and the catalogue.

Each table is parsed row by row into typed records; every problem met is kept
(not only the first) with its file, spreadsheet row, column, value as written,
what was expected, and a stable check code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from iku_nb.catalogue import Katalog
from iku_nb.parse import (
    DATE_FORMATS,
    canonical,
    closest,
    fold,
    is_blank,
    parse_date,
    parse_integer,
    parse_number,
    shown,
)
from iku_nb.problems import ERROR, WARNING, Problem
from iku_nb.read import TABLES, RawTable

CASE_ATTRIBUTES = ("tanggal_kejadian", "jenis", "sara", "kecamatan", "kelurahan")
# Years a monitoring date may fall in; outside them a year was mistyped.
MIN_YEAR, MAX_YEAR = 1945, 2100


def _date_hint(value: object) -> str:
    """Explain why a date could not be read when the cause is a common one."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (" Sel berisi angka, bukan tanggal: beri format Tanggal pada sel itu "
                "di Excel.")
    parts = re.split(r"[/.-]", str(value).strip())
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return ""
    if len(parts[0]) == 4:
        year, month, day = parts
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


@dataclass
class _Rows:
    """Parse the cells of one table, recording a Problem for each bad cell."""

    table: RawTable
    problems: list[Problem]
    records: list[dict] = field(default_factory=list)

    def problem(self, code: str, row: int | None, column: str | None, value: object,
                expected: str, message: str, severity: str = ERROR,
                ids: tuple[str, ...] = ()) -> None:
        self.problems.append(Problem(
            code, self.table.source, message, row=row, column=column,
            value=None if value is None else shown(value), expected=expected,
            severity=severity, ids=ids))

    def text(self, row: int, cells: dict, column: str, required: bool = True) -> str | None:
        value = cells.get(column, "")
        if is_blank(value):
            if required:
                self.problem("nilai-kosong", row, column, "", "nilai terisi",
                             f"Kolom {column} wajib diisi.")
            return None
        return " ".join(shown(value).split())

    def ident(self, row: int, cells: dict, column: str) -> str | None:
        value = self.text(row, cells, column)
        return None if value is None else value.upper()

    def choice(self, row: int, cells: dict, column: str, allowed: list[str],
               required: bool = True) -> str | None:
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
                + (f"; maksudnya {hint!r}?" if hint else ".")
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
                what: str = "bilangan bulat") -> int | None:
        value = cells.get(column, "")
        if is_blank(value):
            return self.text(row, cells, column, required)
        parsed = parse_integer(value)
        if parsed is None:
            self.problem("bukan-bilangan-bulat", row, column, value, what,
                         f"Nilai {column} {shown(value)!r} bukan {what}.")
        return parsed


def check_tables(tables: dict[str, RawTable], katalog: Katalog) -> tuple[dict, list[Problem]]:
    """Parse and check every table; return typed DataFrames and all problems found."""
    problems: list[Problem] = []
    typed: dict[str, pd.DataFrame] = {}
    for name, spec in TABLES.items():
        table = tables.get(name)
        if table is None or not _check_columns(table, spec, problems):
            continue
        rows = _Rows(table, problems)
        PARSERS[name](rows, katalog)
        typed[name] = _frame(rows.records, name)
    _check_references(typed, tables, katalog, problems)
    return typed, problems


def _check_columns(table: RawTable, spec, problems: list[Problem]) -> bool:
    """Check the header; return False when the table cannot be parsed further."""
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
            hint = closest(column, table.header)
            problems.append(Problem(
                "kolom-tidak-ada", table.source,
                f"Kolom wajib {column!r} tidak ada di tabel {spec.name}."
                + (f" Ada kolom {hint!r}: nama kolom harus persis {column!r}." if hint else ""),
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
    if ok and not table.rows and not spec.optional_table:
        problems.append(Problem(
            "tabel-kosong", table.source, f"Tabel {spec.name} tidak berisi satu baris data pun.",
            expected="paling sedikit satu baris data di bawah judul kolom"))
        ok = False
    return ok


def _parse_konflik(rows: _Rows, katalog: Katalog) -> None:
    allowed = katalog.nilai_sah
    for row, cells in rows.table.rows:
        record = {
            "baris": row,
            "id_konflik": rows.ident(row, cells, "id_konflik"),
            "tanggal_kejadian": rows.date(row, cells, "tanggal_kejadian"),
            "jenis": rows.choice(row, cells, "jenis", allowed["konflik.jenis"]),
            "sara": rows.choice(row, cells, "sara", allowed["konflik.sara"], required=False),
            "sumber": rows.text(row, cells, "sumber"),
            "status": rows.choice(row, cells, "status", allowed["konflik.status"]),
            "tanggal_selesai": rows.date(row, cells, "tanggal_selesai", required=False),
            "cells": cells,
        }
        record["kecamatan"], record["kelurahan"] = _place(rows, row, cells, katalog)
        _check_resolution(rows, row, cells, record)
        rows.records.append(record)
    _check_case_agreement(rows)


def _place(rows: _Rows, row: int, cells: dict, katalog: Katalog) -> tuple:
    """Check kecamatan and kelurahan against the catalogue's reference list."""
    wilayah = katalog.wilayah
    kecamatan = None
    raw_kec, raw_kel = cells.get("kecamatan", ""), cells.get("kelurahan", "")
    all_kelurahan = [k for names in wilayah.values() for k in names]
    if is_blank(raw_kec):
        rows.text(row, cells, "kecamatan")
    else:
        kecamatan = canonical(raw_kec, list(wilayah))
        if kecamatan is None:
            hint = closest(raw_kec, list(wilayah))
            rows.problem("kecamatan-tidak-dikenal", row, "kecamatan", raw_kec,
                         ", ".join(wilayah),
                         f"Kecamatan {shown(raw_kec)!r} tidak ada di Kota Mojokerto."
                         + (f" Maksudnya {hint!r}?" if hint else ""))
    if is_blank(raw_kel):
        rows.text(row, cells, "kelurahan")
        return kecamatan, None
    kelurahan = canonical(raw_kel, all_kelurahan)
    if kelurahan is None:
        options = wilayah.get(kecamatan, all_kelurahan)
        hint = closest(raw_kel, options) or closest(raw_kel, all_kelurahan)
        rows.problem("kelurahan-tidak-dikenal", row, "kelurahan", raw_kel,
                     ", ".join(options),
                     f"Kelurahan {shown(raw_kel)!r} tidak ada"
                     + (f" di Kecamatan {kecamatan}." if kecamatan else " di Kota Mojokerto.")
                     + (f" Maksudnya {hint!r}?" if hint else ""))
    elif kecamatan is not None and kelurahan not in wilayah[kecamatan]:
        home = next(k for k, names in wilayah.items() if kelurahan in names)
        rows.problem("kelurahan-salah-kecamatan", row, "kelurahan", raw_kel,
                     f"kelurahan di Kecamatan {kecamatan}: {', '.join(wilayah[kecamatan])}",
                     f"Kelurahan {kelurahan} berada di Kecamatan {home}, "
                     f"bukan Kecamatan {kecamatan}. Maksudnya Kecamatan {home}?")
    return kecamatan, kelurahan


def _check_resolution(rows: _Rows, row: int, cells: dict, record: dict) -> None:
    status, done, start = record["status"], record["tanggal_selesai"], record["tanggal_kejadian"]
    if status == "selesai" and done is None and is_blank(cells.get("tanggal_selesai")):
        rows.problem("selesai-tanpa-tanggal", row, "tanggal_selesai", "",
                     "tanggal penyelesaian bila status selesai",
                     f"Kasus {record['id_konflik']} berstatus selesai tetapi "
                     "tanggal_selesai kosong.")
    if done is not None and start is not None and done < start:
        rows.problem("selesai-sebelum-kejadian", row, "tanggal_selesai",
                     cells.get("tanggal_selesai"),
                     f"tanggal pada atau sesudah tanggal_kejadian ({start.isoformat()})",
                     f"Kasus {record['id_konflik']}: tanggal_selesai lebih awal dari "
                     "tanggal_kejadian.")
    if done is not None and status is not None and status != "selesai":
        rows.problem("tanggal-selesai-tanpa-status", row, "tanggal_selesai",
                     cells.get("tanggal_selesai"), "kosong bila status bukan selesai",
                     f"Kasus {record['id_konflik']} berstatus {status} tetapi memiliki "
                     "tanggal_selesai; tanggal itu tidak dipakai.",
                     severity=WARNING, ids=(record["id_konflik"] or "",))


def _check_case_agreement(rows: _Rows) -> None:
    """Reports of one case must agree on when, what and where it happened."""
    first: dict[str, dict] = {}
    for record in rows.records:
        case = record["id_konflik"]
        if case is None:
            continue
        if case not in first:
            first[case] = record
            continue
        for column in CASE_ATTRIBUTES:
            mine, theirs = record[column], first[case][column]
            # An empty sara means "not SARA", so it disagrees with a filled one.
            comparable = column == "sara" or (mine is not None and theirs is not None)
            if comparable and mine != theirs:
                written = shown(record["cells"].get(column, "")).strip()
                written_first = shown(first[case]["cells"].get(column, "")).strip()
                rows.problem(
                    "kasus-tidak-konsisten", record["baris"], column, written,
                    f"{written_first or '(kosong)'} seperti di baris {first[case]['baris']}",
                    f"Laporan kasus {case} di baris {record['baris']} dan baris "
                    f"{first[case]['baris']} berbeda pada {column}: {written or '(kosong)'!r} "
                    f"dan {written_first or '(kosong)'!r}. Semua laporan satu kasus harus "
                    "sama pada kolom ini.", ids=(case,))


def _parse_organisasi(rows: _Rows, katalog: Katalog) -> None:
    seen: dict[str, int] = {}
    for row, cells in rows.table.rows:
        record = {
            "baris": row,
            "id_organisasi": rows.ident(row, cells, "id_organisasi"),
            "nama": rows.text(row, cells, "nama"),
            "jenis": rows.choice(row, cells, "jenis", katalog.nilai_sah["organisasi.jenis"]),
            "tanggal_terdaftar": rows.date(row, cells, "tanggal_terdaftar"),
            "tanggal_nonaktif": rows.date(row, cells, "tanggal_nonaktif", required=False),
        }
        ident = record["id_organisasi"]
        if ident is not None and ident in seen:
            rows.problem("organisasi-ganda", row, "id_organisasi", ident,
                         "id_organisasi yang unik",
                         f"id_organisasi {ident} sudah dipakai di baris {seen[ident]}.",
                         ids=(ident,))
        elif ident is not None:
            seen[ident] = row
        start, stop = record["tanggal_terdaftar"], record["tanggal_nonaktif"]
        if start is not None and stop is not None and stop < start:
            rows.problem("nonaktif-sebelum-terdaftar", row, "tanggal_nonaktif",
                         cells.get("tanggal_nonaktif"),
                         f"tanggal pada atau sesudah tanggal_terdaftar ({start.isoformat()})",
                         f"Organisasi {ident} nonaktif sebelum terdaftar.", ids=(ident or "",))
        rows.records.append(record)


def _parse_partisipasi(rows: _Rows, katalog: Katalog) -> None:
    for row, cells in rows.table.rows:
        rows.records.append({
            "baris": row,
            "id_organisasi": rows.ident(row, cells, "id_organisasi"),
            "tanggal": rows.date(row, cells, "tanggal"),
            "kegiatan": rows.text(row, cells, "kegiatan"),
        })


def _period_columns(rows: _Rows, row: int, cells: dict, katalog: Katalog) -> dict:
    codes = [i.kode for i in katalog.indikator]
    record = {
        "baris": row,
        "kode_indikator": rows.choice(row, cells, "kode_indikator", codes),
        "tahun": rows.integer(row, cells, "tahun", what="tahun empat angka"),
        "triwulan": rows.integer(row, cells, "triwulan", required=False,
                                 what="triwulan 1 sampai 4"),
    }
    if record["tahun"] is not None and not 1900 <= record["tahun"] <= 2999:
        rows.problem("tahun-tidak-sah", row, "tahun", cells.get("tahun"),
                     "tahun empat angka", f"Tahun {record['tahun']} tidak masuk akal.")
        record["tahun"] = None
    if record["triwulan"] is not None and record["triwulan"] not in (1, 2, 3, 4):
        rows.problem("triwulan-tidak-sah", row, "triwulan", cells.get("triwulan"),
                     "1, 2, 3, 4 atau kosong", f"Triwulan {record['triwulan']} tidak ada.")
        record["triwulan"] = None
    return record


def _check_unique_periods(rows: _Rows, what: str) -> None:
    seen: dict[tuple, int] = {}
    for record in rows.records:
        key = (record["kode_indikator"], record["tahun"], record["triwulan"])
        if None in key[:2]:
            continue
        if key in seen:
            period = f"{key[1]}" + (f" triwulan {key[2]}" if key[2] else "")
            rows.problem(f"{what}-ganda", record["baris"], "kode_indikator", key[0],
                         "satu baris per indikator dan periode",
                         f"{what.capitalize()} {key[0]} untuk {period} sudah ada di baris "
                         f"{seen[key]}.", ids=(key[0],))
        else:
            seen[key] = record["baris"]


def _parse_target(rows: _Rows, katalog: Katalog) -> None:
    for row, cells in rows.table.rows:
        record = _period_columns(rows, row, cells, katalog)
        raw = cells.get("target", "")
        value = None if is_blank(raw) else parse_number(raw)
        if is_blank(raw):
            rows.text(row, cells, "target")
        elif value is None:
            rows.problem("target-bukan-angka", row, "target", raw,
                         "angka persen, misalnya 80 atau 72,5",
                         f"Target {shown(raw)!r} bukan angka.")
        elif value < 0:
            rows.problem("target-negatif", row, "target", raw, "angka 0 atau lebih",
                         "Target tidak boleh negatif.")
            value = None
        elif 0 < value <= 1:
            rows.problem("target-terlalu-kecil", row, "target", raw, "persen, misalnya 80",
                         f"Target {shown(raw)} sangat kecil; apakah sel berformat persen "
                         "sehingga 80% tersimpan sebagai 0,8?", severity=WARNING)
        record["target"] = value
        rows.records.append(record)
    _check_unique_periods(rows, "target")


def _parse_rekap(rows: _Rows, katalog: Katalog) -> None:
    for row, cells in rows.table.rows:
        record = _period_columns(rows, row, cells, katalog)
        for column in ("pembilang", "penyebut"):
            value = rows.integer(row, cells, column, what="bilangan bulat 0 atau lebih")
            if value is not None and value < 0:
                rows.problem("rekap-negatif", row, column, cells.get(column),
                             "bilangan bulat 0 atau lebih", f"{column} tidak boleh negatif.")
                value = None
            record[column] = value
        if None not in (record["pembilang"], record["penyebut"]) and (
            record["pembilang"] > record["penyebut"]
        ):
            rows.problem("pembilang-melebihi-penyebut", row, "pembilang", cells.get("pembilang"),
                         f"paling banyak {record['penyebut']} (penyebut)",
                         f"Pembilang {record['pembilang']} lebih besar dari penyebut "
                         f"{record['penyebut']}.")
        record["keterangan"] = rows.text(row, cells, "keterangan", required=False)
        rows.records.append(record)
    _check_unique_periods(rows, "rekap")


PARSERS = {
    "konflik": _parse_konflik,
    "organisasi": _parse_organisasi,
    "partisipasi": _parse_partisipasi,
    "target": _parse_target,
    "rekap": _parse_rekap,
}

_DATE_COLUMNS = ("tanggal_kejadian", "tanggal_selesai", "tanggal_terdaftar",
                 "tanggal_nonaktif", "tanggal")


def _frame(records: list[dict], name: str) -> pd.DataFrame:
    columns = ["baris", *TABLES[name].columns]
    if name == "konflik":
        columns.remove("uraian")  # free text never leaves the check stage
    frame = pd.DataFrame(records, columns=[c for c in columns if c != "uraian"])
    for column in _DATE_COLUMNS:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    for column in ("tahun", "triwulan", "pembilang", "penyebut"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    return frame


def _check_references(typed: dict, tables: dict, katalog: Katalog,
                      problems: list[Problem]) -> None:
    """Cross-table rules: participation by known organisations inside their active span."""
    org, part = typed.get("organisasi"), typed.get("partisipasi")
    if org is not None and part is not None:
        _check_participation(org, part, tables["partisipasi"].source, problems)
    konflik = typed.get("konflik")
    if konflik is not None:
        known = {fold(s) for b in katalog.bidang for s in b.sumber}
        unknown = defaultdict(list)
        for row in konflik.itertuples():
            if row.sumber is not None and fold(row.sumber) not in known:
                unknown[row.sumber].append(row.baris)
        for sumber, lines in unknown.items():
            problems.append(Problem(
                "sumber-tanpa-bidang", tables["konflik"].source,
                f"Sumber {sumber!r} tidak tercantum pada bidang mana pun di katalog, "
                f"jadi laporannya tidak masuk rincian bidang ({len(lines)} baris).",
                row=lines[0], column="sumber", value=sumber,
                expected="sumber yang tercantum di katalog", severity=WARNING))


def _check_participation(org: pd.DataFrame, part: pd.DataFrame, source: str,
                         problems: list[Problem]) -> None:
    spans = {r.id_organisasi: r for r in org.itertuples() if r.id_organisasi is not None}
    for event in part.itertuples():
        ident, day = event.id_organisasi, event.tanggal
        if ident is None:
            continue
        if ident not in spans:
            hint = closest(ident, list(spans))
            problems.append(Problem(
                "organisasi-tidak-dikenal", source,
                f"id_organisasi {ident} tidak ada di tabel organisasi."
                + (f" Maksudnya {hint}?" if hint else ""),
                row=event.baris, column="id_organisasi", value=ident,
                expected="id_organisasi yang terdaftar di tabel organisasi", ids=(ident,)))
            continue
        span = spans[ident]
        if pd.isna(day) or pd.isna(span.tanggal_terdaftar):
            continue
        if day < span.tanggal_terdaftar:
            problems.append(Problem(
                "partisipasi-sebelum-terdaftar", source,
                f"Kegiatan {ident} bertanggal sebelum organisasi terdaftar "
                f"({span.tanggal_terdaftar.date().isoformat()}), jadi tidak dihitung.",
                row=event.baris, column="tanggal", value=day.date().isoformat(),
                expected=f"pada atau sesudah {span.tanggal_terdaftar.date().isoformat()}",
                severity=WARNING, ids=(ident,)))
        elif not pd.isna(span.tanggal_nonaktif) and day >= span.tanggal_nonaktif:
            problems.append(Problem(
                "partisipasi-sesudah-nonaktif", source,
                f"Kegiatan {ident} bertanggal pada atau sesudah organisasi nonaktif "
                f"({span.tanggal_nonaktif.date().isoformat()}), jadi tidak dihitung.",
                row=event.baris, column="tanggal", value=day.date().isoformat(),
                expected=f"sebelum {span.tanggal_nonaktif.date().isoformat()}",
                severity=WARNING, ids=(ident,)))
