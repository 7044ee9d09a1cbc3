"""The Python API that the CLI and the notebooks call: one way to every figure."""

from __future__ import annotations

from iku_nb.catalogue import Indikator
from iku_nb.count import count
from iku_nb.dataset import Dataset
from iku_nb.errors import NoDataError
from iku_nb.params import check_year
from iku_nb.period import Period
from iku_nb.values import Nilai, empty_period_hint, evaluate, find_target


def hitung(dataset: Dataset, tahun: int, triwulan: int | None = None,
           indikator: list[Indikator] | None = None) -> list[Nilai]:
    """Compute every indicator (or those given, possibly none) for one period, in catalogue order.

    Raises
    ------
    ParameterError
        When ``tahun`` is not a whole number or is outside the years the data
        covers, or ``triwulan`` is not 1 to 4.
    NoDataError
        When an indicator has neither data nor a target for the period.
    """
    period = Period(tahun, triwulan)
    check_year(tahun, dataset.years)
    results = []
    for ind in dataset.katalog.indikator if indikator is None else indikator:
        result = figure(dataset, ind, period)
        if result.counts is None and result.target is None:
            raise NoDataError(_no_data_message(ind, period))
        results.append(result)
    return results


def check_period(dataset: Dataset, tahun: int, triwulan: int | None = None,
                 indikator: list[Indikator] | None = None) -> None:
    """Raise the ParameterError or NoDataError that :func:`hitung` raises, and compute no figure.

    An indicator with a target for the period passes without counting its
    data, so the check is quick where targets are set. A report run makes
    this check before its notebook starts.
    """
    period = Period(tahun, triwulan)
    check_year(tahun, dataset.years)
    targets = dataset.tables.get("target")
    for ind in dataset.katalog.indikator if indikator is None else indikator:
        target, _, _ = find_target(targets, ind.kode, period)
        if target is None and count(dataset.tables, ind, period) is None:
            raise NoDataError(_no_data_message(ind, period))


def _no_data_message(ind: Indikator, period: Period) -> str:
    return (f"{ind.kode} ({ind.nama}) tidak punya data maupun target untuk "
            f"{period.label}: isi register atau rekap, dan tabel target. "
            + empty_period_hint(ind, period))


def figure(dataset: Dataset, ind: Indikator, period: Period) -> Nilai:
    """Compute one indicator in one period; a period without data gives empty figures."""
    counts = count(dataset.tables, ind, period)
    return evaluate(dataset.katalog, ind, period, counts, dataset.tables.get("target"))


def history(dataset: Dataset, ind: Indikator, until: Period) -> list[Nilai]:
    """Return the indicator's figures for the same period of each data year up to ``until``.

    A quarterly report compares the same quarter of each year, since
    quarterly figures are cumulative from January and a full year is not
    comparable with half of one. The last entry is ``until`` itself.
    """
    return [figure(dataset, ind, Period(tahun, until.triwulan))
            for tahun in dataset.years if tahun <= until.tahun]


def same_period_last_year(dataset: Dataset, ind: Indikator, period: Period) -> Nilai | None:
    """Return the figures of the same period a year earlier, or None without data for it.

    A quarterly report compares with the same quarter, since figures are
    cumulative from January and a full year is not comparable with half of one.
    """
    if period.tahun - 1 not in dataset.years:
        return None
    previous = figure(dataset, ind, Period(period.tahun - 1, period.triwulan))
    return previous if previous.counts is not None else None
