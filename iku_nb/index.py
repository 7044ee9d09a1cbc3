"""Write ``index.html``: every report found under the output folder.

The index lists what is on disk, not only the last batch: each folder with a
``<notebook>.manifest.json`` is a report, and a folder that holds only a failed
notebook (``<notebook>.GAGAL.ipynb``) is a report that never succeeded.
Report folders follow ReportSpec.folder: ``<tahun>[/tw<n>][/<bidang>]``.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from iku_nb.formatting import waktu_berkas, waktu_sekarang, waktu_tercatat
from iku_nb.manifest import MANIFEST_SUFFIX
from iku_nb.paths import report_place
from iku_nb.period import Period
from iku_nb.run import FAILED_NOTE_SUFFIX, FAILED_SUFFIX

log = logging.getLogger("iku_nb")

INDEX_NAME = "index.html"
# Written instead of index.html when the output folder contains an index.html
# that iku-nb did not write, so that page is never overwritten.
OWN_INDEX_NAME = "index-iku-nb.html"
# Texts by which an index.html is recognised as iku-nb's: the generator tag,
# and the line every earlier version wrote under the title.
OWN_INDEX_MARKS = ('<meta name="generator" content="iku-nb">',
                   "laporan di folder ini. Halaman dibuat",
                   "Belum ada laporan. Jalankan <code>iku-nb laporan")
TEMPLATE_DIR = Path(__file__).parent / "templates"

OK = "berhasil"
FAILED = "gagal"
NEVER_SUCCEEDED = "gagal, belum ada laporan yang berhasil"
UNREADABLE = "manifest tidak terbaca"


@dataclass
class IndexEntry:
    """One report folder as the index shows it; links are relative to the output folder."""

    tahun: int
    triwulan: int | None
    bidang: str | None
    status: str
    html: str | None = None
    pdf: str | None = None
    failed_notebook: str | None = None
    created: str | None = None
    failed_at: str | None = None
    failed_reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == OK


def scan_reports(output: Path) -> list[IndexEntry]:
    """Return an entry for every report folder under ``output``, sorted for display.

    Years come newest first. Within a year the yearly report comes before
    triwulan 1 to 4, and within a period the office-wide report comes before
    the bidang in code order.
    """
    output = Path(output)
    folders: set[Path] = set()
    for pattern in (f"*{MANIFEST_SUFFIX}", f"*{FAILED_SUFFIX}", f"*{FAILED_NOTE_SUFFIX}"):
        for path in output.rglob(pattern):
            relative = path.relative_to(output)
            if any(part.startswith(".") for part in relative.parts):
                continue  # the staging area and hidden folders
            folders.add(path.parent)
    entries = [entry for folder in folders if (entry := _entry(output, folder))]
    entries.sort(key=lambda e: (-e.tahun, e.triwulan or 0, e.bidang or ""))
    return entries


def write_index(output: Path, bidang_names: dict[str, str] | None = None,
                title: str = "Laporan IKU") -> Path:
    """Write ``<output>/index.html`` atomically and return its path.

    The page is written to a temporary file in the same folder and moved in
    place with os.replace, so a reader never sees a half-written index. An
    index.html that iku-nb did not write is kept, and the page goes to
    index-iku-nb.html instead.
    """
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    html = render_index(scan_reports(output), bidang_names or {}, title)
    target = output / INDEX_NAME
    if not _own_index(target):
        log.warning("%s tidak dibuat oleh iku-nb, jadi tidak ditimpa; daftar laporan ditulis ke "
                    "%s", target, output / OWN_INDEX_NAME)
        target = output / OWN_INDEX_NAME
    temporary = output / f".{INDEX_NAME}.{os.getpid()}.tmp"
    try:
        temporary.write_text(html, encoding="utf-8")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _own_index(path: Path) -> bool:
    """Return whether ``path`` is absent or an index page that iku-nb wrote."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(8192)
    except FileNotFoundError:
        return True
    except OSError:
        # Who wrote it cannot be determined, so it is kept.
        return False
    return any(mark in head for mark in OWN_INDEX_MARKS)


def render_index(entries: list[IndexEntry], bidang_names: dict[str, str], title: str) -> str:
    """Render the index page; every text is escaped by Jinja2 autoescape."""
    environment = Environment(loader=FileSystemLoader(TEMPLATE_DIR),
                              autoescape=select_autoescape(["html", "j2"]),
                              trim_blocks=True, lstrip_blocks=True)
    years: dict[int, dict[int | None, list[IndexEntry]]] = {}
    for entry in entries:
        years.setdefault(entry.tahun, {}).setdefault(entry.triwulan, []).append(entry)
    generated = waktu_sekarang()
    return environment.get_template("index.html.j2").render(
        title=title, years=years, generated=generated, count=len(entries),
        period_label=lambda tahun, triwulan: Period(tahun, triwulan).label,
        bidang_label=lambda kode: _bidang_label(kode, bidang_names))


def _entry(output: Path, folder: Path) -> IndexEntry | None:
    place = report_place(folder.relative_to(output))
    if place is None:
        log.warning("folder %s tidak mengikuti susunan <tahun>[/tw<n>][/<bidang>]; "
                    "tidak dimasukkan ke indeks", folder)
        return None
    tahun, triwulan, bidang = place
    entry = IndexEntry(tahun, triwulan, bidang, status=OK)
    # The newest manifest counts, because an older version wrote a quarterly
    # report under the yearly report's name, so a folder may contain both.
    manifests = sorted(folder.glob(f"*{MANIFEST_SUFFIX}"), key=lambda p: p.stat().st_mtime)
    manifest_path = manifests[-1] if manifests else folder / f"laporan{MANIFEST_SUFFIX}"
    failed = sorted([*folder.glob(f"*{FAILED_SUFFIX}"), *folder.glob(f"*{FAILED_NOTE_SUFFIX}")],
                    key=lambda p: p.stat().st_mtime)
    stem = None
    if manifest_path.is_file():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if "notebook" not in manifest:  # a manifest that iku-nb did not write
                raise KeyError("notebook")
            stem = manifest_path.name.removesuffix(MANIFEST_SUFFIX)
            entry.created = waktu_tercatat(manifest.get("selesai"))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("manifest %s tidak terbaca: %s", manifest_path, exc)
            entry.status = UNREADABLE
        for kind in ("html", "pdf"):
            candidates = [folder / f"{stem}.{kind}"] if stem else sorted(folder.glob(f"*.{kind}"))
            existing = [path for path in candidates if path.is_file()]
            if existing:
                setattr(entry, kind, _link(output, existing[0]))
    else:
        entry.status = NEVER_SUCCEEDED
    if failed:
        newest = failed[-1]
        report_time = manifest_path.stat().st_mtime if manifest_path.is_file() else None
        if report_time is None or newest.stat().st_mtime > report_time:
            notebooks = [path for path in failed if path.name.endswith(FAILED_SUFFIX)]
            if notebooks:
                entry.failed_notebook = _link(output, notebooks[-1])
            notes = [path for path in failed if path.name.endswith(FAILED_NOTE_SUFFIX)]
            if notes:
                entry.failed_reason = notes[-1].read_text(encoding="utf-8").strip()
            entry.failed_at = waktu_berkas(newest.stat().st_mtime)
            if entry.status == OK:
                entry.status = FAILED
    return entry


def _link(output: Path, path: Path) -> str:
    return quote(path.relative_to(output).as_posix())


def _bidang_label(kode: str | None, names: dict[str, str]) -> str:
    if kode is None:
        return "Seluruh badan"
    name = names.get(kode)
    return f"{name} ({kode})" if name else kode
