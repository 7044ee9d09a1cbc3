"""The lineage of each count: the ids behind a figure and their source rows.

The lineage lists ids, file names and spreadsheet row numbers only, never a
description or a name, so the appendix can be published with the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from iku_nb.count import active_organisations, counted_events
from iku_nb.dataset import Dataset
from iku_nb.values import Nilai


@dataclass(frozen=True)
class Source:
    """One id of a count and the rows of each table that put it there."""

    id: str
    in_pembilang: bool
    rows: tuple[tuple[str, tuple[int, ...]], ...]  # (file, row numbers) per table


@dataclass(frozen=True)
class Lineage:
    """The origin of one indicator's pembilang and penyebut in one period."""

    nilai: Nilai
    sources: tuple[Source, ...]
    rekap: tuple[str, int] | None = None  # (file, row) when read from the rekap


def trace(dataset: Dataset, n: Nilai) -> Lineage:
    """Return the ids counted for ``n`` with the source rows of each."""
    counts = n.counts
    if counts is None:
        return Lineage(n, ())
    if counts.asal == "rekap":
        return Lineage(n, (), (dataset.sources.get("rekap", "rekap"), counts.rekap_baris))
    pembilang = set(counts.ids_pembilang)
    if n.indikator.hitung.metode == "kasus_selesai":
        reports = _rows_by_id(dataset.tables["konflik"], "id_konflik", counts.ids_penyebut)
        konflik = dataset.sources["konflik"]
        sources = [Source(i, i in pembilang, ((konflik, reports.get(i, ())),))
                   for i in counts.ids_penyebut]
        return Lineage(n, tuple(sources))
    registered = _rows_by_id(dataset.tables["organisasi"], "id_organisasi",
                             counts.ids_penyebut)
    active = active_organisations(dataset.tables["organisasi"], n.indikator, n.periode)
    counted = counted_events(dataset.tables["organisasi"], dataset.tables["partisipasi"], active,
                             n.periode)
    events = _rows_by_id(counted, "id_organisasi", counts.ids_pembilang)
    organisasi, partisipasi = dataset.sources["organisasi"], dataset.sources["partisipasi"]
    sources = []
    for i in counts.ids_penyebut:
        rows = [(organisasi, registered.get(i, ()))]
        if i in pembilang:
            rows.append((partisipasi, events.get(i, ())))
        sources.append(Source(i, i in pembilang, tuple(rows)))
    return Lineage(n, tuple(sources))


def _rows_by_id(table: pd.DataFrame, column: str, ids) -> dict[str, tuple[int, ...]]:
    wanted = table[table[column].isin(set(ids))]
    return {key: tuple(sorted(int(r) for r in group["baris"]))
            for key, group in wanted.groupby(column)}


def row_ranges(rows: tuple[int, ...]) -> str:
    """Write row numbers compactly: ``3–5, 9``."""
    parts: list[str] = []
    start = previous = None
    for row in rows:
        if previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = row
    if start is not None:
        parts.append(str(start) if start == previous else f"{start}–{previous}")
    return ", ".join(parts)
