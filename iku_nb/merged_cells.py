"""Find the merged cell ranges of one sheet of an xlsx workbook.

openpyxl's read-only mode, which the reader uses so that large sheets load
quickly, does not report merged ranges. Excel keeps the value of a merged
range in its first cell only, so every other cell of the range reads as
empty. The ranges are listed in the sheet's XML after its cells, as
``<mergeCell ref="E3:E5"/>`` elements, which this module finds by scanning
the sheet's XML text instead of parsing all of its cells a second time.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

# Some writers prefix the spreadsheet namespace (``<x:mergeCell ...>``).
MERGE_CELL = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Za-z0-9:$]+)[\"']")
# A mergeCell element is about 30 bytes, so one that a chunk boundary cuts starts
# inside this overlap and is read again, whole, with the next chunk.
OVERLAP = 512
CHUNK = 1 << 20
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def merged_ranges(path: Path, sheet: str) -> list[tuple[int, int, int, int]]:
    """Return the merged ranges of ``sheet`` as (first column, first row, last column, last row).

    Rows and columns count from 1, as in the spreadsheet. Ranges that cover
    a single cell are left out: merging one cell changes nothing. A
    workbook whose parts cannot be found gives no ranges, because opening
    its rows has already succeeded or failed with its own message.
    """
    from openpyxl.utils.cell import range_boundaries  # noqa: PLC0415 - only for workbooks

    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, sheet)
        if part is None:
            return []
        ranges = []
        for ref in _merge_refs(archive, part):
            try:
                first_column, first_row, last_column, last_row = range_boundaries(ref)
            except (ValueError, TypeError):
                continue
            if None in (first_column, first_row, last_column, last_row):
                continue
            if (first_column, first_row) != (last_column, last_row):
                ranges.append((first_column, first_row, last_column, last_row))
        return sorted(ranges, key=lambda bounds: (bounds[1], bounds[0]))


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


def _merge_refs(archive: zipfile.ZipFile, part: str) -> list[str]:
    """Return the ``ref`` of every mergeCell element in one sheet part, read in chunks."""
    refs: list[str] = []
    tail = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(CHUNK)
            text = tail + chunk
            # Matches that start in the last OVERLAP bytes are read with the next chunk.
            # The final pass, with no new chunk, takes every match left.
            cut = len(text) - OVERLAP if chunk else len(text)
            refs.extend(match.group(1).decode("ascii") for match in MERGE_CELL.finditer(text)
                        if match.start() < cut)
            if not chunk:
                return refs
            tail = text[max(cut, 0):]
