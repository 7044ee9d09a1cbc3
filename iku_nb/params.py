"""Run parameters: the same names and rules for the CLI, YAML files and ``papermill -p``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iku_nb.catalogue import Katalog
from iku_nb.errors import ParameterError
from iku_nb.parse import canonical

NAMES = ("tahun", "triwulan", "bidang", "data", "katalog")


@dataclass(frozen=True)
class RunParameters:
    """The parameters of one report run, checked."""

    tahun: int
    triwulan: int | None = None
    bidang: str | None = None
    data: str = "data"
    katalog: str | None = None


def parse_parameters(raw: dict[str, Any], katalog: Katalog | None = None,
                     allowed: tuple[str, ...] = NAMES) -> RunParameters:
    """Check raw parameter values and return them typed.

    Raises
    ------
    ParameterError
        Listing every invalid or unknown parameter, with the valid values.
    """
    problems = []
    unknown = sorted(set(raw) - set(allowed))
    if unknown:
        problems.append(f"parameter tidak dikenal: {', '.join(unknown)} "
                        f"(yang dikenal: {', '.join(allowed)})")
    tahun = _integer(raw.get("tahun"))
    if tahun is None or not 1900 <= tahun <= 2999:
        problems.append(f"tahun {raw.get('tahun')!r} tidak sah: harus tahun empat angka, "
                        "misalnya 2025")
    triwulan = None
    if not _empty(raw.get("triwulan")):
        triwulan = _integer(raw.get("triwulan"))
        if triwulan not in (1, 2, 3, 4):
            problems.append(f"triwulan {raw.get('triwulan')!r} tidak sah: harus 1, 2, 3 "
                            "atau 4 (kosongkan untuk laporan setahun)")
    bidang = None
    if not _empty(raw.get("bidang")):
        bidang = _bidang(raw["bidang"], katalog, problems)
    data = raw.get("data") or "data"
    if not isinstance(data, str):
        problems.append(f"data {data!r} tidak sah: harus jalur folder")
    katalog_path = None if _empty(raw.get("katalog")) else str(raw["katalog"])
    if problems:
        raise ParameterError("Parameter tidak sah:\n" + "\n".join(f"  - {p}" for p in problems))
    return RunParameters(tahun, triwulan, bidang, str(data), katalog_path)


def check_year(tahun: int, years: list[int]) -> None:
    """Reject a tahun outside the years the data covers."""
    if tahun not in years:
        span = f"{years[0]}–{years[-1]}" if years else "tidak ada"
        raise ParameterError(
            f"Tahun {tahun} tidak tercakup data pemantauan (tahun yang ada: {span}).")


def _bidang(value: Any, katalog: Katalog | None, problems: list[str]) -> str | None:
    if katalog is None:
        return str(value)
    codes = [b.kode for b in katalog.bidang]
    found = canonical(value, codes)
    if found is None:
        problems.append(f"bidang {value!r} tidak ada di katalog (pilihan: {', '.join(codes)})")
    return found


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null"))
