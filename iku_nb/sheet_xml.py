"""Find what openpyxl's read-only mode leaves out about one sheet of an xlsx workbook.

The reader opens workbooks read-only, so that large sheets load quickly, and
that mode reports neither merged cell ranges nor hidden rows. Both change
what a clerk sees in Excel without changing what the reader gets:

- Excel keeps the value of a merged range in its first cell only, so every
  other cell of the range reads as empty. The ranges are listed after the
  cells, as ``<mergeCell ref="E3:E5"/>`` elements.
- A row hidden by hand or by a filter is still read and counted. It is
  written as ``<row r="12" hidden="1">``.

This module finds both by scanning the sheet's XML text once, instead of
parsing all of its cells a second time.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

# Some writers prefix the spreadsheet namespace (``<x:mergeCell ...>``).
MERGE_CELL = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Za-z0-9:$]+)[\"']")
# Only the start tags of hidden rows match, so a sheet of a million visible
# rows yields no match objects.
HIDDEN_ROW = re.compile(
    rb"<(?:[\w.-]+:)?row\b[^>]*?\shidden\s*=\s*[\"'](?:1|true)[\"'][^>]*>")
ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"'](\d+)[\"']")
# A mergeCell element is about 30 bytes and a row start tag usually under
# 200, so an element that a chunk boundary cuts starts inside this overlap
# and is read again, whole, with the next chunk.
OVERLAP = 512
CHUNK = 1 << 20
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class SheetLayout:
    """The merged ranges and hidden rows of one sheet."""

    # (first column, first row, last column, last row), counted from 1.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    # Spreadsheet row numbers, counted from 1, in sheet order.
    hidden_rows: list[int] = field(default_factory=list)


def sheet_layout(path: Path, sheet: str) -> SheetLayout:
    """Return the merged ranges and hidden rows of ``sheet``.

    Ranges that cover a single cell are left out: merging one cell changes
    nothing. A workbook whose parts cannot be found gives an empty layout,
    because opening its rows has already succeeded or failed with its own
    message.
    """
    from openpyxl.utils.cell import range_boundaries  # noqa: PLC0415 - only for workbooks

    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, sheet)
        if part is None:
            return SheetLayout()
        refs, hidden_rows = _scan(archive, part)
    ranges = []
    for ref in refs:
        try:
            first_column, first_row, last_column, last_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        if None in (first_column, first_row, last_column, last_row):
            continue
        if (first_column, first_row) != (last_column, last_row):
            ranges.append((first_column, first_row, last_column, last_row))
    return SheetLayout(sorted(ranges, key=lambda bounds: (bounds[1], bounds[0])), hidden_rows)


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """Return the archive member that contains ``sheet``, from the workbook's relations."""
    workbook = _workbook_part(archive)
    names = set(archive.namelist())
    relations = posixpath.join(posixpath.dirname(workbook), "_rels",
                               posixpath.basename(workbook) + ".rels")
    if workbook not in names or relations not in names:
        return None
    try:
        sheets = ElementTree.fromstring(archive.read(workbook))
        links = ElementTree.fromstring(archive.read(relations))
    except ElementTree.ParseError:
        return None
    relation = next((element.get(RELATIONSHIP_ID) for element in sheets.iterfind(".//{*}sheet")
                     if element.get("name") == sheet), None)
    target = next((element.get("Target") for element in links.iterfind("{*}Relationship")
                   if element.get("Id") == relation), None)
    if relation is None or target is None:
        return None
    if target.startswith("/"):
        part = target.lstrip("/")
    else:
        part = posixpath.normpath(posixpath.join(posixpath.dirname(workbook), target))
    return part if part in names else None


def _workbook_part(archive: zipfile.ZipFile) -> str:
    """Return the workbook part named by the package's relations, usually xl/workbook.xml."""
    try:
        links = ElementTree.fromstring(archive.read("_rels/.rels"))
    except (KeyError, ElementTree.ParseError):
        return "xl/workbook.xml"
    for element in links.iterfind("{*}Relationship"):
        if element.get("Type", "").endswith("/officeDocument") and element.get("Target"):
            return element.get("Target").lstrip("/")
    return "xl/workbook.xml"


def _scan(archive: zipfile.ZipFile, part: str) -> tuple[list[str], list[int]]:
    """Return the ``ref`` of every mergeCell and the number of every hidden row, read in chunks.

    A hidden row written without its ``r`` number (allowed when rows follow
    each other) cannot be placed, so it is left out.
    """
    refs: list[str] = []
    hidden_rows: list[int] = []
    tail = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(CHUNK)
            text = tail + chunk
            # Matches that start in the last OVERLAP bytes are read with the next chunk.
            # The final pass, with no new chunk, takes every match left.
            cut = len(text) - OVERLAP if chunk else len(text)
            # bytes.find skips, at memory speed, the chunks where a regular
            # expression would try every tag and find nothing.
            if text.find(b"mergeCell") >= 0:
                refs.extend(match.group(1).decode("ascii")
                            for match in MERGE_CELL.finditer(text) if match.start() < cut)
            if text.find(b"hidden") >= 0:
                for match in HIDDEN_ROW.finditer(text):
                    number = ROW_NUMBER.search(match.group(0))
                    if match.start() < cut and number is not None:
                        hidden_rows.append(int(number.group(1)))
            if not chunk:
                return refs, hidden_rows
            tail = text[max(cut, 0):]
