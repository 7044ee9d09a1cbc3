"""The pieces of a report, as HTML that a notebook cell displays.

The notebooks hold the narrative order and call these methods; every figure
comes from :func:`iku_nb.api.hitung`, every text is escaped by Jinja2.
"""

from __future__ import annotations

import copy
import importlib.metadata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from IPython.display import HTML
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from iku_nb import lineage, registry
from iku_nb.analysis import TOPICS, paragraphs
from iku_nb.budget import Budget, budget_of, budget_record, share
from iku_nb.catalogue import Bidang
from iku_nb.comparison import Comparison
from iku_nb.comparison import changes as compare_changes
from iku_nb.dataset import Dataset, load
from iku_nb.errors import DataError, IkuError, ParameterError
from iku_nb.formatting import bilangan, daftar, persen, rupiah, selisih, tanggal
from iku_nb.formatting import triwulan as triwulan_label
from iku_nb.params import parse_parameters, require_bidang, written
from iku_nb.parse import closest, parse_date
from iku_nb.paths import resolve_in_notebook
from iku_nb.period import Period, report_title
from iku_nb.registry import Registry, printed
from iku_nb.report import breakdown, narrative
from iku_nb.report.charts import (
    count_chart,
    png_data_uri,
    rate_chart,
    status_chart,
    trend_chart,
)
from iku_nb.values import Nilai

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True, lstrip_blocks=True)
TEMPLATES.filters["daftar"] = daftar
TEMPLATES.filters["bilangan"] = bilangan
# The namespace key where Laporan.dari_parameter keeps the snapshot it
# checked and the names present at its first successful call.
CHECKED_NAMES = "_iku_nama_diperiksa"

METHOD_RULES = {
    "kasus_selesai": (
        "{kode}: penyebut = jumlah kasus berbeda (id_konflik) pada register konflik dengan "
        "tanggal_kejadian di dalam periode{saringan}; laporan beberapa sumber tentang satu "
        "kasus dihitung satu. Pembilang = kasus tersebut yang selesai paling lambat akhir "
        "periode, dengan tanggal selesai = tanggal_selesai paling awal dari laporan "
        "berstatus selesai. Kasus yang selesai sesudah periode belum dihitung selesai."),
    "organisasi_berpartisipasi": (
        "{kode}: penyebut = organisasi{saringan} yang terdaftar paling lambat akhir periode "
        "dan tidak nonaktif sebelum awal periode. Pembilang = organisasi tersebut yang "
        "memiliki paling sedikit satu kegiatan partisipasi di dalam periode, pada atau "
        "sesudah tanggal terdaftar dan sebelum tanggal nonaktif; beberapa kegiatan satu "
        "organisasi dihitung satu."),
}

# The records each method's breakdown covers, in the words of METHOD_RULES.
BREAKDOWN_RULES = {
    "kasus_selesai": "kasus berbeda dengan tanggal kejadian di dalam periode",
    "organisasi_berpartisipasi": "organisasi terdaftar dan aktif pada periode",
}


@dataclass
class Numbering:
    """Numbers of the tables and figures of one chapter, in the order they are rendered.

    LKjIP captions read ``Tabel 3.1 ...`` and ``Gambar 3.1 ...``: the chapter,
    then a count that runs on across the whole chapter.
    """

    chapter: int
    tables: int = 0
    figures: int = 0

    def tabel(self, title: str) -> str:
        """Return the next table caption, e.g. ``Tabel 3.2 Realisasi IKU-1 per tahun``."""
        self.tables += 1
        return f"Tabel {self.chapter}.{self.tables} {title}"

    def gambar(self, title: str) -> str:
        """Return the next figure caption, e.g. ``Gambar 3.1 Realisasi IKU-1 per tahun``."""
        self.figures += 1
        return f"Gambar {self.chapter}.{self.figures} {title}"


# The column that dates each row of a table, for the data quality section.
# Organisations are not dated: one registered later may still be named in
# an earlier warning about its activities.
YEAR_COLUMNS = {"konflik": "tanggal_kejadian", "partisipasi": "tanggal", "target": "tahun",
                "rekap": "tahun", "anggaran": "tahun"}


