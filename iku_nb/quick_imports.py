"""Keep the notebook libraries quick to import in iku-nb's own processes.

jsonschema (4.x) imports a checker for each string format whose library is
installed, and JupyterLab's dependencies install them all. The slowest is
rfc3987_syntax, for the "iri" format: its import compiles a Lark grammar,
0.9 s of the 1.1 s that ``import nbformat`` took on the benchmark machine
(docs/benchmarks.md), paid by the CLI, every batch worker and every Dask
worker. isoduration (which imports arrow) and rfc3986_validator took about
0.02 s more. The notebook schemas of nbformat 5 check no string format, so a
process that runs and converts notebooks imports jsonschema without these
three. Importing this module (iku_nb.run does) does that for the whole
process, a Dask worker that runs reports included. A process that has
already imported jsonschema keeps the checkers it has.

A report kernel forked from a batch worker takes the three names off again
(:func:`allow_skipped`), so that a notebook can import those libraries.
"""

import sys

SKIPPED = ("rfc3987_syntax", "rfc3986_validator", "isoduration")

if "jsonschema" not in sys.modules:
    for _name in SKIPPED:
        sys.modules.setdefault(_name, None)


def allow_skipped() -> None:
    """Make the libraries skipped above importable again in this process."""
    for name in SKIPPED:
        if name in sys.modules and sys.modules[name] is None:
            del sys.modules[name]
