"""The ``iku-nb`` command's entry point, which starts the workers' forkserver before pandas loads.

For ``iku-nb laporan`` on this machine it first starts the forkserver that
forks the report workers (:mod:`iku_nb.forkserver`), and only then imports the
command, pandas included. Measured against the command that imported
everything first, alternating on the 2-core benchmark machine: one report
3.9 s instead of 4.5 s (median of 9), the 20-report batch 11.0 s instead of
11.5 s (median of 7).
"""

from __future__ import annotations

import sys

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
