"""Read a YAML file that must contain a mapping (catalogue, parameters)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from iku_nb.errors import IkuError


def read_mapping(path: Path, error: type[IkuError], label: str) -> dict[str, Any] | None:
    """Return the mapping in a YAML file, or None when the file is empty.

    Raises
    ------
    error
        When the file is missing, is not YAML, or contains something other than
        a mapping; ``label`` names the file in the message (``Katalog``).
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise error(f"{label} tidak ditemukan: {path}") from exc
    except IsADirectoryError as exc:
        raise error(f"{label} {path} adalah folder, bukan berkas YAML.") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = "" if mark is None else f" (baris {mark.line + 1}, kolom {mark.column + 1})"
        raise error(f"{label} {path} bukan YAML yang sah{where}; periksa titik dua, "
                    "tanda kutip dan indentasi di sekitar tempat itu.") from exc
    if raw is not None and not isinstance(raw, dict):
        raise error(f"{label} {path} harus berupa pemetaan YAML, misalnya `tahun: 2025`.")
    return raw
