"""Run one report: check, execute the notebook in a private folder, convert, promote.

A run writes nothing into its report folder until every step has succeeded.
A failed run leaves the last good report in place and keeps the failed
notebook beside it as ``<name>.GAGAL.ipynb`` for diagnosis.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import iku_nb.quick_imports  # noqa: F401 - before anything imports nbformat
from iku_nb import api, manifest, registry
from iku_nb.dataset import Dataset, inspect, load, sha256
from iku_nb.errors import RunError, failure_reason, is_file_error, os_cause
from iku_nb.kernel import KERNEL_ARGUMENTS, KERNEL_NAME, KernelDied, WarmKernel
from iku_nb.params import RunParameters
from iku_nb.paths import NOTEBOOK_DIR, STAGING, resolve
from iku_nb.period import Period, report_title

log = logging.getLogger("iku_nb")

TEMPLATE_DIR = Path(__file__).parent / "templates" / "nbconvert"
REPORT_CSS = Path(__file__).parent / "report" / "laporan.css"
FAILED_SUFFIX = ".GAGAL.ipynb"
# Written by the batch for any failed or timed-out run, with the reason.
FAILED_NOTE_SUFFIX = ".GAGAL.txt"
# Every file of one report in its folder, the files of a failed run included.
REPORT_SUFFIXES = (".html", ".pdf", ".ipynb", manifest.MANIFEST_SUFFIX, manifest.REGISTRY_SUFFIX,
                   FAILED_SUFFIX, FAILED_NOTE_SUFFIX)
_EXPORTERS = threading.local()
REGISTRY_FORMAT = "iku-nb/angka 1"


@dataclass(frozen=True)
class ReportSpec:
    """One report of the matrix: a notebook, its parameters and output formats."""

    params: RunParameters
    formats: tuple[str, ...] = ("html",)

    @property
    def notebook(self) -> str:
        """Return the notebook template's name: a bidang's report or the office-wide one."""
        return "laporan_bidang" if self.params.bidang else "laporan_tahunan"

    @property
    def stem(self) -> str:
        """Return the name of the report's files without suffix.

        The office-wide notebook makes the yearly and the quarterly report, so
        a quarterly one is written as ``laporan_triwulan``, not as a yearly one.
        """
        if self.notebook == "laporan_tahunan" and self.params.triwulan:
            return "laporan_triwulan"
        return self.notebook

    @property
    def period(self) -> Period:
        return Period(self.params.tahun, self.params.triwulan)

    @property
    def name(self) -> str:
        """Return the report's short name, e.g. ``2025-tw2-poldagri``."""
        parts = [self.period.slug] + ([self.params.bidang] if self.params.bidang else [])
        return "-".join(parts)

    def folder(self, output: Path) -> Path:
        """Return the report's own folder: ``<output>/<tahun>[/tw<n>][/<bidang>]``."""
        folder = Path(output) / str(self.params.tahun)
        if self.params.triwulan:
            folder /= f"tw{self.params.triwulan}"
        if self.params.bidang:
            folder /= self.params.bidang
        return folder


class ReportFiles(dict):
    """The paths of a published report's files, by kind (``html``, ``pdf``, ...).

    ``dropped`` lists the formats of the previous report that this one does
    not write, such as a PDF from an earlier html,pdf run. Their files were
    removed because they no longer matched the report.
    """

    def __init__(self, files: dict[str, Path], dropped: list[str]) -> None:
        super().__init__(files)
        self.dropped = dropped


def run_report(spec: ReportSpec, output: Path | str = "output",
               execution_timeout: int | None = 600, *,
               kernel: WarmKernel | None = None) -> ReportFiles:
    """Produce one report and return the paths of the files written.

    Without ``kernel`` the notebook runs in a new kernel that papermill starts
    and shuts down. With one, it runs in that kernel, which stays running.

    Raises
    ------
    DataError, ParameterError, NoDataError
        Before anything is written, when the inputs are invalid.
    RunError
        When the notebook or a conversion fails; the previous report stays.
    """
    output = Path(output).resolve()
    data_dir, katalog = input_paths(spec.params)
    dataset = load(data_dir, katalog)
    _check_period(spec, dataset)  # fails early when an indicator has neither data nor target

    target = spec.folder(output)
    staging_root = output / STAGING
    staging_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"{spec.name}-", dir=staging_root) as tmp:
        work = Path(tmp)
        made = make_notebook(spec, dataset, katalog, work, target, execution_timeout,
                             kernel=kernel)
        stem = spec.stem
        files = {"ipynb": made.notebook,
                 **render(made.node, spec, dataset.katalog, work, spec.formats)}
        files["angka"] = work / f"{stem}{manifest.REGISTRY_SUFFIX}"
        _write_json(files["angka"], {"format": REGISTRY_FORMAT, "laporan": spec.name,
                                     "angka": made.records})
        files["manifest"] = work / f"{stem}{manifest.MANIFEST_SUFFIX}"
        _write_json(files["manifest"], made.manifest | {
            "berkas": {p.name: sha256(p) for p in files.values() if p.exists()}})
        return _promote(files, target, stem, spec.name)


