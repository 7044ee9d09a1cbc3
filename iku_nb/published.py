"""Cross-check the records a published report keeps about itself, without running it.

``iku-nb laporan`` writes the same manifest twice, into the executed
notebook's metadata and into ``<report>.manifest.json`` beside it, and the
parameters once more as papermill's injected-parameters cell. A reader who
edits one copy rarely edits all of them, so every disagreement between the
copies is named here, field by field, with both values.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from iku_nb import manifest
from iku_nb.jsonshape import place_name

# Fields named in one message; the rest are counted.
FIELDS_SHOWN = 5
# Characters of a text value shown on each side of its first difference.
TEXT_AROUND = 20
# Characters of any other value, written as JSON, shown before it is cut.
VALUE_SHOWN = 60
# The tag papermill gives the cell that it writes with the parameters.
INJECTED_TAG = "injected-parameters"


class _Missing:
    """The value of a field that one side does not have."""

    def __repr__(self) -> str:
        return "(tidak ada)"


MISSING = _Missing()


class Expression(str):
    """The code of a parameter's value that is not a Python literal, e.g. ``2020 + 5``."""


@dataclass(frozen=True)
class FieldDifference:
    """One field whose value differs between two copies of a record."""

    path: tuple[str | int, ...]
    first: object
    second: object

    @property
    def place(self) -> str:
        return place_name(self.path)


def field_differences(first: object, second: object,
                      path: tuple[str | int, ...] = ()) -> list[FieldDifference]:
    """Return every leaf field whose value differs between two JSON values, in order.

    Objects are compared key by key and arrays item by item, so an edited
    hash is named as ``masukan ke-1, sha256`` rather than as the whole list.
    """
    if isinstance(first, dict) and isinstance(second, dict):
        found = []
        for key in [*first, *(k for k in second if k not in first)]:
            found += field_differences(first.get(key, MISSING), second.get(key, MISSING),
                                       (*path, key))
        return found
    if isinstance(first, list) and isinstance(second, list):
        found = []
        for index in range(max(len(first), len(second))):
            found += field_differences(first[index] if index < len(first) else MISSING,
                                       second[index] if index < len(second) else MISSING,
                                       (*path, index))
        return found
    # bool is an int in Python, so True and 1 would compare equal.
    if first == second and type(first) is type(second):
        return []
    return [FieldDifference(path, first, second)]


def describe_value(value: object, other: object = MISSING) -> str:
    """Write a field's value for a message, shortened around where it differs from ``other``.

    A long text shows the stretch around its first difference, as an auditor
    needs that place and not the whole analysis paragraph or hash.
    """
    if value is MISSING:
        return "(tidak ada)"
    if isinstance(value, Expression):
        return f"kode `{value}`"
    if isinstance(value, str):
        other_text = other if isinstance(other, str) else ""
        # Line breaks are escaped so that the message stays on one line.
        piece = value if len(value) <= 2 * TEXT_AROUND else excerpts(
            value, other_text, TEXT_AROUND)[0]
        return "'" + piece.replace("\n", "\\n") + "'"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_SHOWN else text[:VALUE_SHOWN] + "…"


def excerpts(written: str, now: str, around: int = 40) -> tuple[str, str]:
    """Return the two texts around their first difference, shortened with an ellipsis."""
    start = next((i for i, (a, b) in enumerate(zip(written, now, strict=False)) if a != b),
                 min(len(written), len(now)))
    begin = max(0, start - around)

    def cut(text: str) -> str:
        piece = text[begin:start + around]
        if begin:
            piece = "…" + piece
        if start + around < len(text):
            piece += "…"
        return piece

    return cut(written), cut(now)


def describe_differences(differences: list[FieldDifference], first_name: str,
                         second_name: str) -> str:
    """Name each differing field with its value in both places, the first few of them."""
    parts = [f"{d.place} di {first_name} {describe_value(d.first, d.second)}, di {second_name} "
             f"{describe_value(d.second, d.first)}" for d in differences[:FIELDS_SHOWN]]
    more = len(differences) - FIELDS_SHOWN
    return "; ".join(parts) + (f"; dan {more} isian lain" if more > 0 else "")


@dataclass(frozen=True)
class SideManifest:
    """The ``<report>.manifest.json`` beside a notebook, as read."""

    path: Path
    exists: bool
    # The manifest without its "berkas" list, or None when absent or unreadable.
    manifest: dict | None = None
    # The SHA-256 of each report file, by file name, from "berkas".
    files: dict[str, str] = field(default_factory=dict)
    # Why the file cannot be read as a manifest, when it exists.
    problem: str | None = None


def read_side_manifest(notebook: Path) -> SideManifest:
    """Read the ``.manifest.json`` written beside ``notebook`` in the same run."""
    path = notebook.with_name(notebook.name.removesuffix(".ipynb") + manifest.MANIFEST_SUFFIX)
    if not path.is_file():
        return SideManifest(path, exists=False)
    damaged = f"{path.name} rusak: bukan manifest iku-nb"
    try:
        written = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SideManifest(path, exists=True, problem=damaged)
    if not isinstance(written, dict):
        return SideManifest(path, exists=True, problem=damaged)
    files = written.pop("berkas", {})
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return SideManifest(path, exists=True,
                            problem=f"{damaged} (isian berkas harus objek nama berkas ke SHA-256)")
    return SideManifest(path, exists=True, manifest=written, files=files)


