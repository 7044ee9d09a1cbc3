"""Exceptions raised by iku-nb; every message is written for the analyst."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iku_nb.problems import Problem


class IkuError(Exception):
    """Base class of every error that the command line reports without a traceback."""


class CatalogueError(IkuError):
    """The indicator catalogue is missing or invalid."""


class ParameterError(IkuError):
    """A run parameter (tahun, triwulan, bidang, ...) is invalid."""


class DataError(IkuError):
    """The monitoring tables contain errors; ``problems`` lists all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.is_error]
        super().__init__(
            f"Data pemantauan memuat {len(errors)} kesalahan; "
            "perbaiki lalu jalankan lagi (`iku-nb periksa` menampilkan semuanya)."
        )


class NoDataError(IkuError):
    """A requested period has neither data nor a target for an indicator."""


class RunError(IkuError):
    """A report run failed; the message names the cell and the error."""
