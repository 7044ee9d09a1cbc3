"""The counting rules: which records make the pembilang and penyebut of a period.

Every function here takes the checked tables and returns counts together with
the ids behind them, so that a report can show where each figure comes from.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iku_nb.catalogue import Indikator, Saringan
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
    """Collapse reports into one row per case (``id_konflik``).

    A case takes each attribute from the first report that fills it (the check
    stage makes sure its reports agree) and is resolved on the earliest ``tanggal_selesai``
    of its reports with status ``selesai``. The result is computed once per
    table and shared, so callers must not modify it in place.
    """
    return _memoised(konflik, "cases", lambda: _collapse_cases(konflik))


def _collapse_cases(konflik: pd.DataFrame) -> pd.DataFrame:
    reports = konflik.dropna(subset=["id_konflik"])
    first = reports.groupby("id_konflik", sort=True).first()
    done = reports[reports["status"] == "selesai"]
    first["tanggal_selesai"] = done.groupby("id_konflik")["tanggal_selesai"].min()
    first["sumber"] = _sources_per_case(reports, first.index)
    first["jumlah_laporan"] = reports.groupby("id_konflik").size()
    # Plain Python strings, so that listing the ids behind a count is fast.
    first.index = first.index.astype(object)
    return first.drop(columns=["status", "baris"])


def _sources_per_case(reports: pd.DataFrame, case_ids: pd.Index) -> pd.Series:
    """Return each case's distinct sources as a tuple, in the order they were reported.

    Most cases have one source, so their tuples are built in one pass; only
    cases with several sources are grouped one by one.
    """
    pairs = reports.loc[reports["sumber"].notna(), ["id_konflik", "sumber"]].drop_duplicates()
    several = pairs["id_konflik"].duplicated(keep=False).to_numpy()
    single = pairs[~several]
    sources = pd.Series([()] * len(case_ids), index=case_ids, dtype=object)
    sources[single["id_konflik"].to_numpy()] = [(s,) for s in single["sumber"]]
    for case, group in pairs[several].groupby("id_konflik", sort=False)["sumber"]:
        sources[case] = tuple(group)
    return sources


def apply_filters(frame: pd.DataFrame, saringan: list[Saringan]) -> pd.DataFrame:
    """Keep the rows that pass every column filter of the catalogue."""
    keep = pd.Series(True, index=frame.index)
    for rule in saringan:
        column = frame[rule.kolom]
        if rule.terisi is not None:
            filled = column.notna() & (column.astype("string").str.strip() != "")
            keep &= filled if rule.terisi else ~filled.fillna(False)
        else:
            allowed = {fold(v) for v in rule.salah_satu}
            # Folding each distinct value once keeps this fast on large registers.
            distinct = column.dropna().unique()
            passing = [v for v in distinct if fold(v) in allowed]
            keep &= column.isin(passing)
    return frame[keep.fillna(False).astype(bool)]


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
    table = _memoised(konflik, ("kasus", ind.kode),
                      lambda: apply_filters(cases(konflik), ind.hitung.saringan))
    happened = table[inside(table["tanggal_kejadian"], period)]
    resolved = happened[resolved_by(happened["tanggal_selesai"], period)]
    return Counts(len(resolved), len(happened), "register",
                  ids_penyebut=tuple(happened.index), ids_pembilang=tuple(resolved.index))


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
    events = partisipasi.merge(
        active[["id_organisasi", "tanggal_terdaftar", "tanggal_nonaktif"]],
        on="id_organisasi")
    in_period = inside(events["tanggal"], period)
    in_span = (events["tanggal"] >= events["tanggal_terdaftar"]) & (
        events["tanggal_nonaktif"].isna() | (events["tanggal"] < events["tanggal_nonaktif"]))
    taking_part = sorted(set(events.loc[in_period & in_span, "id_organisasi"]))
    return Counts(len(taking_part), len(active), "register",
                  ids_penyebut=tuple(sorted(active["id_organisasi"])),
                  ids_pembilang=tuple(taking_part))


def find_rekap(tables: dict, kode: str, period: Period) -> pd.Series | None:
    """Return the rekap row of an indicator and period, or None.

    A yearly period reads the row without triwulan, or else the triwulan IV
    row, since quarterly figures are cumulative from January.
    """
    rekap = tables.get("rekap")
    if rekap is None or rekap.empty:
        return None
    rows = rekap[(rekap["kode_indikator"] == kode) & (rekap["tahun"] == period.tahun)]
    candidates = [period.triwulan] if period.triwulan else [None, 4]
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
            years |= {int(y) for y in np.unique(frame[column].dropna().dt.year)}
    rekap = tables.get("rekap")
    if rekap is not None:
        years |= set(rekap["tahun"].dropna().astype(int))
    return sorted(years)


def inside(dates: pd.Series, period: Period) -> pd.Series:
    """Return which dates fall in the period, both ends included."""
    return (dates >= _ts(period.start)) & (dates <= _ts(period.end))


def resolved_by(dates: pd.Series, period: Period) -> pd.Series:
    """Return which resolution dates are known and on or before the period's end."""
    return dates.notna() & (dates <= _ts(period.end))


def _ts(day) -> pd.Timestamp:
    return pd.Timestamp(day)


# Results computed from a checked table, keyed by the table's id() and a name.
# A weak reference drops the entry when the table is freed, so a new table
# that reuses the id never sees a stale result.
_MEMO: dict[tuple[int, object], tuple[weakref.ref, object]] = {}


def _memoised(frame: pd.DataFrame, key: object, compute: Callable[[], object]):
    """Return ``compute()`` computed once per table and key.

    Checked tables are never modified after the check stage, which is what
    makes reusing a result safe.
    """
    entry = _MEMO.get((id(frame), key))
    if entry is not None and entry[0]() is frame:
        return entry[1]
    result = compute()
    memo_key = (id(frame), key)
    _MEMO[memo_key] = (weakref.ref(frame, lambda _ref: _MEMO.pop(memo_key, None)), result)
    return result
