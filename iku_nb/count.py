"""The counting rules: which records make the pembilang and penyebut of a period.

Every function here takes the checked tables and returns counts together with
the ids behind them, so that a report can show where each figure comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from iku_nb.catalogue import Indikator, Saringan
from iku_nb.memo import case_ids, case_numbers, first_reports, memoised
from iku_nb.parse import fold
from iku_nb.period import Period

REGISTER_DATE = {"konflik": "tanggal_kejadian", "partisipasi": "tanggal"}


@dataclass(frozen=True)
class Counts:
    """The pembilang and penyebut of one indicator in one period, and their origin.

    ``asal`` is ``"register"`` when counted from the monitoring records (the
    ids are then listed) or ``"rekap"`` when read from an aggregated row.
    """

    pembilang: int
    penyebut: int
    asal: str
    ids_penyebut: tuple[str, ...] = ()
    ids_pembilang: tuple[str, ...] = ()
    rekap_baris: int | None = None
    keterangan: str | None = None


def cases(konflik: pd.DataFrame) -> pd.DataFrame:
    """Collapse reports into one row per case (``id_konflik``), sorted by id.

    A case takes each attribute from the first report that fills it (the check
    stage makes sure its reports agree) and is resolved on the earliest ``tanggal_selesai``
    of its reports with status ``selesai``. ``sumber`` lists the case's distinct
    sources in the order they reported, ``jumlah_laporan`` counts its reports.
    The result is computed once per table and shared, so callers must not
    modify it in place.
    """
    return memoised(konflik, "cases", lambda: _add_sources(konflik))


def _case_table(konflik: pd.DataFrame) -> pd.DataFrame:
    """Return the cases without their sources, the part that counting needs."""
    return memoised(konflik, "case-table", lambda: _collapse_cases(konflik))


def _collapse_cases(konflik: pd.DataFrame) -> pd.DataFrame:
    reports, codes = case_numbers(konflik)
    first = first_reports(konflik)
    ids = case_ids(konflik)
    index = pd.Index(ids, dtype=object, name="id_konflik")
    # An explicit dtype keeps text as Python objects, as the checked table has it.
    table = pd.DataFrame({
        column: pd.Series(_first_filled(reports[column].to_numpy(), codes, first),
                          index=index, dtype=reports[column].dtype)
        for column in ("tanggal_kejadian", "jenis", "sara", "kecamatan", "kelurahan")
    }, index=index)

    done = (reports["status"] == "selesai").to_numpy()
    earliest = reports["tanggal_selesai"][done].groupby(codes[done]).min()
    resolution = np.full(len(ids), np.datetime64("NaT"), dtype=earliest.dtype)
    resolution[earliest.index.to_numpy()] = earliest.to_numpy()
    table["tanggal_selesai"] = resolution
    return table


def _first_filled(values: np.ndarray, codes: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Return, for each case, the value of its first report that is not empty.

    ``first`` contains each case's first report; only cases whose first report
    leaves the value empty look further.
    """
    result = values[first]
    empty = pd.isna(result)
    if not empty.any():
        return result
    filled = np.flatnonzero(pd.notna(values))
    filled_cases, first_filled = np.unique(codes[filled], return_index=True)
    result[empty] = None if values.dtype == object else np.datetime64("NaT")
    result[filled_cases] = values[filled[first_filled]]
    return result


def _add_sources(konflik: pd.DataFrame) -> pd.DataFrame:
    reports, codes = case_numbers(konflik)
    case_count = len(first_reports(konflik))
    table = _case_table(konflik).copy()
    sources = _sources_per_case(reports["sumber"].to_numpy(), codes, case_count)
    table.insert(table.columns.get_loc("kelurahan") + 1, "sumber",
                 pd.Series(sources, index=table.index, dtype=object))
    table["jumlah_laporan"] = np.bincount(codes, minlength=case_count)
    return table


