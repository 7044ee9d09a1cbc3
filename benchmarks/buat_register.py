"""Write a synthetic but valid data folder with N conflict reports, for benchmarks.

The folder contains konflik.csv, organisasi.csv, partisipasi.csv and target.csv
that pass ``iku-nb periksa`` against the shipped katalog without errors or
warnings: kecamatan, kelurahan, sumber and every value list come from the
katalog. Organisations and participation events grow with N (one organisation
per ``ORGANISATIONS_PER`` reports, one event per ``EVENTS_PER`` reports).
The same seed and N write byte-identical files with the same numpy version.

    python benchmarks/buat_register.py 100000 /tmp/register-100k

As a module: ``write_register(folder, rows)``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from options import positive_int, seed_number

from iku_nb.catalogue import SHIPPED_CATALOGUE, Katalog, load_catalogue

SEED = 20251231
YEARS = (2023, 2024, 2025)
FIRST_DAY = dt.date(YEARS[0], 1, 1)
LAST_DAY = dt.date(YEARS[-1], 12, 31)
ORGANISATIONS_PER = 20
EVENTS_PER = 4
# Chance that a report follows up the case of the report before it, so that
# about a quarter of cases have two reports or more. Only a case's last
# report is "selesai", and only when the case ends within the register.
SECOND_REPORT_SHARE = 0.25
URAIAN = (
    "Perselisihan warga soal batas lahan, dimediasi perangkat kelurahan.",
    "Adu mulut antarpendukung saat kampanye; menunggu tindak lanjut.",
    "Keributan antarkelompok pemuda; diselesaikan lewat musyawarah.",
)
KEGIATAN = ("Musrenbang Kelurahan", "Kerja bakti Kelurahan", "Sosialisasi wawasan kebangsaan")


def write_register(folder: Path | str, rows: int, seed: int = SEED,
                   katalog: Katalog | None = None) -> Path:
    """Write the four tables of a data folder with ``rows`` konflik reports; return the folder."""
    if rows < 1:
        raise ValueError(f"rows must be 1 or more, got {rows}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    katalog = katalog or load_catalogue(SHIPPED_CATALOGUE)
    rng = np.random.default_rng(seed)

    konflik = _konflik(rng, rows, katalog)
    organisasi = _organisasi(rng, max(1, rows // ORGANISATIONS_PER), katalog)
    partisipasi = _partisipasi(rng, max(1, rows // EVENTS_PER), organisasi)
    target = _target(katalog)

    # konflik is written as the office's Excel exports it (BOM, semicolons,
    # day-first dates), the other tables as plain CSV with ISO dates.
    konflik.to_csv(folder / "konflik.csv", sep=";", index=False, encoding="utf-8-sig")
    organisasi.to_csv(folder / "organisasi.csv", index=False, date_format="%Y-%m-%d")
    partisipasi.to_csv(folder / "partisipasi.csv", index=False, date_format="%Y-%m-%d")
    target.to_csv(folder / "target.csv", index=False)
    return folder


def _days(rng: np.random.Generator, size: int, first: dt.date, last: dt.date) -> np.ndarray:
    """Return ``size`` uniform random days between two dates, both included."""
    span = (last - first).days + 1
    return np.datetime64(first) + rng.integers(0, span, size).astype("timedelta64[D]")


def _konflik(rng: np.random.Generator, rows: int, katalog: Katalog) -> pd.DataFrame:
    second = rng.random(rows) < SECOND_REPORT_SHARE
    second[0] = False
    # A report starts a new case unless it is the second report of the previous one.
    case_number = np.cumsum(~second)
    is_last = np.append(case_number[1:] != case_number[:-1], True)
    cases = int(case_number[-1])

    kecamatan_names = list(katalog.wilayah)
    places = [(kec, kel) for kec in kecamatan_names for kel in katalog.wilayah[kec]]
    place = rng.integers(0, len(places), cases)
    jenis = np.array(katalog.nilai_sah["konflik.jenis"])[rng.integers(0, 5, cases)]
    sara_options = np.array(["", *katalog.nilai_sah["konflik.sara"]], dtype=object)
    # About one case in five is a SARA case, the others leave sara empty.
    sara = np.where(rng.random(cases) < 0.2, sara_options[rng.integers(1, 5, cases)], "")
    kejadian = _days(rng, cases, FIRST_DAY, LAST_DAY)
    # Resolution takes up to 120 days; a case resolved after the register's
    # last day is still open in the data.
    selesai = kejadian + rng.integers(0, 121, cases).astype("timedelta64[D]")
    resolved = selesai <= np.datetime64(LAST_DAY)

    index = case_number - 1
    sources = [s for bidang in katalog.bidang for s in bidang.sumber]
    status_done = np.where(resolved[index] & is_last, "selesai", "proses")
    status = np.where(~resolved[index] & (rng.random(rows) < 0.5), "belum", status_done)
    tanggal_selesai = pd.Series(pd.to_datetime(selesai[index])).dt.strftime("%d/%m/%Y")
    konflik = pd.DataFrame({
        "id_konflik": [f"K-{n:07d}" for n in case_number],
        "tanggal_kejadian": pd.Series(pd.to_datetime(kejadian[index])).dt.strftime("%d/%m/%Y"),
        "jenis": jenis[index],
        "sara": sara[index],
        "kecamatan": [places[p][0] for p in place[index]],
        "kelurahan": [places[p][1] for p in place[index]],
        "sumber": np.array(sources)[rng.integers(0, len(sources), rows)],
        "status": status,
        "tanggal_selesai": tanggal_selesai.where(status == "selesai", ""),
        "uraian": np.array(URAIAN)[rng.integers(0, len(URAIAN), rows)],
    })
    return _without_copies(konflik, "sumber", sources)


def _organisasi(rng: np.random.Generator, count: int, katalog: Katalog) -> pd.DataFrame:
    terdaftar = _days(rng, count, dt.date(2000, 1, 1), LAST_DAY)
    # One organisation in ten is deactivated between one day and ten years later,
    # never after the register's last day.
    nonaktif = terdaftar + rng.integers(1, 3650, count).astype("timedelta64[D]")
    deactivated = (rng.random(count) < 0.1) & (nonaktif <= np.datetime64(LAST_DAY))
    jenis = np.array(katalog.nilai_sah["organisasi.jenis"])[rng.integers(0, 3, count)]
    return pd.DataFrame({
        "id_organisasi": [f"ORG-{n:06d}" for n in range(1, count + 1)],
        "nama": [f"Organisasi Kemasyarakatan {n:06d}" for n in range(1, count + 1)],
        "jenis": jenis,
        "tanggal_terdaftar": pd.to_datetime(terdaftar),
        "tanggal_nonaktif": pd.to_datetime(np.where(deactivated, nonaktif,
                                                    np.datetime64("NaT"))),
    })


def _partisipasi(rng: np.random.Generator, count: int, organisasi: pd.DataFrame) -> pd.DataFrame:
    """Draw events of organisations active at some time in the register years."""
    first, last = pd.Timestamp(FIRST_DAY), pd.Timestamp(LAST_DAY)
    start = organisasi["tanggal_terdaftar"].clip(lower=first)
    # Events fall before the deactivation day, which no longer counts as active.
    stop = (organisasi["tanggal_nonaktif"] - pd.Timedelta(days=1)).fillna(last).clip(upper=last)
    eligible = np.flatnonzero((start <= stop).to_numpy())
    chosen = eligible[rng.integers(0, len(eligible), count)]
    span = (stop.to_numpy()[chosen] - start.to_numpy()[chosen]).astype("timedelta64[D]")
    offset = (rng.random(count) * (span.astype(int) + 1)).astype(int)
    tanggal = start.to_numpy()[chosen] + offset.astype("timedelta64[D]")
    order = np.argsort(tanggal, kind="stable")
    partisipasi = pd.DataFrame({
        "id_organisasi": organisasi["id_organisasi"].to_numpy()[chosen][order],
        "tanggal": tanggal[order],
        "kegiatan": np.array(KEGIATAN)[rng.integers(0, len(KEGIATAN), count)],
    })
    return _without_copies(partisipasi, "kegiatan", KEGIATAN)


def _without_copies(table: pd.DataFrame, column: str, options: list[str] | tuple[str, ...]
                    ) -> pd.DataFrame:
    """Change ``column`` in each row that copies an earlier row, until no two rows are alike.

    ``iku-nb periksa`` warns about rows written exactly alike, which random
    draws produce now and then (two reports of one case from one source).
    Each round moves the copies one option on. Copies left when a case or
    day has more rows than there are options get a session number, such as
    ``Musrenbang Kelurahan (sesi 2)``, which keeps kegiatan in its kind.

    NOTE: a session number in sumber would be an unknown source. With the
    default seed and 1,000,000 reports, no konflik row needs one, and 23 of
    the 250,000 partisipasi rows do.
    """
    for _ in range(len(options)):
        copies = table.duplicated().to_numpy()
        if not copies.any():
            return table
        current = pd.Index(options).get_indexer(table.loc[copies, column])
        table.loc[copies, column] = np.asarray(options, dtype=object)[(current + 1) % len(options)]
    copies = table.duplicated().to_numpy()
    if copies.any():
        session = table.groupby(list(table.columns), sort=False).cumcount() + 1
        table.loc[copies, column] = (table.loc[copies, column] + " (sesi "
                                     + session[copies].astype(str) + ")")
    return table


def _target(katalog: Katalog) -> pd.DataFrame:
    rows = [{"kode_indikator": ind.kode, "tahun": tahun, "target": 80, "triwulan": ""}
            for ind in katalog.indikator for tahun in YEARS]
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Tulis folder data sintetis yang sah dengan N laporan konflik, untuk "
                    "pengukuran kecepatan.")
    parser.add_argument("rows", type=positive_int,
                        help="jumlah laporan konflik (baris konflik.csv)")
    parser.add_argument("folder", type=Path, help="folder data yang ditulis")
    parser.add_argument("--seed", type=seed_number, default=SEED,
                        help=f"benih bilangan acak (bawaan: {SEED})")
    parser.add_argument("--timpa", action="store_true",
                        help="tulis juga ke folder yang sudah berisi berkas; keempat tabel "
                             "ditimpa, berkas lain di folder itu tetap ada")
    args = parser.parse_args()
    if args.folder.exists() and not args.folder.is_dir():
        parser.error(f"{args.folder} bukan folder")
    if args.folder.is_dir() and any(args.folder.iterdir()) and not args.timpa:
        # The shipped data/ folder is one, and its sample tables would be replaced.
        parser.error(f"folder {args.folder} sudah berisi berkas; pilih folder kosong atau "
                     "baru, atau tambahkan --timpa untuk menimpa konflik.csv, organisasi.csv, "
                     "partisipasi.csv dan target.csv di sana")
    write_register(args.folder, args.rows, args.seed)


if __name__ == "__main__":
    main()
