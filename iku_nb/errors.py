"""Exceptions raised by iku-nb; every message is written for the analyst."""

from __future__ import annotations

import errno
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from iku_nb.problems import Problem


class IkuError(Exception):
    """Base class of every error that the command line reports without a traceback."""


class CatalogueError(IkuError):
    """Error raised when the indicator catalogue is missing or invalid, with its ``path``."""

    def __init__(self, message: str, path: object = None) -> None:
        super().__init__(message)
        self.path = path


class ParameterError(IkuError):
    """A run parameter (tahun, triwulan, bidang, ...) is invalid."""


class DataError(IkuError):
    """The monitoring tables contain errors; ``problems`` lists all of them."""

    def __init__(self, problems: list[Problem], data_dir: str | None = None) -> None:
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        command = "iku-nb periksa" + (f" --data {data_dir}" if data_dir else "")
        super().__init__(
            f"Data pemantauan memuat {len(errors)} kesalahan; "
            f"perbaiki lalu jalankan lagi (`{command}` menampilkan semuanya)."
        )

    def details(self, limit: int = 20) -> str:
        """Return the first ``limit`` errors as lines of file, row, column, value and message."""
        return "\n".join(f"  - {text}" for text in self._error_texts(limit))

    def with_first_errors(self, limit: int = 2) -> str:
        """Return the message followed by the first ``limit`` errors, on one line.

        A batch summary shows one line per report, so a report that failed on
        data changed during the batch still names the file, row and value.
        """
        texts = [text.rstrip(".") for text in self._error_texts(limit)]
        return f"{self} Kesalahan pertama: {'; '.join(texts)}." if texts else str(self)

    def _error_texts(self, limit: int) -> list[str]:
        texts = []
        for problem in [p for p in self.problems if p.is_error][:limit]:
            value = f" nilai {problem.value!r}" if problem.value not in (None, "") else ""
            texts.append(f"{problem.where}{value}: {problem.message}")
        return texts


class NoDataError(IkuError):
    """A requested period has neither data nor a target for an indicator."""


class RunError(IkuError):
    """A report run failed; the message names the cell and the error."""


# The causes of a failed write or read that a user can act on, by errno name.
_OS_CAUSES = {
    "ENOSPC": "ruang disk habis",
    "EDQUOT": "kuota disk pengguna habis",
    "EFBIG": "berkas melebihi batas ukuran yang diizinkan sistem",
    "EACCES": "izin ditolak oleh sistem",
    "EPERM": "izin ditolak oleh sistem",
    "EROFS": "sistem berkasnya hanya dapat dibaca",
    "ENOENT": "folder atau berkasnya tidak ada",
    "ENAMETOOLONG": "jalurnya terlalu panjang",
    "EIO": "perangkat penyimpanan gagal membaca atau menulis",
    "ENOTDIR": "salah satu bagian jalurnya adalah berkas, bukan folder",
    "EISDIR": "jalurnya adalah folder, bukan berkas",
    "EXDEV": "berkas tidak dapat dipindahkan ke sistem berkas lain di dalam folder itu",
    "EBUSY": "berkas atau foldernya sedang dipakai program lain",
    # mkdir raises it when a file already has the folder's name.
    "EEXIST": "sudah ada berkas atau folder dengan nama itu",
}


def os_cause(exc: OSError) -> str:
    """Return why a file operation failed, in Indonesian, with the errno name for support staff.

    The operating system's own text (``exc.strerror``) is English, e.g.
    "Read-only file system", so it is not shown to the user.
    """
    name = errno.errorcode.get(exc.errno or 0, "")
    cause = _OS_CAUSES.get(name, "galat sistem berkas")
    return f"{cause} ({name or 'tanpa kode'})"


def is_file_error(exc: BaseException) -> bool:
    """Return whether ``exc`` is an error reading or writing a file that os_cause can explain.

    It names a file or has a known errno. TimeoutError is an OSError with
    neither, so it is not one.
    """
    if not isinstance(exc, OSError):
        return False
    return bool(exc.filename) or errno.errorcode.get(exc.errno or 0, "") in _OS_CAUSES


def failure_reason(exc: BaseException, folder: Path | None = None) -> str:
    """Return why a run failed, in Indonesian for an error reading or writing a file.

    ``folder`` is named when the error does not name its file, as a write
    to a full disk does not. Any other error, a broken connection to a
    kernel included, keeps its type and message, marked as internal.
    """
    if not is_file_error(exc):
        return f"galat internal: {type(exc).__name__}: {exc}"
    if exc.filename:
        where = f" {exc.filename}"
    elif folder is not None:
        where = f" di {folder}"
    else:
        where = ""
    return f"berkas{where} tidak dapat dibaca atau ditulis: {os_cause(exc)}"


class Terminated(SystemExit):
    """Exit of a batch or verifikasi ended by SIGTERM or SIGHUP: status 128 + signal number."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signal_name = signal.Signals(signum).name
