"""The value registry: every figure a report prints, computed once.

A report's sections, its narrative and its tables all read their numbers
from one :class:`Registry`, so text and tables cannot disagree. The same
values are written beside the report as ``<report>.angka.json``, which
``iku-nb verifikasi`` compares with a fresh run.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from iku_nb import api
from iku_nb.catalogue import Indikator
from iku_nb.comparison import Comparison, compare
from iku_nb.dataset import Dataset
from iku_nb.formatting import bilangan, persen, round_half_up
from iku_nb.lineage import Lineage, trace
from iku_nb.period import Period
from iku_nb.values import Nilai

# The notebook output type that carries the registry in an executed notebook.
MIME = "application/vnd.iku-nb.angka+json"
# The figures of a record that verification compares, in report order.
FIGURES = ("pembilang", "penyebut", "realisasi_tepat", "realisasi", "target", "target_baris",
           "capaian_tepat", "capaian", "kategori", "asal", "rekap_baris", "perbandingan",
           "asal_baris", "pagu_anggaran", "realisasi_anggaran", "persen_anggaran",
           "baris_anggaran")


@dataclass(frozen=True)
class Registry:
    """The figures of one report: the period's own, and those it compares with.

    ``history`` contains, per indicator, each earlier data year and the
    period itself. ``previous`` is the same period a year earlier (None
    without data), and ``lineage`` the ids and source rows behind the
    period's own counts.
    """

    periode: Period
    current: dict[str, Nilai]
    history: dict[str, list[Nilai]]
    previous: dict[str, Nilai | None]
    lineage: dict[str, Lineage]

    @property
    def nilai(self) -> list[Nilai]:
        """Return the period's figures in catalogue order."""
        return list(self.current.values())

    def all(self) -> list[Nilai]:
        """Return every distinct figure set the report prints, by indicator then period."""
        seen: dict[tuple, Nilai] = {}
        for kode, n in self.current.items():
            for item in [*self.history[kode], n, self.previous[kode]]:
                if item is not None:
                    seen.setdefault(key(item), item)
        return sorted(seen.values(), key=lambda n: (
            list(self.current).index(n.kode), n.periode.tahun, n.periode.triwulan or 5))

    def comparison(self, kode: str) -> Comparison:
        """Return the indicator's comparison with last year and the Renstra target."""
        return compare(self.history[kode], self.current[kode], self.previous[kode])

    def records(self) -> list[dict]:
        """Return the JSON records of :meth:`all`.

        The period's own record also contains its comparisons (change from last
        year, distance to the Renstra target, trend projection) and the ids
        and source rows of its counts, which the report prints too.
        """
        found = []
        for n in self.all():
            entry = record(n)
            if key(n) == key(self.current[n.kode]):
                entry["perbandingan"] = comparison_record(self.comparison(n.kode))
                entry["asal_baris"] = lineage_record(self.lineage[n.kode])
            found.append(entry)
        return found


def build(dataset: Dataset, period: Period, indikator: list[Indikator]) -> Registry:
    """Compute the period's figures and those of the periods the report compares with.

    Raises the same errors as :func:`iku_nb.api.hitung`.
    """
    current = {n.kode: n for n in api.hitung(dataset, period.tahun, period.triwulan, indikator)}
    history = {kode: api.history(dataset, n.indikator, period) for kode, n in current.items()}
    previous = {kode: api.same_period_last_year(dataset, n.indikator, period)
                for kode, n in current.items()}
    traces = {kode: trace(dataset, n) for kode, n in current.items()}
    return Registry(period, current, history, previous, traces)


def from_notebook(nb) -> list[dict] | None:
    """Return the registry that an executed notebook displayed, or None when it has none."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if MIME in data:
                return data[MIME]
    return None


def key(n: Nilai) -> tuple[str, int, int | None]:
    return (n.kode, n.periode.tahun, n.periode.triwulan)


def record(n: Nilai) -> dict:
    """Return one figure set as JSON: exact and printed values, and how it was counted.

    Exact values are fractions written as text (``"1600/19"``) and rounded
    ones decimal text (``"84.21"``), so no binary float comes between
    the register and the report. ``teks`` holds the figures as printed.
    """
    counts = n.counts
    hitung = n.indikator.hitung
    return {
        "kode": n.kode,
        "tahun": n.periode.tahun,
        "triwulan": n.periode.triwulan,
        "periode": n.periode.label,
        "pembilang": n.pembilang,
        "penyebut": n.penyebut,
        "realisasi_tepat": _exact(n.realisasi),
        "realisasi": _decimal(n.rounded("realisasi")),
        "target": _decimal(n.target),
        "target_asal": n.target_asal,
        "target_baris": n.target_baris,
        "capaian_tepat": _exact(n.capaian),
        "capaian": _decimal(n.rounded("capaian")),
        "kategori": n.kategori,
        "desimal": n.indikator.desimal,
        "asal": None if counts is None else counts.asal,
        "rekap_baris": None if counts is None else counts.rekap_baris,
        "aturan": {
            "metode": hitung.metode,
            "register": hitung.register_name,
            "saringan": [rule.model_dump(exclude_none=True) for rule in hitung.saringan],
        },
        "teks": printed(n),
    }


def comparison_record(c: Comparison) -> dict:
    """Return a comparison's figures as JSON, as printed, and the projection also exact."""
    def rounded(value: Fraction | None) -> str | None:
        return None if value is None else str(round_half_up(value, c.desimal))

    # The change and the distance to the Renstra target are differences of
    # printed figures, so their decimal text is exact and needs no fraction.
    record = {
        "perubahan": _decimal(c.change),
        "target_renstra": None if c.renstra is None else str(c.renstra.nilai),
        "tahun_renstra": None if c.renstra is None else c.renstra.tahun,
        "jarak_renstra": _decimal(c.gap),
        "tahun_tren": list(c.trend_years),
        "proyeksi_tepat": _exact(c.projection),
        "proyeksi": rounded(c.projection),
    }
    standard = c.current.indikator.standar_nasional
    if standard is not None:
        # Only with a standard in the catalogue, so that reports without one keep their figures.
        gap = c.standard_gap
        record |= {"standar_nasional": str(standard.nilai),
                   "sumber_standar_nasional": standard.sumber,
                   "realisasi_dikurangi_standar": None if gap is None else str(gap)}
    return record


def lineage_record(lineage: Lineage) -> dict:
    """Return the ids behind a count and their source rows as JSON."""
    return {
        "rekap": None if lineage.rekap is None else list(lineage.rekap),
        "id": [{"id": s.id, "pembilang": s.in_pembilang,
                "baris": {name: list(rows) for name, rows in s.rows}}
               for s in lineage.sources],
    }


def printed(n: Nilai) -> dict[str, str]:
    """Return the figures as every part of the report prints them."""
    d = n.indikator.desimal
    if n.realisasi is not None:
        realisasi = persen(n.realisasi, d)
    else:
        realisasi = "tidak dapat dihitung" if n.penyebut == 0 else "–"
    return {
        "pembilang": bilangan(n.pembilang), "penyebut": bilangan(n.penyebut),
        "realisasi": realisasi, "target": persen(n.target, n.places("target")),
        "capaian": persen(n.capaian, d), "kategori": n.kategori or "–",
    }


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else str(Fraction(value))


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
