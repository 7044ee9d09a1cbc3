"""One record per problem found in the inputs, and the table that lists them."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "galat"
WARNING = "peringatan"
# Rows listed one by one in a message about many rows. More are counted.
ROWS_NAMED = 5


@dataclass(frozen=True)
class Problem:
    """A problem in one cell, row, column or file of the monitoring data.

    ``row`` is the spreadsheet row as the user sees it (the header is row 1);
    ``None`` when the problem concerns a whole file or column.
    """

    code: str
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    severity: str = ERROR
    ids: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def where(self) -> str:
        """Return the file, row and column of the problem: ``konflik.csv baris 5 kolom jenis``."""
        place = self.file + (f" baris {self.row}" if self.row else "")
        return place + (f" kolom {self.column}" if self.column else "")

    def as_row(self) -> dict[str, str]:
        """Return the problem as a row of the Indonesian problem table."""
        return {
            "tingkat": self.severity,
            "kode": self.code,
            "berkas": self.file,
            "baris": "" if self.row is None else str(self.row),
            "kolom": self.column or "",
            "nilai": "" if self.value is None else str(self.value),
            "seharusnya": self.expected or "",
            "keterangan": self.message,
        }

    def as_json(self) -> dict[str, str | int | None]:
        """Return the problem for ``periksa --format json``: the row as a number or null."""
        return {**self.as_row(), "baris": self.row}


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Order problems as a reader fixes them: errors first, then by file and row."""
    return sorted(
        problems,
        key=lambda p: (not p.is_error, p.file, p.row or 0, p.column or "", p.code),
    )


def row_list(rows: list[int]) -> str:
    """Return the first ROWS_NAMED row numbers, and an ellipsis when there are more."""
    return ", ".join(map(str, rows[:ROWS_NAMED])) + (", …" if len(rows) > ROWS_NAMED else "")
