"""The office's budget for a year: pagu and realisasi per programme, from the anggaran table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from iku_nb.formatting import round_half_up

# The registry record of a budget, beside the indicators' records.
KODE = "ANGGARAN"


@dataclass(frozen=True)
class Budget:
    """The anggaran rows of one year, in table order, with ``source`` the file they came from."""

    tahun: int
    source: str
    rows: list[dict]

    @property
    def pagu(self) -> Decimal:
        return sum((r["pagu"] for r in self.rows), Decimal(0))

    @property
    def realisasi(self) -> Decimal:
        return sum((r["realisasi"] for r in self.rows), Decimal(0))

    @property
    def share(self) -> Fraction | None:
        """Return realisasi as a percentage of pagu, exactly; None when pagu is 0."""
        return share(self.realisasi, self.pagu)


def share(part: Decimal, whole: Decimal) -> Fraction | None:
    """Return ``part`` as an exact percentage of ``whole``; None when ``whole`` is 0."""
    return None if not whole else Fraction(part) / Fraction(whole) * 100


def budget_of(dataset, tahun: int) -> Budget | None:
    """Return the year's budget rows, or None when the data folder has no anggaran table."""
    table = dataset.tables.get("anggaran")
    if table is None:
        return None
    rows = table[table["tahun"] == tahun].to_dict("records")
    return Budget(tahun, dataset.sources.get("anggaran", "anggaran.csv"), rows)


def budget_record(budget: Budget, label: str) -> dict:
    """Return the budget's figures for the value registry, which verification compares."""
    percent = budget.share
    return {
        "kode": KODE, "tahun": budget.tahun, "triwulan": None, "periode": label,
        "pagu_anggaran": _amount(budget.pagu), "realisasi_anggaran": _amount(budget.realisasi),
        "persen_anggaran": None if percent is None else str(round_half_up(percent, 2)),
        "baris_anggaran": [{"baris": int(r["baris"]), "program": r["program"],
                            "kegiatan": r["kegiatan"], "pagu": _amount(r["pagu"]),
                            "realisasi": _amount(r["realisasi"])} for r in budget.rows],
    }


def _amount(value: Decimal) -> str:
    """Write rupiah with two decimals, so that 1.000 and 1.000,00 are the same figure."""
    return str(Decimal(value).quantize(Decimal("0.01")))