def report_note(spec: ReportSpec, files: dict[str, Path]) -> str | None:
    """Name what a written report lacks: indicators without data or target, and dropped formats.

    Such a report is complete, and its text explains each empty figure. The
    batch summary shows this note beside it, so that an empty period, a
    target not yet set, or a PDF removed because it no longer matched is not
    published unnoticed.
    """
    dropped = [f"{kind.upper()} lama dihapus karena tidak cocok lagi dengan laporan ini; buat "
               "lagi dengan --format html,pdf" for kind in getattr(files, "dropped", [])]
    path = files.get("angka")
    if path is None:
        return "; ".join(dropped) or None
    records = json.loads(Path(path).read_text(encoding="utf-8"))["angka"]
    period = (spec.params.tahun, spec.params.triwulan)
    # Indicator records carry "asal"; the budget's record does not.
    own = [r for r in records if (r["tahun"], r["triwulan"]) == period and "asal" in r]
    missing = [r["kode"] for r in own if r["asal"] is None]
    untargeted = [r["kode"] for r in own if r["asal"] is not None and r.get("target") is None]
    notes = [f"{label} {spec.period.label}: {', '.join(codes)}"
             for label, codes in (("tanpa data", missing), ("tanpa target", untargeted))
             if codes]
    return "; ".join(notes + dropped) or None


def render(notebook, spec: ReportSpec, katalog, work: Path,
           formats: tuple[str, ...]) -> dict[str, Path]:
    """Write the HTML (and the PDF when asked) of an executed notebook into ``work``.

    The conversion changes ``notebook``, the executed notebook node, so the
    caller writes it to disk first.
    """
    bidang = None if spec.params.bidang is None else katalog.bidang_by_kode(spec.params.bidang)
    title = report_title(spec.period, bidang)
    files = {"html": work / f"{spec.stem}.html"}
    _export_html(notebook, files["html"], title)
    if "pdf" in formats:
        from iku_nb.pdf import write_pdf  # noqa: PLC0415 - WeasyPrint loads slowly

        files["pdf"] = work / f"{spec.stem}.pdf"
        write_pdf(files["html"], files["pdf"], title=title,
                  office=katalog.instansi.nama_skpd, period=spec.period.label)
    return files


@dataclass(frozen=True)
class Made:
    """An executed notebook, with its manifest and the value registry it displayed.

    ``node`` is the notebook as written to ``notebook``, for the conversion,
    which may change it.
    """

    notebook: Path
    manifest: dict
    records: list[dict]
    node: Any


def input_paths(params: RunParameters) -> tuple[Path, Path | None]:
    """Return the data folder and the catalogue given, made absolute."""
    katalog = None if params.katalog is None else resolve(params.katalog)
    return resolve(params.data), katalog


def make_notebook(spec: ReportSpec, dataset: Dataset, katalog: Path | None, work: Path,
                  failed_folder: Path | None, execution_timeout: int | None, *,
                  kernel: WarmKernel | None = None) -> Made:
    """Execute the report's notebook in ``work`` and record how it was made.

    The manifest goes into the notebook's metadata; cell ids are made fixed
    so that the same inputs give the same notebook and HTML.

    Raises
    ------
    RunError
        When the notebook fails (a copy is kept in ``failed_folder`` when
        given), when an input changed during the run, or when the notebook
        displayed no value registry.
    """
    notebook = work / f"{spec.stem}.ipynb"
    parameters = {**asdict(spec.params), "data": str(dataset.data_dir),
                  "katalog": None if katalog is None else str(katalog)}
    if spec.notebook == "laporan_tahunan":
        parameters.pop("bidang")
    started = manifest.now()
    kept = {} if kernel is None else {"kernel": kernel}
    record: dict = {}

    def finish(nb) -> None:
        """Record the manifest in the executed notebook before papermill writes it.

        A notebook whose cell failed gets no manifest, because it is kept only
        for diagnosis. NOTE: an error raised here is reported as a failed run,
        although the notebook's cells ran.
        """
        if not nb.metadata.get("papermill", {}).get("exception"):
            record.update(_record_manifest(nb, spec, parameters, dataset, started, notebook))

    nb = _execute(spec, notebook, parameters, work, failed_folder, execution_timeout,
                  finish=finish, **kept)
    _check_inputs_unchanged(spec, dataset, katalog)
    records = registry.from_notebook(nb)
    if records is None:
        raise RunError(f"Notebook {spec.notebook} tidak menampilkan daftar angka "
                       f"(sel laporan.daftar_angka()), jadi laporan {spec.name} tidak dapat "
                       "diperiksa ulang; laporan sebelumnya tidak diubah.")
    if not record:
        # papermill 2.7 marks a cell that raised SystemExit(0) as an exception but
        # returns the run as a success, so this published notebook is written again.
        from papermill.iorw import write_ipynb  # noqa: PLC0415 - imported by _execute

        record.update(_record_manifest(nb, spec, parameters, dataset, started, notebook))
        write_ipynb(nb, str(notebook))
    _check_schema(nb, spec)
    _end_with_newline(notebook)
    return Made(notebook, record, records, nb)