def compare_manifests(notebook: Path, embedded: dict, side: SideManifest) -> str | None:
    """Describe how the notebook's manifest and the one beside it differ, or return None."""
    differing = field_differences(embedded, side.manifest)
    if not differing:
        return None
    return (f"{side.path.name} berbeda dengan manifest di metadata {notebook.name} "
            f"({len(differing)} isian: "
            f"{describe_differences(differing, notebook.name, side.path.name)}); salah "
            "satunya diubah sesudah laporan dibuat, jadi isian itu tidak dipakai untuk "
            "menjelaskan perubahan")


def removed_manifest_problem(notebook: Path, side: SideManifest) -> str:
    """Describe a notebook without a manifest although a report run left one beside it."""
    return (f"{notebook.name} tidak memuat manifest (metadata {manifest.NOTEBOOK_KEY}.manifest), "
            f"padahal {side.path.name} ada di sampingnya: manifest notebook dihapus, atau "
            f"notebook diganti sesudah laporan dibuat; laporan diperiksa dengan "
            f"{side.path.name}")


def choose_parameters(embedded: dict | None, side: dict | None, papermill: dict) -> dict | None:
    """Return the manifest whose parameters the report is run again with.

    When the two manifests record different parameters, one was edited, and
    the one that agrees with ``metadata.papermill.parameters`` (papermill
    writes those itself) is taken. Otherwise the notebook's own manifest is.
    """
    if embedded is None:
        return side
    if side is None or side.get("parameter") == embedded.get("parameter"):
        return embedded
    if side.get("parameter") == papermill:
        return side
    return embedded


@dataclass(frozen=True)
class ParameterCellCheck:
    """The findings about a notebook's injected-parameters cells."""

    problems: list[str] = field(default_factory=list)
    # Cells whose values match but whose text another papermill version wrote differently.
    rewritten: list[int] = field(default_factory=list)


def check_parameter_cell(nb, parameters: dict, notebook_name: str, recorded_in: str,
                         cause: str) -> ParameterCellCheck:
    """Compare papermill's injected-parameters cell with the parameters recorded for the run.

    The published cell is compared, not the re-run's, so a ``--data`` or
    ``--katalog`` given to verification changes nothing here: the cell was
    written with the same parameters as the manifest. Every parameter that
    differs is named with both values. Then the cell's text is compared with
    what papermill writes for the values it contains, which finds other
    statements and edited comments. ``cause`` ends each message.
    """
    cells = [(number, cell) for number, cell in
             enumerate((c for c in nb.cells if c.cell_type == "code"), start=1)
             if INJECTED_TAG in cell.metadata.get("tags", [])]
    check = ParameterCellCheck()
    if not cells:
        if parameters:
            check.problems.append(
                f"{notebook_name} tidak memuat sel parameter yang disuntikkan papermill (tag "
                f"{INJECTED_TAG}), padahal {recorded_in} mencatat parameter "
                f"{', '.join(parameters)}; {cause}")
        return check
    for number, cell in cells:
        where = f"sel parameter (sel kode ke-{number}, tag {INJECTED_TAG}) di {notebook_name}"
        values = _assigned_values(cell.source)
        if values is None:
            check.problems.append(f"{where} bukan kode Python yang sah; {cause}")
            continue
        differing = field_differences(values, parameters)
        if differing:
            parts = [f"{d.place} tertulis {describe_value(d.first, d.second)}, tercatat "
                     f"{describe_value(d.second, d.first)}" for d in differing[:FIELDS_SHOWN]]
            more = len(differing) - FIELDS_SHOWN
            check.problems.append(
                f"{where} berbeda dengan parameter yang tercatat di {recorded_in} "
                f"({len(differing)} isian: {'; '.join(parts)}"
                + (f"; dan {more} isian lain" if more > 0 else "") + f"); {cause}")
            continue
        expected = _papermill_source(nb, values)
        if cell.source == expected:
            continue
        if _papermill_version(nb) != _installed_papermill():
            check.rewritten.append(number)
            continue
        check.problems.append(f"{where} memuat teks yang tidak ditulis papermill untuk "
                              f"parameternya: tertulis {describe_value(cell.source, expected)}, "
                              f"seharusnya {describe_value(expected, cell.source)}; {cause}")
    return check


def _assigned_values(source: str) -> dict | None:
    """Return the literal values a parameters cell assigns, by name, in its order.

    A value that is not a literal is kept as its Expression. A statement other
    than an assignment to one name is skipped here and found by the text
    comparison. None means the cell is not valid Python.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    values = {}
    for statement in tree.body:
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)):
            name = statement.targets[0].id
            try:
                values[name] = ast.literal_eval(statement.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                values[name] = Expression(ast.get_source_segment(source, statement.value))
    return values


def _papermill_source(nb, values: dict) -> str:
    """Return the cell papermill writes for ``values``, as papermill.parameterize_notebook does."""
    from papermill.translators import translate_parameters  # noqa: PLC0415 - heavy import

    kernelspec = nb.metadata.get("kernelspec", {})
    return translate_parameters(kernelspec.get("name", "python3"),
                                kernelspec.get("language", "python"), values, "Parameters")


def _papermill_version(nb) -> str | None:
    papermill = nb.metadata.get("papermill")
    return papermill.get("version") if isinstance(papermill, dict) else None


def _installed_papermill() -> str:
    import papermill  # noqa: PLC0415 - heavy import

    return papermill.__version__

