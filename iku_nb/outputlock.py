"""The lock file of an output folder, which keeps verifikasi from reading what laporan writes.

``iku-nb laporan`` holds an exclusive lock on ``<output>/.kunci`` for its
whole batch, while it replaces report files one by one. ``iku-nb verifikasi``
holds a shared lock on the same file while it reads reports below that
folder, because a report read halfway through its replacement looks edited.
Several verifications may read at once, and a batch does not start while one
reads.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from iku_nb.errors import IkuError, os_cause
from iku_nb.formatting import detik
from iku_nb.paths import report_place

log = logging.getLogger("iku_nb")

LOCK_NAME = ".kunci"
# Seconds between two attempts to take a lock that a batch holds.
POLL_SECONDS = 0.5
# The errors of a lock that another process has taken: EWOULDBLOCK (EAGAIN
# on Linux) from flock with LOCK_NB, and EACCES from msvcrt.locking on a
# locked range, as the filelock library also reads it. Any other error, such
# as ENOLCK on a network file system without locks, is not a busy folder.
HELD_ERRNOS = frozenset({errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES})


class OutputBusyError(IkuError):
    """An output folder that another run has locked: a batch, or a verifikasi for a new batch."""


def output_root(notebook: Path) -> Path | None:
    """Return the output folder of a report notebook when it has a lock file, else None.

    ``iku-nb laporan`` writes each report to ``<output>/<tahun>[/tw<n>][/<bidang>]``
    and its lock file to ``<output>/.kunci``, so the output folder is the
    folder above the report's whose path down to it has that form
    (paths.report_place). A copied report folder, or one made by run_report
    or papermill, has none.
    """
    folder = Path(notebook).resolve().parent
    for candidate in list(folder.parents)[:3]:
        if (report_place(folder.relative_to(candidate)) is not None
                and (candidate / LOCK_NAME).is_file()):
            return candidate
    return None


@contextlib.contextmanager
def shared_lock(root: Path, wait: float,
                announce: Callable[[Path], None] | None = None) -> Iterator[None]:
    """Hold a shared lock on ``root/.kunci``, waiting up to ``wait`` seconds for a batch.

    The lock file is opened read-only and never created, so that an auditor
    can verify a read-only copy. ``announce(root)`` is called once when the
    lock is held by a batch, before the wait begins.

    Raises
    ------
    OutputBusyError
        When a batch still holds the lock after ``wait`` seconds.
    """
    path = root / LOCK_NAME
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        # NOTE: a batch that creates the lock file after this check can still
        # write during the verification. laporan creates it before its first
        # report, so only a folder that no batch has written to is exposed.
        yield
        return
    except OSError as exc:
        log.warning("%s tidak dapat dibuka (%s), jadi verifikasi tidak dapat memastikan bahwa "
                    "`iku-nb laporan` tidak sedang menulis ke %s.", path, os_cause(exc), root)
        yield
        return
    try:
        locked = _wait_for_shared_lock(descriptor, root, wait, announce)
        try:
            yield
        finally:
            if locked:
                unlock(descriptor)
    finally:
        os.close(descriptor)


def _wait_for_shared_lock(descriptor: int, root: Path, wait: float,
                          announce: Callable[[Path], None] | None) -> bool:
    """Take the shared lock; return False, with a warning, when the file cannot be locked."""
    deadline = time.monotonic() + wait
    announced = False
    while True:
        try:
            lock_shared(descriptor)
            return True
        except OSError as exc:
            if exc.errno not in HELD_ERRNOS:
                log.warning("%s tidak dapat dikunci: %s. Karena itu verifikasi tidak dapat "
                            "memastikan bahwa `iku-nb laporan` tidak sedang menulis ke %s.",
                            root / LOCK_NAME, os_cause(exc), root)
                return False
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _busy(root, wait) from exc
        if announce is not None and not announced:
            announce(root)
            announced = True
        time.sleep(min(POLL_SECONDS, remaining))


def _busy(root: Path, wait: float) -> OutputBusyError:
    waited = f", dan batch itu belum selesai setelah ditunggu {detik(wait)} detik" if wait else ""
    return OutputBusyError(
        f"Folder keluaran {root} sedang ditulis `iku-nb laporan` ({root / LOCK_NAME} "
        f"terkunci){waited}. Laporan di dalamnya dapat berubah selama verifikasi, sehingga "
        "perbandingannya tidak dapat dipercaya. Jalankan verifikasi lagi setelah batch itu "
        "selesai, atau beri --tunggu dengan jumlah detik yang lebih besar.")


if os.name == "nt":
    import msvcrt

    # NOTE: the Windows branch is written from the msvcrt documentation and
    # has not been run; the tests run on Linux only. msvcrt has no shared
    # lock (LK_NBRLCK locks like LK_NBLCK), so two verifications there wait
    # for each other too.
    def lock_exclusive(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)

    def lock_shared(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_NBRLCK, 1)

    def unlock(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def lock_exclusive(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def lock_shared(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)

    def unlock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