def _check_schema(nb, spec: ReportSpec) -> None:
    """Raise RunError when the executed notebook breaks the notebook schema.

    papermill's write only logs such a notebook, and the HTML conversion no
    longer checks it (iku_nb.page).
    """
    import nbformat  # noqa: PLC0415 - imported by _execute

    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        raise RunError(f"Notebook {spec.name} yang sudah dijalankan tidak sah menurut skema "
                       f"notebook Jupyter ({exc.message}); laporan sebelumnya tidak "
                       "diubah.") from exc


def _end_with_newline(notebook: Path) -> None:
    """End the notebook file with a newline, as nbformat.write and JupyterLab's save do.

    papermill writes the notebook without one, so a published notebook that
    an auditor opened and saved unchanged would otherwise differ by a byte.
    """
    with notebook.open("rb+") as handle:
        handle.seek(-1, os.SEEK_END)
        if handle.read(1) != b"\n":
            handle.write(b"\n")


def _record_manifest(nb, spec: ReportSpec, parameters: dict, dataset: Dataset,
                     started: datetime, notebook: Path) -> dict:
    """Record in an executed notebook how it was made, and return that manifest."""
    record = manifest.build(spec.name, spec.notebook, parameters, dataset, started,
                            manifest.now())
    nb.metadata[manifest.NOTEBOOK_KEY] = {"manifest": dict(record)}
    # papermill recorded the private temporary folder, which no longer
    # exists once the report is promoted.
    nb.metadata.get("papermill", {})["output_path"] = notebook.name
    _fix_cell_ids(nb)
    if manifest.fixed_time():
        _clamp_times(nb, manifest.timestamp(started))
    return record


def _fix_cell_ids(nb) -> None:
    """Give papermill's injected-parameters cell a fixed id instead of a random one.

    The id is written into the HTML, so a random one would make two runs of
    the same report differ.
    """
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "parameter-disuntikkan"


def _clamp_times(nb, moment: str) -> None:
    """Replace the execution times papermill and the kernel record with ``moment``.

    Used only under ``SOURCE_DATE_EPOCH``, whose users want the same bytes
    from the same inputs, as reproducible builds do with file dates.
    """
    papermill = nb.metadata.get("papermill", {})
    for name in ("start_time", "end_time"):
        if name in papermill:
            papermill[name] = moment
    papermill["duration"] = None
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        timings = cell.metadata.get("papermill", {})
        for name in ("start_time", "end_time"):
            if timings.get(name):
                timings[name] = moment
        if "duration" in timings:
            timings["duration"] = None


