"""Guard the preload of the workers' forkserver, as the first module it imports.

Python 3.11 starts the forkserver with ``python -c``, which puts the current
folder ("") first on ``sys.path``. A file such as ``seaborn.py`` or
``pandas.py`` in the folder where ``iku-nb laporan`` runs would then replace
the real module in every worker and kernel, or stop the server with its
error. This module removes that entry before anything else is imported, and
keeps the interpreter's path as it was in :data:`INTERPRETER_PATH` for the
kernels that workers fork (:mod:`iku_nb.kernel_seed`).

The forkserver ignores Ctrl-C only once its preload is done, and Ctrl-C in a
terminal reaches the whole process group. Until then this module makes
Ctrl-C end the server quietly, not with an import traceback, and the command
that started it reports the interruption. The command blocks Ctrl-C while
it starts the server, and this module unblocks it once its handler is set,
so a Ctrl-C during the interpreter's start ends the server here too. Each
worker restores Python's own handler when it starts.

Imported anywhere but in a forkserver, the module changes nothing.
"""

from __future__ import annotations

import os
import signal
import sys

# sys.path as the forkserver's interpreter set it, or None outside a forkserver.
INTERPRETER_PATH: list[str] | None = None


def _in_forkserver() -> bool:
    return "multiprocessing.forkserver" in sys.modules and sys.argv[:1] == ["-c"]


def _end_quietly(signum: int, frame: object) -> None:
    os._exit(128 + signum)


if _in_forkserver():
    INTERPRETER_PATH = list(sys.path)
    if not sys.flags.safe_path and sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    signal.signal(signal.SIGINT, _end_quietly)
    # The command blocks Ctrl-C while it starts this process (iku_nb.forkserver.start_early).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
