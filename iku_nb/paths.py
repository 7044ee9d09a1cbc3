"""Locate the project folder, its notebooks, and relative data paths."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root(start: Path | None = None) -> Path:
    """Return the project folder, the one that contains ``notebooks/``.

    It is searched upward from ``start`` (the working folder by default), and
    is the package's parent folder when no such folder is found.

    The search lets an analyst run from the project folder or from
    ``notebooks/`` in JupyterLab with the same relative paths.
    """
    first = (start or Path.cwd()).resolve()
    for folder in (first, *first.parents):
        if (folder / "notebooks" / "laporan_tahunan.ipynb").is_file():
            return folder
    return PACKAGE_DIR.parent


# NOTE: the notebook templates are looked up beside the package. The editable
# install of the README has them there, but a wheel installed elsewhere does not.
NOTEBOOK_DIR = PACKAGE_DIR.parent / "notebooks"


def resolve(path: str | Path) -> Path:
    """Return ``path`` made absolute; a relative path is taken from the project root."""
    path = Path(path).expanduser()
    if path.is_absolute():
        return path
    return (project_root() / path).resolve()


def working_folder_reading(path: Path) -> Path | None:
    """Return relative ``path`` as the working folder reads it, when resolve() finds another.

    That is when the working folder contains something at ``path`` and the
    project folder contains nothing there or something else. A command or a
    notebook run from another folder would then silently read the project's.
    """
    if path.is_absolute():
        return None
    from_here = path.resolve()
    return from_here if from_here.exists() and from_here != resolve(path) else None


def resolve_in_notebook(value: str, name: str) -> Path:
    """Resolve the ``data`` or ``katalog`` parameter of a notebook run, as :func:`resolve` does.

    A relative path is taken from the project folder, whatever the kernel's
    working folder. When the working folder reads it otherwise
    (:func:`working_folder_reading`), it raises ParameterError with a
    request for the full path. A relative path found in neither raises
    ParameterError too, naming the path looked for.
    """
    from iku_nb.errors import ParameterError  # noqa: PLC0415 - errors imports nothing heavy

    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    from_project, from_here = resolve(path), working_folder_reading(path)
    if from_here is None:
        if from_project.exists():
            return from_project
        kind = "Folder data" if name == "data" else f"Berkas {name}"
        raise ParameterError(
            f"{kind} {value!r} tidak ditemukan: jalur relatif dibaca dari folder proyek, jadi "
            f"yang dicari {from_project}. Tulis jalur lengkap, atau jalur dari folder proyek.")
    if from_project.exists():
        found = (f"dibaca dari folder proyek ({from_project}), tetapi folder kerja kernel juga "
                 f"berisi {value} ({from_here})")
    else:
        found = (f"tidak ada di folder proyek ({from_project}); jalur relatif dibaca dari "
                 f"folder proyek, bukan dari folder kerja kernel yang berisi {from_here}")
    raise ParameterError(f"Parameter {name} {value!r} {found}. Tulis jalur lengkap yang "
                         f"dimaksud, misalnya {name} = {str(from_here)!r}.")


def path_option(value: str) -> Path:
    """Read a path given on the command line; an empty one is rejected.

    An empty ``--output ''`` would be the current folder, so reports, index.html
    and the lock file would land wherever the command happened to run.
    """
    if not value.strip():
        import argparse  # noqa: PLC0415 - only the command line needs it

        raise argparse.ArgumentTypeError("jalurnya kosong; tulis nama folder atau "
                                         "berkasnya")
    return Path(value)


# The folder below an output folder where a report is made before it is moved in.
STAGING = ".sementara"
_TAHUN = re.compile(r"\d{4}")
_TRIWULAN = re.compile(r"tw([1-4])")


def report_place(relative: Path) -> tuple[int, int | None, str | None] | None:
    """Return (tahun, triwulan, bidang) of a report folder path, or None for another folder.

    ``relative`` is the path below the output folder. Report folders follow
    ReportSpec.folder: ``<tahun>[/tw<n>][/<bidang>]``.
    """
    parts = list(relative.parts)
    if not parts or not _TAHUN.fullmatch(parts[0]):
        return None
    tahun = int(parts.pop(0))
    triwulan = None
    if parts and (match := _TRIWULAN.fullmatch(parts[0])):
        triwulan = int(match.group(1))
        parts.pop(0)
    if len(parts) > 1 or (parts and parts[0] == STAGING):
        return None
    return tahun, triwulan, parts[0] if parts else None
