"""Keep the notebook libraries quick to import in iku-nb's own processes.

jsonschema (4.x) imports rfc3987_syntax, when it is installed, to check the
"iri" string format. JupyterLab's dependencies install it, and its import
compiles a Lark grammar: 0.9 s of the 1.1 s that ``import nbformat`` took on
the benchmark machine (docs/benchmarks.md), paid by the CLI, every batch
worker and every Dask worker. The notebook schemas of nbformat 5 check no
string format, so a process that runs and converts notebooks imports
jsonschema without it. Importing this module (iku_nb.run does) does that
for the whole process, a Dask worker that runs reports included. A process
that has already imported jsonschema keeps the checker it has.
"""

import sys

if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)
