"""Shared fixtures: small data folders written as real CSV files."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DASAR = Path(__file__).parent / "fixtures" / "periksa" / "dasar"

COLUMNS = {
    "konflik": ["id_konflik", "tanggal_kejadian", "jenis", "sara", "kecamatan", "kelurahan",
                "sumber", "status", "tanggal_selesai", "uraian"],
    "organisasi": ["id_organisasi", "nama", "jenis", "tanggal_terdaftar", "tanggal_nonaktif"],
    "partisipasi": ["id_organisasi", "tanggal", "kegiatan"],
    "target": ["kode_indikator", "tahun", "target", "triwulan"],
    "rekap": ["kode_indikator", "tahun", "triwulan", "pembilang", "penyebut", "keterangan"],
}


def report(id_konflik: str, kejadian: str, status: str = "selesai", selesai: str = "",
           jenis: str = "sosial", sara: str = "", sumber: str = "Polres",
           kecamatan: str = "Magersari", kelurahan: str = "Wates") -> dict:
    """Return one row of the konflik table with sensible defaults."""
    return {"id_konflik": id_konflik, "tanggal_kejadian": kejadian, "jenis": jenis,
            "sara": sara, "kecamatan": kecamatan, "kelurahan": kelurahan, "sumber": sumber,
            "status": status, "tanggal_selesai": selesai, "uraian": "uraian rahasia"}


def organisation(ident: str, terdaftar: str, nonaktif: str = "", jenis: str = "ORMAS") -> dict:
    return {"id_organisasi": ident, "nama": f"Organisasi {ident}", "jenis": jenis,
            "tanggal_terdaftar": terdaftar, "tanggal_nonaktif": nonaktif}


def event(ident: str, day: str, kegiatan: str = "Musrenbang Kelurahan Wates") -> dict:
    return {"id_organisasi": ident, "tanggal": day, "kegiatan": kegiatan}


def target(kode: str, tahun: int, value: str, triwulan: str = "") -> dict:
    return {"kode_indikator": kode, "tahun": tahun, "target": value, "triwulan": triwulan}


def write_table(folder: Path, name: str, rows: list[dict], delimiter: str = ",") -> Path:
    path = folder / f"{name}.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS[name], delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def make_data(tmp_path: Path):
    """Write a data folder; tables not given get one harmless row or stay absent (rekap)."""

    def make(konflik=None, organisasi=None, partisipasi=None, targets=None, rekap=None,
             folder: str = "data") -> Path:
        data = tmp_path / folder
        data.mkdir()
        write_table(data, "konflik", konflik if konflik is not None else [
            report("K-1", "2025-01-10", selesai="2025-01-20")])
        write_table(data, "organisasi", organisasi if organisasi is not None else [
            organisation("O-1", "2020-01-01")])
        write_table(data, "partisipasi", partisipasi if partisipasi is not None else [
            event("O-1", "2025-02-01")])
        write_table(data, "target", targets if targets is not None else [
            target(k, y, "80") for k in ("IKU-1", "IKU-2", "IKU-3") for y in range(2020, 2027)])
        if rekap is not None:
            write_table(data, "rekap", rekap)
        return data

    return make


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Return a copy of the clean dasar fixture folder to change."""
    target = tmp_path / "data"
    shutil.copytree(DASAR, target)
    return target
