"""The ``laporan`` command: expand the options, run the reports, show the results.

The options become a matrix of reports (iku_nb.matrix), the reports run in
parallel worker processes (iku_nb.pool), and ``<output>/index.html`` lists
every report on disk afterwards (iku_nb.index).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from rich.text import Text

from iku_nb.analysis import PERIOD_FORM, analysis_period, parse_analysis, warn_missing
from iku_nb.errors import ParameterError, os_cause
from iku_nb.formatting import angka, detik
from iku_nb.outputlock import (
    HELD_ERRNOS,
    LOCK_NAME,
    OutputBusyError,
    lock_exclusive,
    unlock,
)
from iku_nb.parse import THOUSANDS, parse_number
from iku_nb.paths import path_option
from iku_nb.pool import (
    DEFAULT_TIMEOUT,
    FAILED,
    SUCCEEDED,
    TIMED_OUT,
    LocalPool,
    ReportResult,
    WarmKernelRunner,
    default_jobs,
    remove_staging,
    run_batch,
    terminate_as_exit,
)
from iku_nb.run import STAGING, ReportSpec

log = logging.getLogger("iku_nb")
# The exit status when the batch ran but a report failed or timed out, or an
# input changed while it ran. Input rejected before any report starts exits
# with 2, as in the other commands, so a script can tell the two apart.
EXIT_REPORTS_FAILED = 1

# Printed after the batch is stopped with Ctrl-C or a signal.
UNFINISHED = ("Laporan yang belum selesai tidak diubah; laporan yang selesai sebelum itu sudah "
              "tersimpan.")
_MATRIX_OPTIONS = ("tahun", "triwulan", "bidang")
# The range of --timeout in seconds. Messages print a tenth of a second, and
# a value above a week is taken for a typing error.
MIN_TIMEOUT, MAX_TIMEOUT = 0.1, 7 * 24 * 3600


def add_report_command(commands, data_options) -> None:
    """Register ``iku-nb laporan``: run a matrix of reports, then write the index page."""
    report = commands.add_parser(
        "laporan", help="susun banyak laporan sekaligus dengan papermill",
        description=(
            "Susun setiap laporan dari tahun × (setahun atau triwulan) × (badan dan/atau "
            "bidang) di beberapa proses pekerja sekaligus, lalu tulis <output>/index.html. "
            "--bidang semua = laporan seluruh badan ditambah satu laporan per bidang; "
            "--bidang poldagri = hanya laporan bidang itu. Urutan sumber parameter: "
            "-f, lalu -p, lalu opsi --tahun/--triwulan/--bidang/--data/--katalog. "
            "Kode keluar: 0 bila semua laporan berhasil, 1 bila ada laporan yang gagal "
            "atau melewati batas waktu atau data berubah selama batch berjalan, 2 bila "
            "data, parameter atau folder keluaran ditolak sebelum laporan mana pun dimulai, "
            "3 bila folder keluaran sedang dipakai `iku-nb laporan` atau `iku-nb verifikasi` "
            "lain."))

    data_options(report)
    report.set_defaults(data=None)  # so that -f and -p can set data when --data is absent
    report.add_argument("--tahun", help="tahun, daftar atau rentang: 2025, 2024,2025 "
                        "atau 2023-2025")
    report.add_argument("--triwulan", help="1 sampai 4, daftar seperti 1,2, atau semua; "
                        "kosongkan untuk laporan setahun")
    report.add_argument("--bidang", help="kode bidang dari katalog, daftar kode, atau semua "
                        "(seluruh badan dan setiap bidang); kosongkan untuk laporan seluruh "
                        "badan saja")

    report.add_argument("--format", default="html",
                        help="html, pdf atau html,pdf (bawaan: html; HTML selalu dibuat)")
    report.add_argument("--output", type=path_option, default=Path("output"),
                        help="folder laporan (bawaan: output/)")
    report.add_argument("--jobs", "-j", type=_positive_int, default=None,
                        help=f"jumlah laporan yang berjalan bersamaan (bawaan: jumlah inti "
                        f"prosesor, di mesin ini {default_jobs()})")
    report.add_argument("--timeout", type=_timeout_seconds, default=DEFAULT_TIMEOUT,
                        help="batas waktu satu laporan dalam detik; laporan yang melewatinya "
                        f"dihentikan (bawaan: {DEFAULT_TIMEOUT})")
    report.add_argument("--kernel-baru", action="store_true",
                        help="jalankan setiap laporan di proses dan kernel Jupyter baru; lebih "
                        "lambat, tetapi tiap laporan terpisah penuh (bawaan: setiap proses "
                        "memakai satu kernel untuk laporan-laporannya secara berurutan)")
    report.add_argument("--cluster", metavar="ALAMAT",
                        help="alamat penjadwal Dask, misalnya tcp://10.0.0.5:8786; laporan "
                        "dijalankan di pekerja klaster itu, dan folder data serta --output "
                        "harus terbaca dan tertulis dengan jalur yang sama di setiap mesin")

    report.add_argument("-f", "--parameters-file", type=path_option, metavar="BERKAS",
                        help="berkas YAML parameter, seperti papermill -f")
    report.add_argument("-p", "--parameters", nargs=2, action="append", default=[],
                        metavar=("NAMA", "NILAI"),
                        help="satu parameter, seperti papermill -p; boleh diulang")
    report.set_defaults(handler=_laporan, interrupted=UNFINISHED)


def _laporan(args: argparse.Namespace) -> int:
    # Workers and their kernels start while this process reads and checks the
    # data, so that the forkserver's imports (about 1.8 s of CPU on the
    # benchmark machine) and the kernels' start overlap the check.
    if args.cluster:
        from iku_nb.cluster import check_address, require_distributed  # noqa: PLC0415

        # Before the data check, so that nothing is read or written in vain.
        check_address(args.cluster)
        require_distributed()
    pool = None if args.cluster or args.kernel_baru else _local_pool(args)
    try:
        return _check_and_run(args, pool)
    except BaseException:
        if pool is not None:
            pool.abort()
        raise


def _local_pool(args: argparse.Namespace) -> LocalPool:
    """Return the pool of workers that keep their kernels, with its first workers starting."""
    pool = LocalPool(args.output.resolve(), args.jobs, args.timeout, reports_per_worker=None,
                     runner=WarmKernelRunner(fork_first=True))
    pool.start_workers_in_background(early_workers(args))
    return pool


def early_workers(args: argparse.Namespace) -> int:
    """Return how many workers to start before the data is checked.

    As many as the options name reports, up to ``--jobs``, so that a single
    report does not share the cores with a kernel that it never uses.
    ``--bidang semua`` counts as more reports than workers, because the
    catalogue that lists the bidang is read only with the data, and so is a
    parameters file, which therefore counts as one report. An invalid value
    counts as one report; the data check reports it.
    """
    from iku_nb.matrix import ALL, parse_tahun, parse_triwulan  # noqa: PLC0415

    matrix = {name: value for name, value in args.parameters if name in _MATRIX_OPTIONS}
    matrix.update({name: getattr(args, name) for name in _MATRIX_OPTIONS
                  if getattr(args, name) is not None})
    jobs = args.jobs or default_jobs()
    bidang = str(matrix.get("bidang") or "")
    if bidang.strip().casefold() == ALL:
        return jobs
    counts = [len(parse_tahun(matrix["tahun"], [])) if "tahun" in matrix else 1,
              len(parse_triwulan(matrix.get("triwulan"), [])),
              len([code for code in bidang.split(",") if code.strip()]) or 1]
    return max(1, min(jobs, math.prod(counts)))


def _check_and_run(args: argparse.Namespace, pool: LocalPool | None) -> int:
    from iku_nb.cli import console  # noqa: PLC0415 - cli imports this module lazily
    from iku_nb.dataset import load  # noqa: PLC0415
    from iku_nb.index import write_index  # noqa: PLC0415
    from iku_nb.matrix import (  # noqa: PLC0415
        check_before_data,
        expand,
        merge_parameters,
        read_parameters_file,
    )
    from iku_nb.paths import resolve  # noqa: PLC0415

    file_values = read_parameters_file(args.parameters_file) if args.parameters_file else {}
    # Paths given as options are resolved from the current folder. Paths from
    # -f and -p are passed on unchanged, so run_report resolves them from the
    # project folder as the notebooks do.
    options = {"tahun": args.tahun, "triwulan": args.triwulan, "bidang": args.bidang,
               "data": None if args.data is None else str(args.data.resolve()),
               "katalog": None if args.katalog is None else str(args.katalog.resolve())}
    raw = merge_parameters(file_values, args.parameters, options)
    check_before_data(raw, args.format)
    if args.output.exists() and not args.output.is_dir():
        raise ParameterError(f"--output {args.output} adalah berkas, bukan folder; pilih "
                             "folder laporan.")
    _check_analysis_period(file_values, raw, args)
    _check_paths(raw, args.parameters_file)
    for name in ("data", "katalog"):
        _reject_ambiguous_path(raw.get(name), name, args)
    katalog = raw.get("katalog")
    dataset = load(resolve(str(raw.get("data") or "data")),
                   None if katalog in (None, "") else resolve(str(katalog)))
    analysis_source = _analysis_source(raw, args.parameters_file)
    # Checked before the matrix, so an unknown key is reported with its file.
    parse_analysis(raw.get("analisis"), dataset.katalog.indikator_codes, analysis_source)
    specs = expand(raw, args.format, dataset.katalog, dataset.years)
    _warn_missing_analysis(raw.get("analisis"), analysis_source, specs, dataset.katalog)
    _warn_renstra_estimates(dataset.katalog, dataset.katalog_path, specs)
    _warn_bidang_without_indikator(dataset.katalog, dataset.katalog_path, raw.get("bidang"))
    try:
        args.output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(args.output, exc) from exc
    _check_report_folders(args.output, specs)
    with _output_lock(args.output):
        # A batch killed outright (kill -9, power loss) leaves its reports' staging
        # folders. No other batch can be using them while this one holds the lock.
        for spec in specs:
            remove_staging(args.output, spec)
        return _run_matrix(args, specs, dataset, console, write_index, pool)


def _check_report_folders(output: Path, specs: list[ReportSpec]) -> None:
    """Reject a file that has the name of a report folder, such as a file output/2025.

    Checked before any report runs, so that no report is made only to fail
    when it is published.
    """
    blocking: dict[Path, list[str]] = {}
    for spec in specs:
        parts = spec.folder(output).relative_to(output).parts
        for depth in range(1, len(parts) + 1):
            candidate = output.joinpath(*parts[:depth])
            if candidate.exists() and not candidate.is_dir():
                blocking.setdefault(candidate, []).append(spec.name)
                break
    if blocking:
        lines = [f"{path} adalah berkas, padahal laporan {', '.join(names)} ditulis di dalam "
                 "folder bernama itu" for path, names in blocking.items()]
        raise ParameterError("Folder laporan tidak dapat dibuat:\n"
                             + "\n".join(f"  - {line}" for line in lines)
                             + "\nPindahkan atau ganti nama berkas itu, lalu jalankan lagi.")


def _unwritable(output: Path, exc: OSError) -> ParameterError:
    """Return the error for an output folder that cannot be created or written."""
    return ParameterError(f"Folder keluaran {output} tidak dapat ditulis: {os_cause(exc)}. "
                          "Periksa izinnya atau pilih --output lain.")


def _check_analysis_period(file_values: dict, raw: dict, args: argparse.Namespace) -> None:
    """Reject a parameters file's analysis text for reports of another period.

    Analysts write that text for one period, named in ``analisis.periode``,
    so a tahun or triwulan changed with -p or an option would print it in
    another period's reports. Analysis text given with -p replaces the
    file's and is checked by each report, as in a notebook.
    """
    if not file_values.get("analisis") or raw.get("analisis") is not file_values["analisis"]:
        return
    written_for = analysis_period(file_values["analisis"])
    if written_for is None or not PERIOD_FORM.fullmatch(written_for):
        return  # parse_analysis names the file and the missing or malformed period
    tahun, triwulan = raw.get("tahun"), raw.get("triwulan")
    requested = f"{tahun}".strip().lower()
    if triwulan not in (None, ""):
        requested += f"-tw{str(triwulan).strip().lower()}"
    from iku_nb.period import Period  # noqa: PLC0415 - keeps the command's start light

    with contextlib.suppress(ValueError, TypeError):
        # A single period as numbers, so that "02" is triwulan 2 as elsewhere.
        requested = Period(int(str(tahun)), None if triwulan in (None, "")
                           else int(str(triwulan))).slug
    if requested == written_for:
        return
    pairs = dict(args.parameters)
    sources = [f"-p {name}" if name in pairs and getattr(args, name) is None else f"--{name}"
               for name in ("tahun", "triwulan")
               if str(file_values.get(name)) != str(raw.get(name))]
    raise ParameterError(
        f"Berkas {args.parameters_file} berisi analisis untuk periode {written_for} "
        f"(analisis.periode), tetapi {' dan '.join(sources) or 'berkas itu'} meminta tahun "
        f"{tahun}" + ("" if triwulan in (None, "") else f" triwulan {triwulan}")
        + ", sehingga teks itu akan tercetak di laporan periode lain. Pakai berkas parameter "
        "untuk periode itu, atau jalankan tanpa -f untuk laporan dengan kotak analisis yang "
        "belum diisi.")


def _check_paths(raw: dict, parameters_file: Path | None) -> None:
    """Reject a data or katalog parameter that is not a path, before it is used as one."""
    from iku_nb.yamlfile import describe_value  # noqa: PLC0415

    for name, kind in (("data", "folder"), ("katalog", "berkas")):
        value = raw.get(name)
        if value in (None, "") or isinstance(value, (str, os.PathLike)):
            continue
        where = f"Berkas {parameters_file}" if parameters_file else "Parameter -p"
        raise ParameterError(f"{where}: {name} tertulis {describe_value(value)}, padahal harus "
                             f"jalur {kind}, misalnya {name}: "
                             f"{'data' if name == 'data' else 'data/katalog.yaml'}.")


def _reject_ambiguous_path(value: object, name: str, args: argparse.Namespace) -> None:
    """Reject a relative path from -f or -p that names another file or folder here.

    Such a path is read from the project folder, as in the notebooks, so a
    folder of the same name in the current folder would silently not be used.
    """
    from iku_nb.paths import resolve, working_folder_reading  # noqa: PLC0415

    if not isinstance(value, str) or not value.strip():
        return
    path = Path(value).expanduser()
    from_here = working_folder_reading(path)
    if from_here is None:
        return
    where = ("Parameter -p" if name in dict(args.parameters)
             else f"Berkas {args.parameters_file}")
    raise ParameterError(
        f"{where}: {name} {value} dibaca dari folder proyek ({resolve(path)}), tetapi folder "
        f"tempat perintah dijalankan juga berisi {value} ({from_here}). Tulis jalur lengkap "
        f"yang dimaksud, misalnya --{name} {from_here}.")


def _analysis_source(raw: dict, parameters_file: Path | None) -> str:
    """Name where the analysts' text comes from, for warnings and errors."""
    if parameters_file is not None:
        return str(parameters_file)
    return "parameter -p analisis" if "analisis" in raw else "(tanpa berkas -f)"


