"""Read and check a data folder into one :class:`Dataset` that every figure comes from."""

from __future__ import annotations

import hashlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from iku_nb.catalogue import Katalog, find_catalogue, load_catalogue
from iku_nb.check import check_tables
from iku_nb.count import REGISTER_DATE, inside, register_covers, years_covered
from iku_nb.errors import DataError
from iku_nb.period import Period
from iku_nb.problems import WARNING, Problem, row_list, sort_problems
from iku_nb.read import FORMULA, IGNORED_PREFIXES, read_tables

log = logging.getLogger("iku_nb")
# Warnings logged by load(); periksa lists every one of them.
WARNINGS_SHOWN = 10
# The last dataset inspect() read in this process, keyed by _folder_signature.
# A batch worker and its kernel load the same folder for every report.
_LAST: dict[tuple, Dataset] = {}
_LAST_LOCK = threading.Lock()


@dataclass
class Dataset:
    """The checked monitoring tables of one data folder, with their catalogue.

    ``problems`` contains the warnings (and, from :func:`inspect`, the errors)
    found while reading; ``fingerprints`` the SHA-256 of every file read;
    ``inputs`` one record per table read (see :func:`input_record`).
    """

    katalog: Katalog
    katalog_path: Path
    data_dir: Path
    tables: dict[str, pd.DataFrame]
    sources: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    fingerprints: dict[str, str] = field(default_factory=dict)
    inputs: list[dict] = field(default_factory=list)
    katalog_sha256: str | None = None

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def years(self) -> list[int]:
        """Return the years that the registers or the rekap have data for."""
        return years_covered(self.tables)

    def row_counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.tables.items()}


def inspect(data_dir: Path | str = "data", katalog: Path | str | None = None) -> Dataset:
    """Read and check every table; return the dataset with all problems, never raising on data.

    The last dataset inspected in this process is kept. When the folder and
    the catalogue have the same sizes and modification times as then, and
    every file read then still has the same SHA-256, that dataset is
    returned again instead of reading the files. It is returned as a copy,
    so that a caller's changes to its tables or lists never reach the kept
    dataset.

    Raises
    ------
    CatalogueError
        When the catalogue itself cannot be loaded.
    """
    data_dir = Path(data_dir)
    katalog_path = find_catalogue(data_dir, None if katalog is None else Path(katalog))
    try:
        signature = _folder_signature(data_dir, katalog_path)
    except OSError:
        # A missing folder or catalogue is reported by read_tables and
        # load_catalogue with their own messages, so it is never kept.
        return _inspect_files(data_dir, katalog_path)
    with _LAST_LOCK:
        last = _LAST.get(signature)
    if last is not None and _same_content(last):
        return _copy(last, data_dir, katalog_path)
    dataset = _inspect_files(data_dir.resolve(), katalog_path.resolve())
    with _LAST_LOCK:
        _LAST.clear()
        _LAST[signature] = dataset
    return _copy(dataset, data_dir, katalog_path)


def forget() -> None:
    """Drop the dataset kept by :func:`inspect`, so that the next call reads the files."""
    with _LAST_LOCK:
        _LAST.clear()


def _folder_signature(data_dir: Path, katalog_path: Path) -> tuple:
    """Return what decides whether a kept dataset may be returned again.

    That is the resolved paths, the catalogue's size and modification time,
    the name, kind, size and modification time of every entry the reader
    looks at, and today's date.
    """
    entries = []
    for path in sorted(data_dir.iterdir()):
        if path.name.startswith(IGNORED_PREFIXES):
            continue
        info = path.stat()
        entries.append((path.name, path.is_file(), info.st_size, info.st_mtime_ns))
    katalog_info = katalog_path.stat()
    # Dates later than today are flagged, so a new day needs a new check.
    return (str(data_dir.resolve()), str(katalog_path.resolve()), katalog_info.st_size,
            katalog_info.st_mtime_ns, tuple(entries), date.today())


def _same_content(dataset: Dataset) -> bool:
    """Tell whether every file the dataset was read from still has the SHA-256 recorded."""
    paths = {name: dataset.data_dir / name for name in dataset.fingerprints}
    paths[None] = dataset.katalog_path
    recorded = dataset.fingerprints | {None: dataset.katalog_sha256}
    try:
        with ThreadPoolExecutor(max_workers=2) as hasher:
            digests = dict(zip(paths, hasher.map(sha256, paths.values()), strict=True))
    except OSError:  # a file went away after the signature was taken
        return False
    return digests == recorded


def _copy(dataset: Dataset, data_dir: Path, katalog_path: Path) -> Dataset:
    """Return a dataset that shares the checked data but not the containers a caller may change.

    A shallow DataFrame copy never writes through to the original, because
    pandas 3 copies on write.
    """
    return replace(dataset, data_dir=data_dir, katalog_path=katalog_path,
                   tables={name: frame.copy(deep=False)
                                    for name, frame in dataset.tables.items()},
                   sources=dict(dataset.sources), problems=list(dataset.problems),
                   fingerprints=dict(dataset.fingerprints),
                   inputs=[dict(record) for record in dataset.inputs])


