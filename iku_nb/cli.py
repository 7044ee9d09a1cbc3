"""The ``iku-nb`` command: argument parsing and messages only."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import ClassVar

from rich.console import Console
from rich.padding import Padding
from rich.table import Table

from iku_nb import api
from iku_nb.dataset import inspect, load
from iku_nb.entry import EXIT_INTERRUPTED
from iku_nb.errors import (
    CatalogueError,
    DataError,
    IkuError,
    Terminated,
    failure_reason,
    os_cause,
)
from iku_nb.formatting import waktu_tercatat
from iku_nb.outputlock import OutputBusyError, output_root, shared_lock
from iku_nb.params import parse_parameters
from iku_nb.paths import path_option, resolve
from iku_nb.problems import Problem
from iku_nb.registry import printed
from iku_nb.values import Nilai

log = logging.getLogger("iku_nb")
EXIT_DATA = 2
# The output folder is locked by another run: laporan found another batch or a
# verifikasi there, or verifikasi waited for a batch until --tunggu ran out.
EXIT_BUSY = 3
STDOUT_NAME = "keluaran standar (stdout)"
# Default seconds that verifikasi waits for a batch writing to the same output
# folder. An estimate, not a measurement: long enough for a batch that is
# under way to finish, and bounded so that a script beside a stuck batch ends.
DEFAULT_WAIT = 600
# The maximum --tunggu; a value above a week is taken for a typing error.
MAX_WAIT = 7 * 24 * 3600
LOG_LEVELS = ["debug", "info", "warning", "error"]
# 128 + SIGPIPE, as a shell reports a command whose reader went away.
EXIT_BROKEN_PIPE = 141


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader of the output (head, for example) has stopped, so the
        # command stops quietly, as other Unix tools do.
        _discard_stdout()
        return EXIT_BROKEN_PIPE


def _discard_stdout() -> None:
    """Point descriptor 1 at os.devnull, so that the output still buffered goes nowhere.

    Python flushes stdout again at exit, and a second failure there would
    end the command with status 120 instead of its own.
    """
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler = log_handler(everything=args.debug or args.log_level == "debug")
    logging.basicConfig(level=getattr(logging, args.log_level.upper()), handlers=[handler])
    err = console(stderr=True)
    if sys.stdout is None:
        # Python sets sys.stdout to None when descriptor 1 is closed at start,
        # and print() then writes nothing, so a script would get no result.
        err.print(f"Galat: {STDOUT_NAME} tertutup, jadi hasil perintah ini tidak "
                  "dapat ditulis. Jalankan lagi dengan keluaran ke layar, berkas atau pipa.",
                  style="bold red")
        return 1
    original_stdout = sys.stdout
    sys.stdout = _NamedStdout(sys.stdout)
    try:
        status = _run(args, err)
        # Output to a file or pipe is buffered, so its last part is written
        # here. At exit, a failure would end the command with status 120 and
        # no message.
        sys.stdout.flush()
        return status
    except OSError as exc:
        # Writing stdout failed in the handler, in a message about another
        # error, or in the flush.
        if not _is_stdout_error(exc) or args.debug:
            raise
        err.print(f"Galat: {STDOUT_NAME} tidak dapat ditulis: {os_cause(exc)}, jadi hasil "
                  "perintah ini tidak lengkap. Arahkan keluaran ke tempat yang dapat ditulis, "
                  "lalu jalankan lagi.")
        _discard_stdout()
        return 1
    finally:
        sys.stdout = original_stdout


def _run(args: argparse.Namespace, err: Console) -> int:
    """Run the command's handler and turn each error into its message and exit status."""
    try:
        return args.handler(args)
    except OutputBusyError as exc:
        if args.debug:
            raise
        err.print(f"Galat: {exc}", style="bold red")
        return EXIT_BUSY
    except DataError as exc:
        if args.debug:
            raise
        if getattr(args, "format", None) == "json":
            # Scripts reading stdout get the problems as JSON, not a table.
            print(json.dumps([p.as_json() for p in exc.problems], ensure_ascii=False, indent=2))
        else:
            _print_problems(err, exc.problems)
        err.print(str(exc), style="bold red")
        return EXIT_DATA
    except IkuError as exc:
        if args.debug:
            raise
        if getattr(args, "format", None) == "json":
            # A script reading stdout gets a problem list here too, not nothing.
            catalogue = isinstance(exc, CatalogueError)
            code = "katalog-tidak-sah" if catalogue else "tidak-dapat-dijalankan"
            where = str(exc.path) if catalogue and exc.path is not None else ""
            print(json.dumps([Problem(code, where, str(exc)).as_json()], ensure_ascii=False,
                             indent=2))
        err.print(f"Galat: {exc}", style="bold red")
        return EXIT_DATA
    except BrokenPipeError:
        # Not an error to report: main() ends the command quietly.
        raise
    except KeyboardInterrupt:
        err.print(f"Dihentikan oleh pengguna. {args.interrupted}".strip())
        return EXIT_INTERRUPTED
    except Terminated as exc:
        err.print(f"Dihentikan oleh sinyal {exc.signal_name}. {args.interrupted}".strip())
        return exc.code
    except Exception as exc:
        # _main reports a failed write to stdout.
        if args.debug or _is_stdout_error(exc):
            raise
        reason = failure_reason(exc)
        prefix = "Galat: " if isinstance(exc, OSError) and not reason.startswith("galat") else ""
        err.print(f"{prefix}{reason[0].upper()}{reason[1:]}\n"
                  "Jalankan lagi dengan --debug untuk melihat jejak lengkapnya.")
        return 1