def _sources_per_case(sources: np.ndarray, codes: np.ndarray, count: int) -> np.ndarray:
    """Return each case's distinct sources as a tuple, in the order they were reported."""
    named = pd.notna(sources)
    pairs = pd.DataFrame({"kasus": codes[named], "sumber": sources[named]}).drop_duplicates()
    # A stable sort by case keeps each case's sources in reporting order.
    order = np.argsort(pairs["kasus"].to_numpy(), kind="stable")
    case_of = pairs["kasus"].to_numpy()[order]
    names = pairs["sumber"].to_numpy()[order].tolist()
    starts = np.flatnonzero(np.r_[True, case_of[1:] != case_of[:-1]]) if len(order) else []
    ends = np.r_[starts[1:], len(order)] if len(order) else []
    result = np.empty(count, dtype=object)
    result[:] = [()] * count
    for case, start, end in zip(case_of[starts], starts, ends, strict=True):
        result[case] = tuple(names[start:end])
    return result


def apply_filters(frame: pd.DataFrame, saringan: list[Saringan]) -> pd.DataFrame:
    """Keep the rows that pass every column filter of the catalogue.

    Each rule is decided once per distinct value of its column, which keeps
    filtering fast on large registers.
    """
    keep = np.ones(len(frame), dtype=bool)
    for rule in saringan:
        codes, distinct = pd.factorize(frame[rule.kolom].to_numpy(dtype=object))
        if rule.terisi is not None:
            passing = [(str(v).strip() != "") == rule.terisi for v in distinct]
            # An empty cell (code -1) is not filled.
            passing.append(not rule.terisi)
        else:
            allowed = {fold(v) for v in rule.salah_satu}
            passing = [fold(v) in allowed for v in distinct]
            passing.append(False)
        keep &= np.array(passing, dtype=bool)[codes]
    return frame[keep]


def register_covers(tables: dict, register: str, period: Period) -> bool:
    """Return True when the register has at least one row dated inside the period."""
    frame = tables.get(register)
    if frame is None or frame.empty:
        return False
    dates = frame[REGISTER_DATE[register]]
    return bool(inside(dates, period).any())


def register_used(tables: dict, ind: Indikator, period: Period) -> bool:
    """Return True when the period's counts come from the register, not from rekap.

    The register is used when it has a row dated inside the period. A quarter
    without rows still uses the register when the register has rows later in
    the same year and no rekap row exists for that quarter, so a quiet quarter
    counts 0 of 0 rather than 'no data'.
    """
    register = ind.hitung.register_name
    if register_covers(tables, register, period):
        return True
    if period.triwulan is None or find_rekap(tables, ind.kode, period) is not None:
        return False
    return register_covers(tables, register, Period(period.tahun))


def count(tables: dict, ind: Indikator, period: Period) -> Counts | None:
    """Count one indicator in one period; None when neither register nor rekap has it."""
    if register_used(tables, ind, period):
        if ind.hitung.metode == "kasus_selesai":
            return count_cases(tables["konflik"], ind, period)
        return count_participation(tables["organisasi"], tables["partisipasi"], ind, period)
    row = find_rekap(tables, ind.kode, period)
    if row is None:
        return None
    return Counts(int(row["pembilang"]), int(row["penyebut"]), "rekap",
                  rekap_baris=int(row["baris"]), keterangan=row["keterangan"])


def count_cases(konflik: pd.DataFrame, ind: Indikator, period: Period) -> Counts:
    """Count cases that happened in the period (penyebut) and were resolved by its end.

    penyebut = distinct ``id_konflik`` with ``tanggal_kejadian`` in the period
    that pass the indicator's filters; pembilang = those of them whose
    resolution date is on or before the end of the period.
    """
    table = memoised(konflik, ("kasus", repr(ind.hitung.saringan)),
                      lambda: apply_filters(_case_table(konflik), ind.hitung.saringan))
    happened = inside(table["tanggal_kejadian"], period).to_numpy()
    resolved = happened & resolved_by(table["tanggal_selesai"], period).to_numpy()
    ids = table.index.to_numpy()
    return Counts(int(resolved.sum()), int(happened.sum()), "register",
                  ids_penyebut=tuple(ids[happened].tolist()),
                  ids_pembilang=tuple(ids[resolved].tolist()))


def active_organisations(organisasi: pd.DataFrame, ind: Indikator,
                         period: Period) -> pd.DataFrame:
    """Return organisations registered by the period's end and not deactivated before its start."""
    table = apply_filters(organisasi.dropna(subset=["id_organisasi"]), ind.hitung.saringan)
    start, end = _ts(period.start), _ts(period.end)
    registered = table["tanggal_terdaftar"] <= end
    still_active = table["tanggal_nonaktif"].isna() | (table["tanggal_nonaktif"] >= start)
    return table[registered & still_active]


