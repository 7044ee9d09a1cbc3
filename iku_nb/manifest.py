"""The run manifest: everything a report was made from, so that it can be made again.

A manifest records the parameters, the SHA-256 and row count of every input
table, and the catalogue's SHA-256. It records the code by iku-nb version,
git commit and the SHA-256 of every file of the package and its notebooks,
the versions of the libraries that shape figures and pages, and when the
run started and ended. It is stored in the executed notebook's metadata and
beside the report as ``<report>.manifest.json``, and ``iku-nb verifikasi``
reads it to explain why figures differ.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata

from iku_nb.dataset import Dataset, sha256
from iku_nb.paths import NOTEBOOK_DIR, PACKAGE_DIR

FORMAT = "iku-nb/manifest 2"
# The key of the executed notebook's metadata that contains the manifest.
NOTEBOOK_KEY = "iku_nb"
MANIFEST_SUFFIX = ".manifest.json"
REGISTRY_SUFFIX = ".angka.json"
# Libraries whose version can change a figure, a chart or a page.
LIBRARIES = ("iku-nb", "pandas", "numpy", "papermill", "nbconvert", "nbformat", "ipykernel",
             "seaborn", "matplotlib", "jinja2", "babel", "weasyprint", "openpyxl", "pydantic")
CODE_SUFFIXES = {".py", ".j2", ".css", ".yaml", ".json", ".ipynb"}


def fixed_time() -> bool:
    """Return whether ``SOURCE_DATE_EPOCH`` fixes the time that runs record."""
    return os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit()


def now() -> datetime:
    """Return the current time, or ``SOURCE_DATE_EPOCH`` when it is set.

    Reproducible-build tools set that variable so that two runs write the
    same bytes, and a report made under it records that fixed time.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def code_fingerprints() -> dict[str, str]:
    """Return the SHA-256 of every file of the package and of the notebook templates.

    Keys are paths relative to the project folder, e.g. ``iku_nb/count.py``.
    The notebooks are read for every report, so they are hashed every time.
    """
    root = PACKAGE_DIR.parent
    notebooks = {p.relative_to(root).as_posix(): sha256(p)
                 for p in sorted(NOTEBOOK_DIR.glob("*.ipynb"))}
    return dict(sorted({**_package_fingerprints(), **notebooks}.items()))


@functools.cache
def _package_fingerprints() -> dict[str, str]:
    """Return the SHA-256 of the package's files, hashed once per process.

    A process runs the modules it imported and the page templates and
    stylesheets it prepared when it started, so the files as they were then
    are the code of every report it makes, even if they change on disk later.
    """
    root = PACKAGE_DIR.parent
    files = [p for p in PACKAGE_DIR.rglob("*")
             if p.is_file() and p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts]
    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(files)}


def combined(fingerprints: dict[str, str]) -> str:
    """Return one SHA-256 over named fingerprints, independent of their order."""
    digest = hashlib.sha256()
    for name in sorted(fingerprints):
        digest.update(f"{name}\0{fingerprints[name]}\n".encode())
    return digest.hexdigest()


@functools.cache
def git_state() -> dict[str, object]:
    """Return the git commit of the project and whether tracked files were changed.

    Both are None when the project is not a git checkout or git is missing.
    It is read once per process, as the package's fingerprints are, because
    reading it runs two git commands (about 4 ms).
    """
    root = PACKAGE_DIR.parent

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                                  text=True, timeout=20, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "ada_perubahan": None}
    # Output folders and untracked files do not change the code that ran.
    changes = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "ada_perubahan": None if changes is None else bool(changes)}


@functools.cache
def versions() -> dict[str, str]:
    """Return the Python and library versions of this process.

    They are read once per process, because reading the packages' metadata
    took about 10 ms per report, and the libraries a process has imported do
    not change when a package is reinstalled on disk.
    """
    found = {"python": platform.python_version()}
    for package in LIBRARIES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "tidak terpasang"
    return found


def build(name: str, notebook: str, parameters: dict, dataset: Dataset,
          started: datetime, finished: datetime) -> dict:
    """Return the manifest of one run, without the list of files written."""
    code = code_fingerprints()
    return {
        "format": FORMAT,
        "laporan": name,
        "notebook": notebook,
        "parameter": parameters,
        "mulai": timestamp(started),
        "selesai": timestamp(finished),
        "versi_iku_nb": metadata.version("iku-nb"),
        "git": dict(git_state()),
        "sidik_jari_kode": combined(code),
        "kode": code,
        "lingkungan": dict(versions()),
        "katalog": {"berkas": str(dataset.katalog_path),
                    "sha256": dataset.katalog_sha256 or sha256(dataset.katalog_path)},
        "masukan": dataset.inputs,
    }
