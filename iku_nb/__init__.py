"""iku-nb: key performance indicators (IKU) of Bakesbangpol Kota Mojokerto.

The public API: :func:`load` reads and checks a data folder, :func:`hitung`
computes every indicator of a period, and :class:`Period` names the period.

The names are imported on first use (PEP 562), because importing them loads
pandas. The ``iku-nb`` command imports this package before it starts the
workers' forkserver, which must not wait for pandas (:mod:`iku_nb.entry`).
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

# The library logs to "iku_nb"; only the command line configures handlers.
logging.getLogger("iku_nb").addHandler(logging.NullHandler())

# Each public name and the module that defines it, the same names as __all__.
_PUBLIC = {
    "history": "iku_nb.api",
    "hitung": "iku_nb.api",
    "Dataset": "iku_nb.dataset",
    "inspect": "iku_nb.dataset",
    "load": "iku_nb.dataset",
    "CatalogueError": "iku_nb.errors",
    "DataError": "iku_nb.errors",
    "IkuError": "iku_nb.errors",
    "NoDataError": "iku_nb.errors",
    "ParameterError": "iku_nb.errors",
    "RunError": "iku_nb.errors",
    "Period": "iku_nb.period",
    "Nilai": "iku_nb.values",
}

__all__ = [
    "CatalogueError", "DataError", "Dataset", "IkuError", "Nilai", "NoDataError",
    "ParameterError", "Period", "RunError", "history", "hitung", "inspect", "load",
]

if TYPE_CHECKING:
    from iku_nb.api import history, hitung
    from iku_nb.dataset import Dataset, inspect, load
    from iku_nb.errors import (
        CatalogueError,
        DataError,
        IkuError,
        NoDataError,
        ParameterError,
        RunError,
    )
    from iku_nb.period import Period
    from iku_nb.values import Nilai


def __getattr__(name: str) -> object:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'iku_nb' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    # Later lookups find the name directly, without this function.
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
