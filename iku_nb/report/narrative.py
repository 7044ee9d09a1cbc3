"""Generated Indonesian sentences about one indicator's figures."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from iku_nb.comparison import Comparison, compare
from iku_nb.formatting import bilangan, bilangan_kata, daftar, poin_persen, tanggal
from iku_nb.period import Period
from iku_nb.registry import printed
from iku_nb.values import Nilai, no_data_text

# Autoescaped like the HTML templates, because the paragraph goes into the page.
NARRATIVE = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True, lstrip_blocks=True)
NARRATIVE.filters["daftar"] = daftar

# "Both", "all three", ...: the collective form of a number of indicators.
# Larger groups are written "Seluruh N".
COLLECTIVE = {2: "Kedua", 3: "Ketiga", 4: "Keempat", 5: "Kelima", 6: "Keenam",
              7: "Ketujuh", 8: "Kedelapan", 9: "Kesembilan", 10: "Kesepuluh"}

NOUNS = {
    "kasus_selesai": ("kasus", "diselesaikan"),
    "organisasi_berpartisipasi": ("organisasi", "berpartisipasi"),
}


def noun(n: Nilai) -> tuple[str, str]:
    """Return what the indicator counts and what the pembilang did ('kasus', 'diselesaikan')."""
    return NOUNS[n.indikator.hitung.metode]


def summary(n: Nilai) -> str:
    """Describe counts, realisasi, target and capaian of one period.

    The sentences come from ``narasi.txt.j2``; every figure in them is the
    value registry's, printed by :mod:`iku_nb.formatting`. The change from
    last year and the Renstra comparison are separate paragraphs
    (:func:`history_sentence`, :func:`renstra_sentence`), each printed once
    in its own part of the report.
    """
    return _render("narasi.txt.j2", n, compare([n], n, None))


def target_summary(nilai: list[Nilai], periode: Period) -> str:
    """Say which of ``nilai`` met their targets, and why the others cannot be judged.

    The Ikhtisar uses it per sasaran strategis and the Penutup for the whole
    report, so both count the same way.
    """
    met = [n.kode for n in nilai if n.meets_target is True]
    missed = [n.kode for n in nilai if n.meets_target is False]
    judged = len(met) + len(missed)
    # A quarter without its own target is judged against the year's.
    yearly_target = [n.kode for n in nilai if n.meets_target is not None
                     and periode.triwulan is not None and n.target_asal == "tahunan"]
    reasons: dict[str, list[str]] = {}
    for n in nilai:
        if n.meets_target is None:
            reasons.setdefault(unjudged_reason(n), []).append(n.kode)
    context = {
        "periode": periode.label, "jumlah": len(nilai), "dinilai": judged,
        "tercapai": len(met), "sudah": met, "belum": missed,
        "tercapai_kata": bilangan_kata(len(met)), "dinilai_kata": bilangan_kata(judged),
        "kelompok": COLLECTIVE.get(judged, f"Seluruh {judged}"),
        "target_tahunan": yearly_target,
        "tanpa_nilai": [{"kode": codes, "alasan": reason} for reason, codes in reasons.items()],
    }
    text = NARRATIVE.get_template("narasi_target.txt.j2").render(**context)
    return Markup(" ".join(text.split()))


def unjudged_reason(n: Nilai) -> str:
    """Say what keeps ``n`` from being compared with its target (realisasi, target or both)."""
    label = n.periode.label
    no_target = n.target is None
    if n.counts is None:
        return f"data {label} tidak tersedia" + (" dan targetnya belum ditetapkan"
                                                 if no_target else "")
    if n.realisasi is None:
        reason = "realisasinya tidak dapat dihitung (penyebut 0)"
        return reason + (f" dan target {label} belum ditetapkan" if no_target else "")
    return f"target {label} belum ditetapkan"


def report_notes(n: Nilai) -> list[str]:
    """Return the notes of ``n`` as a report prints them, without advice on keeping the data."""
    return [no_data_text(n.indikator, n.periode) if kind == "tanpa_data" else text
            for kind, text in zip(n.catatan_jenis, n.catatan, strict=True)]


def extra_notes(n: Nilai) -> list[str]:
    """Return the notes of ``n`` that :func:`summary` does not already state.

    The summary explains missing data, penyebut 0 and a capaian formula that
    divides by zero. It names a missing target only when realisasi exists, so
    the note about the target stays when realisasi is empty.
    """
    kept = []
    for kind, text in zip(n.catatan_jenis, n.catatan, strict=True):
        if kind == "tanpa_target" and n.realisasi is None:
            kept.append(text)
    return kept


def history_sentence(comparison: Comparison) -> str:
    """Say whether realisasi rose or fell from last year, in percentage points."""
    return _render("narasi_riwayat.txt.j2", comparison.current, comparison)


def renstra_sentence(comparison: Comparison) -> str:
    """Compare realisasi and its yearly trend with the Renstra end-of-period target."""
    return _render("narasi_renstra.txt.j2", comparison.current, comparison)


def _render(template: str, n: Nilai, comparison: Comparison) -> str:
    text = NARRATIVE.get_template(template).render(**_context(n, comparison))
    # Template lines end in spaces; a clause that opens with a comma must not.
    # The text is already escaped by the autoescaping environment.
    return Markup(re.sub(r"\s+([,.;])", r"\1", " ".join(text.split())))


def _context(n: Nilai, c: Comparison) -> dict:
    f = printed(n)
    period = n.periode
    previous = c.previous
    last_year = Period(period.tahun - 1, period.triwulan)
    realisasi, target = n.rounded("realisasi"), n.rounded("target")
    relation = None
    if realisasi is not None and target is not None:
        relation = ("sama" if realisasi == target
                    else "di atas" if realisasi > target else "di bawah")
    counts = n.counts
    return {
        "kode": n.kode, "periode": period.label, "triwulan": period.triwulan,
        "metode": n.indikator.hitung.metode,
        "ada_data": counts is not None,
        "rekap": counts is not None and counts.asal == "rekap",
        "rekap_keterangan": (counts.keterangan or "tanpa keterangan") if counts else "",
        "rentang": f"{tanggal(period.start)} sampai {tanggal(period.end)}",
        "akhir": tanggal(period.end),
        "pembilang": n.pembilang, "penyebut": n.penyebut,
        "f": {**f, "sisa": bilangan(None if counts is None
                                   else counts.penyebut - counts.pembilang),
              # The printed target may have more decimals than realisasi.
              "kurang": poin_persen(c.target_gap, n.places("target"))},
        "realisasi": n.realisasi, "target": n.target, "capaian": n.capaian,
        "kalimat_kosong": no_data_text(n.indikator, period),
        # A quarterly report that falls back to the year's target names it "target tahunan".
        "nama_target": ("target tahunan" if period.triwulan and n.target_asal == "tahunan"
                        else "target"),
        "relasi": relation, "negatif": n.indikator.polaritas == "negatif",
        "lalu": previous is not None, "lalu_label": last_year.label,
        "lalu_periode": None if previous is None else previous.periode.label,
        "lalu_realisasi": None if previous is None else printed(previous)["realisasi"],
        "perubahan": c.change, "c": c.printed(),
        "renstra": c.renstra is not None, "renstra_tercapai": c.renstra_reached,
        "tahap_renstra": c.renstra_stage,
        "renstra_perkiraan": c.renstra is not None and c.renstra.perkiraan,
        "proyeksi": c.projection, "tren_tercapai": c.trend_reaches,
        "tahun_tren": _years_text(c.trend_years),
    }


def _years_text(years: tuple[int, ...]) -> str:
    if not years:
        return ""
    if list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return daftar([str(y) for y in years])


def target_provenance(n: Nilai, sources: dict[str, str]) -> str:
    """Return the sentence that names the target table row of the period's target, if any."""
    table = sources.get("target", "tabel target")
    if n.target is None:
        return f"Target {n.kode} untuk {n.periode.label} tidak tercantum di {table}."
    kind = " tahunan" if n.yearly_target_in_quarter else ""
    row = "" if n.target_baris is None else f" baris {n.target_baris}"
    return f"Target{kind} {printed(n)['target']} diambil dari {table}{row}."


def provenance(n: Nilai, sources: dict[str, str]) -> str:
    """Say where the counts come from: the register file and ids, or the rekap row."""
    if n.counts is None:
        return "Tidak ada sumber angka untuk periode ini."
    thing, done = noun(n)
    if n.counts.asal == "rekap":
        note = f" ({n.counts.keterangan})" if n.counts.keterangan else ""
        return (f"Pembilang dan penyebut diambil dari {sources.get('rekap', 'rekap')} "
                f"baris {n.counts.rekap_baris}{note}, karena register tidak memuat catatan "
                f"pada {n.periode.label}.")
    register = n.indikator.hitung.register_name
    files = sources.get(register, register)
    if register == "partisipasi":
        files = f"{sources.get('organisasi', 'organisasi')} dan {files}"
    return (f"Dihitung dari {files} untuk {tanggal(n.periode.start)} sampai "
            f"{tanggal(n.periode.end)}: {bilangan(n.penyebut)} {thing} pada penyebut, "
            f"{bilangan(n.pembilang)} {done}.")
