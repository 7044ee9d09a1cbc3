"""Breakdowns of the records behind the figures: per indicator (Bab III) and per bidang."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
from jinja2 import Environment

from iku_nb.catalogue import Bidang
from iku_nb.count import (
    active_organisations,
    cases,
    count_participation,
    inside,
    resolved_by,
)
from iku_nb.dataset import Dataset
from iku_nb.formatting import bilangan, persen, tanggal, triwulan, triwulan_of
from iku_nb.parse import fold
from iku_nb.values import Nilai


def reported_cases(dataset: Dataset, bidang: Bidang, nilai: list[Nilai]) -> pd.DataFrame:
    """Return the cases of the period that at least one of the bidang's sources reported."""
    konflik = dataset.tables.get("konflik")
    if konflik is None or not bidang.sumber or not nilai:
        return pd.DataFrame()
    period = nilai[0].periode
    own = {fold(s) for s in bidang.sumber}
    mine = konflik[konflik["sumber"].map(lambda s: s is not None and fold(s) in own)]
    table = cases(konflik)
    # tolist() builds the Python strings in one call, while iterating the
    # arrow-backed column builds them one at a time.
    table = table[table.index.isin(set(mine["id_konflik"].tolist()))]
    table = table[inside(table["tanggal_kejadian"], period)].copy()
    table["sumber_bidang"] = table["sumber"].map(
        lambda names: ", ".join(s for s in names if fold(s) in own))
    table["selesai"] = resolved_by(table["tanggal_selesai"], period)
    return table.sort_values(["tanggal_kejadian"]).rename_axis("id_konflik").reset_index()


def render(dataset: Dataset, bidang: Bidang, nilai: list[Nilai], env: Environment) -> str:
    """Render the breakdown section of a bidang report as HTML."""
    table = reported_cases(dataset, bidang, nilai)
    case_rows = [{
        "id": r.id_konflik, "tanggal": tanggal(r.tanggal_kejadian.date()), "jenis": r.jenis,
        "sara": r.sara or "–", "wilayah": f"{r.kelurahan}, {r.kecamatan}",
        "sumber": r.sumber_bidang,
        "status": (f"selesai {tanggal(r.tanggal_selesai.date())}" if r.selesai
                   else "belum selesai pada akhir periode"),
    } for r in table.itertuples()]
    katalog = dataset.katalog
    by_jenis = _catalogue_order(table, "jenis", katalog.nilai_sah.get("konflik.jenis", []))
    by_kecamatan = _catalogue_order(table, "kecamatan", list(katalog.wilayah))
    organisations = [_organisation_rows(dataset, n) for n in nilai
                     if n.indikator.hitung.metode == "organisasi_berpartisipasi"
                     and n.counts is not None and n.counts.asal == "register"]
    return env.get_template("rincian.html.j2").render(
        bidang=bidang, periode=nilai[0].periode.label if nilai else "", kasus=case_rows,
        # A quarter counts from January. A year's dates already show that it starts there.
        kumulatif=bool(nilai) and nilai[0].periode.triwulan is not None,
        rentang=(f"{tanggal(nilai[0].periode.start)} sampai {tanggal(nilai[0].periode.end)}"
                 if nilai else ""),
        per_jenis=by_jenis, per_kecamatan=by_kecamatan, organisasi=organisations)


def _catalogue_order(table: pd.DataFrame, column: str, order: list[str]) -> dict[str, int]:
    """Count the cases per value of ``column``, in catalogue order as in Bab III, others after."""
    counts = table.groupby(column).size().to_dict() if not table.empty else {}
    return {value: counts[value] for value in dict.fromkeys([*order, *sorted(counts)])
            if value in counts}


def _organisation_rows(dataset: Dataset, n: Nilai) -> dict:
    """Count active and participating organisations per jenis for one indicator."""
    organisasi = dataset.tables["organisasi"]
    active = active_organisations(organisasi, n.indikator, n.periode)
    rows = []
    for jenis, group in active.groupby("jenis"):
        part = count_participation(group, dataset.tables["partisipasi"], n.indikator, n.periode)
        rows.append({"jenis": jenis, "aktif": part.penyebut, "berpartisipasi": part.pembilang})
    return {"kode": n.kode, "baris": rows}


# Dimensions of the conflict breakdown: column of the case table and heading.
CASE_DIMENSIONS = {
    "jenis": "Jenis (IPOLEKSOSBUD)",
    "sara": "Kategori SARA",
    "kecamatan": "Kecamatan",
    "sumber": "Sumber laporan",
    "triwulan": "Triwulan kejadian",
}
NOT_SARA = "bukan SARA"


