"""The papermill engine that runs a report's notebook, saving it once instead of per cell.

papermill's default engine writes the whole notebook, embedded charts
included, before and after every cell. That is about 30 writes and schema
validations per report, or 0.09 s beside about 0.5 s of cells on the
benchmark machine (docs/benchmarks.md). The report needs the notebook only
when the run ends, and papermill (2.7) still writes it then, also when the
engine raises (a cell timeout, a dead kernel): its notebook_complete saves
in a ``finally``. A timed-out report therefore still leaves its partial
notebook for diagnosis.
"""

from __future__ import annotations

from papermill.engines import NBClientEngine, papermill_engines

ENGINE_NAME = "iku-nb"


class SaveAtEndEngine(NBClientEngine):
    """nbclient execution without papermill's save at every cell start and end."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        # The manager saves only when it has an output path, which it gets
        # back before papermill completes the notebook.
        output_path, nb_man.output_path = nb_man.output_path, None
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        finally:
            nb_man.output_path = output_path


papermill_engines.register(ENGINE_NAME, SaveAtEndEngine)
