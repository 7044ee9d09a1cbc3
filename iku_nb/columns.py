"""Parse whole columns of CSV text at once, for tables read by the columnar CSV reader.

Each helper returns the parsed values of every row and a ``clean`` mask: a
row is clean when the row-by-row parser in :mod:`iku_nb.rows` would record no
problem for that cell and would return the same value. The checks parse the
rows that are not clean with the row-by-row parser, so every message, row
number and warning comes from one place.

Most columns contain few distinct values (dates, jenis, kelurahan), so the
row-by-row rules run once per distinct value and the result is spread back
to the rows by their codes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from iku_nb.parse import canonical, invisible_characters, is_blank, parse_date
from iku_nb.period import MAX_YEAR, MIN_YEAR
from iku_nb.rows import Rows

# The two date forms that exports write, with ASCII digits and nothing else.
_PLAIN_DATES = (
    r"^(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})$",
    r"^(?P<day>[0-9]{2})/(?P<month>[0-9]{2})/(?P<year>[0-9]{4})$",
)


@dataclass
class Parsed:
    """The parsed value of every row of one column, and which rows parsed cleanly.

    ``values`` is an arrow string array for id columns and a numpy array
    for every other column.
    """

    values: np.ndarray | pa.Array
    clean: np.ndarray


def by_distinct_value(column: pd.Series, parse: Callable[[str], tuple[object, bool]],
                      dtype: str = "object") -> Parsed:
    """Apply ``parse`` (returning value and clean flag) once per distinct text of the column."""
    codes, uniques = _codes(column)
    results = [parse(text) for text in uniques.tolist()]
    values = np.array([value for value, _ in results], dtype=dtype)
    clean = np.array([ok for _, ok in results], dtype=bool)
    return Parsed(values[codes], clean[codes])


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Return a code per row and the distinct texts that the codes point to."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), column.cat.categories
    return pd.factorize(column)


def identifiers(column: pd.Series) -> Parsed:
    """Parse an id column as :meth:`Rows.ident` does, into an arrow string array.

    Spaces are collapsed and letters upper-cased, and a blank id is null. An
    id with an invisible character is not clean, so that the row-by-row
    parser reports it. A category column is parsed once per category, so ids
    repeated across rows are parsed once.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        parsed = _parse_words(column.cat.categories.to_numpy(dtype=object), upper=True,
                              required=True, visible_only=True)
        codes = column.cat.codes.to_numpy()
        return Parsed(parsed.values.take(codes), parsed.clean[codes])
    return _parse_words(column, upper=True, required=True, visible_only=True)