def _is_stdout_error(exc: BaseException) -> bool:
    """Return whether writing stdout failed for another reason than a closed pipe."""
    return (isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError)
            and exc.filename == STDOUT_NAME)


class _NamedStdout:
    """Standard output whose write errors name it, as the error of a file names the file.

    Without a name, a full disk behind ``> hasil.json`` reads as an unnamed
    file that could not be read or written.
    """

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return _named_errors(self._stream.write, text)

    def flush(self) -> None:
        _named_errors(self._stream.flush)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _named_errors(call, *args):
    """Call a method of stdout; raise its OSError again with stdout named as the file.

    A closed pipe stays a BrokenPipeError, which main ends quietly.
    """
    try:
        return call(*args)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, STDOUT_NAME) from exc


def log_handler(everything: bool) -> logging.Handler:
    """Return the handler that writes log lines to stderr, in Indonesian.

    Libraries (papermill, nbclient, jupyter_client) log in English, and
    iku-nb reports what they failed at in its own messages, so only iku-nb's
    lines are written unless ``everything`` (with --debug or --log-level debug).
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_IndonesianFormatter())
    if not everything:
        handler.addFilter(lambda record: record.name.partition(".")[0] == "iku_nb")
    return handler


class _IndonesianFormatter(logging.Formatter):
    """Prefix log lines with an Indonesian level name."""

    LEVELS: ClassVar[dict[str, str]] = {
        "DEBUG": "debug", "INFO": "info", "WARNING": "peringatan", "ERROR": "galat",
        "CRITICAL": "galat"}

    def format(self, record: logging.LogRecord) -> str:
        return f"{self.LEVELS.get(record.levelname, record.levelname)}: {record.getMessage()}"


def console(stderr: bool = False) -> Console:
    """Return a console that does not fold tables when the output is a file or pipe."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 240
    # Markup is off because messages quote the user's data, which may contain "[/]".
    return _Console(file=stream, width=width, highlight=False, markup=False)


