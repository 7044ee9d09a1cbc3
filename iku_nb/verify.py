"""Re-run a report and compare every figure with the ones it recorded.

An auditor gives an executed notebook (or its report folder). The notebook
is executed again, with the parameters its manifest recorded, against the
current data in a temporary folder, and the report itself is only read.
Every figure of the recorded value registry is compared with the new one,
and every code cell's source and output with the new run's. The published
HTML and PDF are compared with the pages rendered again from the published
notebook, so an edited page shows whatever the data are now. Comparing the
manifests names what changed since: a data file, the catalogue, the code or
a library.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from iku_nb import manifest, registry
from iku_nb.analysis import PERIOD_KEY, analysis_texts
from iku_nb.dataset import inspect, sha256
from iku_nb.errors import IkuError, ParameterError
from iku_nb.formatting import rupiah
from iku_nb.jsonshape import Fields, ListOf, MapOf, mismatch, place_name
from iku_nb.params import NAMES, parse_parameters
from iku_nb.parse import fold
from iku_nb.published import (
    SideManifest,
    check_parameter_cell,
    choose_parameters,
    compare_manifests,
    excerpts,
    read_side_manifest,
    removed_manifest_problem,
)
from iku_nb.run import FAILED_SUFFIX, ReportSpec, input_paths, make_notebook, render

# Data errors quoted in a verification's problem line. `iku-nb periksa` lists all.
ERRORS_SHOWN = 5
# Figures shown with a readable name instead of their registry key.
LABELS = {"realisasi_tepat": "realisasi (pecahan tepat)",
          "capaian_tepat": "capaian (pecahan tepat)", "rekap_baris": "baris rekap",
          "target_baris": "baris target",
          "asal": "asal angka", "pagu_anggaran": "jumlah pagu anggaran",
          "realisasi_anggaran": "jumlah realisasi anggaran",
          "persen_anggaran": "realisasi anggaran terhadap pagu (%)"}
# Figures that are amounts of money, shown as the report prints rupiah.
RUPIAH_FIGURES = ("pagu_anggaran", "realisasi_anggaran")
# After SIGTERM, how long no new process may appear before the re-run's
# folder is removed, and the maximum time spent killing. Estimates.
QUIET_SECONDS = 0.3
KILL_SECONDS = 5.0
# Places quoted from a page that differs from the one made again, and the
# words quoted on each side of a place.
PLACES_SHOWN = 3
PLACE_CONTEXT = 6
# The maximum number of words quoted from one place.
QUOTE_WORDS = 40
# The tag that the report template writes into each iku-nb HTML page.
GENERATOR_MARK = '<meta name="generator" content="iku-nb">'
# Figures quoted when angka.json differs from the registry in the notebook.
FIGURES_SHOWN = 5
# The comparison figures by the names the report uses, with the sign of each
# difference. The registry, the report's table and its narrative all give the
# Renstra target minus realisasi. The two _tepat fields appear only in
# registries written by earlier versions, before changes were taken from the
# printed figures. A part not listed keeps its registry name.
PART_LABELS = {
    "perubahan": "perubahan dari tahun lalu (realisasi dikurangi tahun lalu)",
    "perubahan_tepat": "perubahan dari tahun lalu, pecahan tepat (realisasi dikurangi "
                       "tahun lalu)",
    "target_renstra": "target akhir Renstra",
    "tahun_renstra": "tahun akhir Renstra",
    "jarak_renstra": "jarak ke target akhir Renstra (target dikurangi realisasi)",
    "jarak_renstra_tepat": "jarak ke target akhir Renstra, pecahan tepat (target dikurangi "
                           "realisasi)",
    "tahun_tren": "tahun garis tren",
    "proyeksi": "proyeksi tren pada tahun akhir Renstra",
    "proyeksi_tepat": "proyeksi tren pada tahun akhir Renstra (pecahan tepat)",
    "standar_nasional": "standar nasional",
    "sumber_standar_nasional": "sumber standar nasional",
    "realisasi_dikurangi_standar": "realisasi dikurangi standar nasional",
}
# A number as the registry writes it: a decimal, a whole number or an exact fraction.
_NUMBER = re.compile(r"^-?\d+(\.\d+|/\d+)?$")
MINUS = "\u2212"

# The fields of a manifest that verification reads, with the JSON types it reads them as.
MANIFEST_SHAPE = Fields({
    "parameter": dict, "git": dict, "katalog": dict, "kode": dict, "lingkungan": dict,
    "masukan": ListOf(Fields({"tabel": str, "sumber": str}, required=("tabel", "sumber"))),
})
# The metadata of an executed notebook that read_recorded reads.
METADATA_SHAPE = Fields({
    manifest.NOTEBOOK_KEY: Fields({"manifest": (MANIFEST_SHAPE, type(None))}),
    "papermill": Fields({"parameters": (dict, type(None))}),
})


def _record_name(index: int, record: object) -> str:
    """Name a registry record in messages by its indicator and period, e.g. IKU-1 Tahun 2025."""
    if isinstance(record, dict) and all(isinstance(record.get(k), str)
                                        for k in ("kode", "periode")):
        return f"catatan {record['kode']} {record['periode']}"
    return f"catatan ke-{index + 1}"


# The value registry as compare() reads it: kode, tahun and triwulan are
# dictionary keys, and the nested figures are read with .get.
REGISTRY_SHAPE = ListOf(Fields({
    "kode": str, "tahun": int, "triwulan": (int, type(None)), "teks": dict,
    "perbandingan": (dict, type(None)),
    "asal_baris": (Fields({"id": ListOf(Fields({"id": str, "baris": MapOf(list)}))}),
                   type(None)),
    "baris_anggaran": (ListOf(dict), type(None)),
}, required=("kode", "tahun")), name=_record_name)
# The parameters that tell one report from another.
REPORT_KEYS = ("tahun", "triwulan", "bidang")
# The advice to an auditor for a notebook whose records are damaged.
ASK_ORIGINAL = "Minta notebook aslinya dari pembuat laporan, lalu verifikasi notebook itu."


class VerifyError(IkuError):
    """The path given is not a report that can be verified."""


@dataclass(frozen=True)
class Comparison:
    """One figure: its label, the recorded value and the value of the new run.

    ``kind`` is "angka" for a figure, "teks" for the text a figure was printed
    as, and "rincian" for one id behind a count. Both of the latter are listed
    only when they differ, so only figures are counted.
    """

    label: str
    recorded: object
    now: object
    kind: str = "angka"
    # "rupiah" for an amount of money, which display() writes as Rp1.250.000.
    unit: str | None = None

    @property
    def matches(self) -> bool:
        return self.recorded == self.now


@dataclass
class Verification:
    """The outcome of verifying one report."""

    notebook: Path
    recorded: dict
    comparisons: list[Comparison] = field(default_factory=list)
    # What changed since the report was made, which explains differing figures.
    changes: list[str] = field(default_factory=list)
    # Reasons not to trust the report as published, whatever its figures.
    problems: list[str] = field(default_factory=list)
    # Facts an auditor should know that neither fail nor explain a figure.
    notes: list[str] = field(default_factory=list)
    rerun: bool = False
    # Code cells that differ from the re-run where the changes listed may explain why.
    changed_cells: list[int] = field(default_factory=list)
    # The report that the manifest beside the notebook records, when the
    # notebook is a run of another report, such as another tahun.
    replaced_report: str | None = None

    @property
    def mismatches(self) -> list[Comparison]:
        return [c for c in self.comparisons if not c.matches]

    @property
    def ok(self) -> bool:
        return (self.rerun and not self.mismatches and not self.problems
                and not self.changed_cells)


def find_notebook(path: Path) -> Path:
    """Return the executed report notebook at ``path``, a notebook or its report folder.

    Raises
    ------
    VerifyError
        When the path does not exist or contains no single executed report notebook.
    """
    path = Path(path)
    if path.suffix == ".ipynb" and not path.exists() and _manifest_of(path).is_file():
        raise _deleted_notebook(path)
    if path.is_dir() and not _report_notebooks(path):
        missing = _missing_notebooks(path)
        if missing:
            raise _deleted_notebook(missing[0])
    if path.is_file():
        if path.name.endswith(FAILED_SUFFIX):
            succeeded = path.with_name(path.name.removesuffix(FAILED_SUFFIX) + ".ipynb")
            advice = (f"Verifikasi notebook laporan yang berhasil, {succeeded.name}, di folder "
                      "yang sama." if succeeded.is_file() else
                      f"Notebook laporan yang berhasil, {succeeded.name}, tidak ada di folder "
                      "itu; buat laporannya lagi dengan `iku-nb laporan`.")
            raise VerifyError(f"{path} adalah notebook laporan yang gagal dijalankan, jadi "
                              f"tidak ada angka untuk diverifikasi. {advice}")
        if path.suffix != ".ipynb":
            raise VerifyError(f"{path} bukan notebook (.ipynb). Berikan notebook laporan yang "
                              "sudah dijalankan, atau folder laporannya.")
        return path
    if not path.is_dir():
        raise VerifyError(f"{path} tidak ditemukan.")
    found = sorted(p for p in path.glob("*.ipynb") if not p.name.endswith(FAILED_SUFFIX))
    if not found:
        raise VerifyError(f"Folder {path} tidak berisi notebook laporan yang sudah dijalankan "
                          "(misalnya laporan_tahunan.ipynb).")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise VerifyError(f"Folder {path} berisi lebih dari satu notebook ({names}); "
                          "sebutkan salah satunya.")
    return found[0]


def find_notebooks(path: Path) -> list[Path]:
    """Return the report notebooks to verify: the one at ``path``, or every one under it.

    A folder with several executed report notebooks of its own gives all of
    them. A folder without one, such as ``output/``, gives every executed
    report notebook in its subfolders. Failed notebooks and hidden folders
    are left out.

    Raises
    ------
    VerifyError
        As :func:`find_notebook`, when nothing under ``path`` can be verified.
    """
    path = Path(path)
    if path.is_dir():
        own = sorted(_report_notebooks(path) + _missing_notebooks(path))
        if len(own) > 1:
            return own
        if not any(path.glob("*.ipynb")):
            found = find_notebooks_below(path)
            if found:
                return found
    return [find_notebook(path)]


def find_notebooks_below(folder: Path) -> list[Path]:
    """Return every executed report notebook in ``folder`` and its subfolders.

    Failed notebooks and hidden folders (the staging folder) are left out. A
    notebook that a ``.manifest.json`` records but that was deleted is listed
    too, so that verifying it names it instead of skipping the report.
    """
    if not folder.is_dir():
        return []
    found = (_report_notebooks(folder, recursive=True)
             + _missing_notebooks(folder, recursive=True))
    return sorted(p for p in found
                  if not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _report_notebooks(folder: Path, recursive: bool = False) -> list[Path]:
    """Return the notebooks in ``folder``, or below it when ``recursive``, but failed ones."""
    found = folder.rglob("*.ipynb") if recursive else folder.glob("*.ipynb")
    return [p for p in found if not p.name.endswith(FAILED_SUFFIX)]


def _missing_notebooks(folder: Path, recursive: bool = False) -> list[Path]:
    """Return the notebooks that the manifests in ``folder`` record but that do not exist."""
    pattern = f"*{manifest.MANIFEST_SUFFIX}"
    manifests = folder.rglob(pattern) if recursive else folder.glob(pattern)
    return sorted(p for manifest_path in manifests
                  if not (p := _notebook_of(manifest_path)).exists())


def _deleted_notebook(notebook: Path) -> VerifyError:
    """Return the error for a notebook that its manifest records but that was deleted."""
    return VerifyError(
        f"{notebook.name} tercatat di {_manifest_of(notebook).name} tetapi tidak ada di "
        f"{notebook.parent}, jadi laporan ini tidak dapat dijalankan ulang dan dibandingkan. "
        f"{ASK_ORIGINAL}")


def _notebook_of(manifest_path: Path) -> Path:
    return manifest_path.with_name(
        manifest_path.name.removesuffix(manifest.MANIFEST_SUFFIX) + ".ipynb")


def _manifest_of(notebook: Path) -> Path:
    return notebook.with_name(notebook.name.removesuffix(".ipynb") + manifest.MANIFEST_SUFFIX)


def read_recorded(notebook: Path) -> tuple[dict | None, list[dict], dict]:
    """Return the manifest, value registry and papermill parameters of an executed notebook.

    The manifest is None for a notebook executed by papermill directly,
    which records its parameters but not its inputs.

    Raises
    ------
    VerifyError
        When the notebook is unreadable or not a report, or when it breaks
        the nbformat schema, METADATA_SHAPE or REGISTRY_SHAPE. The message
        names the field.
    """
    import nbformat  # noqa: PLC0415

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as exc:  # nbformat raises several types for a damaged file
        raise VerifyError(f"Notebook {notebook} tidak terbaca: berkasnya rusak atau bukan "
                          "notebook Jupyter (JSON).") from exc
    # nbformat.read only logs a schema error, and the cells are read below.
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        where = place_name(getattr(exc, "absolute_path", ())) or "tingkat teratas"
        raise VerifyError(f"Notebook {notebook} rusak: isian {where} tidak sesuai format "
                          f"notebook Jupyter (nbformat 4). {ASK_ORIGINAL}") from exc
    problem = mismatch(nb.metadata, METADATA_SHAPE, "metadata")
    if problem:
        raise VerifyError(f"Metadata notebook {notebook} rusak: {problem}. {ASK_ORIGINAL}")
    recorded = nb.metadata.get(manifest.NOTEBOOK_KEY, {}).get("manifest")
    records = registry.from_notebook(nb)
    papermill = nb.metadata.get("papermill", {}).get("parameters")
    if records is None or (recorded is None and papermill is None):
        raise VerifyError(
            f"Notebook {notebook} tidak memuat daftar angka iku-nb dan parameter laporannya: "
            "bukan notebook laporan yang sudah dijalankan, atau dibuat oleh versi yang lebih "
            "lama. Buat ulang laporannya dengan `iku-nb laporan`, lalu verifikasi.")
    problem = mismatch(records, REGISTRY_SHAPE)
    if problem:
        raise VerifyError(f"Daftar angka di {notebook} rusak: {problem}. {ASK_ORIGINAL}")
    return recorded, records, papermill or {}


def verify(path: Path, data: Path | None = None, katalog: Path | None = None,
           execution_timeout: int | None = 600) -> Verification:
    """Re-run the report at ``path`` and compare its figures and pages.

    ``data`` and ``katalog`` replace the recorded folder and catalogue, for
    an auditor who keeps a copy of the data elsewhere. The caller holds the
    output folder's lock (iku_nb.outputlock.shared_lock), as ``iku-nb
    verifikasi`` does, when a batch may write there.

    Raises
    ------
    VerifyError
        When ``path`` is not a verifiable report or its records are damaged.
    RunError
        When the notebook fails to run again.
    """
    with _private_temporary_folder(), tempfile.TemporaryDirectory(
            prefix="iku-nb-katalog-") as spare:
        return _verify(path, data, katalog, execution_timeout, Path(spare))


@contextlib.contextmanager
def _private_temporary_folder() -> Iterator[Path]:
    """Put every temporary file of a verification into one folder, removed at the end.

    The re-run's work folder and jupyter_client's connection file (which
    contains the kernel's key) go there too.
    """
    previous = tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix="iku-nb-verifikasi-") as folder:
        tempfile.tempdir = folder
        try:
            yield Path(folder)
        finally:
            tempfile.tempdir = previous


@contextlib.contextmanager
def _kill_new_processes_on_error() -> Iterator[None]:
    """Kill the processes started inside the block when an exception leaves it.

    Entered inside their working folder, so they end before it is removed. A
    kernel still starting when SIGTERM arrives would otherwise fail on the
    missing folder and print a traceback on this command's stderr.
    """
    import psutil  # noqa: PLC0415

    running = {child.pid for child in psutil.Process().children(recursive=True)}
    try:
        yield
    except BaseException:
        _kill_started_since(running)
        raise


def _kill_started_since(running: set[int]) -> None:
    """Kill this process's descendants whose pid is not in ``running``, until no new one appears.

    The pid set, not the command line, identifies the kernel, because a
    kernel interrupted between fork and exec still shows this command's line.
    The passes repeat until no new descendant has appeared for QUIET_SECONDS,
    because a process being killed may start another one meanwhile.
    """
    import psutil  # noqa: PLC0415

    from iku_nb.kernel import kill_all  # noqa: PLC0415 - imports jupyter_client

    quiet_since = time.monotonic()
    deadline = quiet_since + KILL_SECONDS
    while time.monotonic() < deadline:
        started = [child for child in psutil.Process().children(recursive=True)
                   if child.pid not in running]
        if started:
            kill_all(started)
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= QUIET_SECONDS:
            return
        time.sleep(0.02)


def _verify(path: Path, data: Path | None, katalog: Path | None,
            execution_timeout: int | None, spare: Path) -> Verification:
    notebook = find_notebook(path)
    embedded, records, papermill = read_recorded(notebook)
    side = read_side_manifest(notebook)
    result = Verification(notebook, {})
    usable_side = None
    if side.manifest is not None:
        problem = mismatch(side.manifest, MANIFEST_SHAPE, side.path.name)
        if problem is None:
            usable_side = side.manifest
        elif embedded is None:
            # With the notebook's manifest, the differences name the field instead.
            result.problems.append(f"{side.path.name} rusak: {problem}")
    # read_recorded has read it already, so this read succeeds.
    published = _read_notebook(notebook)
    # What the notebook ran with: papermill's parameters over its parameters cell.
    cell_values = _parameters_cell_values(published)
    ran_with = {**{name: value for name, value in cell_values.items() if name in NAMES},
                **(papermill or {})}
    replaced = _other_report(notebook, embedded, ran_with, usable_side, side)
    if replaced is not None:
        # The folder's manifest describes another report, so the notebook is
        # run again with its own parameters and explained by its own manifest.
        result.replaced_report, problem = replaced
        result.problems.append(problem)
        usable_side = None
    # The manifests that explain changes since the report was made, with their
    # names for messages. Where two copies disagree, neither explains anything.
    explainers = [(name, record) for name, record in
                  ((f"metadata {notebook}", embedded), (str(side.path), usable_side))
                  if record is not None]
    recorded = choose_parameters(embedded, usable_side, papermill)
    result.recorded = recorded or {}
    if embedded is not None or side.exists:
        result.problems += _check_beside(notebook, embedded, records, side)
    _check_parameter_cell(notebook, result, recorded, embedded, papermill)
    if recorded is None and not side.exists:
        result.notes.append(
            "notebook ini dijalankan langsung dengan papermill, tanpa manifest: angka tetap "
            "dibandingkan, tetapi perubahan data, katalog dan kode tidak dapat dijelaskan")
    if recorded is not None and recorded.get("git", {}).get("ada_perubahan"):
        result.notes.append(
            "saat laporan dibuat, kode memuat perubahan yang belum di-commit, jadi commit "
            "yang tercatat tidak persis sama dengan kode yang dijalankan; sidik jari setiap "
            "berkas kode tetap tercatat")

    katalog = _under_recorded_name(katalog, recorded, spare)
    spec = _spec(recorded, ran_with, data, katalog)
    data_dir, katalog_path = input_paths(spec.params)
    if not data_dir.is_dir():
        state = "adalah berkas, bukan folder" if data_dir.exists() else "tidak ditemukan"
        raise VerifyError(f"Folder data {data_dir} {state}. Berikan folder data laporan ini "
                          "dengan --data.")
    current = inspect(data_dir, katalog_path)
    # What may explain a differing cell: data, catalogue, code or libraries
    # for an output, code for a cell's source. A new commit alone explains
    # nothing, and without a manifest nothing is known.
    explains = {"keluaran": False, "kode": False}
    if explainers:
        now = manifest.build(spec.name, spec.notebook, {}, current, manifest.now(),
                             manifest.now())
        result.changes, explains = _agreed_changes(explainers, now)
    if current.errors:
        quoted = "; ".join(f"{p.where}: {p.message}" for p in current.errors[:ERRORS_SHOWN])
        result.problems.append(
            f"data di {data_dir} sekarang tidak lolos pemeriksaan ({len(current.errors)} "
            f"kesalahan: {quoted}), jadi laporan tidak dapat dijalankan ulang; `iku-nb periksa "
            f"--data {data_dir}` menampilkan semuanya")
        return result

    formats = tuple(kind for kind in ("pdf",)
                    if notebook.with_suffix(f".{kind}").is_file())
    # The re-run's processes are killed before their working folder is removed.
    with (tempfile.TemporaryDirectory(prefix="iku-nb-verifikasi-") as tmp,
          _kill_new_processes_on_error()):
        work = Path(tmp)
        made = make_notebook(spec, current, katalog_path, work, None, execution_timeout)
        result.rerun = True
        result.comparisons = compare(records, made.records)
        differing = compare_cells(published, made.node)
        # A different number of code cells comes from the notebook template, like a source.
        explained = [d for d in differing
                     if explains.get("kode" if d.part == "jumlah" else d.part, False)]
        result.changed_cells = [d.number for d in explained]
        if explained:
            numbers = ", ".join(f"ke-{d.number}" for d in explained)
            result.notes.append(f"sel kode {numbers} berbeda dengan hasil menjalankan ulang; "
                                "perubahan di atas dapat menjelaskannya")
        result.problems += [d.problem(notebook.name, recorded is not None)
                            for d in differing if d not in explained]
        # The pages are made again from the published notebook itself, so a
        # page that differs was edited, whatever the data are now.
        pages = render(_read_notebook(notebook), spec, current.katalog, work, formats)
        page_changes = [c for c in result.changes if not c.startswith("berkas data")]
        rerun_pages = None
        if any(d not in explained for d in differing):
            # When the notebook's own cells were edited, a page equal to the
            # re-run's page is the untouched original, so only the notebook is named.
            (work / "ulang").mkdir()
            rerun_pages = render(made.node, spec, current.katalog, work / "ulang", formats)
        result.problems += _compare_pages(notebook, pages, bool(page_changes), result.notes,
                                          published_by_run=recorded is not None,
                                          rerun_pages=rerun_pages, recorded_files=side.files,
                                          manifest_name=side.path.name)
    return result


@dataclass(frozen=True)
class CellDifference:
    """A code cell whose source or output differs from the run made again."""

    number: int
    part: str
    written: str
    now: str

    def problem(self, notebook: str, with_manifest: bool) -> str:
        """Describe the difference; ``with_manifest`` when the inputs are known to be unchanged."""
        cause = ("notebook diubah sesudah laporan dibuat" if with_manifest
                 else "tanpa manifest, sebabnya tidak dapat dijelaskan")
        if self.part == "jumlah":
            return f"{notebook} berisi {self.written}, hasil menjalankan ulang {self.now}; {cause}"
        written, now = excerpts(self.written, self.now)
        unchanged = (", padahal data, katalog, kode dan pustakanya tidak berubah"
                     if with_manifest else "")
        return (f"{self.part} sel kode ke-{self.number} di {notebook} berbeda dengan hasil "
                f"menjalankan ulang{unchanged}: tertulis {written!r}, dijalankan ulang "
                f"{now!r}; {cause}")


def compare_cells(published, again) -> list[CellDifference]:
    """Compare the code cells of the published notebook with those of the new run.

    The same inputs and code give the same outputs, so a difference shows an
    edit. The injected parameters cell is left out of the source comparison,
    because another --data folder changes it, and check_parameter_cell
    compares it with the recorded parameters instead.
    """
    def code_cells(nb) -> list:
        return [c for c in nb.cells if c.cell_type == "code"]

    found = []
    cells, cells_again = code_cells(published), code_cells(again)
    for number, (cell, cell_again) in enumerate(zip(cells, cells_again, strict=False), start=1):
        injected = "injected-parameters" in cell.metadata.get("tags", [])
        if not injected and cell.source != cell_again.source:
            found.append(CellDifference(number, "kode", cell.source, cell_again.source))
        elif _output_text(cell) != _output_text(cell_again):
            found.append(CellDifference(number, "keluaran", _output_text(cell),
                                        _output_text(cell_again)))
    if len(cells) != len(cells_again):
        found.append(CellDifference(min(len(cells), len(cells_again)) + 1, "jumlah",
                                    f"{len(cells)} sel kode", f"{len(cells_again)} sel kode"))
    return found


def _output_text(cell) -> str:
    """Return a code cell's outputs as one text, every kind of output in order."""
    parts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            parts.append(str(output["text"]))
        for kind, value in sorted(output.get("data", {}).items()):
            # nbformat writes JSON outputs with sorted keys.
            text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
            parts.append(f"{kind}: {text}")
        if output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
    return "\n".join(parts)


def _read_notebook(path: Path):
    import nbformat  # noqa: PLC0415

    return nbformat.read(path, as_version=4)


def _under_recorded_name(katalog: Path | None, recorded: dict | None, spare: Path) -> Path | None:
    """Return the given catalogue, as a copy in ``spare`` when only its file name differs.

    The report names its catalogue file, so the same catalogue kept under
    another name would change the page's text, and the difference would be
    blamed on the notebook.
    """
    entry = (recorded or {}).get("katalog")
    if katalog is None or not isinstance(entry, dict):
        return katalog
    name = Path(str(entry.get("berkas") or "")).name
    katalog = Path(katalog)
    if not name or katalog.name == name or not katalog.is_file():
        return katalog
    if sha256(katalog) != entry.get("sha256"):
        return katalog
    copy = spare / name
    shutil.copyfile(katalog, copy)
    return copy


def _spec(recorded: dict | None, papermill: dict, data: Path | None,
          katalog: Path | None) -> ReportSpec:
    """Return the report to run again, from the recorded parameters."""
    raw = (recorded or {}).get("parameter", papermill)
    if not isinstance(raw, dict):
        raise VerifyError("Parameter yang tercatat di notebook rusak: bukan objek JSON.")
    raw = {k: v for k, v in raw.items() if k in NAMES}
    analisis = raw.get("analisis")
    if isinstance(analisis, dict) and analysis_texts(analisis) and not analisis.get(PERIOD_KEY):
        # Made before analysis text named its period: it was written for this report's.
        tahun, triwulan = raw.get("tahun"), raw.get("triwulan")
        period = f"{tahun}" + ("" if triwulan in (None, "") else f"-tw{triwulan}")
        raw["analisis"] = {PERIOD_KEY: period, **analisis}
    if data is not None:
        raw["data"] = str(Path(data).resolve())
    if katalog is not None:
        raw["katalog"] = str(Path(katalog).resolve())
    try:
        return ReportSpec(parse_parameters(raw))
    except ParameterError as exc:
        raise VerifyError(f"Parameter yang tercatat di notebook tidak sah, jadi laporan tidak "
                          f"dapat dijalankan ulang. {exc}") from exc


def compare(recorded: list[dict], now: list[dict]) -> list[Comparison]:
    """Compare two registries figure by figure, in the recorded order.

    A group of figures (the comparisons) gives one line per figure, and the
    ids behind a count give one line per indicator plus one per id that differs.
    """
    def keyed(records: list[dict]) -> dict[tuple, dict]:
        return {(r.get("kode"), r.get("tahun"), r.get("triwulan")): r for r in records}

    old, new = keyed(recorded), keyed(now)
    comparisons = []
    for key in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(key) or {}, new.get(key) or {}
        prefix = f"{key[0]} {(before or after).get('periode') or key[1]}"
        for name in registry.FIGURES:
            if name not in before and name not in after:
                continue
            old_value, new_value = before.get(name), after.get(name)
            label = f"{prefix} {LABELS.get(name, name)}"
            if name == "asal_baris":
                comparisons += _compare_lineage(prefix, old_value, new_value)
            elif name == "baris_anggaran":
                comparisons += _compare_budget_rows(prefix, old_value, new_value)
            elif isinstance(old_value, dict) or isinstance(new_value, dict):
                old_value, new_value = old_value or {}, new_value or {}
                for part in [*old_value, *(p for p in new_value if p not in old_value)]:
                    part_label = PART_LABELS.get(part, f"{name}.{part}")
                    comparisons.append(Comparison(f"{prefix} {part_label}",
                                                  old_value.get(part), new_value.get(part)))
            else:
                unit = "rupiah" if name in RUPIAH_FIGURES else None
                comparisons.append(Comparison(label, old_value, new_value, unit=unit))
        # A printed text that differs from the value it prints is a figure too.
        texts_before, texts_after = before.get("teks", {}), after.get("teks", {})
        for name in sorted(set(texts_before) | set(texts_after)):
            if texts_before.get(name) != texts_after.get(name):
                comparisons.append(Comparison(f"{prefix} {name} (tertulis)",
                                              texts_before.get(name), texts_after.get(name),
                                              kind="teks"))
    return comparisons


def _compare_lineage(prefix: str, before, after) -> list[Comparison]:
    """Compare the ids behind a count and their source rows."""
    def by_id(value) -> dict[str, dict]:
        return {item.get("id"): item for item in (value or {}).get("id", [])}

    old, new = by_id(before), by_id(after)
    differing = [i for i in [*old, *(i for i in new if i not in old)] if old.get(i) != new.get(i)]
    rekap_before, rekap_after = (before or {}).get("rekap"), (after or {}).get("rekap")
    summary = f"{len(old)} id" + (f", rekap {rekap_before}" if rekap_before else "")
    label = f"{prefix} id dan baris sumber"
    if not differing and rekap_before == rekap_after:
        return [Comparison(label, summary, summary)]
    lines = [Comparison(label, summary,
                        f"{len(new)} id" + (f", rekap {rekap_after}" if rekap_after else "")
                        + (f" ({len(differing)} id berbeda)" if differing else ""))]
    for ident in differing:
        lines.append(Comparison(f"{prefix} id {ident}", _lineage_text(old.get(ident)),
                                _lineage_text(new.get(ident)), kind="rincian"))
    return lines


def _compare_budget_rows(prefix: str, before, after) -> list[Comparison]:
    """Compare the budget rows one by one, paired by programme and kegiatan.

    Rows are paired by name, not by row number, so a row added above them in
    the anggaran table moves no other row's figures.
    """
    def by_name(value) -> dict[tuple, tuple[str, str]]:
        rows = {}
        for item in value or []:
            name = str(item.get("program")) + (f" / {item['kegiatan']}"
                                               if item.get("kegiatan") else "")
            key = (fold(item.get("program")), fold(item.get("kegiatan") or ""))
            rows[key] = (name, f"pagu {_rupiah_text(item.get('pagu'))}, realisasi "
                               f"{_rupiah_text(item.get('realisasi'))} (baris {item.get('baris')})")
        return rows

    old, new = by_name(before), by_name(after)
    return [Comparison(f"{prefix} anggaran {(old.get(key) or new.get(key))[0]}",
                       (old.get(key) or (None, None))[1], (new.get(key) or (None, None))[1])
            for key in [*old, *(k for k in new if k not in old)]]


def _rupiah_text(value) -> str:
    try:
        return rupiah(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return str(value)


def _lineage_text(item: dict | None) -> str | None:
    if item is None:
        return None
    role = "pembilang" if item.get("pembilang") else "penyebut saja"
    rows = "; ".join(f"{name} baris {', '.join(str(r) for r in found)}"
                     for name, found in item.get("baris", {}).items())
    return f"{role}, {rows}"


def differences(recorded: dict, now: dict) -> list[str]:
    """Describe what differs between the recorded manifest and the current one."""
    found = _input_differences(recorded, now)

    old_katalog, new_katalog = recorded.get("katalog", {}), now.get("katalog", {})
    if old_katalog.get("sha256") != new_katalog.get("sha256"):
        found.append(f"katalog berubah: {old_katalog.get('berkas')} SHA-256 "
                     f"{_short(old_katalog.get('sha256'))}, sekarang {new_katalog.get('berkas')} "
                     f"SHA-256 {_short(new_katalog.get('sha256'))}")

    if recorded.get("versi_iku_nb") != now.get("versi_iku_nb"):
        found.append(f"versi iku-nb {recorded.get('versi_iku_nb')} menjadi "
                     f"{now.get('versi_iku_nb')}")
    old_code, new_code = recorded.get("kode", {}), now.get("kode", {})
    changed = sorted(n for n in set(old_code) | set(new_code)
                     if old_code.get(n) != new_code.get(n))
    if changed:
        found.append(f"kode iku-nb berubah ({len(changed)} berkas): {', '.join(changed)}")

    old_git, new_git = recorded.get("git", {}), now.get("git", {})
    if old_git.get("commit") != new_git.get("commit"):
        found.append(f"commit git {_short(old_git.get('commit'))} menjadi "
                     f"{_short(new_git.get('commit'))}")

    old_env, new_env = recorded.get("lingkungan", {}), now.get("lingkungan", {})
    for package in sorted(set(old_env) | set(new_env)):
        if package != "iku-nb" and old_env.get(package) != new_env.get(package):
            found.append(f"versi {package} {old_env.get(package, 'tidak tercatat')} menjadi "
                         f"{new_env.get(package, 'tidak terpasang')}")
    return found


def _check_parameter_cell(notebook: Path, result: Verification, recorded: dict | None,
                          embedded: dict | None, papermill: dict) -> None:
    """Compare the notebook's injected parameters cell with the recorded parameters."""
    if recorded is None:
        parameters, recorded_in = papermill, f"metadata.papermill.parameters {notebook.name}"
    elif recorded is embedded:
        parameters, recorded_in = recorded.get("parameter"), f"manifest {notebook.name}"
    else:
        stem = notebook.name.removesuffix(".ipynb")
        parameters, recorded_in = recorded.get("parameter"), stem + manifest.MANIFEST_SUFFIX
    if not isinstance(parameters, dict):
        # _spec names a parameter record that is not an object.
        return
    nb = _read_notebook(notebook)
    check = check_parameter_cell(nb, parameters, notebook.name, recorded_in,
                                 "notebook diubah sesudah laporan dibuat")
    result.problems += check.problems
    if check.rewritten:
        result.changed_cells += check.rewritten
        version = nb.metadata.get("papermill", {}).get("version")
        numbers = ", ".join(f"ke-{n}" for n in check.rewritten)
        result.notes.append(
            f"sel parameter (sel kode {numbers}) ditulis papermill {version}, yang menulisnya "
            "lain dari papermill yang terpasang, jadi nilainya sama tetapi teksnya tidak "
            "dapat dipastikan tidak diubah")


def _agreed_changes(named: list[tuple[str, dict]],
                    now: dict) -> tuple[list[str], dict[str, bool]]:
    """Return the changes that every manifest in ``named`` shows, and what they explain.

    Two copies of a manifest disagree only when one was edited. A change seen
    from one copy alone is therefore left out, such as a data file whose
    recorded SHA-256 was overwritten. A cell difference is explained only
    when both copies explain it.

    Raises
    ------
    VerifyError
        When a manifest lacks a field that differences() reads.
    """
    changes: list[str] | None = None
    explains = {"keluaran": True, "kode": True}
    for name, record in named:
        try:
            found = differences(record, now)
            explained = _what_changes_explain(record, now)
        except (KeyError, TypeError, AttributeError) as exc:
            raise VerifyError(f"Manifest di {name} rusak: isian {exc} tidak sesuai bentuk "
                              "manifest iku-nb.") from exc
        changes = found if changes is None else [c for c in changes if c in found]
        explains = {kind: explains[kind] and explained[kind] for kind in explains}
    return changes or [], explains


def _what_changes_explain(recorded: dict, now: dict) -> dict[str, bool]:
    """Return which kinds of cell difference the changes since the report can explain.

    Data, the catalogue, code files or library versions can change a cell's
    output; only code files (the notebook templates among them) its source.
    """
    code = recorded.get("kode") != now.get("kode")
    outputs = (code or bool(_input_differences(recorded, now))
               or recorded.get("katalog", {}).get("sha256") != now["katalog"]["sha256"]
               or _library_versions(recorded) != _library_versions(now))
    return {"keluaran": outputs, "kode": code}


def _library_versions(manifest_record: dict) -> dict:
    return {name: version for name, version in manifest_record.get("lingkungan", {}).items()
            if name != "iku-nb"}


def _input_differences(recorded: dict, now: dict) -> list[str]:
    """Describe each input table that is gone, new, or whose file changed."""
    found = []
    before = {m["tabel"]: m for m in recorded.get("masukan", [])}
    after = {m["tabel"]: m for m in now.get("masukan", [])}
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table), after.get(table)
        if new is None:
            found.append(f"tabel {table} ({old['sumber']}) tidak ada lagi di folder data")
        elif old is None:
            found.append(f"tabel {table} ({new['sumber']}) baru, tidak ada saat laporan dibuat")
        elif old.get("sha256") != new["sha256"]:
            if "sha256_lembar" in new and old.get("sha256_lembar") == new["sha256_lembar"]:
                # Another sheet of the same workbook changed, which its own line names.
                continue
            rows = ("" if old.get("baris") == new["baris"]
                    else f"; baris data {old.get('baris')} menjadi {new['baris']}")
            sheet = "; isi lembar ini berubah" if "sha256_lembar" in new else ""
            digests = f"{_short(old.get('sha256'))} menjadi {_short(new['sha256'])}"
            found.append(f"berkas data {new['sumber']} berubah: SHA-256 {digests}{rows}{sheet}")
    return found


def _check_beside(notebook: Path, embedded: dict | None, records: list[dict],
                  side: SideManifest | None = None) -> list[str]:
    """Compare the notebook with the files written beside it in the same run.

    ``embedded`` is the manifest in the notebook's metadata, None when it has
    none, and ``side`` the ``.manifest.json`` beside it, read here when not given.
    """
    problems = _check_registry_beside(notebook, records)
    side = read_side_manifest(notebook) if side is None else side
    if not side.exists:
        return [*problems, f"{side.path.name} tidak ada di samping {notebook.name}"]
    if embedded is None:
        problems.append(removed_manifest_problem(notebook, side))
    if side.problem is not None:
        return [*problems, side.problem]
    if embedded is not None:
        differing = compare_manifests(notebook, embedded, side)
        if differing:
            problems.append(differing)
    for name, digest in sorted(side.files.items()):
        path = notebook.with_name(name)
        if not path.is_file():
            problems.append(f"{name} tercatat di {side.path.name} tetapi tidak ada")
        elif sha256(path) != digest:
            problems.append(f"{name} berubah sesudah laporan dibuat (SHA-256 tidak sama "
                            f"dengan {side.path.name})")
    return problems


def _other_report(notebook: Path, embedded: dict | None, own: dict,
                  side: dict | None, side_file: SideManifest) -> tuple[str, str] | None:
    """Find a notebook that replaced the report that the manifest beside it records.

    ``own`` contains the parameters the notebook ran with: those papermill
    recorded in it, over the values of its parameters cell. It is another
    report when its period and bidang differ from the manifest's, its
    SHA-256 is not the one the manifest records, and its own manifest, if
    any, agrees with papermill (else a manifest was edited, which
    compare_manifests names). Returns the label of the report that the
    folder's manifest records and the problem to show, or None.
    """
    if side is None or side_file.files.get(notebook.name) == sha256(notebook):
        return None
    if "tahun" not in own:
        return None
    # A parameter found in neither is unknown, so it is not compared.
    def known(parameters: dict) -> dict:
        return {key: value for key, value in parameters.items() if key in own}

    if (embedded is not None
            and _report_of(known(embedded.get("parameter") or {})) != _report_of(own)):
        return None
    published = side.get("parameter") or {}
    if _report_of(own) == _report_of(known(published)):
        return None
    own_label, published_label = _report_label(own), _report_label(published)
    return published_label, (
        f"{notebook.name} adalah laporan {own_label}, sedangkan {side_file.path.name} di folder "
        f"ini mencatat laporan {published_label}: notebook itu diganti dengan notebook laporan "
        f"lain. Angka di bawah adalah angka notebook itu, bukan angka laporan "
        f"{published_label} yang diterbitkan. {ASK_ORIGINAL}")


def _parameters_cell_values(nb) -> dict:
    """Return the literal values that the cell tagged "parameters" of notebook ``nb`` assigns.

    A value that is not a literal gives nothing, and so does a cell that is not Python.
    """
    values = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" not in cell.metadata.get("tags", []):
            continue
        try:
            statements = ast.parse(cell.source).body
        except SyntaxError:
            return {}
        for statement in statements:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
            elif isinstance(statement, ast.AnnAssign):
                target = statement.target
            else:
                continue
            value = statement.value
            if isinstance(target, ast.Name) and value is not None:
                with contextlib.suppress(ValueError, TypeError, SyntaxError, MemoryError,
                                         RecursionError):
                    values[target.id] = ast.literal_eval(value)
    return values


def _report_of(parameters: dict) -> tuple:
    """Return the tahun, triwulan and bidang of parameters as the notebooks read them.

    Text and numbers compare alike ("2025" and 2025, "2" and 2) and bidang
    ignores case. Values that are not valid parameters compare as typed.
    """
    raw = {key: parameters.get(key) for key in REPORT_KEYS}
    try:
        typed = parse_parameters(raw)
    except IkuError:
        return tuple(None if value in (None, "") else str(value).strip().casefold()
                     for value in raw.values())
    return typed.tahun, typed.triwulan, typed.bidang


def _report_label(parameters: dict) -> str:
    """Return the period and bidang of a report's parameters, as "tahun 2024 triwulan 2"."""
    parts = [f"{key} {parameters[key]}" for key in REPORT_KEYS
             if parameters.get(key) not in (None, "")]
    return " ".join(parts) or "tanpa tahun"


def _check_registry_beside(notebook: Path, records: list[dict]) -> list[str]:
    """Compare the value registry in the notebook with ``<report>.angka.json`` beside it."""
    angka = notebook.with_name(notebook.name.removesuffix(".ipynb") + manifest.REGISTRY_SUFFIX)
    if not angka.is_file():
        return [f"{angka.name} tidak ada di samping {notebook.name}"]
    try:
        beside = json.loads(angka.read_text(encoding="utf-8"))["angka"]
        differing = [c for c in compare(records, beside) if not c.matches]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return [f"{angka.name} rusak: bukan daftar angka iku-nb"]
    if not differing:
        return []
    shown = "; ".join(f"{c.label}: di {notebook.name} {display(c.recorded, c.unit)}, di "
                      f"{angka.name} {display(c.now, c.unit)}"
                      for c in differing[:FIGURES_SHOWN])
    more = len(differing) - FIGURES_SHOWN
    return [f"daftar angka di {angka.name} berbeda dengan yang tersimpan di "
            f"{notebook.name} ({len(differing)} isian: {shown}"
            + (f"; dan {more} isian lain" if more > 0 else "")
            + "); salah satunya diubah sesudah dibuat"]


def _compare_pages(notebook: Path, pages: dict[str, Path], code_changed: bool,
                   notes: list[str], published_by_run: bool,
                   rerun_pages: dict[str, Path] | None = None,
                   recorded_files: dict[str, str] | None = None,
                   manifest_name: str = "") -> list[str]:
    """Compare the published HTML and PDF with the ones made again from the published notebook.

    The same notebook and code give the same bytes, so a page that differs was
    edited after it was made, unless the code, catalogue or a library changed.
    A page equal to ``rerun_pages`` (made from the re-run, given when the
    notebook's cells differ) is the original, and the notebook was edited.
    So is a page whose SHA-256 is the one that ``recorded_files`` (the file
    list of the manifest ``manifest_name`` beside the notebook) records for
    it, when the notebook's own SHA-256 differs from the one recorded.
    Only a report made by ``iku-nb laporan`` must have its HTML beside it.
    Beside a notebook that papermill ran directly, any PDF and an HTML page
    without the iku-nb generator mark come from another tool, such as
    ``jupyter nbconvert``. They are named in ``notes`` and not compared.
    """
    problems = []
    for kind, made in pages.items():
        published = notebook.with_suffix(f".{kind}")
        if not published.is_file():
            if kind == "html" and published_by_run:
                problems.append(f"{published.name} tidak ada di samping {notebook.name}")
            continue
        if (kind == "html" and not published_by_run
                and GENERATOR_MARK not in published.read_text(encoding="utf-8", errors="replace")):
            notes.append(f"{published.name} tidak dibuat oleh iku-nb (tidak bertanda "
                         f"{GENERATOR_MARK}), misalnya oleh jupyter nbconvert, jadi tidak "
                         "dibandingkan; angkanya tetap diperiksa dari notebook")
            continue
        if kind == "pdf" and not published_by_run:
            # iku-nb makes a PDF only in `iku-nb laporan`, which always records a manifest.
            notes.append(f"{published.name} di samping notebook tanpa manifest tidak dibuat oleh "
                         "iku-nb laporan, jadi tidak dibandingkan; angkanya tetap diperiksa dari "
                         "notebook")
            continue
        if published.read_bytes() == made.read_bytes():
            continue
        if rerun_pages is not None and published.read_bytes() == rerun_pages[kind].read_bytes():
            continue
        # When the page has the SHA-256 that the manifest records and the
        # notebook does not, the page is the original and the notebook changed.
        recorded_files = recorded_files or {}
        as_recorded = (recorded_files.get(published.name) == sha256(published)
                       and recorded_files.get(notebook.name) != sha256(notebook))
        where = ""
        if kind == "html" and not as_recorded:
            places = changed_places(visible_text(published.read_text(encoding="utf-8")),
                                    visible_text(made.read_text(encoding="utf-8")))
            if places:
                quoted = "; ".join(f"teksnya tertulis {written!r}, dari notebook {now!r}"
                                   for written, now in places[:PLACES_SHOWN])
                more = len(places) - PLACES_SHOWN
                where = (f" ({len(places)} tempat berbeda: {quoted}"
                         + (f"; dan {more} tempat lain" if more > 0 else "") + ")")
        if as_recorded:
            cause = (f"{published.name} sama dengan yang tercatat di {manifest_name}, jadi "
                     f"{notebook.name} yang diubah atau diganti sesudah laporan dibuat")
        elif code_changed:
            cause = ("berkas itu diubah sesudah dibuat, atau kode, katalog atau versi pustaka "
                     "yang berubah (lihat perubahan di atas) membuatnya lain")
        else:
            cause = "berkas itu diubah sesudah dibuat"
        problems.append(f"{published.name} berbeda dengan {kind.upper()} yang dibuat ulang dari "
                        f"{notebook.name}{where}: {cause}")
    return problems


def changed_places(written: str, now: str) -> list[tuple[str, str]]:
    """Return each place where two texts differ, as both texts' words around it.

    The texts are compared word by word. Differences fewer than
    PLACE_CONTEXT words apart are one place, as a reader sees them together.
    """
    written_words, now_words = written.split(), now.split()
    matcher = difflib.SequenceMatcher(None, written_words, now_words, autojunk=False)
    spans: list[list[int]] = []
    for tag, start, end, start_now, end_now in matcher.get_opcodes():
        if tag == "equal":
            continue
        if spans and start - spans[-1][1] <= PLACE_CONTEXT:
            spans[-1][1], spans[-1][3] = end, end_now
        else:
            spans.append([start, end, start_now, end_now])

    def quote(words: list[str], start: int, end: int) -> str:
        begin, finish = max(0, start - PLACE_CONTEXT), min(len(words), end + PLACE_CONTEXT)
        # A long changed passage is quoted by its start only.
        finish = min(finish, begin + QUOTE_WORDS)
        return (("…" if begin else "") + " ".join(words[begin:finish])
                + ("…" if finish < len(words) else ""))

    return [(quote(written_words, start, end), quote(now_words, start_now, end_now))
            for start, end, start_now, end_now in spans]


def visible_text(page: str) -> str:
    """Return the text of an HTML page as a reader sees it, without tags, styles or scripts."""
    from html import unescape  # noqa: PLC0415

    page = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", page)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def display(value: object, unit: str | None = None) -> str:
    """Write a registry value as the report does: decimal comma and minus sign.

    An amount whose ``unit`` is "rupiah" is written as ``Rp4.138.000.000``. A
    missing value is written "(tidak ada)".
    """
    if value is None:
        return "(tidak ada)"
    text = str(value)
    if not _NUMBER.match(text):
        return text
    if unit == "rupiah" and "/" not in text:
        return _rupiah_text(text)
    return text.replace(".", ",").replace("-", MINUS)


def _short(digest: str | None) -> str:
    return "tidak tercatat" if not digest else digest[:12]
