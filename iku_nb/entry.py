"""The ``iku-nb`` command's entry point, which starts the workers' forkserver before pandas loads.

For ``iku-nb laporan`` on this machine it first starts the forkserver that
forks the report workers (:mod:`iku_nb.forkserver`), and only then imports the
command, pandas included. Measured against the command that imported
everything first, alternating on the 2-core benchmark machine: one report
3.9 s instead of 4.5 s (median of 9), the 20-report batch 11.0 s instead of
11.5 s (median of 7).

As the console script (:func:`console`), the command ends with ``os._exit``
once it has returned and every exit handler has run. Python would otherwise
free each module and object the command loaded, one at a time: about
0.13 s of CPU after a batch, with nothing left to write.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn

from iku_nb import forkserver

# The exit status of a command ended by Ctrl-C, as a shell reports it (128 + SIGINT).
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    """Run the ``iku-nb`` command line; return the exit status."""
    arguments = sys.argv[1:] if argv is None else argv
    try:
        if runs_local_batch(arguments):
            forkserver.start_early()
        from iku_nb.cli import main as run_command  # noqa: PLC0415 - after the server starts

        return run_command(argv)
    except KeyboardInterrupt:
        # Ctrl-C while the command still imports, before it handles Ctrl-C itself.
        sys.stderr.write("Dihentikan oleh pengguna sebelum laporan mana pun dimulai.\n")
        return EXIT_INTERRUPTED


def runs_local_batch(arguments: list[str]) -> bool:
    """Return whether the arguments may run reports on this machine's workers.

    That is the ``laporan`` command without ``--cluster`` and without help.
    A parameter value spelled "laporan" in another command also counts, which
    only starts a server that ends unused with the command.
    """
    if "laporan" not in arguments:
        return False
    for argument in arguments:
        if argument in ("-h", "--help", "--cluster") or argument.startswith("--cluster="):
            return False
    return True


def console() -> None:
    """Run the ``iku-nb`` command as its console script, then end the process at once.

    When the command has returned its status and no other non-daemon thread
    runs, the exit handlers run as at a normal exit, in the same order, and
    the process ends with that status. Only the freeing of modules and
    objects is skipped. An exception that escapes the command ends the
    process as Python does.
    """
    status = main()
    main_thread = threading.main_thread()
    if not any(thread is not main_thread and not thread.daemon and thread.is_alive()
               for thread in threading.enumerate()):
        _end_without_teardown(status)
    sys.exit(status)


def _end_without_teardown(status: int) -> NoReturn:
    """Run the exit handlers, flush the output, and end the process with ``status``."""
    try:
        # atexit has no public call that runs the handlers before the interpreter
        # ends. iku_nb.kernel_seed uses the same one in forked kernels.
        atexit._run_exitfuncs()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            # Python ends with 120 when its output cannot be flushed at exit,
            # e.g. into a pipe that the reader closed.
            status = 120
    finally:
        os._exit(status)