def _warn_renstra_estimates(katalog, path: Path, specs: list[ReportSpec]) -> None:
    """Warn about each Renstra end target, shown in these reports, that is still an estimate."""
    reported = {i.kode for s in specs
             for i in (katalog.indikator if s.params.bidang is None
                       else katalog.indikator_of_bidang(s.params.bidang))}
    for ind in katalog.indikator:
        target = ind.target_renstra
        if ind.kode in reported and target is not None and target.perkiraan:
            log.warning("%s: target akhir Renstra %s (%s untuk tahun %d) masih perkiraan; "
                        "laporan menyebutnya perkiraan. Setelah dikonfirmasi dengan dokumen "
                        "Renstra, hapus perkiraan: true di katalog.", path.name, ind.kode,
                        angka(target.nilai, ind.desimal) + ("%" if ind.satuan == "%" else ""),
                        target.tahun)


def _warn_bidang_without_indikator(katalog, path: Path, bidang) -> None:
    """Warn that ``--bidang semua`` leaves out each bidang that is penanggung jawab of no IKU."""
    from iku_nb.matrix import names_all_bidang  # noqa: PLC0415

    if not names_all_bidang(bidang):
        return
    for unit in katalog.bidang:
        if not katalog.indikator_of_bidang(unit.kode):
            log.warning("%s: bidang %s (%s) bukan penanggung jawab satu IKU pun, jadi tidak "
                        "dibuatkan laporan bidang.", path.name, unit.kode, unit.nama)


