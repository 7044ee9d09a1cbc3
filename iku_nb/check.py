"""Check every monitoring table against the data contract and the catalogue.

Each table is parsed row by row into typed records. Every problem met is kept,
not only the first, with its file, spreadsheet row, column, value as written,
what was expected, and a stable check code.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from iku_nb.catalogue import Katalog
from iku_nb.check_konflik import parse_konflik
from iku_nb.check_periods import parse_rekap, parse_target
from iku_nb.parse import (
    closest,
    fold,
)
from iku_nb.problems import WARNING, Problem
from iku_nb.read import TABLES, RawTable
from iku_nb.rows import Rows


def check_tables(tables: dict[str, RawTable], katalog: Katalog) -> tuple[dict, list[Problem]]:
    """Parse and check every table; return typed DataFrames and all problems found."""
    problems: list[Problem] = []
    typed: dict[str, pd.DataFrame] = {}
    for name, spec in TABLES.items():
        table = tables.get(name)
        if table is None or not _check_columns(table, spec, problems):
            continue
        rows = Rows(table, problems)
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


def _parse_organisasi(rows: Rows, katalog: Katalog) -> None:
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


def _parse_partisipasi(rows: Rows, katalog: Katalog) -> None:
    for row, cells in rows.table.rows:
        rows.records.append({
            "baris": row,
            "id_organisasi": rows.ident(row, cells, "id_organisasi"),
            "tanggal": rows.date(row, cells, "tanggal"),
            "kegiatan": rows.text(row, cells, "kegiatan"),
        })


PARSERS = {
    "konflik": parse_konflik,
    "organisasi": _parse_organisasi,
    "partisipasi": _parse_partisipasi,
    "target": parse_target,
    "rekap": parse_rekap,
}

_DATE_COLUMNS = ("tanggal_kejadian", "tanggal_selesai", "tanggal_terdaftar",
                 "tanggal_nonaktif", "tanggal")


def _frame(records: list[dict], name: str) -> pd.DataFrame:
    columns = ["baris", *TABLES[name].columns]
    # Free text (uraian) never leaves the check stage.
    frame = pd.DataFrame(records, columns=[c for c in columns if c != "uraian"])
    for column in _DATE_COLUMNS:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column])
    for column in ("tahun", "triwulan", "pembilang", "penyebut"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    for column in frame.columns:
        if column not in _DATE_COLUMNS and frame[column].dtype != "Int64" and column != "baris":
            # Empty text stays None: pandas would turn it into NaN, a float that
            # is truthy and prints as "nan".
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
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
            if not pd.isna(row.sumber) and fold(row.sumber) not in known:
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