def texts(column: pd.Series, required: bool = True) -> Parsed:
    """Parse a free-text column as :meth:`Rows.text` does: spaces collapsed, blank is None."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        parsed = _parse_words(column.cat.categories.to_numpy(dtype=object), False, required)
        codes = column.cat.codes.to_numpy()
        values = parsed.values.to_numpy(zero_copy_only=False)
        return Parsed(values[codes], parsed.clean[codes])
    parsed = _parse_words(column, upper=False, required=required)
    return Parsed(parsed.values.to_numpy(zero_copy_only=False), parsed.clean)


def _parse_words(texts: pd.Series | np.ndarray, upper: bool, required: bool,
                 visible_only: bool = False) -> Parsed:
    """Collapse the spaces of every text, optionally in upper case, into an arrow array.

    Texts that are already plain ASCII words are taken as they are, with
    arrow, and only the others go through Python. A blank text is null. With
    ``visible_only``, a text with an invisible character is not clean.
    """
    def parse(text: str) -> tuple[object, bool]:
        if is_blank(text):
            return None, not required
        words = " ".join(text.split())
        clean = not (visible_only and invisible_characters(text))
        return (words.upper() if upper else words), clean

    text = _arrow_strings(texts)
    plain = _plain_words(text).to_numpy(zero_copy_only=False)
    values = pc.ascii_upper(text) if upper else text
    clean = plain.copy()
    others = np.flatnonzero(~plain)
    if len(others):
        results = [parse(other) for other in text.take(others).to_pylist()]
        clean[others] = [ok for _, ok in results]
        replacements = pa.array([value for value, _ in results], type=pa.string())
        values = pc.replace_with_mask(values, pa.array(~plain), replacements)
    return Parsed(values, clean)


def _arrow_strings(texts: pd.Series | np.ndarray) -> pa.Array:
    """Return texts as one arrow string array (a single chunk)."""
    array = pa.array(texts, type=pa.string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _plain_words(text: pa.Array) -> pa.Array:
    """Return which texts are printable ASCII words separated by single spaces.

    For these, Python's ``" ".join(text.split()).upper()`` is the text itself
    in ASCII upper case. This is the test of the regular expression
    ``^[!-~]+( [!-~]+)*$``, done with string kernels that took about half
    its time on a column of 1M ids (pyarrow 26).
    """
    filled = pc.greater(pc.binary_length(text), 0)
    printable = pc.ascii_is_printable(text)
    plain = pc.and_(filled, printable)
    # The texts lie side by side in one data buffer, so a buffer without a
    # space byte has no text with a space, and the three space tests below
    # (about 30 ms on 1M ids, pyarrow 26) are skipped.
    data = text.buffers()[2]
    if data is None or b" " not in data.to_pybytes():
        return plain
    trimmed = pc.invert(pc.or_(pc.starts_with(text, " "), pc.ends_with(text, " ")))
    single_spaced = pc.equal(pc.find_substring(text, "  "), -1)
    return pc.and_(plain, pc.and_(trimmed, single_spaced))


def choices(column: pd.Series, allowed: list[str], required: bool = True) -> Parsed:
    """Parse a column of allowed values as :meth:`Rows.choice` does."""
    def parse(text: str) -> tuple[object, bool]:
        if is_blank(text):
            return None, not required
        found = canonical(text, allowed)
        return found, found is not None

    return by_distinct_value(column, parse)


def dates(column: pd.Series, required: bool = True) -> Parsed:
    """Parse a date column as :meth:`Rows.date` does, into ``datetime64[s]`` values.

    A date that the row-by-row parser would warn about (in the future) is not
    clean, so its warning is recorded there.
    """
    today = date.today()

    def parse(text: str) -> tuple[object, bool]:
        if is_blank(text):
            return None, not required
        parsed = parse_date(text)
        if parsed is None or not MIN_YEAR <= parsed.year <= MAX_YEAR or parsed > today:
            return None, False
        return parsed, True

    codes, uniques = _codes(column)
    texts = uniques.to_numpy(dtype=object)
    values, clean = _plain_dates(pa.array(texts, type=pa.string()), today)
    # Every distinct text that is not a plain, valid date in range goes
    # through the row-by-row rules: blanks, other formats, errors.
    for position in np.flatnonzero(~clean):
        value, clean[position] = parse(texts[position])
        values[position] = np.datetime64("NaT") if value is None else value
    return Parsed(values[codes], clean[codes])


def _plain_dates(texts: pa.Array, today: date) -> tuple[np.ndarray, np.ndarray]:
    """Parse ``yyyy-mm-dd`` and ``dd/mm/yyyy`` texts with arrow; return values and which parsed.

    A text parses when it is exactly one of these forms (ASCII digits, no
    spaces or time), names a real calendar day, and lies between MIN_YEAR
    and today; for such a text :func:`parse_date` returns the same day.
    """
    year = np.zeros(len(texts), dtype=np.int64)
    month = np.zeros(len(texts), dtype=np.int64)
    day = np.zeros(len(texts), dtype=np.int64)
    matched = np.zeros(len(texts), dtype=bool)
    for pattern in _PLAIN_DATES:
        parts = pc.extract_regex(texts, pattern)
        found = parts.is_valid().to_numpy(zero_copy_only=False) & ~matched
        for target, field in ((year, "year"), (month, "month"), (day, "day")):
            numbers = pc.cast(pc.struct_field(parts, field), pa.int64()).fill_null(0)
            target[found] = numbers.to_numpy()[found]
        matched |= found
    month_start = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    days = month_start.astype("datetime64[D]") + (day - 1)
    # A day past the end of its month (31/02) rolls into the next month.
    real = matched & (month >= 1) & (month <= 12) & (day >= 1) & (
        days.astype("datetime64[M]") == month_start)
    clean = real & (year >= MIN_YEAR) & (year <= MAX_YEAR) & (days <= np.datetime64(today))
    values = np.where(clean, days, np.datetime64("NaT")).astype("datetime64[s]")
    return values, clean


def pair_codes(first: pd.Series, second: pd.Series) -> tuple[np.ndarray, list[tuple]]:
    """Return a code per row for the pair of texts, and the distinct pairs in code order."""
    first_codes, first_uniques = _codes(first)
    second_codes, second_uniques = _codes(second)
    first_uniques, second_uniques = first_uniques.tolist(), second_uniques.tolist()
    combined = first_codes.astype(np.int64) * max(len(second_uniques), 1) + second_codes
    codes, pairs = pd.factorize(combined)
    width = max(len(second_uniques), 1)
    return codes, [(first_uniques[p // width], second_uniques[p % width]) for p in pairs]


def distinct_values(values: pd.Series, text: pd.Series | None) -> list:
    """Return the distinct values of a parsed column, in no particular order.

    ``text`` is the column of text cells that ``values`` was parsed from, or
    None. When it is a category column, every row's value depends only on its
    text, so one row per category used is enough.
    """
    if (text is None or len(text) != len(values)
            or not isinstance(text.dtype, pd.CategoricalDtype)):
        return list(pd.unique(values))
    codes = text.cat.codes.to_numpy()
    # A missing text has code -1, which picks the extra last slot.
    first = np.full(len(text.cat.categories) + 1, len(codes))
    np.minimum.at(first, codes, np.arange(len(codes)))
    return list(pd.unique(values.iloc[first[first < len(codes)]]))


def visible(frame: pd.DataFrame) -> np.ndarray:
    """Return which rows have a cell that is not blank, as the row-by-row reader decides.

    Categories are judged once each. A text with a printable ASCII character
    is certainly not blank, and the rare texts left are judged one by one.
    """
    filled_rows = np.zeros(len(frame), dtype=bool)
    categories = [name for name in frame.columns
                  if isinstance(frame[name].dtype, pd.CategoricalDtype)]
    for name in categories:
        column = frame[name]
        filled = _filled(column.cat.categories.to_numpy(dtype=object))
        filled_rows |= filled[column.cat.codes.to_numpy()]
        if filled_rows.all():
            return filled_rows
    for name in frame.columns:
        unknown = np.flatnonzero(~filled_rows)
        if len(unknown) == 0:
            break
        if name not in categories:
            filled_rows[unknown] = _filled(frame[name].iloc[unknown])
    return filled_rows


def _filled(texts: pd.Series | np.ndarray) -> np.ndarray:
    """Return which texts are not blank."""
    text = pa.array(texts, type=pa.string())
    filled = pc.match_substring_regex(text, "[!-~]").to_numpy(zero_copy_only=False)
    for position in np.flatnonzero(~filled):
        filled[position] = not is_blank(text[position].as_py())
    return filled


def merge_unclean_rows(rows: Rows, values: dict[str, np.ndarray | pa.Array], clean: np.ndarray,
                       parse_row: Callable[[int, dict], dict]) -> dict[str, np.ndarray | pa.Array]:
    """Parse the rows that are not clean one by one and put their values in place.

    ``parse_row`` records the problems of a row; rows are parsed in
    spreadsheet order, so the problems come in the order the row-by-row
    parser records them. Returns the columns with ``baris`` first.
    """
    cells = rows.table.text_cells
    merged = {"baris": cells.index.to_numpy(dtype=np.int64), **values}
    unclean = np.flatnonzero(~clean)
    records = []
    for position in unclean:
        row = int(merged["baris"][position])
        record = parse_row(row, cells.iloc[position].to_dict())
        records.append(record)
        for column, value in record.items():
            if column in merged and isinstance(merged[column], np.ndarray) and column != "baris":
                merged[column][position] = value
    if len(unclean):
        # Arrow arrays cannot be changed in place, so their column is rebuilt once.
        mask = np.zeros(len(clean), dtype=bool)
        mask[unclean] = True
        for column, array in merged.items():
            if isinstance(array, pa.Array):
                replacements = pa.array([record[column] for record in records], type=pa.string())
                merged[column] = pc.replace_with_mask(array, pa.array(mask), replacements)
    return merged