@dataclass
class Laporan:
    """One report: its dataset, period, optional bidang and computed figures."""

    dataset: Dataset
    periode: Period
    bidang: Bidang | None
    angka: Registry
    # The analysts' texts per indicator code and topic (see iku_nb.analysis).
    analisis: dict[str, dict[str, str]] = field(default_factory=dict)
    # The notebook namespace the report was built from, with a copy of its
    # parameter values then (dari_parameter), to catch a stale report.
    _built_from: tuple[dict, dict] | None = field(default=None, init=False, repr=False,
                                                  compare=False)

    @property
    def nilai(self) -> list[Nilai]:
        """Return the period's figures, in catalogue order."""
        return self.angka.nilai

    @classmethod
    def siapkan(cls, tahun: int, triwulan: int | None = None, bidang: str | None = None,
                data: str = "data", katalog: str | None = None,
                analisis: dict | None = None) -> Laporan:
        """Check the parameters and data, and compute the report's figures.

        Relative paths are taken from the project folder, so the notebook runs
        the same from JupyterLab, papermill or the ``iku-nb`` command.
        """
        dataset = _load_inputs(data, katalog)
        params = parse_parameters(
            {"tahun": tahun, "triwulan": triwulan, "bidang": bidang,
             "data": str(dataset.data_dir),
             "analisis": analisis}, dataset.katalog)
        unit = None if params.bidang is None else dataset.katalog.bidang_by_kode(params.bidang)
        indikator = (dataset.katalog.indikator if unit is None
                     else dataset.katalog.indikator_of_bidang(unit.kode))
        period = Period(params.tahun, params.triwulan)
        return cls(dataset, period, unit, registry.build(dataset, period, indikator),
                   params.analisis)

    @classmethod
    def dari_parameter(cls, namespace: dict, names_before: set[str],
                       allowed: tuple[str, ...]) -> Laporan:
        """Build the report from a notebook's parameter variables.

        Names defined after ``names_before`` was taken and not in ``allowed``
        came from a misspelled ``papermill -p`` and are rejected, so the same
        rules apply whether parameters come from the CLI, a YAML file or papermill.
        A name bound to a report is skipped, because it is the ``laporan`` of
        an earlier run of the same cell and papermill cannot inject a report.
        The ``allowed`` names are read even when ``names_before`` contains
        them, because a second Run All in the same kernel takes
        ``names_before`` after the first run has defined the parameters.

        Only the names present when the report was first built from
        ``names_before`` are checked in full. When an analyst runs the
        parameters cell and this cell again, a name defined since then is
        rejected only when it looks like a misspelled parameter: the others
        come from the analyst's own later cells.
        """
        checked = namespace.get(CHECKED_NAMES)
        if isinstance(checked, tuple) and len(checked) == 2 and checked[0] is names_before:
            candidates = checked[1]
        else:
            candidates = frozenset(namespace)
        added = {n for n in set(namespace) - names_before
                 if not n.startswith("_") and n not in ("names_before", "nama_awal")
                 and not isinstance(namespace[n], Laporan)
                 and (n in candidates or closest(n, list(allowed)) is not None)}
        present = {n for n in allowed if n in namespace}
        raw = {name: namespace[name] for name in added | present}
        try:
            parse_parameters(raw, None, allowed)  # rejects unknown names before any work
        except ParameterError as exc:
            if set(raw) - set(allowed) - {"bidang"}:
                raise ParameterError(
                    f"{exc}\nBila nama itu bukan parameter tetapi dibuat di sel notebook ini, "
                    "jalankan notebook dari sel pertama (Run All).") from None
            raise
        arguments = {k: v for k, v in raw.items() if k in allowed}
        if "bidang" in allowed:
            require_bidang(arguments.get("bidang"), lambda: _load_inputs(
                arguments.get("data", "data"), arguments.get("katalog")).katalog)
        laporan = cls.siapkan(**arguments)
        namespace[CHECKED_NAMES] = (names_before, candidates)
        laporan._built_from = (namespace, {
            name: copy.deepcopy(namespace[name]) if name in namespace else _ABSENT
            for name in allowed})
        return laporan

    def _require_current_parameters(self) -> None:
        """Raise ParameterError when a parameter variable changed after the report was built.

        An analyst who edits the parameters cell and runs only a chapter cell
        would otherwise see the chapter of the previous period.
        """
        if self._built_from is None:
            return
        namespace, values = self._built_from
        for name, before in values.items():
            now = namespace.get(name, _ABSENT)
            try:
                same = bool(now == before)
            except Exception:  # an array or frame assigned to a parameter compares per item
                same = False
            if not same:
                raise ParameterError(
                    f"Parameter {name} sekarang {_shown_value(now)}, tetapi laporan ini dibuat "
                    f"dengan {name} {_shown_value(before)}. Jalankan lagi sel "
                    "`laporan = Laporan.dari_parameter(...)`, atau jalankan notebook dari sel "
                    "pertama (Run All), supaya bab ini memakai parameter yang baru.")

    @property
    def judul(self) -> str:
        """Return the report title, e.g. ``Laporan Capaian Kinerja Triwulan II Tahun 2025``."""
        return report_title(self.periode, self.bidang)

    def halaman_judul(self) -> HTML:
        return self._render("judul.html.j2", instansi=self.dataset.katalog.instansi,
                            judul=self.judul, tanggal_mulai=tanggal(self.periode.start),
                            tanggal_akhir=tanggal(self.periode.end))

    def ikhtisar(self) -> HTML:
        cakupan = ("Badan Kesatuan Bangsa dan Politik" if self.bidang is None
                   else f"yang menjadi tanggung jawab {self.bidang.nama}")
        notes = [c for n in self.nilai for c in narrative.report_notes(n)]
        return self._render("ikhtisar.html.j2", nilai=self.nilai, cakupan=cakupan,
                            periode=self.periode.label, tabel=self.tabel_ringkasan(),
                            catatan=notes, sasaran=self.sasaran_summary())

    def sasaran_summary(self) -> list[dict]:
        """Return, per sasaran strategis of this report, its indicators and target summary."""
        self._require_current_parameters()
        rows = []
        katalog = self.dataset.katalog
        for sasaran in katalog.sasaran:
            own = [n for n in self.nilai if n.indikator.sasaran == sasaran.kode]
            if not own:
                continue
            # A bidang report shows only its own indicators of the sasaran, so
            # the count of the sasaran itself comes from the catalogue.
            catalogued = [i.kode for i in katalog.indikator if i.sasaran == sasaran.kode]
            rows.append({"kode": sasaran.kode, "uraian": sasaran.uraian, "jumlah": len(catalogued),
                         "jumlah_sendiri": len(own), "kode_indikator": [n.kode for n in own],
                         "kalimat": narrative.target_summary(own, self.periode)})
        return rows

    def tabel_ringkasan(self) -> Markup:
        self._require_current_parameters()
        rows = [{"kode": n.kode, "nama": n.indikator.nama, **printed(n),
                 "target_tahunan": n.yearly_target_in_quarter} for n in self.nilai]
        return Markup(TEMPLATES.get_template("ringkasan.html.j2").render(baris=rows))

    def bab_pendahuluan(self) -> HTML:
        return self._render("pendahuluan.html.j2", i=self.dataset.katalog.instansi,
                            bidang=self.dataset.katalog.bidang)

    def bab_perencanaan(self) -> HTML:
        katalog = self.dataset.katalog
        sasaran = {s.kode: s.uraian for s in katalog.sasaran}
        rows = [{
            "sasaran": sasaran[n.indikator.sasaran], "kode": n.kode, "nama": n.indikator.nama,
            "pembilang": n.indikator.pembilang, "penyebut": n.indikator.penyebut,
            "sumber_data": n.indikator.sumber_data,
            "penanggung_jawab": katalog.penanggung_jawab_text(n.indikator),
            "target": persen(n.target, n.places("target")),
            "target_tahunan": n.yearly_target_in_quarter,
        } for n in self.nilai]
        return self._render("perencanaan.html.j2", baris=rows, periode=self.periode.label,
                            tabel_target=self.dataset.sources.get("target", "tabel target"))

    def bab_akuntabilitas(self) -> HTML:
        """Return Bab III: per indicator the figures, history, chart, narrative and sources."""
        parts = ['<section class="iku-bab"><h2 id="bab-iii">Bab III Akuntabilitas Kinerja</h2>']
        numbering = Numbering(chapter=3)
        parts += [str(self._indikator(n, numbering).data) for n in self.nilai]
        if self._shows_budget:
            parts.append(str(self._anggaran(numbering).data))
        parts.append("</section>")
        return HTML("\n".join(parts))

    def _anggaran(self, numbering: Numbering) -> HTML:
        """Return the office's budget (pagu) and spending (realisasi) per programme this year."""
        tahun = self.periode.tahun
        budget = self._budget
        reason = None
        if budget is None and "anggaran" in self.dataset.sources:
            reason = (f"{self.dataset.sources['anggaran']} ada di folder data tetapi tidak "
                      "berisi judul kolom dan baris data, sehingga realisasi anggaran belum "
                      "dapat disajikan.")
        elif budget is None:
            reason = (f"Data realisasi anggaran {self.periode.label} tidak tersedia, sehingga "
                      "realisasi anggaran belum dapat disajikan.")
        elif not budget.rows and self.dataset.tables["anggaran"].empty:
            reason = (f"{budget.source} hanya berisi judul kolom, tanpa baris data, sehingga "
                      f"realisasi anggaran {self.periode.label} belum dapat disajikan.")
        elif not budget.rows:
            reason = (f"{budget.source} tidak memuat baris tahun {tahun}, sehingga realisasi "
                      f"anggaran {self.periode.label} belum dapat disajikan.")
        rows = [] if budget is None else budget.rows
        over = budget is not None and budget.realisasi > budget.pagu
        return self._render(
            "anggaran.html.j2", periode=self.periode.label, nomor=numbering, alasan=reason,
            sumber=None if budget is None else budget.source,
            asal_baris=daftar([str(r["baris"]) for r in rows]),
            baris=[{"program": r["program"], "kegiatan": r["kegiatan"],
                    "pagu": rupiah(r["pagu"]), "realisasi": rupiah(r["realisasi"]),
                    "persen": persen(share(r["realisasi"], r["pagu"]), 2)} for r in rows],
            jumlah=None if budget is None else {
                "pagu": rupiah(budget.pagu), "realisasi": rupiah(budget.realisasi),
                "persen": persen(budget.share, 2), "lebih": over,
                "sisa": rupiah(abs(budget.pagu - budget.realisasi))})

    def rincian_bidang(self) -> HTML:
        """Return the breakdown of the records that this bidang's sources reported."""
        self._require_current_parameters()
        if self.bidang is None:
            return HTML("")
        return HTML(breakdown.render(self.dataset, self.bidang, self.nilai, TEMPLATES))

    def metode(self) -> HTML:
        katalog = self.dataset.katalog
        rules = [METHOD_RULES[n.indikator.hitung.metode].format(
            kode=n.kode, saringan=_filters_text(n)) for n in self.nilai]
        zero = ("realisasi dicatat 100%" if katalog.kebijakan.penyebut_nol == "seratus"
                else "realisasi, capaian dan kategori tidak dihitung (tidak dapat dihitung)")
        negative = {"2t-r": "(2 × target − realisasi) ÷ target × 100",
                    "t/r": "target ÷ realisasi × 100",
                    "t-r": "(target − realisasi) ÷ target × 100"}
        uses_negative = any(n.indikator.polaritas == "negatif" for n in self.nilai)
        cap = katalog.kebijakan.batas_capaian
        return self._render(
            "metode.html.j2", periode=self.periode.label, mulai=tanggal(self.periode.start),
            akhir=tanggal(self.periode.end), aturan=rules,
            negatif=negative[katalog.kebijakan.capaian_negatif] if uses_negative else None,
            desimal=self.nilai[0].indikator.desimal if self.nilai else 2,
            skala=katalog.skala, penyebut_nol=zero,
            batas=None if cap is None else persen(_decimal(cap)),
            katalog=self.dataset.katalog_path.name, sidik_jari=self.dataset.fingerprints)

    def kualitas_data(self) -> HTML:
        """Return the warnings about the tables this report's indicators read."""
        rows = [{"code": p.code, "file": p.file, "row": p.row or "", "column": p.column or "",
                 "value": _date_text(p.column, p.value), "message": p.message, "ids": p.ids}
                for p in self.relevant_warnings()]
        return self._render("kualitas.html.j2", masalah=rows)

    def relevant_warnings(self) -> list:
        """Return the warnings on the tables behind this report's figures.

        A bidang report that covers only conflict indicators does not list
        warnings about participation, and the other way round.
        """
        tables = {"target", "rekap"}
        if self._shows_budget:
            tables.add("anggaran")
        for n in self.nilai:
            tables.add(n.indikator.hitung.register_name)
            if n.indikator.hitung.metode == "organisasi_berpartisipasi":
                tables.add("organisasi")
        sources = {self.dataset.sources[t] for t in tables if t in self.dataset.sources}
        others = set(self.dataset.sources.values()) - sources
        later = self._rows_after_period()
        return [p for p in self.dataset.warnings
                if p.file not in others and (p.file, p.row) not in later]

    def _rows_after_period(self) -> set[tuple[str, int]]:
        """Return (file, row) of the data rows dated after this report's year.

        Their warnings cannot touch the figures of this report or of the
        earlier years it compares with, so a 2021 report does not list a
        warning about a 2025 activity.
        """
        later = set()
        for name, column in YEAR_COLUMNS.items():
            table = self.dataset.tables.get(name)
            if table is None or name not in self.dataset.sources:
                continue
            values = table[column]
            years = values.dt.year if column.startswith("tanggal") else values
            rows = table.loc[years.gt(self.periode.tahun).fillna(False), "baris"]
            later.update((self.dataset.sources[name], int(row)) for row in rows)
        return later

    def penutup(self) -> HTML:
        text = Markup("Laporan ini menilai {} indikator kinerja utama untuk {}. {}").format(
            len(self.nilai), self.periode.label,
            narrative.target_summary(self.nilai, self.periode))
        return self._render("penutup.html.j2", kalimat=text,
                            versi=importlib.metadata.version("iku-nb"))

    def lampiran_asal(self) -> HTML:
        """Return the appendix that lists, per indicator, the ids counted and their rows."""
        items = []
        for n in self.nilai:
            trace = self.angka.lineage[n.kode]
            f = printed(n)
            items.append({
                "kode": n.kode, "nama": n.indikator.nama, "anchor": n.kode.lower(),
                "pembilang": f["pembilang"], "penyebut": f["penyebut"], "rekap": trace.rekap,
                "target": narrative.target_provenance(n, self.dataset.sources),
                "kosong": (f"Data {n.kode} untuk {n.periode.label} tidak tersedia."
                           if n.counts is None else "Penyebut 0: tidak ada id yang dihitung."),
                "baris": [{"id": s.id,
                           "peran": "penyebut dan pembilang" if s.in_pembilang else "penyebut",
                           "sumber": [(name, lineage.row_ranges(rows)) for name, rows in s.rows]}
                          for s in trace.sources]})
        return self._render("lampiran.html.j2", daftar=items, periode=self.periode.label)

    @cached_property
    def _budget(self) -> Budget | None:
        """Return this year's budget rows, read once for the section and the value registry."""
        return budget_of(self.dataset, self.periode.tahun)

    @property
    def _shows_budget(self) -> bool:
        """Budget realisation belongs to the office as a whole, once a year."""
        return self.bidang is None and self.periode.triwulan is None

    def daftar_angka(self):
        """Display the value registry as a notebook output that the run saves and verifies.

        It is a JSON output, not shown in the HTML report; ``iku-nb verifikasi``
        compares it with a fresh run.
        """
        from IPython.display import display  # noqa: PLC0415

        self._require_current_parameters()
        records = self.angka.records()
        budget = self._budget
        if self._shows_budget and budget is not None and budget.rows:
            records.append(budget_record(budget, self.periode.label))
        display({registry.MIME: records,
                 "text/plain": f"Daftar angka: {len(records)} rangkaian angka "
                               f"({', '.join(n.kode for n in self.nilai)})."}, raw=True)

    def _indikator(self, n: Nilai, numbering: Numbering) -> HTML:
        history = self.angka.history[n.kode]
        comparison = self.angka.comparison(n.kode)
        thing, done = narrative.noun(n)
        ids = n.counts.ids_pembilang if n.counts else ()
        others = tuple(i for i in (n.counts.ids_penyebut if n.counts else ()) if i not in ids)
        changes = compare_changes(history)
        # A quarterly report compares the same quarter of every year.
        quarter = "" if n.periode.triwulan is None else f" {triwulan_label(n.periode.triwulan)}"
        trend_title = f"Realisasi dan target {n.kode}{quarter} per tahun"
        return self._render(
            "indikator.html.j2", n=n, f=printed(n), anchor=n.kode.lower(), nomor=numbering,
            target_asal=n.target_asal,
            kalimat=narrative.summary(n),
            catatan=narrative.extra_notes(n),
            riwayat=[{"periode": h.periode.label, **printed(h),
                      "perubahan": selisih(change, h.indikator.desimal),
                      "asal": _source_of(h, self.dataset.sources),
                      "target_tahunan": h.yearly_target_in_quarter}
                     for h, change in zip(history, changes, strict=True)],
            kalimat_riwayat=narrative.history_sentence(comparison),
            grafik_tren=self._chart(
                trend_chart(history, trend_title), trend_title,
                self._history_sources(history), ""),
            renstra=comparison.renstra is not None, c=comparison.printed(),
            tahap_renstra=comparison.renstra_stage,
            sumber_target=self.dataset.sources.get("target", "target.csv"),
            standar=_national_standard(comparison),
            rentang=f"{tanggal(n.periode.start)} sampai {tanggal(n.periode.end)}",
            renstra_perkiraan=comparison.renstra is not None and comparison.renstra.perkiraan,
            kalimat_renstra=narrative.renstra_sentence(comparison),
            rincian=self._breakdown(n),
            analisis=self._analysis(n),
            asal=narrative.provenance(n, self.dataset.sources),
            asal_target=narrative.target_provenance(n, self.dataset.sources),
            ids_pembilang=ids, ids_lain=others,
            label_pembilang=f"Id {thing} {done} (pembilang)",
            label_lain=f"Id {thing} lain pada penyebut")

    def _breakdown(self, n: Nilai) -> dict:
        """Return the Bab III breakdown of the records behind ``n``'s penyebut."""
        cases = n.indikator.hitung.metode == "kasus_selesai"
        title = "kasus" if cases else "organisasi dan kegiatan partisipasi"
        if n.counts is None:
            return {"jenis": "kosong", "judul": title,
                    "kalimat": f"Rincian tidak tersedia karena data {n.kode} untuk "
                               f"{n.periode.label} tidak tersedia."}
        if n.counts.asal == "rekap":
            return {"jenis": "kosong", "judul": title,
                    "kalimat": f"Rincian tidak tersedia untuk {n.periode.label}: angka "
                               f"{n.kode} hanya ada sebagai rekap (jumlah pembilang dan "
                               "penyebut), tanpa catatan per kasus atau per organisasi."}
        if n.penyebut == 0:
            thing = narrative.noun(n)[0]
            return {"jenis": "kosong", "judul": title,
                    "kalimat": f"Rincian {thing} tidak disajikan karena tidak ada {thing} "
                               f"yang dihitung untuk {n.kode} pada {n.periode.label} "
                               "(penyebut 0)."}
        f = printed(n)
        rule = BREAKDOWN_RULES[n.indikator.hitung.metode] + _filters_clause(n)
        common = {"judul": title, "penyebut": f["penyebut"], "pembilang": f["pembilang"],
                  "aturan": rule}
        if cases:
            return {**common, **self._case_breakdown(n)}
        return {**common, **self._organisation_breakdown(n)}

    def _case_breakdown(self, n: Nilai) -> dict:
        table = breakdown.indicator_cases(self.dataset, n)
        groups = breakdown.case_breakdown(self.dataset, n, table)
        source = self._sources(n)
        def empty(chart: str) -> str:
            return (f"Tidak ada kasus {n.kode} pada {n.periode.label}, sehingga grafik "
                    f"{chart} tidak digambar.")

        charts = [
            self._chart(status_chart(groups["jenis"], f"Status kasus {n.kode} per jenis konflik"),
                        f"Kasus {n.kode} per jenis konflik menurut status akhir periode",
                        source, empty("status kasus per jenis konflik")),
            self._chart(count_chart(groups["kecamatan"], f"Kasus {n.kode} per kecamatan",
                                    "Kecamatan"),
                        f"Kasus {n.kode} per kecamatan", source,
                        empty("kasus per kecamatan")),
        ]
        return {"jenis": "kasus", "grafik": charts,
                "dimensi": [{"judul": title, "baris": groups[column]}
                            for column, title in breakdown.CASE_DIMENSIONS.items()]}

    def _organisation_breakdown(self, n: Nilai) -> dict:
        rows = breakdown.organisation_breakdown(self.dataset, n)
        chart = self._chart(
            rate_chart(rows, f"Partisipasi organisasi {n.kode} per jenis"),
            f"Persentase organisasi {n.kode} yang berpartisipasi per jenis organisasi",
            self._sources(n), f"Tidak ada organisasi aktif untuk {n.kode} pada "
                              f"{n.periode.label}, sehingga grafik persentase organisasi "
                              "yang berpartisipasi tidak digambar.")
        return {"jenis": "organisasi", "organisasi": rows, "grafik": [chart],
                "kegiatan": breakdown.activity_breakdown(self.dataset, n)}

    def _analysis(self, n: Nilai) -> list[dict]:
        """Return the analysts' text per topic; a topic without text has no paragraphs."""
        texts = self.analisis.get(n.kode, {})
        return [{"topik": topic, "judul": heading,
                 "paragraf": paragraphs(texts[topic]) if topic in texts else []}
                for topic, heading in TOPICS.items()]

    def _sources(self, n: Nilai) -> str:
        """Name the register files behind an indicator's counts, e.g. ``konflik.csv``."""
        register = n.indikator.hitung.register_name
        names = ["organisasi", register] if register == "partisipasi" else [register]
        # Tables read from one workbook share its file name.
        files = [self.dataset.sources[name] for name in names if name in self.dataset.sources]
        return daftar(list(dict.fromkeys(files)))

    def _history_sources(self, history: list[Nilai]) -> str:
        """Name the files behind a history's realisasi and targets: ``rekap.csv dan target.csv``.

        Years counted from the register name the register's files, years taken
        from rekap the rekap file, and years without counts neither, so a chart
        of rekap years only does not cite the register.
        """
        origins = {h.counts.asal for h in history if h.counts is not None}
        register = history[-1].indikator.hitung.register_name if history else ""
        names = []
        if "register" in origins:
            names += ["organisasi", register] if register == "partisipasi" else [register]
        if "rekap" in origins:
            names.append("rekap")
        if any(h.target is not None for h in history):
            names.append("target")
        # Tables read from one workbook share its file name.
        files = [self.dataset.sources[name] for name in names if name in self.dataset.sources]
        return daftar(list(dict.fromkeys(files)))

    def _chart(self, png: bytes | None, title: str, source: str, empty: str) -> dict:
        return {"uri": None if png is None else png_data_uri(png), "judul": title,
                "sumber": source, "kosong": empty}

    def _render(self, template: str, **context) -> HTML:
        self._require_current_parameters()
        return HTML(TEMPLATES.get_template(template).render(**context))