def _write_json(path: Path, content: dict) -> None:
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _execute(spec: ReportSpec, notebook: Path, parameters: dict, work: Path,
             failed_folder: Path | None, execution_timeout: int | None,
             kernel: WarmKernel | None = None, finish=None):
    """Execute the notebook with papermill into ``notebook``, and return it as executed.

    ``finish`` changes the executed notebook before papermill writes it once.
    """
    import papermill  # noqa: PLC0415 - heavy import, only needed here
    from papermill.exceptions import PapermillExecutionError  # noqa: PLC0415

    from iku_nb.engine import ENGINE_NAME  # noqa: PLC0415 - imports papermill

    template = NOTEBOOK_DIR / f"{spec.notebook}.ipynb"
    log.info("menjalankan %s dengan %s", template.name, parameters)

    def run():
        # nbclient leaves a kernel manager that it was given running.
        manager = {} if kernel is None else {"km": kernel.prepare(work)}
        # papermill's cwd argument would change the folder of the whole process,
        # which a Dask worker's threads share. A new kernel starts in resources'
        # metadata.path instead, and a kept kernel moves to ``work`` in prepare().
        return papermill.execute_notebook(
            str(template), str(notebook), parameters=parameters,
            resources={"metadata": {"path": str(work)}},
            engine_name=ENGINE_NAME, kernel_name=KERNEL_NAME, progress_bar=False,
            log_output=False, execution_timeout=execution_timeout, report_mode=False,
            extra_arguments=list(KERNEL_ARGUMENTS), finish=finish, **manager)

    try:
        try:
            return run()
        except Exception as exc:
            if not _died_at_start(exc):
                raise
            # No cell ran, so the report runs once more in a new kernel. A new
            # kernel may fail to bind the port that jupyter_client picked for
            # it, when another process took that port in between.
            log.warning("%s; laporan %s dijalankan lagi di kernel baru", _cause(exc), spec.name)
            if kernel is not None:
                kernel.discard()
            return run()
    except PapermillExecutionError as exc:
        failed = _keep_failed(notebook, failed_folder, spec.stem)
        raise RunError(
            f"Laporan {spec.name} gagal di sel {exc.exec_count}: {exc.ename}: "
            f"{exc.evalue}. "
            + (f"Notebook yang gagal disimpan di {failed}; " if failed else "")
            + "laporan sebelumnya tidak diubah.") from exc
    except Exception as exc:
        failed = _keep_failed(notebook, failed_folder, spec.stem)
        raise RunError(
            f"Laporan {spec.name} gagal dijalankan: {_cause(exc, work)}. "
            + (f"Notebook yang gagal disimpan di {failed}; " if failed else "")
            + "laporan sebelumnya tidak diubah.") from exc


def _died_at_start(exc: Exception) -> bool:
    """Return whether a kernel ended before it replied to its first request, before any cell."""
    # KernelDied is raised by a kept kernel's client, the RuntimeError by
    # jupyter_client 8.10 for a kernel that papermill starts.
    return isinstance(exc, KernelDied) or (
        type(exc) is RuntimeError and str(exc).startswith("Kernel died before replying"))


def _cause(exc: Exception, folder: Path | None = None) -> str:
    """Return why a notebook did not run, in Indonesian where the cause is known.

    ``folder`` is named for a file error that names no file, such as a full disk.
    """
    from nbclient.exceptions import CellTimeoutError, DeadKernelError  # noqa: PLC0415

    # jupyter_client raises a plain RuntimeError when a new kernel ends before its first reply.
    if isinstance(exc, (DeadKernelError, KernelDied)) or (
            isinstance(exc, RuntimeError) and str(exc).startswith("Kernel died")):
        return ("kernel Jupyter berhenti sebelum laporan selesai, misalnya karena kehabisan "
                f"memori atau prosesnya dimatikan ({type(exc).__name__})")
    if isinstance(exc, CellTimeoutError):
        return ("sebuah sel notebook tidak selesai dalam batas waktu eksekusinya "
                f"({type(exc).__name__})")
    if is_file_error(exc):
        # The operating system's own text is English.
        return failure_reason(exc, folder)
    return f"{type(exc).__name__}: {exc}"


def _keep_failed(notebook: Path, target: Path | None, stem: str) -> Path | None:
    if target is None or not notebook.exists():
        return None
    target.mkdir(parents=True, exist_ok=True)
    failed = target / f"{stem}{FAILED_SUFFIX}"
    shutil.copyfile(notebook, failed)
    return failed


def _export_html(nb, html: Path, title: str) -> None:
    """Convert an executed notebook node, which this changes, to one HTML page without code."""
    nb.metadata["title"] = title
    for cell in nb.cells:
        # Library warnings printed by the kernel belong to the analyst, not the report.
        cell["outputs"] = [o for o in cell.get("outputs", [])
                           if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    body, _ = _html_exporter().from_notebook_node(
        nb, resources={"iku_css": REPORT_CSS.read_text(encoding="utf-8")})
    html.write_text(body, encoding="utf-8")


def prepare_html_export() -> None:
    """Build this thread's HTML exporter and compile its templates on a tiny notebook.

    The first conversion in a process compiles nbconvert's Jinja templates.
    """
    import nbformat  # noqa: PLC0415

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("Laporan"))
    _html_exporter().from_notebook_node(nb, resources={"iku_css": ""})


