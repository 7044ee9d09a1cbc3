"""Cross-check the records a published report keeps about itself, without running it.

``iku-nb laporan`` writes the same manifest twice, into the executed
notebook's metadata and into ``<report>.manifest.json`` beside it. A reader
who edits one copy rarely edits both, so every disagreement between the
copies is named here, field by field, with both values.
"""

from __future__ import annotations

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


class _Missing:
    """The value of a field that one side does not have."""

    def __repr__(self) -> str:
        return "(tidak ada)"


MISSING = _Missing()


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
    if isinstance(value, str):
        if len(value) <= 2 * TEXT_AROUND:
            return f"'{value}'"
        other_text = other if isinstance(other, str) else ""
        start = next((i for i, (a, b) in enumerate(zip(value, other_text, strict=False))
                      if a != b), min(len(value), len(other_text)))
        begin = max(0, start - TEXT_AROUND)
        piece = value[begin:start + TEXT_AROUND]
        return ("'" + ("…" if begin else "") + piece
                + ("…" if start + TEXT_AROUND < len(value) else "") + "'")
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_SHOWN else text[:VALUE_SHOWN] + "…"


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
