"""Check the shape of JSON read back from a report before code reads its fields.

A manifest or value registry edited by hand may hold a text where an object
is expected, and code that calls ``.get`` on it would fail with an internal
error. A shape lists only the fields that the reading code uses, with the
JSON types it can read, so any other field may hold anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from iku_nb.yamlfile import describe_value


@dataclass(frozen=True)
class Fields:
    """A JSON object whose listed keys, when present, have the given shapes."""

    shapes: dict[str, Shape]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListOf:
    """A JSON array whose items all have one shape.

    ``name`` labels the item at a 0-based index in messages; the default is
    its position counted from 1 (``ke-2``).
    """

    item: Shape
    name: Callable[[int, Any], str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class MapOf:
    """A JSON object with any keys, whose values all have one shape."""

    value: Shape


# A shape is a JSON type (dict, list, str, int, bool, type(None)), one of the
# classes above, or a tuple of alternatives.
Shape = type | Fields | ListOf | MapOf | tuple

KINDS = {dict: "objek JSON", list: "daftar", str: "teks", int: "bilangan bulat",
         bool: "true atau false", type(None): "null"}


def mismatch(value: Any, shape: Shape, place: str = "") -> str | None:
    """Return where and how ``value`` differs from ``shape``, in Indonesian, or None.

    ``place`` names ``value`` itself, e.g. ``metadata``, and the message names
    the first field that differs below it: ``metadata.iku_nb.manifest.git
    tertulis teks 'x', padahal harus objek JSON``.
    """
    return _mismatch(value, shape, (_Key(place),) if place else ())


def place_name(path: Sequence[str | int]) -> str:
    """Name a place in JSON from its keys and 0-based indexes: ``cells ke-6, outputs ke-1``.

    Keys are joined by dots, and the key after an array item by a comma.
    """
    return _place(tuple(f"ke-{part + 1}" if isinstance(part, int) else _Key(part)
                        for part in path))


class _Key(str):
    """A key in a path, as opposed to the label of an array item."""


def _place(path: tuple[str, ...]) -> str:
    text, previous = "", None
    for part in path:
        if not isinstance(part, _Key):
            text = f"{text} {part}" if text else part
        elif previous is None:
            text = part
        elif isinstance(previous, _Key):
            text = f"{text}.{part}"
        else:
            text = f"{text}, {part}"
        previous = part
    return text


def _mismatch(value: Any, shape: Shape, path: tuple[str, ...]) -> str | None:
    alternatives = shape if isinstance(shape, tuple) else (shape,)
    matching = next((a for a in alternatives if _is_kind(value, a)), None)
    where = f"{_place(path)} " if path else ""
    if matching is None:
        expected = " atau ".join(dict.fromkeys(_kind_name(a) for a in alternatives))
        return f"{where}tertulis {describe_value(_plain(value))}, padahal harus {expected}"
    found = None
    if isinstance(matching, Fields):
        missing = next((key for key in matching.required if key not in value), None)
        if missing is not None:
            return f"{where}tidak memuat kunci {missing!r}"
        found = _first(_mismatch(value[key], inner, (*path, _Key(key)))
                       for key, inner in matching.shapes.items() if key in value)
    elif isinstance(matching, MapOf):
        found = _first(_mismatch(inner, matching.value, (*path, _Key(key)))
                       for key, inner in value.items())
    elif isinstance(matching, ListOf):
        name = matching.name or (lambda index, _item: f"ke-{index + 1}")
        found = _first(_mismatch(item, matching.item, (*path, name(index, item)))
                       for index, item in enumerate(value))
    return found


def _plain(value: Any) -> Any:
    """Return a value with its mappings as plain dicts and lists as plain lists.

    describe_value writes them as YAML, which does not know subclasses such
    as nbformat's NotebookNode.
    """
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_plain(inner) for inner in value]
    return value


def _first(problems: Iterable[str | None]) -> str | None:
    return next((problem for problem in problems if problem), None)


def _is_kind(value: Any, shape: Shape) -> bool:
    """Return whether ``value`` has the JSON type of ``shape``, without looking inside it."""
    if isinstance(shape, Fields | MapOf):
        return isinstance(value, dict)
    if isinstance(shape, ListOf):
        return isinstance(value, list)
    if shape is int:
        # JSON true is no number, although Python's bool is an int.
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, shape)


def _kind_name(shape: Shape) -> str:
    if isinstance(shape, Fields | MapOf):
        return KINDS[dict]
    if isinstance(shape, ListOf):
        return KINDS[list]
    return KINDS.get(shape, shape.__name__)
