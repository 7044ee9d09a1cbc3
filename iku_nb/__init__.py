"""iku-nb: key performance indicators (IKU) of Bakesbangpol Kota Mojokerto.

The public API: :func:`load` reads and checks a data folder, :func:`hitung`
computes every indicator of a period, and :class:`Period` names the period.
"""

import logging

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

# The library logs to "iku_nb"; only the command line configures handlers.
logging.getLogger("iku_nb").addHandler(logging.NullHandler())

__all__ = [
    "CatalogueError", "DataError", "Dataset", "IkuError", "Nilai", "NoDataError",
    "ParameterError", "Period", "RunError", "history", "hitung", "inspect", "load",
]
