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

The server ends when the command that started it does. Its interpreter
would then free every module of the preload (pandas, matplotlib,
nbconvert) one object at a time: about 0.25 s, during which the server
keeps the command's standard output and error open, so a pipe or ``tee``
reading the command stayed open that long after the command had ended. The
server therefore ends with ``os._exit`` once the exit handlers registered
after this module have run. The one handler registered before it is
multiprocessing's own, which in a forkserver finds no child process and no
finalizer to run, because its workers are forked with ``os.fork``.

The cyclic garbage collector is paused for the preload, which creates
about 325,000 objects and little garbage: the collections it would run took
0.15 s of the preload's 1.3 s of CPU, all of it before the first worker
starts. :mod:`iku_nb.forkserver_ready`, the last module of the preload,
starts the collector again.

Imported anywhere but in a forkserver, the module changes nothing.
"""

from __future__ import annotations

import atexit
import gc
import os
import signal
import sys

# sys.path as the forkserver's interpreter set it, or None outside a forkserver.
INTERPRETER_PATH: list[str] | None = None
# Whether this module paused the garbage collector, which only happens in a forkserver.
COLLECTOR_PAUSED = False


def _in_forkserver() -> bool:
    return "multiprocessing.forkserver" in sys.modules and sys.argv[:1] == ["-c"]


def _end_quietly(signum: int, frame: object) -> None:
    os._exit(128 + signum)


def _end_without_teardown() -> None:
    """End the server without freeing its modules: status 1 after an uncaught error, else 0.

    The server ends by a plain SystemExit when the command that started it
    ends, and Python gives that status 0. Python keeps an uncaught exception
    other than SystemExit, after printing it, in ``sys.last_value``.
    """
    status = 1 if getattr(sys, "last_value", None) is not None else 0
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        status = 120  # as Python does when its output cannot be flushed at exit
    finally:
        os._exit(status)


if _in_forkserver():
    INTERPRETER_PATH = list(sys.path)
    if not sys.flags.safe_path and sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    signal.signal(signal.SIGINT, _end_quietly)
    atexit.register(_end_without_teardown)
    if gc.isenabled():
        gc.disable()
        COLLECTOR_PAUSED = True
    # The command blocks Ctrl-C while it starts this process (iku_nb.forkserver.start_early).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