def _warn_missing_analysis(value, source: str, specs: list[ReportSpec], katalog) -> None:
    """Warn, naming the parameters file, about each indicator still without analyst text."""
    sets = [[i.kode for i in (katalog.indikator if s.params.bidang is None
                              else katalog.indikator_of_bidang(s.params.bidang))]
            for s in specs]
    for warning in warn_missing(value, sets, katalog.indikator_codes, source):
        log.warning("%s", warning)


def _run_matrix(args, specs, dataset, console, write_index, pool: LocalPool | None) -> int:
    err = console(stderr=True)
    jobs = min(args.jobs or default_jobs(), len(specs))
    if pool is not None:
        pool.slots = jobs
    where = ""
    if args.cluster:
        from iku_nb.cluster import DaskPool  # noqa: PLC0415 - distributed loads slowly

        pool = DaskPool(args.cluster, args.output, args.timeout, jobs=args.jobs,
                        fresh_kernel=args.kernel_baru)
        jobs = pool.slots
        where = f" di klaster {args.cluster}"
    kernels = "kernel baru per laporan" if args.kernel_baru else "kernel dipakai ulang"
    bidang_names = {b.kode: b.nama for b in dataset.katalog.bidang}
    try:
        # The opening line comes after SIGTERM is caught, so that a script
        # that stops the batch once it has started always gets the message.
        with terminate_as_exit():
            err.print(f"Menyusun {len(specs)} laporan dari data {dataset.data_dir} dengan "
                      f"{jobs} proses sekaligus{where} "
                      f"({kernels}, batas waktu {detik(args.timeout)} detik per laporan) ke "
                      f"{args.output}.")
            with _ProgressDisplay(err, len(specs)) as display:
                results = run_batch(specs, args.output, jobs, args.timeout, listener=display,
                                    keep_kernel=not args.kernel_baru, pool=pool)
    except (KeyboardInterrupt, SystemExit):
        write_index(args.output, bidang_names)
        raise
    index = write_index(args.output, bidang_names)

    changed = inputs_changed(results, dataset)
    for result in results:
        if result.name in changed:
            note = f"dibuat dari {', '.join(changed[result.name])} yang sudah berubah"
            result.reason = f"{result.reason}; {note}" if result.reason else note
    console().print(summary_table(results, args.output))
    failed = [r for r in results if r.status != SUCCEEDED]
    counts = ", ".join(f"{sum(r.status == s for r in results)} {s}"
                       for s in (SUCCEEDED, FAILED, TIMED_OUT))
    err.print(f"{counts}. Daftar laporan: {_display_path(index, args.output)}")
    if changed:
        files = sorted({name for names in changed.values() for name in names})
        err.print(f"Peringatan: {', '.join(files)} berubah selama batch berjalan, sehingga "
                  f"{len(changed)} laporan ({', '.join(changed)}) dibuat dari isi yang lain "
                  "daripada yang diperiksa di awal. Jalankan ulang batch agar semua laporan "
                  "memakai data yang sama.")
    return EXIT_REPORTS_FAILED if failed or changed else 0