def _inspect_files(data_dir: Path, katalog_path: Path) -> Dataset:
    # Loaded before hashing, so a missing catalogue raises CatalogueError.
    catalogue = load_catalogue(katalog_path)
    katalog_sha256 = sha256(katalog_path)
    log.info("katalog: %s", katalog_path)

    raw, problems = read_tables(data_dir)
    # Keyed by file name: a workbook that contains several tables is listed once.
    paths = {table.path.name: table.path for table in raw.values() if table.path is not None}
    # hashlib releases the GIL while hashing, so the files are hashed on a
    # second thread while the checks run in Python on this one.
    with ThreadPoolExecutor(max_workers=1) as hasher:
        digests = {name: hasher.submit(sha256, path) for name, path in paths.items()}
        tables, found = check_tables(raw, catalogue)
        # A formula without a stored result is reported once, as such, and
        # not again as an invalid value of its cell.
        formulas = {(p.file, p.row, p.column) for p in problems if p.code == FORMULA}
        problems += [p for p in found if (p.file, p.row, p.column) not in formulas]
        problems += _check_rekap_against_registers(tables, catalogue, raw)
        problems += _check_catalogue_percentages(catalogue, katalog_path.name)
        fingerprints = {name: digest.result() for name, digest in digests.items()}

    sources = {name: table.source for name, table in raw.items()}
    inputs = [input_record(table, fingerprints) for table in raw.values()
              if table.path is not None]
    return Dataset(catalogue, katalog_path, data_dir, tables, sources,
                   sort_problems(problems), fingerprints, inputs, katalog_sha256)


def load(data_dir: Path | str = "data", katalog: Path | str | None = None) -> Dataset:
    """Read and check a data folder, ready for counting.

    Raises
    ------
    DataError
        With every problem found, when any of them is an error.
    CatalogueError
        When the catalogue cannot be loaded.
    """
    dataset = inspect(data_dir, katalog)
    if dataset.errors:
        raise DataError(dataset.problems, str(data_dir))
    listed = dataset.warnings[:WARNINGS_SHOWN]
    for problem in listed:
        where = problem.file if problem.row is None else f"{problem.file} baris {problem.row}"
        log.warning("%s: %s", where, problem.message)
    if len(dataset.warnings) > len(listed):
        log.warning("... dan %d peringatan lain; `iku-nb periksa` menampilkan semuanya.",
                    len(dataset.warnings) - len(listed))
    return dataset


def _check_rekap_against_registers(tables: dict, katalog: Katalog, raw: dict) -> list[Problem]:
    """Flag each rekap row for a year that the register already covers.

    Figures are cumulative from January, so one year must come from a single
    source: a quarterly rekap row beside register rows later in the year
    would give a second quarter smaller than the first.
    """
    rekap = tables.get("rekap")
    if rekap is None:
        return []
    problems = []
    codes = {i.kode: i for i in katalog.indikator}
    for row in rekap.itertuples():
        ind = codes.get(row.kode_indikator)
        if ind is None or pd.isna(row.tahun):
            continue
        triwulan = None if pd.isna(row.triwulan) else int(row.triwulan)
        period = Period(int(row.tahun), triwulan)
        register = ind.hitung.register_name
        if register_covers(tables, register, Period(period.tahun)):
            register_source = raw[register].source
            frame = tables[register]
            dated = frame.loc[inside(frame[REGISTER_DATE[register]], Period(period.tahun)),
                              "baris"]
            rows = sorted(int(number) for number in dated)
            problems.append(Problem(
                "rekap-dan-register", raw["rekap"].source,
                f"{ind.kode} {period.label} ada di rekap (baris {row.baris}), padahal "
                f"register {register_source} (kolom {REGISTER_DATE[register]}) memuat "
                f"{len(rows)} catatan tahun {period.tahun}, di baris {row_list(rows)}. Satu "
                "tahun harus berasal dari satu sumber, jadi hapus baris rekap itu atau catatan "
                "register tahun tersebut, atau perbaiki tanggal catatan register yang salah "
                "ketik.",
                row=row.baris, column="tahun", value=period.slug,
                expected="periode tanpa baris register", ids=(ind.kode,)))
    return problems


def _check_catalogue_percentages(katalog: Katalog, file: str) -> list[Problem]:
    """Return a warning for each Renstra target or national standard above 100% of a percentage.

    Every counting method gives a share of cases or organisations, so a
    realisasi in % never exceeds 100. Such a value is probably a typing
    error, such as 925 for 92,5.
    """
    problems = []
    for ind in katalog.indikator:
        if ind.satuan != "%":
            continue
        values = [("target_renstra", "Target akhir Renstra", ind.target_renstra),
                  ("standar_nasional", "Standar nasional", ind.standar_nasional)]
        for key, label, entry in values:
            if entry is None or entry.nilai <= 100:
                continue
            written = str(entry.nilai).replace(".", ",")
            problems.append(Problem(
                "katalog-di-atas-100", file,
                f"{label} {ind.kode} {written}% melebihi 100%, padahal realisasinya adalah "
                "persentase yang tidak dapat melebihi 100%. Periksa apakah angkanya benar.",
                column=f"indikator {ind.kode}, {key}.nilai", value=str(entry.nilai),
                expected="persen 0 sampai 100", severity=WARNING, ids=(ind.kode,)))
    return problems


def input_record(table, fingerprints: dict[str, str]) -> dict:
    """Describe one table read, for a manifest: file, sheet, SHA-256 and row count.

    A sheet of a workbook also gets the SHA-256 of its cell values, so that a
    changed workbook can be traced to the sheet that changed.
    """
    record = {"tabel": table.name, "sumber": table.source, "berkas": table.path.name,
              "sha256": fingerprints[table.path.name], "baris": table.row_count}
    if table.path.suffix.lower() == ".xlsx":
        digest = hashlib.sha256(repr(table.header).encode())
        for row, cells in table.rows:
            digest.update(repr((row, sorted(cells.items(), key=lambda c: c[0]))).encode())
        record["sha256_lembar"] = digest.hexdigest()
    return record


def sha256(path: Path) -> str:
    """Return the SHA-256 of a file, the fingerprint that manifests record."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