# A parameter variable that the namespace did not contain.
_ABSENT = object()


def _shown_value(value: object) -> str:
    """Write a parameter value for a message; an absent one as "(tidak ada)"."""
    return "(tidak ada)" if value is _ABSENT else written(value)


def show_errors_briefly() -> None:
    """Show bad-data and bad-parameter errors in a notebook as their message only.

    The cell still fails, so papermill stops and reports it; the analyst reads
    the message instead of a Python traceback.
    """
    from IPython import get_ipython  # noqa: PLC0415

    shell = get_ipython()
    if shell is None:
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        text = f"{etype.__name__}: {value}"
        if isinstance(value, DataError):
            # The analyst needs the file, row and value to fix, not only the count.
            text += "\n" + value.details()
        # The error output then carries this text as its traceback, which papermill
        # copies into its own error message.
        shell._showtraceback(etype, value, [text])

    shell.set_custom_exc((IkuError,), handler)


def _filter_parts(n: Nilai) -> list[str]:
    """Return each catalogue filter of the indicator as words, e.g. ``kolom sara terisi``."""
    parts = []
    for rule in n.indikator.hitung.saringan:
        if rule.terisi is not None:
            parts.append(f"kolom {rule.kolom} {'terisi' if rule.terisi else 'kosong'}")
        else:
            parts.append(f"{rule.kolom} salah satu dari {', '.join(rule.salah_satu)}")
    return parts