def inputs_changed(results: Sequence[ReportResult], dataset) -> dict[str, list[str]]:
    """Return, per written report, the input files that differ from those checked at the start.

    A file saved while the batch runs makes the reports after it use the new
    content, so the reports of one batch would disagree. The manifest of each
    report records the SHA-256 of the catalogue and of every table it read.
    """
    def fingerprints(inputs: list[dict], katalog: dict) -> dict[str, str | None]:
        found = {record.get("sumber"): record.get("sha256") for record in inputs}
        found[Path(str(katalog.get("berkas"))).name] = katalog.get("sha256")
        return found

    from iku_nb.dataset import sha256  # noqa: PLC0415 - loads pandas

    katalog = {"berkas": str(dataset.katalog_path),
               "sha256": dataset.katalog_sha256 or sha256(dataset.katalog_path)}
    checked = fingerprints(dataset.inputs, katalog)
    changed = {}
    for result in results:
        path = result.files.get("manifest")
        if result.status != SUCCEEDED or path is None:
            continue
        try:
            recorded = json.loads(Path(path).read_text(encoding="utf-8"))
            used = fingerprints(recorded["masukan"], recorded["katalog"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # verifikasi reports a damaged manifest; this check only compares inputs.
            continue
        differing = sorted(name for name in set(checked) | set(used)
                           if checked.get(name) != used.get(name))
        if differing:
            changed[result.name] = differing
    return changed


@contextlib.contextmanager
def _output_lock(output: Path):
    """Hold an exclusive lock on the output folder, or fail at once if another run has it.

    Two batches writing one folder would race on the same report files and
    on index.html, so the second one stops before it starts any report. A
    running ``iku-nb verifikasi`` holds a shared lock on the same file
    (iku_nb.outputlock), which stops the batch too.
    """
    try:
        handle = open(output / LOCK_NAME, "a+")
    except OSError as exc:
        raise _unwritable(output, exc) from exc
    with handle:
        try:
            lock_exclusive(handle.fileno())
        except OSError as exc:
            if exc.errno not in HELD_ERRNOS:
                raise ParameterError(
                    f"Folder keluaran {output} tidak dapat dikunci, karena {output / LOCK_NAME} "
                    f"menolak kunci berkas: {os_cause(exc)}. Pilih --output di sistem berkas "
                    "yang mendukung kunci berkas, misalnya disk lokal.") from exc
            raise OutputBusyError(
                f"Folder {output} sedang dipakai oleh `iku-nb laporan` lain atau sedang "
                "dibaca `iku-nb verifikasi`; tunggu sampai selesai atau pilih --output "
                "lain.") from exc
        try:
            yield
        finally:
            # Each report stages its files in a folder of its own in STAGING
            # and removes it, so the emptied STAGING goes too.
            with contextlib.suppress(OSError):
                (output / STAGING).rmdir()
            unlock(handle.fileno())


def summary_table(results: Sequence[ReportResult], output: Path | None = None):
    """Return a rich table with one row per report: status, seconds, files and reason.

    File paths under ``output`` are shown under it as the user wrote it, not
    as the workers resolved it (through a symbolic link, for example).
    """
    from rich.table import Table  # noqa: PLC0415

    table = Table(title="Ringkasan laporan")
    table.add_column("laporan")
    table.add_column("status")
    table.add_column("waktu (detik)", justify="right")
    table.add_column("berkas", overflow="fold")
    table.add_column("keterangan", overflow="fold")
    styles = {SUCCEEDED: "green", FAILED: "red", TIMED_OUT: "red"}
    for result in results:
        files = "\n".join(_display_path(result.files[kind], output) for kind in ("html", "pdf")
                          if kind in result.files)
        seconds = f"{result.seconds:.1f}".replace(".", ",")
        table.add_row(result.name, Text(result.status, style=styles[result.status]), seconds,
                      files or "–", result.reason or "–")
    return table


class _ProgressDisplay:
    """A rich progress bar on stderr: running report names, done/total and elapsed time."""

    def __init__(self, console, total: int) -> None:
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = console
        self.running: list[str] = []
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(),
                                 console=console, transient=False)
        self.task = self.progress.add_task("mulai", total=total)

    def __enter__(self) -> _ProgressDisplay:
        self.progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.progress.stop()

    def started(self, spec: ReportSpec) -> None:
        self.running.append(spec.name)
        self._describe()

    def finished(self, result: ReportResult) -> None:
        self.running.remove(result.name)
        style = "green" if result.status == SUCCEEDED else "red"
        seconds = f"{result.seconds:.1f}".replace(".", ",")
        line = Text(result.status, style=style)
        line.append(f" {result.name} ({seconds} detik)")
        if result.status == SUCCEEDED and result.reason:
            line.append(f": {result.reason}", style="yellow")
        self.progress.console.print(line)
        self.progress.advance(self.task)
        self._describe()

    def _describe(self) -> None:
        names = ", ".join(self.running) or "selesai"
        self.progress.update(self.task, description=f"berjalan: {names}")


def _display_path(path: Path, output: Path | None = None) -> str:
    path = Path(path)
    if output is not None and path.is_relative_to(output.resolve()):
        path = output / path.relative_to(output.resolve())
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _positive_int(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} tidak sah: harus bilangan bulat 1 atau "
                                         "lebih, misalnya 4")
    return int(value)


def _timeout_seconds(value: str) -> float:
    """Read --timeout: seconds with a decimal comma or point, such as 900, 0,5 or 0.5.

    "1.800" or "1,800" is rejected because one writer means 1800 seconds and another 1,8.
    """
    ambiguous = THOUSANDS.fullmatch(value.strip().lstrip("+-")) is not None or "%" in value
    number = None if ambiguous else parse_number(value)
    # Compared as written: Decimal("0.1") is less than the float 0.1.
    if number is None or not Decimal(str(MIN_TIMEOUT)) <= number <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"{value!r} tidak sah: harus jumlah detik dari {detik(MIN_TIMEOUT)} sampai "
            f"{MAX_TIMEOUT} (7 hari), tanpa pemisah ribuan, misalnya 900 atau 0,5")
    return float(number)
