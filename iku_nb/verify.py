"""Re-run a report and compare every figure with the ones it recorded.

An auditor gives an executed notebook (or its report folder). The notebook
is executed again, with the parameters its manifest recorded, against the
current data in a temporary folder; the report itself is only read. Every
figure of the recorded value registry is compared with the new one, and the
manifest says what changed since: a data file, the catalogue, the code or a
library.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from iku_nb import manifest, registry
from iku_nb.dataset import inspect, sha256
from iku_nb.errors import IkuError
from iku_nb.params import NAMES, parse_parameters
from iku_nb.run import FAILED_SUFFIX, ReportSpec, input_paths, make_notebook


class VerifyError(IkuError):
    """The path given is not a report that can be verified."""


@dataclass(frozen=True)
class Comparison:
    """One figure: its label, the recorded value and the value of the new run."""

    label: str
    recorded: object
    now: object

    @property
    def matches(self) -> bool:
        return self.recorded == self.now


@dataclass
class Verification:
    """The outcome of verifying one report."""

    notebook: Path
    recorded: dict
    comparisons: list[Comparison] = field(default_factory=list)
    # What changed since the report was made; explains differing figures.
    changes: list[str] = field(default_factory=list)
    # Reasons the report cannot be trusted as it stands, whatever the figures.
    problems: list[str] = field(default_factory=list)
    # Facts an auditor should know that neither fail nor explain a figure.
    notes: list[str] = field(default_factory=list)
    rerun: bool = False

    @property
    def mismatches(self) -> list[Comparison]:
        return [c for c in self.comparisons if not c.matches]

    @property
    def ok(self) -> bool:
        return self.rerun and not self.mismatches and not self.problems


def find_notebook(path: Path) -> Path:
    """Return the executed report notebook at ``path``, a notebook or its report folder.

    Raises
    ------
    VerifyError
        When the path does not exist or holds no single executed report notebook.
    """
    path = Path(path)
    if path.is_file():
        if path.suffix != ".ipynb":
            raise VerifyError(f"{path} bukan notebook (.ipynb). Berikan notebook laporan yang "
                              "sudah dijalankan, atau folder laporannya.")
        return path
    if not path.is_dir():
        raise VerifyError(f"{path} tidak ditemukan.")
    found = sorted(p for p in path.glob("*.ipynb") if not p.name.endswith(FAILED_SUFFIX))
    if not found:
        raise VerifyError(f"Folder {path} tidak berisi notebook laporan yang sudah dijalankan "
                          "(misalnya laporan_tahunan.ipynb).")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise VerifyError(f"Folder {path} berisi lebih dari satu notebook ({names}); "
                          "sebutkan salah satunya.")
    return found[0]


def read_recorded(notebook: Path) -> tuple[dict, list[dict]]:
    """Return the manifest and value registry stored in an executed notebook."""
    import nbformat  # noqa: PLC0415

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as exc:  # nbformat raises several types for a damaged file
        raise VerifyError(f"Notebook {notebook} tidak terbaca: {exc}") from exc
    recorded = nb.metadata.get(manifest.NOTEBOOK_KEY, {}).get("manifest")
    records = registry.from_notebook(nb)
    if not isinstance(recorded, dict) or records is None:
        raise VerifyError(
            f"Notebook {notebook} tidak memuat manifest dan daftar angka iku-nb: bukan laporan "
            "yang dibuat dengan `iku-nb laporan`, atau dibuat oleh versi yang lebih lama. "
            "Buat ulang laporannya lalu verifikasi.")
    return recorded, records


def verify(path: Path, data: Path | None = None, katalog: Path | None = None,
           execution_timeout: int | None = 600) -> Verification:
    """Re-run the report at ``path`` and compare its figures.

    ``data`` and ``katalog`` replace the recorded folder and catalogue, for
    an auditor who keeps a copy of the data elsewhere.
    """
    notebook = find_notebook(path)
    recorded, records = read_recorded(notebook)
    result = Verification(notebook, recorded)
    result.problems += _check_beside(notebook, recorded, records)
    if recorded.get("git", {}).get("ada_perubahan"):
        result.notes.append("saat laporan dibuat, kode memuat perubahan yang belum di-commit, "
                            "jadi commit yang tercatat tidak persis sama dengan kode yang "
                            "dijalankan; sidik jari setiap berkas kode tetap tercatat")

    raw = {k: v for k, v in recorded.get("parameter", {}).items() if k in NAMES}
    if data is not None:
        raw["data"] = str(Path(data).resolve())
    if katalog is not None:
        raw["katalog"] = str(Path(katalog).resolve())
    spec = ReportSpec(parse_parameters(raw))
    data_dir, katalog_path = input_paths(spec.params)
    current = inspect(data_dir, katalog_path)
    now = manifest.build(spec.name, spec.notebook, {}, current, manifest.now(), manifest.now())
    result.changes = differences(recorded, now)
    if current.errors:
        result.problems.append(
            f"Data di {data_dir} sekarang tidak lolos pemeriksaan ({len(current.errors)} "
            f"kesalahan), jadi laporan tidak dapat dijalankan ulang. Lihat `iku-nb periksa "
            f"--data {data_dir}`.")
        return result

    with tempfile.TemporaryDirectory(prefix="iku-nb-verifikasi-") as tmp:
        made = make_notebook(spec, current, katalog_path, Path(tmp), None, execution_timeout)
    result.rerun = True
    result.comparisons = compare(records, made.records)
    return result


def compare(recorded: list[dict], now: list[dict]) -> list[Comparison]:
    """Compare two registries figure by figure, in the recorded order."""
    def keyed(records: list[dict]) -> dict[tuple, dict]:
        return {(r.get("kode"), r.get("tahun"), r.get("triwulan")): r for r in records}

    old, new = keyed(recorded), keyed(now)
    comparisons = []
    for key in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(key), new.get(key)
        label = (before or after).get("periode") or f"{key[1]}"
        for name in registry.FIGURES:
            old_value = None if before is None else before.get(name)
            new_value = None if after is None else after.get(name)
            if isinstance(old_value, dict) or isinstance(new_value, dict):
                # A group of figures (the comparisons) gets one line per figure.
                old_value, new_value = old_value or {}, new_value or {}
                for part in [*old_value, *(p for p in new_value if p not in old_value)]:
                    comparisons.append(Comparison(f"{key[0]} {label} {name}.{part}",
                                                  old_value.get(part), new_value.get(part)))
            elif name in (before or {}) or name in (after or {}):
                comparisons.append(Comparison(f"{key[0]} {label} {name}", old_value, new_value))
        # A printed text that differs from its value is reported too.
        texts_before = (before or {}).get("teks", {})
        texts_after = (after or {}).get("teks", {})
        for name in sorted(set(texts_before) | set(texts_after)):
            if texts_before.get(name) != texts_after.get(name):
                comparisons.append(Comparison(f"{key[0]} {label} {name} (tertulis)",
                                              texts_before.get(name), texts_after.get(name)))
    return comparisons


def differences(recorded: dict, now: dict) -> list[str]:
    """Say what differs between the recorded manifest and the current one."""
    found = []
    before = {m["tabel"]: m for m in recorded.get("masukan", [])}
    after = {m["tabel"]: m for m in now.get("masukan", [])}
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table), after.get(table)
        if new is None:
            found.append(f"tabel {table} ({old['sumber']}) tidak ada lagi di folder data")
        elif old is None:
            found.append(f"tabel {table} ({new['sumber']}) baru, tidak ada saat laporan dibuat")
        elif old.get("sha256") != new["sha256"]:
            rows = ("" if old.get("baris") == new["baris"]
                    else f"; baris data {old.get('baris')} menjadi {new['baris']}")
            sheet = ""
            if "sha256_lembar" in new:
                sheet = ("; isi lembar ini sama, yang berubah lembar lain atau format"
                         if old.get("sha256_lembar") == new["sha256_lembar"]
                         else "; isi lembar ini berubah")
            digests = f"{_short(old.get('sha256'))} menjadi {_short(new['sha256'])}"
            found.append(f"berkas data {new['sumber']} berubah: SHA-256 {digests}{rows}{sheet}")
    old_katalog, new_katalog = recorded.get("katalog", {}), now.get("katalog", {})
    if old_katalog.get("sha256") != new_katalog.get("sha256"):
        found.append(f"katalog berubah: {old_katalog.get('berkas')} SHA-256 "
                     f"{_short(old_katalog.get('sha256'))}, sekarang {new_katalog.get('berkas')} "
                     f"SHA-256 {_short(new_katalog.get('sha256'))}")
    if recorded.get("versi_iku_nb") != now.get("versi_iku_nb"):
        found.append(f"versi iku-nb {recorded.get('versi_iku_nb')} menjadi "
                     f"{now.get('versi_iku_nb')}")
    old_code, new_code = recorded.get("kode", {}), now.get("kode", {})
    changed = sorted(n for n in set(old_code) | set(new_code)
                     if old_code.get(n) != new_code.get(n))
    if changed:
        found.append(f"kode iku-nb berubah ({len(changed)} berkas): {', '.join(changed)}")
    old_git, new_git = recorded.get("git", {}), now.get("git", {})
    if old_git.get("commit") != new_git.get("commit"):
        found.append(f"commit git {_short(old_git.get('commit'))} menjadi "
                     f"{_short(new_git.get('commit'))}")
    old_env, new_env = recorded.get("lingkungan", {}), now.get("lingkungan", {})
    for package in sorted(set(old_env) | set(new_env)):
        if package != "iku-nb" and old_env.get(package) != new_env.get(package):
            found.append(f"versi {package} {old_env.get(package, 'tidak tercatat')} menjadi "
                         f"{new_env.get(package, 'tidak terpasang')}")
    return found


def _check_beside(notebook: Path, recorded: dict, records: list[dict]) -> list[str]:
    """Compare the notebook with the files written beside it in the same run."""
    problems = []
    stem = notebook.name.removesuffix(".ipynb")
    angka = notebook.with_name(stem + manifest.REGISTRY_SUFFIX)
    if angka.is_file():
        try:
            beside = json.loads(angka.read_text(encoding="utf-8")).get("angka")
        except (OSError, ValueError, AttributeError) as exc:
            problems.append(f"{angka.name} tidak terbaca: {exc}")
        else:
            if beside != records:
                problems.append(f"daftar angka di {angka.name} berbeda dengan yang tersimpan "
                                f"di {notebook.name}; salah satunya diubah sesudah dibuat")
    manifest_path = notebook.with_name(stem + manifest.MANIFEST_SUFFIX)
    if manifest_path.is_file():
        try:
            written = json.loads(manifest_path.read_text(encoding="utf-8"))
            files = written.pop("berkas", {})
        except (OSError, ValueError, AttributeError) as exc:
            return [*problems, f"{manifest_path.name} tidak terbaca: {exc}"]
        if written != recorded:
            problems.append(f"{manifest_path.name} berbeda dengan manifest di {notebook.name}")
        for name, digest in sorted(files.items()):
            path = notebook.with_name(name)
            if path.is_file() and sha256(path) != digest:
                problems.append(f"{name} berubah sesudah laporan dibuat (SHA-256 tidak sama "
                                f"dengan {manifest_path.name})")
    return problems


def _short(digest: str | None) -> str:
    return "tidak tercatat" if not digest else digest[:12]
