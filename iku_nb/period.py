"""The reporting period: a year, or January to the end of one triwulan."""

from __future__ import annotations

import calendar
import numbers
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from iku_nb.errors import ParameterError
from iku_nb.formatting import triwulan

if TYPE_CHECKING:
    from iku_nb.catalogue import Bidang

# Years a monitoring date, target or report may fall in; outside them a year
# was mistyped.
MIN_YEAR, MAX_YEAR = 1945, 2100


@dataclass(frozen=True, order=True)
class Period:
    """A cumulative reporting period from 1 January of ``tahun``.

    With ``triwulan`` (1 to 4) the period ends on the last day of that quarter,
    otherwise on 31 December, as LKjIP monitoring figures are cumulative.
    """

    tahun: int
    triwulan: int | None = None

    def __post_init__(self) -> None:
        """Reject a tahun that is not a whole number, e.g. the text "2025", or a triwulan 5."""
        tahun, triwulan = self.tahun, self.triwulan
        if not isinstance(tahun, numbers.Integral) or isinstance(tahun, bool):
            raise ParameterError(f"tahun harus bilangan bulat, misalnya 2025; tertulis {tahun!r} "
                                 f"({type(tahun).__name__}).")
        if triwulan is not None and (not isinstance(triwulan, numbers.Integral)
                                     or isinstance(triwulan, bool) or not 1 <= triwulan <= 4):
            raise ParameterError(f"triwulan harus 1, 2, 3, 4 atau None (setahun); tertulis "
                                 f"{triwulan!r}.")

    @property
    def start(self) -> date:
        return date(self.tahun, 1, 1)

    @property
    def end(self) -> date:
        month = 12 if self.triwulan is None else self.triwulan * 3
        return date(self.tahun, month, calendar.monthrange(self.tahun, month)[1])

    @property
    def label(self) -> str:
        """Return the title form, e.g. ``Triwulan II Tahun 2025`` or ``Tahun 2025``."""
        if self.triwulan is None:
            return f"Tahun {self.tahun}"
        return f"{triwulan(self.triwulan)} Tahun {self.tahun}"

    @property
    def short_label(self) -> str:
        """Return the chart-axis form, e.g. ``TW II 2025`` or ``2025``."""
        if self.triwulan is None:
            return str(self.tahun)
        return f"{triwulan(self.triwulan, short=True)} {self.tahun}"

    @property
    def slug(self) -> str:
        """Return the file-name form, e.g. ``2025-tw2`` or ``2025``."""
        return str(self.tahun) if self.triwulan is None else f"{self.tahun}-tw{self.triwulan}"


def report_title(periode: Period, bidang: Bidang | None) -> str:
    """Return the title of the yearly, quarterly or bidang report of a period."""
    if bidang is not None:
        return f"Laporan Kinerja {bidang.nama} {periode.label}"
    if periode.triwulan is None:
        return f"Laporan Kinerja Instansi Pemerintah (LKjIP) {periode.label}"
    return f"Laporan Capaian Kinerja {periode.label}"
