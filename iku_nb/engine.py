"""The papermill engine that runs a report's notebook without saving it along the way.

papermill's default engine writes the whole notebook, embedded charts
included, when the run starts, before and after every cell, and when it
ends: about 30 writes and schema validations per report, or 0.09 s beside
about 0.5 s of cells on the benchmark machine (docs/benchmarks.md).
papermill.execute_notebook writes the executed notebook once more after the
engine returns, so a report that runs to its end needs no save from the
engine. A run that ends with an exception (a cell timeout, a dead kernel)
never reaches that write, so the engine saves the partial notebook itself,
for diagnosis.

The engine also takes ``finish``, a function that changes the executed
notebook before that last write (iku_nb.run records the manifest with it),
so that a report's notebook is serialised once, not twice.
"""

from __future__ import annotations

from papermill.engines import NBClientEngine, papermill_engines
from papermill.iorw import write_ipynb

ENGINE_NAME = "iku-nb"


class SaveAtEndEngine(NBClientEngine):
    """nbclient execution that saves the notebook only when the run raises."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, finish=None, **kwargs):
        # Without an output path papermill's execution manager never saves.
        # It runs the cells of ``nb`` in place, and its notebook_complete has
        # already recorded the end time and cell statuses when an exception
        # arrives here.
        try:
            nb = super().execute_notebook(nb, kernel_name, output_path=None, **kwargs)
        except BaseException:
            if output_path:
                write_ipynb(nb, output_path)
            raise
        if finish is not None:
            finish(nb)
        return nb


papermill_engines.register(ENGINE_NAME, SaveAtEndEngine)