class _Console(Console):
    """A rich console that reports a closed output pipe like print does, not as exit 1."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError


# argparse writes its own messages in English; these phrases become Indonesian.
_ARGPARSE_PHRASES = (
    ("the following arguments are required", "argumen wajib belum diisi"),
    ("unrecognized arguments", "argumen tidak dikenal"),
    ("invalid choice", "pilihan tidak sah"),
    ("choose from", "pilih dari"),
    ("expected one argument", "memerlukan satu nilai"),
    ("expected 2 arguments", "memerlukan dua nilai"),
    ("ambiguous option", "opsi ambigu"),
    ("could match", "cocok dengan"),
    ("invalid", "tidak sah:"),
    ("value", "nilai"),
    ("argument ", "argumen "),
)


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse passes an empty prefix when it builds a subcommand's name.
        super().add_usage(usage, actions, groups, "pemakaian: " if prefix is None else prefix)


# How to give several values at once, for the laporan options that take a list.
_ONCE_HINTS = {
    "tahun": "; untuk beberapa tahun tulis misalnya --tahun 2024,2025 atau 2023-2025",
    "triwulan": "; untuk beberapa triwulan tulis misalnya --triwulan 1,2 atau semua",
    "bidang": "; untuk beberapa bidang tulis misalnya --bidang iwasbang,poldagri",
    "format": "; untuk dua format tulis --format html,pdf",
    "parameters_file": "; gabungkan isi berkas-berkas parameternya menjadi satu berkas",
}


class _StoreOnce(argparse.Action):
    """Store an option's value, and reject the option a second time instead of keeping the last.

    argparse keeps the last of two values silently, so ``--tahun 2025 --tahun
    2024`` made only the 2024 report.
    """

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        seen = namespace.__dict__.setdefault("_given_options", set())
        if self.dest in seen:
            # Only laporan takes lists; hitung and periksa take one value.
            hint = _ONCE_HINTS.get(self.dest, "") if parser.prog.endswith(" laporan") else ""
            parser.error(f"{option_string} hanya boleh diberikan sekali{hint}")
        seen.add(self.dest)
        setattr(namespace, self.dest, values)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose help and errors are in Indonesian."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        # Every option that stores one value rejects a second one.
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)
        self._positionals.title = "argumen"
        self._optionals.title = "opsi"
        self.add_argument("-h", "--help", action="help",
                          help="tampilkan bantuan ini lalu keluar")

    def error(self, message: str) -> None:
        for english, indonesian in _ARGPARSE_PHRASES:
            message = message.replace(english, indonesian)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: galat: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="iku-nb", description="Hitung IKU dan susun laporan kinerja Bakesbangpol.",
        epilog="Kode keluar setiap perintah ada di bantuannya, misalnya "
        "`iku-nb laporan --help`. Setiap perintah keluar dengan 130 bila dihentikan dengan "
        "Ctrl-C, 143 bila dihentikan dengan SIGTERM, dan 141 bila pembaca keluarannya "
        "berhenti lebih dulu.")
    parser.add_argument("--version", action="version", version=_version(),
                        help="tampilkan versi iku-nb dan Python lalu keluar")
    parser.add_argument("--debug", action="store_true",
                        help="tampilkan jejak Python lengkap bila terjadi galat")
    parser.add_argument("--log-level", default="warning", choices=LOG_LEVELS,
                        help="tingkat catatan yang ditampilkan (bawaan: warning)")
    commands = parser.add_subparsers(dest="command", required=True, title="perintah",
                                     metavar="{periksa,hitung,laporan,verifikasi}")

    check = commands.add_parser(
        "periksa", help="periksa semua tabel pemantauan",
        description="Periksa semua tabel pemantauan dan katalognya, lalu tampilkan setiap "
        "masalah dengan berkas, baris, kolom dan nilainya. Kode keluar: 0 bila tidak ada "
        "galat (peringatan boleh ada), 2 bila ada galat di data atau katalog, 1 bila "
        "terjadi galat lain, misalnya daftar masalah tidak dapat ditulis.")
    _data_options(check)
    check.add_argument("--format", choices=["tabel", "json"], default="tabel",
                       help="bentuk keluaran daftar masalah")
    check.set_defaults(handler=_periksa, interrupted="")

    compute = commands.add_parser(
        "hitung", help="hitung IKU satu periode",
        description="Hitung setiap IKU untuk satu tahun atau satu triwulan. Kode keluar: "
        "0 bila angka dihitung, 2 bila data, katalog atau parameter ditolak, 1 bila "
        "terjadi galat lain, misalnya hasilnya tidak dapat ditulis.")
    _data_options(compute)
    compute.add_argument("--tahun", required=True, help="tahun pelaporan, misalnya 2025")
    compute.add_argument("--triwulan", help="1 sampai 4; kosongkan untuk setahun penuh")
    compute.add_argument("--format", choices=["tabel", "json"], default="tabel",
                         help="tabel untuk dibaca, json untuk skrip dan auditor")
    compute.set_defaults(handler=_hitung, interrupted="")

    from iku_nb.batch import add_report_command  # noqa: PLC0415 - keeps startup light

    add_report_command(commands, _data_options)

    audit = commands.add_parser(
        "verifikasi", help="jalankan ulang laporan dan bandingkan setiap angkanya",
        description="Menjalankan ulang notebook laporan dengan parameter yang tercatat, "
        "terhadap data sekarang, di folder sementara, lalu membandingkan setiap angka "
        "daftar angkanya dan keluaran setiap selnya, serta HTML dan PDF-nya dengan yang "
        "dibuat ulang dari notebook itu. Laporan yang "
        "diverifikasi tidak diubah. Kode keluar: 0 bila semua angka sama dan tidak ada "
        "masalah, 1 bila ada angka yang berbeda, berkas laporan diubah, atau isi sel tidak "
        "dapat dipastikan sama, 2 bila laporan tidak dapat dijalankan ulang, 3 bila "
        "`iku-nb laporan` masih menulis ke folder keluaran laporan itu setelah --tunggu "
        "detik.")
    audit.add_argument("path", type=path_option, metavar="LAPORAN",
                       help="notebook laporan yang sudah dijalankan, folder laporannya, atau "
                       "folder seperti output/ untuk memverifikasi semua laporan di dalamnya")
    audit.add_argument("--data", type=path_option,
                       help="folder data lain sebagai ganti folder yang tercatat di manifest")
    audit.add_argument("--katalog", type=path_option,
                       help="katalog lain sebagai ganti katalog yang tercatat di manifest")
    audit.add_argument("--tunggu", type=_wait_seconds, default=DEFAULT_WAIT, metavar="DETIK",
                       help="berapa detik menunggu bila `iku-nb laporan` sedang menulis ke "
                       "folder keluaran yang sama, sebelum berhenti dengan kode keluar "
                       f"{EXIT_BUSY}; 0 berarti tidak menunggu (bawaan: {DEFAULT_WAIT})")
    audit.set_defaults(handler=_verifikasi,
                       interrupted="Laporan yang diverifikasi tidak diubah.")
    for command in commands.choices.values():
        # Accepted after the command name too. SUPPRESS keeps a value given
        # before the name, which the command's own default would overwrite.
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                             help="tampilkan jejak Python lengkap bila terjadi galat; boleh "
                             "ditulis sebelum atau sesudah nama perintah")
        command.add_argument("--log-level", choices=LOG_LEVELS, default=argparse.SUPPRESS,
                             help="tingkat catatan yang ditampilkan (bawaan: warning); boleh "
                             "ditulis sebelum atau sesudah nama perintah")
    return parser


def _version() -> str:
    try:
        installed = metadata.version("iku-nb")
    except metadata.PackageNotFoundError:
        installed = "tidak terpasang"
    return f"iku-nb {installed} (Python {platform.python_version()})"


def _wait_seconds(value: str) -> int:
    if not value.strip().isdigit() or int(value) > MAX_WAIT:
        raise argparse.ArgumentTypeError(f"{value!r} tidak sah: harus jumlah detik bulat dari 0 "
                                         f"sampai {MAX_WAIT} (7 hari), misalnya 600")
    return int(value)


def _data_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--data", type=path_option,
                         help="folder tabel pemantauan (bawaan: data/ di folder proyek)")
    command.add_argument("--katalog", type=path_option,
                         help="berkas katalog; bawaan: katalog.yaml di folder data, "
                         "atau katalog bawaan")


def _data_dir(args: argparse.Namespace) -> Path:
    """Return --data from the current folder, or the project's data/ when it is absent.

    ``laporan`` resolves the default the same way, so every command reads the
    same folder wherever it is started.
    """
    return args.data.resolve() if args.data is not None else resolve("data")


def _periksa(args: argparse.Namespace) -> int:
    dataset = inspect(_data_dir(args), args.katalog)
    out = console()
    if args.format == "json":
        print(json.dumps([p.as_json() for p in dataset.problems], ensure_ascii=False, indent=2))
        return EXIT_DATA if dataset.errors else 0
    if dataset.problems:
        _print_problems(out, dataset.problems)
    if dataset.errors:
        out.print(f"{len(dataset.errors)} kesalahan, "
                  f"{len(dataset.warnings)} peringatan.")
        return EXIT_DATA
    counts = ", ".join(f"{name} {n} baris" for name, n in dataset.row_counts().items())
    heading = "Tidak ada masalah" if not dataset.warnings else (
        f"Tidak ada kesalahan ({len(dataset.warnings)} peringatan)")
    out.print(f"{heading}. {counts}. Katalog: {dataset.katalog_path}")
    return 0


def _hitung(args: argparse.Namespace) -> int:
    params = parse_parameters({"tahun": args.tahun, "triwulan": args.triwulan},
                              allowed=("tahun", "triwulan"))
    dataset = load(_data_dir(args), args.katalog)
    results = api.hitung(dataset, params.tahun, params.triwulan)
    for note in (note for n in results for note in n.catatan):
        log.warning("%s", note)
    if args.format == "json":
        print(json.dumps([n.as_json() for n in results], ensure_ascii=False, indent=2))
    else:
        console().print(_results_table(results))
    return 0


def _verifikasi(args: argparse.Namespace) -> int:
    """Verify one report, or every report under a folder such as output/."""
    from iku_nb.pool import terminate_as_exit  # noqa: PLC0415 - loads multiprocessing
    from iku_nb.verify import find_notebooks  # noqa: PLC0415 - loads papermill

    notebooks = find_notebooks(args.path)
    # SIGTERM raises Terminated, so the temporary folders and the kernel of the
    # re-run are removed on the way out and _main prints why the command stopped.
    with terminate_as_exit(), contextlib.ExitStack() as locks:
        # A file that a batch replaces while it is read looks edited, so the
        # reports are read under the output folder's lock. It is held for the
        # whole run, and a batch started meanwhile stops with a message.
        for root in sorted({root for nb in notebooks if (root := output_root(nb))}):
            locks.enter_context(shared_lock(
                root, args.tunggu, lambda folder: _announce_wait(folder, args.tunggu)))
        return _verify_notebooks(notebooks, args)


def _announce_wait(root: Path, wait: int) -> None:
    console(stderr=True).print(f"Menunggu `iku-nb laporan` selesai menulis ke {root} (paling "
                               f"lama {wait} detik; atur dengan --tunggu).")


def _verify_notebooks(notebooks: list[Path], args: argparse.Namespace) -> int:
    """Verify the notebooks and print their figures, with a summary when there are several."""
    out = console()
    if len(notebooks) == 1:
        status = _verify_one(out, notebooks[0], args, every_figure=True)
        _note_left_out(out, notebooks, args.path)
        return status
    statuses, outcomes = [], []
    for number, notebook in enumerate(notebooks, start=1):
        out.print(f"[{number}/{len(notebooks)}] ", end="")
        try:
            status = _verify_one(out, notebook, args, every_figure=False, outcome=outcomes)
        except IkuError as exc:
            out.print(f"Verifikasi {notebook}\nHasil: TIDAK DAPAT DIVERIFIKASI. {exc}")
            status = EXIT_DATA
            outcomes.append("tidak dapat diverifikasi")
        statuses.append(status)
        out.print()
    counts = [(outcomes.count(word), word) for word in
              ("cocok", "tidak cocok", "tidak dapat dipastikan", "tidak dapat diverifikasi")]
    out.print(f"Ringkasan: {len(notebooks)} laporan di {args.path}: "
              + ", ".join(f"{count} {word}" for count, word in counts) + ".")
    _note_left_out(out, notebooks, args.path)
    return max(statuses)


def _note_left_out(out: Console, notebooks: list[Path], path: Path) -> None:
    """Name how many reports in the subfolders of ``path`` were not verified."""
    from iku_nb.verify import find_notebooks_below  # noqa: PLC0415 - loads papermill

    others = [p for p in find_notebooks_below(Path(path)) if p not in notebooks]
    if others:
        out.print(f"Catatan: {len(others)} laporan lain di subfolder {path} tidak "
                  "diverifikasi; berikan folder induknya, misalnya output/, untuk "
                  "memverifikasi semuanya.")


def _verify_one(out: Console, notebook: Path, args: argparse.Namespace,
                every_figure: bool, outcome: list[str] | None = None) -> int:
    """Verify one report and print its figures; only the differing ones unless ``every_figure``.

    The outcome in words ("cocok", "tidak cocok", ...) is appended to ``outcome``.
    """
    outcome = [] if outcome is None else outcome
    from iku_nb.verify import display, verify  # noqa: PLC0415 - loads papermill

    result = verify(notebook, args.data, args.katalog)
    recorded = result.recorded
    if recorded:
        out.print(f"Verifikasi {result.notebook} (laporan {recorded.get('laporan')}, dibuat "
                  f"{waktu_tercatat(recorded.get('selesai'))}, "
                  f"iku-nb {recorded.get('versi_iku_nb')})")
    elif result.replaced_report is not None:
        out.print(f"Verifikasi {result.notebook} (notebook tanpa manifest; manifest di sampingnya "
                  f"mencatat laporan {result.replaced_report})")
    else:
        out.print(f"Verifikasi {result.notebook} (tanpa manifest)")
    for c in result.comparisons:
        if c.matches:
            if every_figure:
                out.print(f"  cocok  {c.label}: {display(c.recorded, c.unit)}")
        else:
            out.print(f"  BEDA   {c.label}: tercatat {display(c.recorded, c.unit)}, "
                      f"sekarang {display(c.now, c.unit)}")
    if result.changes:
        out.print("Perubahan sejak laporan dibuat:")
        for change in result.changes:
            out.print(f"  - {change}")
    for note in result.notes:
        out.print(f"Catatan: {note}")
    for problem in result.problems:
        out.print(f"Masalah: {problem}")
    # Printed texts and single ids are listed only when they differ, so only
    # figures are counted, and differing texts apart.
    total = sum(c.kind == "angka" for c in result.comparisons)
    wrong = sum(c.kind == "angka" for c in result.mismatches)
    texts = sum(c.kind == "teks" for c in result.mismatches)
    if result.ok:
        out.print(f"Hasil: COCOK. Semua {total} angka sama dengan yang tercatat.")
        outcome.append("cocok")
        return 0
    if not result.rerun:
        out.print("Hasil: TIDAK DAPAT DIVERIFIKASI. Laporan tidak dapat dijalankan ulang.")
        outcome.append("tidak dapat diverifikasi")
        return EXIT_DATA
    if result.changed_cells and not (wrong or texts or result.problems):
        outcome.append("tidak dapat dipastikan")
        numbers = ", ".join(f"ke-{n}" for n in result.changed_cells)
        out.print(f"Hasil: TIDAK DAPAT DIPASTIKAN. Semua {total} angka sama, tetapi sel kode "
                  f"{numbers} berbeda dengan hasil menjalankan ulang, sehingga isinya tidak "
                  "dapat dipastikan sama dengan yang diterbitkan. Verifikasi dengan data dan "
                  "kode saat laporan dibuat.")
        return 1
    outcome.append("tidak cocok")
    if result.replaced_report is not None:
        out.print(f"Hasil: TIDAK COCOK. Notebook di folder ini bukan laporan "
                  f"{result.replaced_report}, jadi angka laporan itu tidak diperiksa.")
    elif wrong or texts:
        if result.changes:
            cause = "; lihat perubahan di atas"
        elif not recorded:
            cause = "; tanpa manifest, sebabnya tidak dapat dijelaskan"
        else:
            cause = ("; data, katalog dan kode tidak berubah, jadi daftar angka di notebook "
                     "kemungkinan diubah sesudah laporan dibuat")
        printed = f", dan {texts} teks tertulis berbeda" if texts else ""
        out.print(f"Hasil: TIDAK COCOK. {wrong} dari {total} angka berbeda{printed}{cause}.")
    else:
        out.print(f"Hasil: TIDAK COCOK. Semua {total} angka sama, tetapi ada masalah di atas.")
    return 1


def _results_table(results: list[Nilai]) -> Table:
    period = results[0].periode.label if results else ""
    table = Table(title=f"IKU {period}")
    for column in ("kode", "pembilang", "penyebut", "realisasi", "target", "capaian",
                   "kategori", "asal"):
        table.add_column(column, justify="left" if column in ("kode", "kategori") else "right")
    for n in results:
        # The same printed figures as the report (iku_nb.registry.printed).
        f = printed(n)
        # A quarter judged against the year's target is marked as in the reports.
        target = f"{f['target']} (tahunan)" if n.yearly_target_in_quarter else f["target"]
        table.add_row(n.kode, f["pembilang"], f["penyebut"], f["realisasi"], target,
                      f["capaian"], f["kategori"], n.counts.asal if n.counts else "–")
    return table


# Below this terminal width the eight-column problem table splits words and
# dates across lines, so each problem is printed as a short block instead.
TABLE_MIN_WIDTH = 120


def _print_problems(console: Console, problems: list[Problem]) -> None:
    if console.width < TABLE_MIN_WIDTH:
        _print_problem_blocks(console, problems)
        return
    table = Table(title="Masalah pada data pemantauan", show_lines=False)
    for column in ("tingkat", "kode", "berkas", "baris", "kolom", "nilai", "seharusnya",
                   "keterangan"):
        table.add_column(column, overflow="fold")
    for problem in problems:
        row = problem.as_row()
        style = "red" if problem.is_error else "yellow"
        table.add_row(*row.values(), style=style)
    console.print(table)


def _print_problem_blocks(console: Console, problems: list[Problem]) -> None:
    """Print each problem as a few lines: where, what was found and expected, and why."""
    console.print("Masalah pada data pemantauan", style="bold")
    for problem in problems:
        row = problem.as_row()
        where = ", ".join(part for part in (
            row["berkas"], f"baris {row['baris']}" if row["baris"] else "",
            f"kolom {row['kolom']}" if row["kolom"] else "") if part)
        style = "red" if problem.is_error else "yellow"
        console.print()
        console.print(f"{row['tingkat']} {row['kode']}: {where}", style=style)
        if row["nilai"]:
            console.print(Padding(f"nilai: {row['nilai']}", (0, 0, 0, 2), expand=False))
        if row["seharusnya"]:
            console.print(Padding(f"seharusnya: {row['seharusnya']}", (0, 0, 0, 2), expand=False))
        console.print(Padding(row["keterangan"], (0, 0, 0, 2), expand=False))


if __name__ == "__main__":
    sys.exit(main())