def _national_standard(c: Comparison) -> dict | None:
    """Return the national standard's figures beside realisasi, or None when there is none.

    ``banding`` is False where the standard is not compared (a quarter, or no realisasi).
    """
    standard = c.current.indikator.standar_nasional
    if standard is None:
        return None
    gap = c.standard_gap
    met = None
    if gap is not None:
        met = gap <= 0 if c.current.indikator.polaritas == "negatif" else gap >= 0
    return {"nilai": persen(standard.nilai, c.desimal), "sumber": standard.sumber,
            "banding": gap is not None, "terpenuhi": met, "selisih": selisih(gap, c.desimal)}


def _load_inputs(data: str, katalog: str | None) -> Dataset:
    """Load the data folder and catalogue that a report's parameters name."""
    return load(resolve_in_notebook(data, "data"),
                None if katalog in (None, "") else resolve_in_notebook(katalog, "katalog"))


def _date_text(column: str | None, value: str | None) -> str:
    """Write a warning's cell value in a date column as an Indonesian date, when readable.

    Both forms that the tables accept, ISO and dd/mm/yyyy, are written the
    same way, so one table does not mix 03/01/2025 with 8 Februari 2024.
    """
    if value is None:
        return ""
    if column is not None and column.startswith("tanggal"):
        day = parse_date(value)
        if day is not None:
            return tanggal(day)
    return value


def _source_of(n: Nilai, sources: dict[str, str]) -> str:
    """Say where a period's counts come from: the register, or the rekap file and its row."""
    if n.counts is None:
        return "data tidak tersedia"
    if n.counts.asal == "rekap" and n.counts.rekap_baris is not None:
        return f"rekap ({sources.get('rekap', 'rekap')} baris {n.counts.rekap_baris})"
    return n.counts.asal


def _filters_text(n: Nilai) -> str:
    parts = _filter_parts(n)
    return f" ({'; '.join(parts)})" if parts else ""


def _filters_clause(n: Nilai) -> str:
    """Return the indicator's filters as the end of a sentence: `` dan kolom sara terisi``."""
    return "".join(f" dan {part}" for part in _filter_parts(n))


def _decimal(value: float):
    from decimal import Decimal  # noqa: PLC0415

    return Decimal(str(value))
