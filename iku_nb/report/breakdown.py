"""The per-bidang breakdown: the cases its sources reported, or the organisations it follows."""

from __future__ import annotations

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
from iku_nb.formatting import tanggal
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
    table = table[table.index.isin(set(mine["id_konflik"]))]
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
    by_jenis = table.groupby("jenis").size().to_dict() if not table.empty else {}
    by_kecamatan = table.groupby("kecamatan").size().to_dict() if not table.empty else {}
    organisations = [_organisation_rows(dataset, n) for n in nilai
                     if n.indikator.hitung.metode == "organisasi_berpartisipasi"
                     and n.counts is not None and n.counts.asal == "register"]
    return env.get_template("rincian.html.j2").render(
        bidang=bidang, periode=nilai[0].periode.label if nilai else "", kasus=case_rows,
        rentang=(f"{tanggal(nilai[0].periode.start)} sampai {tanggal(nilai[0].periode.end)}"
                 if nilai else ""),
        per_jenis=by_jenis, per_kecamatan=by_kecamatan, organisasi=organisations)


def _organisation_rows(dataset: Dataset, n: Nilai) -> dict:
    """Count active and participating organisations per jenis for one indicator."""
    organisasi = dataset.tables["organisasi"]
    active = active_organisations(organisasi, n.indikator, n.periode)
    rows = []
    for jenis, group in active.groupby("jenis"):
        part = count_participation(group, dataset.tables["partisipasi"], n.indikator, n.periode)
        rows.append({"jenis": jenis, "aktif": part.penyebut, "berpartisipasi": part.pembilang})
    return {"kode": n.kode, "baris": rows}
