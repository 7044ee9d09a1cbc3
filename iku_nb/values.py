"""Realisasi, capaian and kategori: the one record of every figure.

Values are kept exact (:class:`~fractions.Fraction`) and rounded half up to
the catalogue's decimals only for output, so the report, the command line and
the JSON contract print the same digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from iku_nb.catalogue import Indikator, Katalog, Kebijakan, Skala
from iku_nb.count import Counts
from iku_nb.formatting import round_half_up
from iku_nb.period import Period

JSON_KEYS = ("kode", "tahun", "triwulan", "pembilang", "penyebut", "realisasi",
             "target", "capaian", "kategori")


@dataclass(frozen=True)
class Nilai:
    """Every figure of one indicator in one period, unrounded, with its origin.

    ``catatan`` explains each figure left empty (penyebut 0, no target, ...).
    """

    indikator: Indikator
    periode: Period
    counts: Counts | None
    realisasi: Fraction | None
    target: Decimal | None
    target_asal: str | None
    capaian: Fraction | None
    kategori: str | None
    catatan: tuple[str, ...] = field(default=())

    @property
    def kode(self) -> str:
        return self.indikator.kode

    @property
    def pembilang(self) -> int | None:
        return None if self.counts is None else self.counts.pembilang

    @property
    def penyebut(self) -> int | None:
        return None if self.counts is None else self.counts.penyebut

    def places(self, name: str) -> int:
        """Return the decimals to print ``name`` with: the catalogue's.

        A target keeps its own decimals when it has more, because it is an
        input, not a result: 82,5 stays 82,5 under ``desimal: 0``.
        """
        places = self.indikator.desimal
        if name == "target" and self.target is not None:
            exponent = self.target.normalize().as_tuple().exponent
            places = max(places, -exponent if isinstance(exponent, int) else 0)
        return places

    def rounded(self, name: str) -> Decimal | None:
        """Return realisasi, target or capaian rounded half up to its printed decimals."""
        value = getattr(self, name)
        return None if value is None else round_half_up(value, self.places(name))

    @property
    def meets_target(self) -> bool | None:
        """Return whether the printed realisasi reaches the printed target, by polarity."""
        realisasi, target = self.rounded("realisasi"), self.rounded("target")
        if realisasi is None or target is None:
            return None
        if self.indikator.polaritas == "negatif":
            return realisasi <= target
        return realisasi >= target

    def as_json(self) -> dict:
        """Return the record of the JSON contract (keys in :data:`JSON_KEYS`)."""
        def number(name: str) -> float | None:
            value = self.rounded(name)
            return None if value is None else float(value)

        return {
            "kode": self.kode,
            "tahun": self.periode.tahun,
            "triwulan": self.periode.triwulan,
            "pembilang": self.pembilang,
            "penyebut": self.penyebut,
            "realisasi": number("realisasi"),
            "target": number("target"),
            "capaian": number("capaian"),
            "kategori": self.kategori,
        }


def realisasi(pembilang: int, penyebut: int, kebijakan: Kebijakan) -> Fraction | None:
    """Return pembilang / penyebut × 100 (percent), or the zero-penyebut policy's value."""
    if penyebut == 0:
        return Fraction(100) if kebijakan.penyebut_nol == "seratus" else None
    return Fraction(pembilang, penyebut) * 100


def capaian(realisasi: Fraction, target: Decimal, polaritas: str,
            kebijakan: Kebijakan) -> Fraction | None:
    """Return the achievement against target, in percent.

    Positive polarity: realisasi / target × 100. Negative polarity, by the
    catalogue's ``capaian_negatif``: ``2t-r`` = (2 × target − realisasi) /
    target × 100, ``t/r`` = target / realisasi × 100, ``t-r`` = (target −
    realisasi) / target × 100. None when the formula divides by zero. The
    result is capped at ``batas_capaian`` when the catalogue sets one.
    """
    t = Fraction(target)
    if polaritas == "positif":
        value = None if t == 0 else realisasi / t * 100
    elif kebijakan.capaian_negatif == "2t-r":
        value = None if t == 0 else (2 * t - realisasi) / t * 100
    elif kebijakan.capaian_negatif == "t/r":
        value = None if realisasi == 0 else t / realisasi * 100
    else:
        value = None if t == 0 else (t - realisasi) / t * 100
    if value is not None and kebijakan.batas_capaian is not None:
        value = min(value, Fraction(Decimal(str(kebijakan.batas_capaian))))
    return value


def kategori(capaian_printed: Decimal, skala: Skala) -> str:
    """Return the scale's category for a capaian as printed (already rounded)."""
    for band in skala.pita:
        if band.batas_bawah is None or capaian_printed >= Decimal(str(band.batas_bawah)):
            return band.kategori
    raise AssertionError("the last band of a validated scale has no lower limit")


def find_target(target: pd.DataFrame | None, kode: str,
                period: Period) -> tuple[Decimal | None, str | None]:
    """Return the target of a period and whether it is the quarter's or the year's."""
    if target is None:
        return None, None
    rows = target[(target["kode_indikator"] == kode) & (target["tahun"] == period.tahun)]
    if period.triwulan is not None:
        quarter = rows[rows["triwulan"] == period.triwulan]
        if not quarter.empty and quarter.iloc[0]["target"] is not None:
            return quarter.iloc[0]["target"], "triwulan"
    year = rows[rows["triwulan"].isna()]
    if not year.empty and year.iloc[0]["target"] is not None:
        return year.iloc[0]["target"], "tahunan"
    return None, None


def evaluate(katalog: Katalog, ind: Indikator, period: Period, counts: Counts | None,
             target_table: pd.DataFrame | None) -> Nilai:
    """Combine counts and target into one :class:`Nilai` with its notes."""
    notes: list[str] = []
    target, target_asal = find_target(target_table, ind.kode, period)
    value = None
    if counts is None:
        notes.append(f"Tidak ada data {ind.kode} untuk {period.label}: register kosong "
                     "pada periode ini dan tidak ada baris rekap.")
    else:
        value = realisasi(counts.pembilang, counts.penyebut, katalog.kebijakan)
        if counts.penyebut == 0:
            notes.append(_zero_note(katalog, ind, period))
    if target is None:
        notes.append(f"Target {ind.kode} untuk {period.label} belum ditetapkan, "
                     "sehingga capaian tidak dihitung.")
    achieved = None
    if value is not None and target is not None:
        achieved = capaian(value, target, ind.polaritas, katalog.kebijakan)
        if achieved is None:
            notes.append(f"Capaian {ind.kode} {period.label} tidak dapat dihitung karena "
                         "rumusnya membagi dengan nol.")
    category = None
    if achieved is not None:
        category = kategori(round_half_up(achieved, ind.desimal), katalog.skala)
    return Nilai(ind, period, counts, value, target, target_asal, achieved, category,
                 tuple(notes))


def _zero_note(katalog: Katalog, ind: Indikator, period: Period) -> str:
    if katalog.kebijakan.penyebut_nol == "seratus":
        return (f"Penyebut {ind.kode} {period.label} 0 (tidak ada objek yang dihitung); "
                "sesuai kebijakan katalog, realisasi dicatat 100%.")
    return (f"Penyebut {ind.kode} {period.label} 0 (tidak ada objek yang dihitung), "
            "sehingga realisasi, capaian dan kategori tidak dapat dihitung.")
