"""Compile the report page's templates on import, for the workers' forkserver.

The forkserver imports this module once (:data:`iku_nb.forkserver.PRELOAD`),
so every worker forked from it starts with the HTML exporter built and its
Jinja templates compiled. Building them took about 0.5 s of CPU per worker on
the 2-core benchmark machine. No other code imports this module.
"""

from __future__ import annotations

from iku_nb.run import prepare_html_export

prepare_html_export()
