"""Run parameters: the same names and rules for the CLI, YAML files and ``papermill -p``."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from iku_nb.analysis import PERIOD_KEY, AnalysisError, analysis_period, parse_analysis
from iku_nb.catalogue import Katalog
from iku_nb.errors import ParameterError
from iku_nb.formatting import rentang_tahun
from iku_nb.parse import canonical, closest, parse_integer
from iku_nb.period import MAX_YEAR, MIN_YEAR, Period

NAMES = ("tahun", "triwulan", "bidang", "data", "katalog", "analisis")
# Quarters as reports name them, which parameters take only as digits.
ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Same rule as a bidang kode in the catalogue; it also keeps the value safe
# to use as a folder name of the report output.
BIDANG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class RunParameters:
    """The parameters of one report run, checked."""

    tahun: int
    triwulan: int | None = None
    bidang: str | None = None
    data: str = "data"
    katalog: str | None = None
    # The analysts' texts per indicator and topic, with the period they were
    # written for under "periode" (see iku_nb.analysis).
    analisis: dict[str, Any] = field(default_factory=dict, hash=False)


def parse_parameters(raw: dict[str, Any], katalog: Katalog | None = None,
                     allowed: tuple[str, ...] = NAMES) -> RunParameters:
    """Check raw parameter values and return them typed.

    Raises
    ------
    ParameterError
        Listing every invalid or unknown parameter, with the valid values.
    """
    problems = []
    unknown = sorted(set(raw) - set(allowed), key=str)
    for name in unknown:
        if name == "bidang":
            problems.append("parameter 'bidang' hanya untuk laporan per bidang "
                            "(notebooks/laporan_bidang.ipynb); notebook ini membuat laporan "
                            "seluruh badan, jadi hapus bidang dari parameternya")
            continue
        hint = closest(name, list(allowed))
        problems.append(f"parameter {name!r} tidak dikenal"
                        + (f"; maksudnya {hint!r}?" if hint else "")
                        + f" (yang dikenal: {', '.join(allowed)})")
    tahun = _integer(raw.get("tahun"))
    if _empty(raw.get("tahun")):
        problems.append("tahun wajib diisi: tahun empat angka, misalnya 2025")
    elif tahun is None:
        problems.append(f"tahun {written(raw.get('tahun'))} tidak sah: harus tahun empat "
                        "angka, misalnya 2025")
    elif not MIN_YEAR <= tahun <= MAX_YEAR:
        problems.append(f"tahun {tahun} tidak sah: harus antara {MIN_YEAR} dan {MAX_YEAR}")
    triwulan = None
    if not _empty(raw.get("triwulan")):
        triwulan = _integer(raw.get("triwulan"))
        roman = ROMAN_QUARTERS.get(str(raw.get("triwulan")).strip().casefold())
        if roman is not None:
            problems.append(f"triwulan {written(raw.get('triwulan'))} tidak sah: tulis "
                            f"nomornya dengan angka, {roman} untuk Triwulan "
                            f"{str(raw.get('triwulan')).strip().upper()}")
        elif triwulan not in (1, 2, 3, 4):
            problems.append(f"triwulan {written(raw.get('triwulan'))} tidak sah: harus 1, "
                            "2, 3 atau 4 (kosongkan untuk laporan setahun)")
    bidang = None
    if not _empty(raw.get("bidang")):
        bidang = _bidang(raw["bidang"], katalog, problems)
    data = raw.get("data") or "data"
    if isinstance(data, os.PathLike):
        data = os.fspath(data)
    if not isinstance(data, str):
        problems.append(f"data {written(data)} tidak sah: harus jalur folder")
    katalog_path = None if _empty(raw.get("katalog")) else str(raw["katalog"])
    analisis = {}
    try:
        codes = None if katalog is None else [i.kode for i in katalog.indikator]
        analisis = parse_analysis(raw.get("analisis"), codes, "parameter")
    except AnalysisError as exc:
        problems.extend(exc.problems)
        if isinstance(raw.get("analisis"), str):
            problems.append("bila teks itu berasal dari papermill -p, berikan analisis dengan "
                            "papermill -y dalam bentuk YAML, karena -p memberi pemetaan "
                            "sebagai teks")
    written_for = analysis_period(raw.get("analisis"))
    if analisis and written_for and tahun is not None and not problems:
        period = Period(tahun, triwulan)
        if written_for != period.slug:
            problems.append(
                f"analisis ditulis untuk periode {written_for} (analisis.periode), tetapi "
                f"laporan ini untuk {period.label}, sehingga teks itu akan tercetak di "
                "laporan periode lain. Pakai berkas parameter periode itu, atau tulis "
                f"analisis untuk {period.label} dengan periode: \"{period.slug}\"")
    if problems:
        # A problem of several lines, such as the analisis example, stays inside its item.
        items = ("  - " + problem.replace("\n", "\n    ") for problem in problems)
        raise ParameterError("Parameter tidak sah:\n" + "\n".join(items))
    if analisis:
        # Kept with the texts, so that the notebook a run passes them to checks it again.
        analisis = {PERIOD_KEY: written_for, **analisis}
    return RunParameters(tahun, triwulan, bidang, str(data), katalog_path, analisis)


def check_year(tahun: int, years: list[int]) -> None:
    """Reject a tahun outside the years the data covers."""
    if tahun not in years:
        raise ParameterError(f"Tahun {tahun} tidak tercakup data pemantauan (tahun yang ada: "
                             f"{rentang_tahun(years)}).")


def _bidang(value: Any, katalog: Katalog | None, problems: list[str]) -> str | None:
    if katalog is None:
        # Without a catalogue only the form can be checked.
        text = str(value).strip().casefold()
        if not BIDANG_PATTERN.match(text):
            problems.append(f"bidang {value!r} tidak sah: kode bidang hanya memuat huruf "
                            "kecil, angka, '-' dan '_', misalnya iwasbang")
            return None
        return text
    codes = [b.kode for b in katalog.bidang]
    found = canonical(value, codes)
    if found is None:
        hint = closest(value, codes)
        problems.append(f"bidang {value!r} tidak ada di katalog"
                        + (f"; maksudnya {hint!r}?" if hint else "")
                        + f" (pilihan: {', '.join(codes)})")
    elif not katalog.indikator_of_bidang(found):
        problems.append(f"bidang {found!r} ({katalog.bidang_by_kode(found).nama}) bukan "
                        "penanggung jawab satu IKU pun di katalog, jadi laporan bidangnya "
                        "tidak punya angka; tambahkan kodenya ke penanggung_jawab indikator "
                        "di katalog, atau pilih bidang lain")
    return found


def require_bidang(value: Any, katalog: Callable[[], Katalog]) -> None:
    """Reject an empty bidang in the bidang notebook, which would report the whole office.

    ``katalog`` returns the catalogue, read only for the error's list of bidang.
    """
    if not _empty(value):
        return
    found = katalog()
    codes = [b.kode for b in found.bidang if found.indikator_of_bidang(b.kode)]
    raise ParameterError(
        f"Parameter tidak sah:\n  - bidang belum diisi ({written(value)}), padahal notebook "
        f"laporan_bidang membuat laporan satu bidang (pilihan: {', '.join(codes)}); laporan "
        "seluruh badan dibuat dengan notebook laporan_tahunan")


def _integer(value: Any) -> int | None:
    """Read a whole number given as int, float or text (``2025``, ``2025.0``, ``2``)."""
    if isinstance(value, (int, float, str)):
        return parse_integer(value)
    return None


def _empty(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and value.strip().lower() in ("", "none", "null")


def written(value: Any) -> str:
    """Write a parameter value as the user typed it in YAML: text quoted, true, null, 2025."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return repr(value) if isinstance(value, str) else str(value)
