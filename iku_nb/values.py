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

# Kinds of the notes of a Nilai: no counts, penyebut 0, no target, capaian
# formula dividing by zero.
NOTE_KINDS = ("tanpa_data", "penyebut_nol", "tanpa_target", "capaian_nol")

# The noun for the objects each counting method counts (Indonesian, no plural form).
COUNTED = {"kasus_selesai": "kasus", "organisasi_berpartisipasi": "organisasi"}

JSON_KEYS = ("kode", "tahun", "triwulan", "pembilang", "penyebut", "realisasi",
             "target", "target_asal", "capaian", "kategori")


@dataclass(frozen=True)
class Nilai:
    """Every figure of one indicator in one period, unrounded, with its origin.

    ``catatan`` explains each figure left empty (penyebut 0, no target, ...);
    ``catatan_jenis`` gives the kind of each note (one of :data:`NOTE_KINDS`),
    so a report can leave out what its narrative already states.
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
    catatan_jenis: tuple[str, ...] = field(default=())
    # The spreadsheet row of the target table that gave ``target``, or None.
    target_baris: int | None = None

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
    def yearly_target_in_quarter(self) -> bool:
        """Return whether a quarter's figures are judged against the year's target."""
        return (self.periode.triwulan is not None and self.target_asal == "tahunan"
                and self.target is not None)

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
            "target_asal": self.target_asal,
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
                period: Period) -> tuple[Decimal | None, str | None, int | None]:
    """Return the target of a period, whether it is the quarter's or the year's, and its row.

    The row is the spreadsheet row number of the target table, for the report
    to cite as it cites the rows behind each count.
    """
    if target is None:
        return None, None, None
    rows = target[(target["kode_indikator"] == kode) & (target["tahun"] == period.tahun)]
    if period.triwulan is not None:
        quarter = rows[rows["triwulan"] == period.triwulan]
        if not quarter.empty and quarter.iloc[0]["target"] is not None:
            return quarter.iloc[0]["target"], "triwulan", _row_number(quarter.iloc[0])
    year = rows[rows["triwulan"].isna()]
    if not year.empty and year.iloc[0]["target"] is not None:
        return year.iloc[0]["target"], "tahunan", _row_number(year.iloc[0])
    return None, None, None


def _row_number(row: pd.Series) -> int | None:
    """Return a loaded table row's spreadsheet row, or None for a table built in code."""
    return int(row["baris"]) if "baris" in row.index and pd.notna(row["baris"]) else None


def evaluate(katalog: Katalog, ind: Indikator, period: Period, counts: Counts | None,
             target_table: pd.DataFrame | None) -> Nilai:
    """Combine counts and target into one :class:`Nilai` with its notes."""
    notes: list[tuple[str, str]] = []
    target, target_asal, target_row = find_target(target_table, ind.kode, period)
    value = None
    if counts is None:
        notes.append(("tanpa_data", no_data_note(ind, period)))
    else:
        value = realisasi(counts.pembilang, counts.penyebut, katalog.kebijakan)
        if counts.penyebut == 0:
            notes.append(("penyebut_nol", _zero_note(katalog, ind, period)))
    if target is None:
        notes.append(("tanpa_target", f"Target {ind.kode} untuk {period.label} belum "
                      "ditetapkan, sehingga capaian tidak dihitung."))
    achieved = None
    if value is not None and target is not None:
        achieved = capaian(value, target, ind.polaritas, katalog.kebijakan)
        if achieved is None:
            notes.append(("capaian_nol", f"Capaian {ind.kode} {period.label} tidak dapat "
                          "dihitung karena rumusnya membagi dengan nol."))
    category = None
    if achieved is not None:
        category = kategori(round_half_up(achieved, ind.desimal), katalog.skala)
    return Nilai(ind, period, counts, value, target, target_asal, achieved, category,
                 tuple(text for _, text in notes), tuple(kind for kind, _ in notes),
                 target_baris=target_row)


def no_data_note(ind: Indikator, period: Period) -> str:
    """Explain missing counts and how to record a period that truly had nothing to count.

    The command line prints this note. Reports print only :func:`no_data_text`,
    because the advice is meant for the data clerk.
    """
    return f"{no_data_text(ind, period)} {empty_period_hint(ind, period)}"


def no_data_text(ind: Indikator, period: Period) -> str:
    """Say that ``ind`` has no counts for ``period``, and why, in the words of the report."""
    return (f"Data {ind.kode} untuk {period.label} tidak tersedia: register tidak memuat "
            "catatan pada periode ini dan tidak ada baris rekap.")


def empty_period_hint(ind: Indikator, period: Period) -> str:
    """Say how to record a period without any case, or without any participation event.

    A register without rows dated in the period reads as missing data, not as
    zero, so an empty period needs a rekap row. A period without cases has
    pembilang 0 and penyebut 0. A period without participation events still
    has its active organisations as penyebut, because they come from the
    organisasi table, not from the partisipasi register. Quarterly figures
    are cumulative from January, so a quarter's row may not fall below an
    earlier quarter's row of the same year.
    """
    cumulative = ("" if period.triwulan is None else
                  " Angka triwulan kumulatif sejak Januari, jadi pembilang dan penyebut itu "
                  "tidak boleh lebih kecil daripada baris rekap triwulan sebelumnya pada tahun "
                  "yang sama.")
    if ind.hitung.metode == "organisasi_berpartisipasi":
        # The same organisations as count.active_organisations, saringan included.
        rules = [f"kolom {rule.kolom} berisi salah satu dari {', '.join(rule.salah_satu)}"
                 if rule.salah_satu is not None
                 else f"kolom {rule.kolom} {'terisi' if rule.terisi else 'kosong'}"
                 for rule in ind.hitung.saringan]
        filtered = f", dengan {' dan '.join(rules)}" if rules else ""
        return (f"Bila pada {period.label} memang tidak ada organisasi yang berpartisipasi, "
                f"tambahkan baris rekap {ind.kode} untuk periode itu dengan pembilang 0 dan "
                "penyebut sebanyak organisasi yang aktif pada periode itu, bukan 0, karena "
                "penyebut 0 berarti tidak ada organisasi yang dihitung. Organisasi aktif "
                "adalah yang terdaftar paling lambat pada akhir periode dan tidak nonaktif "
                f"sebelum awal periode{filtered}.{cumulative}")
    return (f"Bila pada {period.label} memang tidak ada {COUNTED[ind.hitung.metode]} "
            f"yang dihitung, tambahkan baris rekap {ind.kode} untuk periode itu dengan "
            f"pembilang 0 dan penyebut 0.{cumulative}")


def _zero_note(katalog: Katalog, ind: Indikator, period: Period) -> str:
    thing = COUNTED[ind.hitung.metode]
    opening = (f"Tidak ada {thing} yang dihitung untuk {ind.kode} pada {period.label} "
               "(penyebut 0)")
    if katalog.kebijakan.penyebut_nol == "seratus":
        return f"{opening}. Sesuai kebijakan katalog, realisasi dicatat 100%."
    return f"{opening}, sehingga realisasi, capaian dan kategori tidak dapat dihitung."