def _html_exporter():
    """Return this thread's HTML exporter, made once: building one compiles its templates.

    A batch worker converts many reports, and a Dask worker may convert them
    in several threads, so each thread keeps its own.
    """
    exporter = getattr(_EXPORTERS, "html", None)
    if exporter is None:
        from nbconvert.preprocessors import TagRemovePreprocessor  # noqa: PLC0415

        from iku_nb.page import ReportExporter  # noqa: PLC0415 - imports nbconvert

        exporter = ReportExporter(
            template_name="iku", extra_template_basedirs=[str(TEMPLATE_DIR)],
            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
            language_code="id")
        exporter.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags={"hapus-dari-laporan"}), enabled=True)
        _EXPORTERS.html = exporter
    return exporter


def _check_period(spec: ReportSpec, dataset) -> None:
    """Raise NoDataError when an indicator of the report has neither data nor a target."""
    katalog = dataset.katalog
    indikator = (katalog.indikator if spec.params.bidang is None
                 else katalog.indikator_of_bidang(spec.params.bidang))
    api.check_period(dataset, spec.params.tahun, spec.params.triwulan, indikator)


def _check_inputs_unchanged(spec: ReportSpec, before, katalog: Path | None) -> None:
    """Fail the run when a data file or the catalogue changed while the notebook ran.

    The manifest records the files as checked before the run; a file saved
    meanwhile would make the report disagree with its manifest.
    """
    after = inspect(before.data_dir, katalog)
    changed = sorted(name for name in set(before.fingerprints) | set(after.fingerprints)
                     if before.fingerprints.get(name) != after.fingerprints.get(name))
    if before.katalog_sha256 != after.katalog_sha256:
        changed.append(before.katalog_path.name)
    if changed:
        raise RunError(
            f"Laporan {spec.name} tidak ditulis: {', '.join(changed)} berubah selama laporan "
            "disusun. Jalankan lagi setelah berkas selesai disimpan; laporan sebelumnya "
            "tidak diubah.")


def _promote(files: dict[str, Path], target: Path, stem: str, name: str) -> ReportFiles:
    """Move finished files into the report folder: all of them, or none.

    The previous report's files, including a format not written this time
    (a PDF from an earlier html,pdf run) and an older failure, are moved
    aside into the staging folder first, because they would no longer match
    the new report. When a move fails, the new files already moved in are
    removed and the previous files go back, so the folder keeps the previous
    report whole.

    Raises
    ------
    RunError
        Naming the report file that could not be moved.
    """
    target.mkdir(parents=True, exist_ok=True)
    aside = next(iter(files.values())).parent / "sebelumnya"
    aside.mkdir()
    previous = [target / f"{stem}{suffix}" for suffix in REPORT_SUFFIXES]
    moved_aside: list[Path] = []
    moved_in: list[Path] = []
    promoted = {}
    current = target
    try:
        for old in previous:
            current = old
            if old.exists():
                os.replace(old, aside / old.name)
                moved_aside.append(old)
        for kind, path in files.items():
            current = target / path.name
            os.replace(path, current)
            moved_in.append(current)
            promoted[kind] = current
    except OSError as exc:
        outcome = ("Laporan sebelumnya tidak diubah."
                   if _put_back(moved_in, moved_aside, aside) else _keep_aside(aside, name))
        raise RunError(f"Laporan {name} tidak dapat dipasang: berkas {current} tidak dapat "
                       f"diganti ({os_cause(exc)}). {outcome}") from exc
    log.info("laporan ditulis ke %s", target)
    dropped = [kind for kind in ("html", "pdf")
               if kind not in files and target / f"{stem}.{kind}" in moved_aside]
    return ReportFiles(promoted, dropped)


def _put_back(moved_in: list[Path], moved_aside: list[Path], aside: Path) -> bool:
    """Remove the new files moved in, return the previous ones, and report whether all went back."""
    whole = True
    for path in moved_in:
        try:
            path.unlink()
        except OSError as exc:
            log.error("berkas baru %s tidak dapat dihapus: %s", path, exc)
            whole = False
    for old in moved_aside:
        try:
            os.replace(aside / old.name, old)
        except OSError as exc:
            log.error("berkas lama %s tidak dapat dikembalikan: %s", old, exc)
            whole = False
    return whole


def _keep_aside(aside: Path, name: str) -> str:
    """Move the previous files that did not go back out of the work folder, which is deleted.

    Return the sentence for the error message that names their new folder.
    """
    try:
        rescue = Path(tempfile.mkdtemp(prefix=f"{name}-sebelumnya-", dir=aside.parent.parent))
        os.replace(aside, rescue / aside.name)
    except OSError as exc:
        log.error("berkas lama di %s tidak dapat disimpan: %s", aside, exc)
        return "Sebagian berkas laporan sebelumnya tidak dapat dikembalikan."
    return (f"Sebagian berkas laporan sebelumnya tidak dapat dikembalikan, jadi salinannya "
            f"disimpan di {rescue / aside.name}.")
