"""Rules of the konflik table: allowed values, places, resolution dates, agreeing reports."""

from __future__ import annotations

from iku_nb.catalogue import Katalog
from iku_nb.parse import (
    canonical,
    closest,
    fold,
    is_blank,
    shown,
)
from iku_nb.problems import WARNING
from iku_nb.rows import Rows

CASE_ATTRIBUTES = ("tanggal_kejadian", "jenis", "sara", "kecamatan", "kelurahan")


def parse_konflik(rows: Rows, katalog: Katalog) -> None:
    allowed = katalog.nilai_sah
    for row, cells in rows.table.rows:
        record = {
            "baris": row,
            "id_konflik": rows.ident(row, cells, "id_konflik"),
            "tanggal_kejadian": rows.date(row, cells, "tanggal_kejadian"),
            "jenis": rows.choice(row, cells, "jenis", allowed["konflik.jenis"]),
            "sara": rows.choice(row, cells, "sara", allowed["konflik.sara"], required=False),
            "sumber": rows.text(row, cells, "sumber"),
            # Folded, so "Selesai" in a catalogue still matches the counting rule.
            "status": _folded(rows.choice(row, cells, "status", allowed["konflik.status"])),
            "tanggal_selesai": rows.date(row, cells, "tanggal_selesai", required=False),
            "cells": cells,
        }
        record["kecamatan"], record["kelurahan"] = _place(rows, row, cells, katalog)
        _check_resolution(rows, row, cells, record)
        rows.records.append(record)
    _check_case_agreement(rows)


def _place(rows: Rows, row: int, cells: dict, katalog: Katalog) -> tuple:
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


def _check_resolution(rows: Rows, row: int, cells: dict, record: dict) -> None:
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


def _check_case_agreement(rows: Rows) -> None:
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


def _folded(value: str | None) -> str | None:
    return None if value is None else fold(value)
