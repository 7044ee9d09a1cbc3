"""Comparisons of an indicator's realisasi with earlier years and the Renstra target.

A difference of two percentages (the change from last year, the distance to
the target or to the Renstra target) is taken between the two figures as the
report prints them, so a reader who subtracts the printed figures gets the
printed difference. The trend is fitted through the exact values and rounded
once when printed, like realisasi and capaian.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from iku_nb.catalogue import TargetRenstra
from iku_nb.formatting import persen, poin_persen, round_half_up, selisih
from iku_nb.values import Nilai

# Through fewer years a line fits every point exactly, which shows no trend.
MIN_TREND_YEARS = 3


@dataclass(frozen=True)
class Comparison:
    """One indicator's realisasi against last year and against the Renstra target.

    ``change`` is realisasi minus last year's, in percentage points.
    ``target_gap`` is this period's target minus realisasi and ``gap`` the
    Renstra target minus realisasi, both in percentage points. All three are
    differences of the printed (rounded) figures. ``projection`` is the
    least-squares line through the yearly realisasi of ``trend_years``,
    read at the Renstra end year; it needs :data:`MIN_TREND_YEARS` years. A percentage
    projection is kept between 0 and 100, which a share cannot leave.

    Only a year before the Renstra end year is projected: in the end year the
    realisasi itself is the end-of-period figure, and after it the target
    belongs to a Renstra that has ended, so neither gap nor projection is
    computed (see :attr:`renstra_stage`).
    """

    current: Nilai
    previous: Nilai | None
    change: Decimal | None
    target_gap: Decimal | None
    renstra: TargetRenstra | None
    gap: Decimal | None
    trend_years: tuple[int, ...]
    slope: Fraction | None
    projection: Fraction | None

    @property
    def desimal(self) -> int:
        return self.current.indikator.desimal

    @property
    def renstra_stage(self) -> str | None:
        """Return where the period lies in the Renstra: ``berjalan``, ``akhir`` or ``lewat``.

        None when the indicator has no Renstra target.
        """
        if self.renstra is None:
            return None
        return stage_in_renstra(self.current.periode.tahun, self.renstra)

    @property
    def renstra_reached(self) -> bool | None:
        """Return whether the printed realisasi already reaches the printed Renstra target."""
        if self.gap is None:
            return None
        return _reaches(self.current.rounded("realisasi"), self._printed_renstra,
                        self.current.indikator.polaritas)

    @property
    def standard_gap(self) -> Decimal | None:
        """Return the printed realisasi minus the printed national standard, in yearly reports only.

        Both are rounded to the indicator's decimals, as the report prints
        them, so that the verdict agrees with the two figures a reader sees:
        a standard of 84,214% is 84,21%, which a realisasi of 84,21% meets.
        A quarterly figure is cumulative, so like the Renstra target the
        standard is compared in yearly reports only. None without a standard.
        """
        standard = self.current.indikator.standar_nasional
        realisasi = self.current.rounded("realisasi")
        if standard is None or realisasi is None or self.current.periode.triwulan is not None:
            return None
        return realisasi - round_half_up(standard.nilai, self.desimal)

    @property
    def trend_reaches(self) -> bool | None:
        """Return whether the printed projection reaches the Renstra target."""
        if self.renstra is None or self.projection is None:
            return None
        projected = round_half_up(self.projection, self.desimal)
        return _reaches(projected, self._printed_renstra, self.current.indikator.polaritas)

    @property
    def _printed_renstra(self) -> Decimal:
        return round_half_up(self.renstra.nilai, self.desimal)

    def printed(self) -> dict[str, str]:
        """Return the comparison's figures as the report prints them."""
        d = self.desimal
        return {
            "perubahan": selisih(self.change, d),
            "perubahan_poin": poin_persen(self.change, d),
            "renstra": "–" if self.renstra is None else persen(self.renstra.nilai, d),
            "renstra_tahun": "–" if self.renstra is None else str(self.renstra.tahun),
            "jarak": poin_persen(self.gap, d),
            # The same sign as the registry's jarak_renstra and the narrative's "berjarak".
            "renstra_kurang_realisasi": selisih(self.gap, d),
            "proyeksi": persen(self.projection, d),
            "kemiringan": poin_persen(self.slope, d),
        }


def compare(history: list[Nilai], current: Nilai, previous: Nilai | None) -> Comparison:
    """Compare ``current`` with ``previous`` and with its indicator's Renstra target.

    The trend uses the whole years of ``history`` that have a realisasi, so a
    quarterly period (cumulative, not comparable with a year) is left out.
    """
    realisasi = current.rounded("realisasi")
    change = None if previous is None else printed_difference(current, previous)
    target_gap = None
    if current.target is not None and realisasi is not None:
        target_gap = current.rounded("target") - realisasi
    renstra = current.indikator.target_renstra
    stage = None if renstra is None else stage_in_renstra(current.periode.tahun, renstra)
    gap = None
    # A quarter's figure is cumulative to the quarter's end, so it is set
    # against the end-of-Renstra target only in yearly reports.
    yearly = current.periode.triwulan is None
    if stage in ("berjalan", "akhir") and realisasi is not None and yearly:
        gap = round_half_up(renstra.nilai, current.indikator.desimal) - realisasi
    points = [(n.periode.tahun, n.realisasi) for n in history
              if n.periode.triwulan is None and n.realisasi is not None]
    slope = projection = None
    if len(points) >= MIN_TREND_YEARS:
        slope, intercept = linear_fit(points)
        if stage == "berjalan":
            projection = intercept + slope * renstra.tahun
            if current.indikator.satuan == "%":
                projection = min(max(projection, Fraction(0)), Fraction(100))
    return Comparison(current, previous, change, target_gap, renstra, gap,
                      tuple(year for year, _ in points), slope, projection)


def stage_in_renstra(tahun: int, renstra: TargetRenstra) -> str:
    """Return ``berjalan`` before the Renstra end year, ``akhir`` in it, ``lewat`` after it."""
    if tahun < renstra.tahun:
        return "berjalan"
    return "akhir" if tahun == renstra.tahun else "lewat"


def linear_fit(points: list[tuple[int, Fraction]]) -> tuple[Fraction, Fraction]:
    """Return the exact least-squares slope and intercept of y over x (two or more points)."""
    count = len(points)
    mean_x = Fraction(sum(x for x, _ in points), count)
    mean_y = sum((Fraction(y) for _, y in points), Fraction(0)) / count
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return slope, mean_y - slope * mean_x


def changes(history: list[Nilai]) -> list[Decimal | None]:
    """Return each printed realisasi minus the previous one, None where either is missing."""
    result: list[Decimal | None] = [None]
    result += [printed_difference(after, before) for before, after in pairwise(history)]
    return result[:len(history)]


def printed_difference(after: Nilai, before: Nilai) -> Decimal | None:
    """Return ``after``'s printed realisasi minus ``before``'s, or None when either is missing.

    42/55 = 76,36% after 35/55 = 63,64% gives 12,72 points, as a reader
    subtracts the printed figures, where the exact 700/55 = 12,727… would
    print as 12,73.
    """
    a, b = after.rounded("realisasi"), before.rounded("realisasi")
    return None if a is None or b is None else a - b


def _reaches(value: Decimal, target: Decimal, polaritas: str) -> bool:
    return value <= target if polaritas == "negatif" else value >= target
