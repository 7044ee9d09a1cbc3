"""Generated Indonesian sentences about one indicator's figures."""

from __future__ import annotations

from iku_nb.formatting import angka, bilangan, persen, round_half_up, tanggal
from iku_nb.values import Nilai

NOUNS = {
    "kasus_selesai": ("kasus", "diselesaikan"),
    "organisasi_berpartisipasi": ("organisasi", "berpartisipasi"),
}


def noun(n: Nilai) -> tuple[str, str]:
    """Return what the indicator counts and what the pembilang did ('kasus', 'diselesaikan')."""
    return NOUNS[n.indikator.hitung.metode]


def summary(n: Nilai, previous: Nilai | None) -> str:
    """Describe realisasi, target, capaian and the change from the previous year."""
    thing, done = noun(n)
    d = n.indikator.desimal

    if n.counts is None:
        return (f"Data {n.kode} untuk {n.periode.label} belum tersedia: register tidak memuat "
                "catatan pada periode ini dan tidak ada baris rekap.")
    counts = (f"{bilangan(n.pembilang)} dari {bilangan(n.penyebut)} {thing} "
              f"{done}")
    if n.realisasi is None:
        return (f"Pada {n.periode.label} tercatat {counts}. Karena penyebutnya 0, "
                "realisasi dan capaian tidak dapat dihitung.")

    text = f"Pada {n.periode.label} tercatat {counts}, sehingga realisasi {persen(n.realisasi, d)}"
    if n.target is None:
        return text + ". Target periode ini belum ditetapkan."
    text += f" terhadap target {persen(n.target, n.places('target'))}"
    if n.capaian is not None:
        relation = _relation(n.rounded("realisasi"), n.rounded("target"),
                             n.indikator.polaritas)
        text += (f" ({relation} target). Capaian kinerja {persen(n.capaian, d)}, "
                 f"kategori {n.kategori}.")
    else:
        text += "."

    if previous is not None and previous.realisasi is not None:
        # The change is taken from exact values and rounded once, like every figure.
        delta = round_half_up(n.realisasi - previous.realisasi, d)
        if delta == 0:
            trend = "sama dengan"
        else:
            direction = "naik " if delta > 0 else "turun "
            trend = direction + angka(abs(delta), d) + " poin persen dari"
        text += (f" Realisasi ini {trend} {previous.periode.label} "
                 f"({persen(previous.realisasi, d)}).")
    return text


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


def _relation(realisasi, target, polaritas: str) -> str:
    if realisasi == target:
        return "sama dengan"
    if polaritas == "negatif":
        # Lower is better, so the words name which side of the target is good.
        return ("lebih baik dari" if realisasi < target
                else "lebih buruk dari")
    return "melampaui" if realisasi > target else "di bawah"