def indicator_cases(dataset: Dataset, n: Nilai) -> pd.DataFrame | None:
    """Return the cases of ``n``'s penyebut, one row each, with ``selesai`` as counted.

    The rows are exactly the ids behind the penyebut and ``selesai`` marks
    those behind the pembilang, so every breakdown adds up to the indicator's
    counts. None when the counts come from rekap or are missing.
    """
    if n.counts is None or n.counts.asal != "register":
        return None
    table = cases(dataset.tables["konflik"])
    table = table.loc[list(n.counts.ids_penyebut)].copy()
    table["selesai"] = table.index.isin(set(n.counts.ids_pembilang))
    table["triwulan"] = [triwulan(triwulan_of(day.date()))
                         for day in table["tanggal_kejadian"]]
    table["sara"] = table["sara"].map(lambda v: v if v else NOT_SARA)
    return table


def case_breakdown(dataset: Dataset, n: Nilai, table: pd.DataFrame) -> dict[str, list[dict]]:
    """Count cases, resolved and unresolved, per value of each dimension.

    Values come in catalogue order and include those without cases, so a
    reader sees that a kecamatan or triwulan had none. A case reported by
    several sources counts once under each of them.
    """
    katalog = dataset.katalog
    last_quarter = n.periode.triwulan or 4
    orders = {
        "jenis": katalog.nilai_sah.get("konflik.jenis", []),
        "sara": [*katalog.nilai_sah.get("konflik.sara", []), NOT_SARA],
        "kecamatan": list(katalog.wilayah),
        "sumber": [],
        "triwulan": [triwulan(q) for q in range(1, last_quarter + 1)],
    }
    result = {}
    for column in CASE_DIMENSIONS:
        frame = table.explode("sumber") if column == "sumber" else table
        values = list(dict.fromkeys([*orders[column], *sorted(frame[column].dropna())]))
        if column in ("jenis", "sara"):
            # Values the indicator's filter excludes (e.g. "bukan SARA" for IKU-3) stay out.
            values = [v for v in values if v in set(frame[column]) or _allowed(n, column, v)]
        rows = []
        for value in values:
            group = frame[frame[column] == value]
            done = int(group["selesai"].sum())
            rows.append({"nilai": value, "jumlah": len(group), "selesai": done,
                         "belum": len(group) - done,
                         "teks": {"jumlah": bilangan(len(group)), "selesai": bilangan(done),
                                  "belum": bilangan(len(group) - done)}})
        result[column] = rows
    return result


def _allowed(n: Nilai, column: str, value: str) -> bool:
    """Return whether the indicator's filter lets a case with this value in."""
    for rule in n.indikator.hitung.saringan:
        if rule.kolom != column:
            continue
        if rule.terisi is not None:
            return (value != NOT_SARA) == rule.terisi
        return fold(value) in {fold(v) for v in rule.salah_satu}
    return True


def organisation_breakdown(dataset: Dataset, n: Nilai) -> list[dict]:
    """Count active and participating organisations per jenis, with the rate of each."""
    rows = _organisation_rows(dataset, n)["baris"]
    for row in rows:
        rate = (None if row["aktif"] == 0
                else Fraction(row["berpartisipasi"], row["aktif"]) * 100)
        row["persen"] = rate
        row["teks"] = {"aktif": bilangan(row["aktif"]),
                       "berpartisipasi": bilangan(row["berpartisipasi"]),
                       "persen": persen(rate, n.indikator.desimal)}
    return rows


def activity_breakdown(dataset: Dataset, n: Nilai) -> list[dict]:
    """Count the period's participation events per kind of kegiatan, and their organisations.

    Only events that make an organisation count in the pembilang are taken:
    organisations of the penyebut, inside the period, on or after
    registration and before deactivation.
    """
    active = dataset.tables["organisasi"]
    active = active[active["id_organisasi"].isin(set(n.counts.ids_penyebut))]
    events = dataset.tables["partisipasi"].merge(
        active[["id_organisasi", "tanggal_terdaftar", "tanggal_nonaktif"]], on="id_organisasi")
    in_span = (events["tanggal"] >= events["tanggal_terdaftar"]) & (
        events["tanggal_nonaktif"].isna() | (events["tanggal"] < events["tanggal_nonaktif"]))
    events = events[inside(events["tanggal"], n.periode) & in_span].copy()
    events["jenis_kegiatan"] = events["kegiatan"].map(
        lambda text: dataset.katalog.jenis_kegiatan_of(text or ""))
    order = [k.nama for k in dataset.katalog.jenis_kegiatan] + ["Lainnya"]
    present = set(events["jenis_kegiatan"])
    rows = []
    for kind in [*order, *sorted(present - set(order))]:
        group = events[events["jenis_kegiatan"] == kind]
        if group.empty and kind == "Lainnya":
            continue
        organisations = group["id_organisasi"].nunique()
        rows.append({"nilai": kind, "kegiatan": len(group), "organisasi": organisations,
                     "teks": {"kegiatan": bilangan(len(group)),
                              "organisasi": bilangan(organisations)}})
    return rows