def count_participation(organisasi: pd.DataFrame, partisipasi: pd.DataFrame,
                        ind: Indikator, period: Period) -> Counts:
    """Count active organisations (penyebut) and those that took part (pembilang).

    An organisation takes part when at least one event falls inside the period,
    on or after its registration and before its deactivation. Several events of
    one organisation count once.
    """
    active = active_organisations(organisasi, ind, period)
    taking_part = sorted(set(
        counted_events(organisasi, partisipasi, active, period)["id_organisasi"].tolist()))
    return Counts(len(taking_part), len(active), "register",
                  ids_penyebut=tuple(sorted(active["id_organisasi"].tolist())),
                  ids_pembilang=tuple(taking_part))


def counted_events(organisasi: pd.DataFrame, partisipasi: pd.DataFrame, active: pd.DataFrame,
                   period: Period) -> pd.DataFrame:
    """Return the participation rows that make an active organisation count.

    A row counts when it falls inside the period, on or after the
    organisation's registration and before its deactivation. ``baris`` is
    the row's number in the participation table.
    """
    events = _events_in_span(organisasi, partisipasi)
    counted = (events["baris_organisasi"].isin(active.index)
               & inside(events["tanggal"], period)).to_numpy()
    return events[counted]


def _events_in_span(organisasi: pd.DataFrame, partisipasi: pd.DataFrame) -> pd.DataFrame:
    """Return each event joined with the organisation rows of its id, for events in their span.

    ``baris_organisasi`` is the index label of the organisation row. The join
    does not depend on the period, so it is made once per pair of tables.
    """
    def compute() -> pd.DataFrame:
        spans = organisasi[["id_organisasi", "tanggal_terdaftar", "tanggal_nonaktif"]]
        events = partisipasi[["id_organisasi", "tanggal", "baris"]].merge(
            spans.assign(baris_organisasi=organisasi.index), on="id_organisasi")
        in_span = (events["tanggal"] >= events["tanggal_terdaftar"]) & (
            events["tanggal_nonaktif"].isna() | (events["tanggal"] < events["tanggal_nonaktif"]))
        return events.loc[in_span, ["id_organisasi", "tanggal", "baris", "baris_organisasi"]]

    return memoised((organisasi, partisipasi), "events-in-span", compute)


def find_rekap(tables: dict, kode: str, period: Period) -> pd.Series | None:
    """Return the rekap row of an indicator and period, or None.

    A yearly period reads the row without triwulan, or else the triwulan IV
    row, since quarterly figures are cumulative from January. For the same
    reason triwulan IV reads the yearly row when it has no row of its own.
    """
    rekap = tables.get("rekap")
    if rekap is None or rekap.empty:
        return None
    rows = rekap[(rekap["kode_indikator"] == kode) & (rekap["tahun"] == period.tahun)]
    candidates = {None: [None, 4], 4: [4, None]}.get(period.triwulan, [period.triwulan])
    for triwulan in candidates:
        match = rows[rows["triwulan"].isna()] if triwulan is None else rows[
            rows["triwulan"] == triwulan]
        if not match.empty:
            return match.iloc[0]
    return None


def years_covered(tables: dict) -> list[int]:
    """Return the years that a register or the rekap has data for."""
    years: set[int] = set()
    for register, column in REGISTER_DATE.items():
        frame = tables.get(register)
        if frame is not None:
            years |= memoised(frame, "years", lambda f=frame, c=column: _years(f[c]))
    rekap = tables.get("rekap")
    if rekap is not None:
        years |= set(rekap["tahun"].dropna().astype(int))
    return sorted(years)


def _years(dates: pd.Series) -> set[int]:
    return {int(year) for year in np.unique(dates.dropna().dt.year)}


def inside(dates: pd.Series, period: Period) -> pd.Series:
    """Return which dates fall in the period, both ends included."""
    return (dates >= _ts(period.start)) & (dates <= _ts(period.end))


def resolved_by(dates: pd.Series, period: Period) -> pd.Series:
    """Return which resolution dates are known and on or before the period's end."""
    return dates.notna() & (dates <= _ts(period.end))


def _ts(day) -> pd.Timestamp:
    return pd.Timestamp(day)
