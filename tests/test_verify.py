"""Verification re-runs a real report and compares every recorded figure."""

from __future__ import annotations

import builtins
import csv
import errno
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import papermill
import psutil
import pytest
from conftest import ROOT

from iku_nb import registry
from iku_nb.cli import main
from iku_nb.errors import Terminated
from iku_nb.outputlock import output_root
from iku_nb.params import parse_parameters
from iku_nb.published import SideManifest, describe_value, field_differences
from iku_nb.run import FAILED_SUFFIX, ReportSpec, run_report
from iku_nb.verify import (
    GENERATOR_MARK,
    QUOTE_WORDS,
    VerifyError,
    _check_beside,
    _other_report,
    _parameters_cell_values,
    _spec,
    changed_places,
    find_notebook,
    read_recorded,
    verify,
)

pytestmark = pytest.mark.slow


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict:
    """A 2025 yearly report made from a private copy of the sample data."""
    base = tmp_path_factory.mktemp("verifikasi")
    data = base / "data"
    shutil.copytree(ROOT / "data", data)
    files = run_report(ReportSpec(parse_parameters({"tahun": 2025, "data": str(data)})),
                       base / "output")
    return {"data": data, "folder": files["html"].parent, **files}


def copy_report(made: dict, tmp_path: Path) -> Path:
    folder = tmp_path / "laporan"
    shutil.copytree(made["folder"], folder)
    return folder


def copy_notebook(made: dict, tmp_path: Path) -> tuple[Path, nbformat.NotebookNode]:
    """Copy the report folder; return the copied yearly notebook's path and the notebook."""
    notebook = copy_report(made, tmp_path) / "laporan_tahunan.ipynb"
    return notebook, nbformat.read(notebook, as_version=4)


def test_clean_verification_matches_untouched(made, capsys):
    before = snapshot(made["folder"])
    status = main(["verifikasi", str(made["folder"])])
    out = capsys.readouterr().out
    assert status == 0, out
    lines = [line for line in out.splitlines() if line.startswith("  ")]
    # 3 indicators x 5 years (2021-2025) with 11 figures each, the target's
    # row among them. Each 2025 record
    # adds 7 comparison figures and one line for the ids behind its counts. The
    # budget adds its three totals and its five rows of anggaran.csv.
    assert len(lines) == 3 * 5 * 11 + 3 * (7 + 1) + 3 + 5
    assert all(line.startswith("  cocok") for line in lines)
    assert "  cocok  IKU-1 Tahun 2025 realisasi: 84,21" in out
    assert "  cocok  IKU-1 Tahun 2025 baris target: 6" in out
    assert "  cocok  IKU-1 Tahun 2025 proyeksi tren pada tahun akhir Renstra: 83,21" in out
    assert "  cocok  IKU-1 Tahun 2025 target akhir Renstra: 92,5" in out
    assert "perbandingan." not in out
    # 92,50 − 84,21 = 8,29 points to go, and IKU-3 fell from 100,00% to 75,00%.
    assert ("  cocok  IKU-1 Tahun 2025 jarak ke target akhir Renstra (target dikurangi "
            "realisasi): 8,29") in out
    assert ("  cocok  IKU-3 Tahun 2025 perubahan dari tahun lalu (realisasi dikurangi tahun "
            "lalu): \u221225,00") in out
    assert "perubahan_tepat" not in out
    assert "  cocok  IKU-1 Tahun 2025 id dan baris sumber: 19 id" in out
    assert "Hasil: COCOK. Semua 197 angka sama" in out
    assert snapshot(made["folder"]) == before
    assert not list(made["folder"].parent.parent.glob(".sementara/*"))


def test_changed_data_file_named(made, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(made["data"], data)
    path = data / "konflik.csv"
    # The sample is written as Indonesian Excel saves CSV: BOM and semicolons.
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig"), delimiter=";"))
    # K-2025-001 was resolved in 2025. Marked as still in progress, IKU-1 2025
    # drops from 16/19 to 15/19 = 78,95%.
    for row in rows:
        if row["id_konflik"] == "K-2025-001":
            row["status"], row["tanggal_selesai"] = "proses", ""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)

    status = main(["verifikasi", str(made["folder"]), "--data", str(data)])
    out = capsys.readouterr().out
    assert status == 1, out
    assert "  BEDA   IKU-1 Tahun 2025 pembilang: tercatat 16, sekarang 15" in out
    assert "  BEDA   IKU-1 Tahun 2025 realisasi: tercatat 84,21, sekarang 78,95" in out
    assert re.search(r"berkas data konflik\.csv berubah: SHA-256 [0-9a-f]{12} menjadi "
                     r"[0-9a-f]{12}", out)
    assert "rekap.csv berubah" not in out
    # The printed texts that differ are counted apart, so the total stays 197.
    assert re.search(r"Hasil: TIDAK COCOK\. \d+ dari 197 angka berbeda, dan \d+ teks "
                     r"tertulis berbeda", out)


def test_hand_edited_figure_reported(made, tmp_path, capsys):
    notebook, nb = copy_notebook(made, tmp_path)
    for record in registry.from_notebook(nb):
        if (record["kode"], record["tahun"]) == ("IKU-2", 2025):
            record["capaian"] = "110.00"
    nbformat.write(nb, notebook)

    status = main(["verifikasi", str(notebook)])
    out = capsys.readouterr().out
    assert status == 1, out
    assert "  BEDA   IKU-2 Tahun 2025 capaian: tercatat 110,00, sekarang 106,67" in out
    assert [line for line in out.splitlines() if "BEDA" in line] == [
        "  BEDA   IKU-2 Tahun 2025 capaian: tercatat 110,00, sekarang 106,67"]
    assert "laporan_tahunan.ipynb berubah sesudah laporan dibuat" in out
    assert "daftar angka di laporan_tahunan.angka.json berbeda" in out
    assert "data, katalog dan kode tidak berubah" in out


def test_changed_catalogue_named(made, tmp_path, capsys):
    katalog = tmp_path / "katalog.yaml"
    text = (made["data"] / "katalog.yaml").read_text(encoding="utf-8")
    # One decimal instead of two: 16/19 prints 84,2 instead of 84,21.
    assert text.count("desimal: 2") == 3
    katalog.write_text(text.replace("desimal: 2", "desimal: 1"), encoding="utf-8")

    status = main(["verifikasi", str(made["folder"]), "--katalog", str(katalog)])
    out = capsys.readouterr().out
    assert status == 1, out
    assert "  BEDA   IKU-1 Tahun 2025 realisasi: tercatat 84,21, sekarang 84,2" in out
    assert "katalog berubah:" in out
    assert "berkas data" not in out


def test_same_catalogue_other_name_matches(made, tmp_path, capsys):
    katalog = tmp_path / "katalog-kantor.yaml"
    shutil.copyfile(made["data"] / "katalog.yaml", katalog)

    status = main(["verifikasi", str(made["folder"]), "--katalog", str(katalog)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "Hasil: COCOK." in out
    assert "diubah" not in out


def test_edited_registry_file_flagged(made, tmp_path):
    folder = copy_report(made, tmp_path)
    angka = folder / "laporan_tahunan.angka.json"
    content = json.loads(angka.read_text(encoding="utf-8"))
    record = content["angka"][0]
    assert (record["kode"], record["periode"]) == ("IKU-1", "Tahun 2021")
    written = record["pembilang"]
    record["pembilang"] = 99
    angka.write_text(json.dumps(content), encoding="utf-8")
    result = verify(folder)
    assert not result.mismatches
    assert not result.ok
    # Both values are named, so the auditor can tell which copy contains which value.
    assert (f"daftar angka di laporan_tahunan.angka.json berbeda dengan yang tersimpan di "
            f"laporan_tahunan.ipynb (1 isian: IKU-1 Tahun 2021 pembilang: di "
            f"laporan_tahunan.ipynb {written}, di laporan_tahunan.angka.json 99); salah "
            "satunya diubah sesudah dibuat") in result.problems


def test_non_report_clear_error(tmp_path, capsys):
    with pytest.raises(VerifyError, match="tidak berisi notebook laporan"):
        find_notebook(tmp_path)
    plain = tmp_path / "biasa.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), plain)
    assert main(["verifikasi", str(plain)]) == 2
    err = capsys.readouterr().err
    assert "tidak memuat daftar angka iku-nb dan parameter laporannya" in err
    assert "Traceback" not in err


def test_same_inputs_same_html(made, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 1 January 2026, 00:00 UTC
    spec = ReportSpec(parse_parameters({"tahun": 2025, "data": str(made["data"])}))
    first = run_report(spec, tmp_path / "pertama")
    second = run_report(spec, tmp_path / "kedua")
    assert first["html"].read_bytes() == second["html"].read_bytes()
    assert first["html"].read_bytes() == made["html"].read_bytes()
    assert first["angka"].read_bytes() == second["angka"].read_bytes()
    # Under SOURCE_DATE_EPOCH even the executed notebooks are the same bytes.
    assert first["ipynb"].read_bytes() == second["ipynb"].read_bytes()
    manifest = json.loads(first["manifest"].read_text(encoding="utf-8"))
    assert manifest["mulai"] == manifest["selesai"] == "2026-01-01T00:00:00+00:00"


def test_edited_html_with_forged_hash_fails(made, tmp_path, capsys):
    folder = copy_report(made, tmp_path)
    html = folder / "laporan_tahunan.html"
    html.write_text(html.read_text(encoding="utf-8").replace("84,21%", "94,21%"),
                    encoding="utf-8")
    forge_hash(folder, "laporan_tahunan.html")

    status = main(["verifikasi", str(folder)])
    out = capsys.readouterr().out
    assert status == 1, out
    assert "BEDA" not in out
    assert "laporan_tahunan.html berbeda dengan HTML yang dibuat ulang" in out


def test_edited_html_places_counted(made, tmp_path, capsys):
    folder = copy_report(made, tmp_path)
    html = folder / "laporan_tahunan.html"
    page = html.read_text(encoding="utf-8")
    # Places far apart in the page, each quoted or counted on its own.
    edits = page.count("84,21%") + page.count("80,00%")
    assert edits > 3
    html.write_text(page.replace("84,21%", "94,21%").replace("80,00%", "90,00%"),
                    encoding="utf-8")
    forge_hash(folder, "laporan_tahunan.html")

    status = main(["verifikasi", str(folder)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 1, out
    found = re.search(r"laporan_tahunan\.html berbeda dengan HTML yang dibuat ulang dari "
                      r"laporan_tahunan\.ipynb \((\d+) tempat berbeda: (.*); dan (\d+) tempat "
                      r"lain\): berkas itu diubah sesudah dibuat", out)
    assert found, out
    places, more = int(found.group(1)), int(found.group(3))
    assert 3 < places <= edits
    assert more == places - 3
    assert found.group(2).count("teksnya tertulis") == 3
    assert re.search(r"teksnya tertulis '[^']*94,21%[^']*', dari notebook '[^']*84,21%",
                     found.group(2))


def forge_hash(folder: Path, name: str) -> None:
    """Record the current SHA-256 of ``name`` in the manifest, as a forger would."""
    manifest_path = folder / "laporan_tahunan.manifest.json"
    content = json.loads(manifest_path.read_text(encoding="utf-8"))
    content["berkas"][name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(content, ensure_ascii=False, indent=2),
                             encoding="utf-8")


def test_edited_notebook_output_fails(made, tmp_path, capsys):
    notebook, nb = copy_notebook(made, tmp_path)
    folder = notebook.parent
    code = [c for c in nb.cells if c.cell_type == "code"]
    number, output = next((n, o) for n, c in enumerate(code, start=1) for o in c.outputs
                          if "84,21%" in o.get("data", {}).get("text/html", ""))
    output.data["text/html"] = output.data["text/html"].replace("84,21%", "94,21%", 1)
    nbformat.write(nb, notebook)
    forge_hash(folder, "laporan_tahunan.ipynb")

    status = main(["verifikasi", str(folder)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 1, out
    assert "BEDA" not in out
    assert (f"keluaran sel kode ke-{number} di laporan_tahunan.ipynb berbeda dengan hasil "
            "menjalankan ulang, padahal data, katalog, kode dan pustakanya tidak berubah") in out
    assert re.search(r"tertulis '[^']*94,21%[^']*', dijalankan ulang '[^']*84,21%", out)
    assert "notebook diubah sesudah laporan dibuat" in out
    # The published HTML is the re-run's page, so it is not blamed for the notebook's edit.
    assert "laporan_tahunan.html berbeda" not in out


def test_edited_html_found_when_data_changed(made, tmp_path, capsys):
    folder = copy_report(made, tmp_path)
    html = folder / "laporan_tahunan.html"
    html.write_text(html.read_text(encoding="utf-8").replace("80,00%", "90,00%", 1),
                    encoding="utf-8")
    forge_hash(folder, "laporan_tahunan.html")
    data = tmp_path / "data"
    shutil.copytree(made["data"], data)
    path = data / "konflik.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace(
        "K-2025-001;", "K-2025-001x;", 1), encoding="utf-8")

    status = main(["verifikasi", str(folder), "--data", str(data)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 1, out
    assert "berkas data konflik.csv berubah" in out
    # The page is made again from the published notebook, which the data do not change.
    assert "laporan_tahunan.html berbeda dengan HTML yang dibuat ulang dari" in out
    assert re.search(r"teksnya tertulis '[^']*90,00%[^']*', dari notebook '[^']*80,00%", out)
    assert "berkas itu diubah sesudah dibuat" in out


def test_whole_output_folder_verified(made, tmp_path, capsys):
    output = tmp_path / "output"
    shutil.copytree(made["folder"].parent, output)
    run_report(ReportSpec(parse_parameters({"tahun": 2025, "bidang": "poldagri",
                                            "data": str(made["data"])})), output)
    assert main(["verifikasi", str(output)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert (f"Ringkasan: 2 laporan di {output}: 2 cocok, 0 tidak cocok, 0 tidak dapat "
            "dipastikan, 0 tidak dapat diverifikasi.") in out
    assert "cocok IKU-1" not in out, "a folder run lists only the figures that differ"
    assert main(["verifikasi", str(output / "2025")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"Catatan: 1 laporan lain di subfolder {output / '2025'} tidak diverifikasi" in out

    html = output / "2025" / "poldagri" / "laporan_bidang.html"
    html.write_text(html.read_text(encoding="utf-8").replace("80,00%", "90,00%", 1),
                    encoding="utf-8")
    assert main(["verifikasi", str(output)]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "1 cocok, 1 tidak cocok, 0 tidak dapat dipastikan, 0 tidak dapat diverifikasi." in out


def test_folder_with_two_notebooks_verified(made, tmp_path, capsys):
    folder = copy_report(made, tmp_path)
    bidang = run_report(ReportSpec(parse_parameters({"tahun": 2025, "bidang": "poldagri",
                                                     "data": str(made["data"])})),
                        tmp_path / "bidang")
    for path in bidang["html"].parent.glob("laporan_bidang.*"):
        shutil.copyfile(path, folder / path.name)

    status = main(["verifikasi", str(folder)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 0, out
    assert "berisi lebih dari satu notebook" not in out
    assert f"[1/2] Verifikasi {folder / 'laporan_bidang.ipynb'}" in out
    assert f"[2/2] Verifikasi {folder / 'laporan_tahunan.ipynb'}" in out
    assert (f"Ringkasan: 2 laporan di {folder}: 2 cocok, 0 tidak cocok, 0 tidak dapat "
            "dipastikan, 0 tidak dapat diverifikasi.") in out


def test_changed_budget_figure_named(made, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(made["data"], data)
    path = data / "anggaran.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace(
        "2.754.000.000;2.674.134.000", "2.754.000.000;2.700.134.000"), encoding="utf-8")
    status = main(["verifikasi", str(made["folder"]), "--data", str(data)])
    out = capsys.readouterr().out
    assert status == 1, out
    # 3.989.478.000 + 26.000.000 = 4.015.478.000 spent of the same pagu.
    assert ("  BEDA   ANGGARAN Tahun 2025 jumlah realisasi anggaran: tercatat "
            "Rp3.989.478.000, sekarang Rp4.015.478.000") in out
    # The totals are written in rupiah, as the rows below them and the report are.
    assert "  cocok  ANGGARAN Tahun 2025 jumlah pagu anggaran: Rp4.138.000.000\n" in out
    assert ("  BEDA   ANGGARAN Tahun 2025 anggaran Program Penunjang Urusan Pemerintahan "
            "Daerah Kabupaten/Kota: tercatat pagu Rp2.754.000.000, realisasi Rp2.674.134.000 "
            "(baris 22), sekarang pagu Rp2.754.000.000, realisasi Rp2.700.134.000 (baris 22)"
            ) in out
    # The changed row, the total realisasi and the share of pagu; nothing else.
    assert out.count("  BEDA   ANGGARAN") == 3


def test_uraian_change_cannot_confirm_cells(made, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(made["data"], data)
    path = data / "konflik.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace(
        "Diselesaikan melalui musyawarah", "Diselesaikan lewat musyawarah", 1),
        encoding="utf-8")
    status = main(["verifikasi", str(made["folder"]), "--data", str(data)])
    out = " ".join(capsys.readouterr().out.split())
    # No figure depends on uraian, but the report prints the data's fingerprints.
    assert status == 1, out
    assert "BEDA" not in out
    assert "berkas data konflik.csv berubah" in out
    assert re.search(r"Hasil: TIDAK DAPAT DIPASTIKAN\. Semua 197 angka sama, tetapi sel kode "
                     r"ke-\d+", out)


def test_new_commit_does_not_excuse_edited_cell(made, tmp_path, capsys):
    notebook, nb = copy_notebook(made, tmp_path)
    folder = notebook.parent
    nb.metadata["iku_nb"]["manifest"]["git"]["commit"] = "0" * 40
    code = [c for c in nb.cells if c.cell_type == "code"]
    output = next(o for c in code for o in c.outputs
                  if "84,21%" in o.get("data", {}).get("text/html", ""))
    output.data["text/html"] = output.data["text/html"].replace("84,21%", "94,21%", 1)
    nbformat.write(nb, notebook)
    manifest_path = folder / "laporan_tahunan.manifest.json"
    content = json.loads(manifest_path.read_text(encoding="utf-8"))
    content["git"]["commit"] = "0" * 40
    manifest_path.write_text(json.dumps(content, ensure_ascii=False, indent=2),
                             encoding="utf-8")
    forge_hash(folder, "laporan_tahunan.ipynb")

    status = main(["verifikasi", str(folder)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 1, out
    assert "commit git 000000000000 menjadi" in out
    assert "notebook diubah sesudah laporan dibuat" in out


def test_renamed_id_changes_lineage_only(made, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(made["data"], data)
    path = data / "konflik.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace("K-2025-013", "K-2025-020"),
                    encoding="utf-8")

    status = main(["verifikasi", str(made["folder"]), "--data", str(data)])
    out = capsys.readouterr().out
    assert status == 1, out
    differing = [line for line in out.splitlines() if line.startswith("  BEDA")]
    # Same counts, so every figure matches. Only the ids behind IKU-1 differ.
    assert differing == [
        "  BEDA   IKU-1 Tahun 2025 id dan baris sumber: tercatat 19 id, sekarang 19 id "
        "(2 id berbeda)",
        "  BEDA   IKU-1 Tahun 2025 id K-2025-013: tercatat pembilang, konflik.csv baris 72, "
        "sekarang (tidak ada)",
        "  BEDA   IKU-1 Tahun 2025 id K-2025-020: tercatat (tidak ada), sekarang pembilang, "
        "konflik.csv baris 72"]


def test_missing_side_files_are_problems(made, tmp_path):
    folder = copy_report(made, tmp_path)
    (folder / "laporan_tahunan.angka.json").unlink()
    (folder / "laporan_tahunan.html").unlink()
    recorded, records, _ = read_recorded(folder / "laporan_tahunan.ipynb")
    problems = _check_beside(folder / "laporan_tahunan.ipynb", recorded, records)
    assert "laporan_tahunan.angka.json tidak ada di samping laporan_tahunan.ipynb" in problems
    assert "laporan_tahunan.html tercatat di laporan_tahunan.manifest.json tetapi tidak ada" \
        in problems


def test_removed_notebook_manifest_flagged(made, tmp_path, capsys):
    notebook, nb = copy_notebook(made, tmp_path)
    del nb.metadata["iku_nb"]
    nbformat.write(nb, notebook)
    angka = notebook.with_name("laporan_tahunan.angka.json")
    content = json.loads(angka.read_text(encoding="utf-8"))
    record = next(r for r in content["angka"] if (r["kode"], r["tahun"]) == ("IKU-1", 2025))
    assert record["pembilang"] == 16
    record["pembilang"] = 17
    angka.write_text(json.dumps(content), encoding="utf-8")

    status = main(["verifikasi", str(notebook.parent)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 1, out
    assert "tanpa manifest" not in out
    assert ("laporan_tahunan.ipynb tidak memuat manifest (metadata iku_nb.manifest), padahal "
            "laporan_tahunan.manifest.json ada di sampingnya") in out
    # The files beside the notebook are still checked against the .manifest.json.
    assert ("laporan_tahunan.angka.json berubah sesudah laporan dibuat (SHA-256 tidak sama "
            "dengan laporan_tahunan.manifest.json)") in out
    assert "daftar angka di laporan_tahunan.angka.json berbeda" in out
    assert "Hasil: TIDAK COCOK." in out


def edit_embedded(name: str, value: object, *keys: str | int):
    """Return an edit of the manifest in the notebook's metadata: ``name`` and then ``keys``."""
    def edit(notebook: Path, manifest_path: Path) -> None:
        nb = nbformat.read(notebook, as_version=4)
        _set(nb.metadata["iku_nb"]["manifest"][name], keys, value)
        nbformat.write(nb, notebook)
    return edit


def edit_beside(name: str, value: object, *keys: str | int):
    """Return an edit of ``laporan_tahunan.manifest.json``: ``name`` and then ``keys``."""
    def edit(notebook: Path, manifest_path: Path) -> None:
        content = json.loads(manifest_path.read_text(encoding="utf-8"))
        _set(content[name], keys, value)
        manifest_path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    return edit


def _set(container, keys: tuple, value: object) -> None:
    for key in keys[:-1]:
        container = container[key]
    container[keys[-1]] = value


@pytest.mark.parametrize(("edit", "expected"), [
    (edit_embedded("masukan", "0" * 64, 0, "sha256"),
     "masukan ke-1, sha256 di laporan_tahunan.ipynb '00000000000000000000…', di "
     "laporan_tahunan.manifest.json '"),
    (edit_embedded("parameter", 2024, "tahun"),
     "parameter.tahun di laporan_tahunan.ipynb 2024, di laporan_tahunan.manifest.json 2025"),
    (edit_beside("masukan", "0" * 64, 0, "sha256"),
     "di laporan_tahunan.manifest.json '00000000000000000000…'"),
    (edit_beside("parameter", 2024, "tahun"),
     "parameter.tahun di laporan_tahunan.ipynb 2025, di laporan_tahunan.manifest.json 2024"),
], ids=["notebook-sha256", "notebook-tahun", "beside-sha256", "beside-tahun"])
def test_differing_manifest_copies_named(made, tmp_path, capsys, edit, expected):
    folder = copy_report(made, tmp_path)
    edit(folder / "laporan_tahunan.ipynb", folder / "laporan_tahunan.manifest.json")

    status = main(["verifikasi", str(folder)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 1, out
    assert ("Masalah: laporan_tahunan.manifest.json berbeda dengan manifest di metadata "
            "laporan_tahunan.ipynb (1 isian: ") in out
    assert expected in out
    # The edited copy does not make an unchanged data file look changed.
    assert "berkas data" not in out
    assert "BEDA" not in out
    assert "Hasil: TIDAK COCOK. Semua 197 angka sama, tetapi ada masalah di atas." in out


def verify_edited_parameter_cell(made, tmp_path, capsys, edit) -> tuple[int, str]:
    """Edit a copy's injected-parameters cell with ``edit``, keep its hash valid, and verify it.

    Return the exit status and the output on one line.
    """
    notebook, nb = copy_notebook(made, tmp_path)
    cell = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    cell.source = edit(cell.source)
    nbformat.write(nb, notebook)
    forge_hash(notebook.parent, "laporan_tahunan.ipynb")
    status = main(["verifikasi", str(notebook)])
    return status, " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("tahun = 2025", "tahun = 2024", "(1 isian: tahun tertulis 2024, tercatat 2025)"),
    ("katalog = None", 'katalog = "lain.yaml"', "(1 isian: katalog tertulis 'lain.yaml', "
     "tercatat null)"),
    ("analisis = {}", 'analisis = {"IKU-1": {"penyebab": "Mediasi."}}',
     "(1 isian: analisis.IKU-1 tertulis {\"penyebab\": \"Mediasi.\"}, tercatat (tidak ada))"),
    ("tahun = 2025", "tahun = 2020 + 5",
     "(1 isian: tahun tertulis kode `2020 + 5`, tercatat 2025)"),
], ids=["tahun", "katalog", "analisis", "expression"])
def test_edited_parameter_cell_named(made, tmp_path, capsys, old, new, expected):
    def edit(source: str) -> str:
        assert old in source
        return source.replace(old, new, 1)

    status, out = verify_edited_parameter_cell(made, tmp_path, capsys, edit)
    assert status == 1, out
    assert ("Masalah: sel parameter (sel kode ke-3, tag injected-parameters) di "
            "laporan_tahunan.ipynb berbeda dengan parameter yang tercatat di manifest "
            f"laporan_tahunan.ipynb {expected}; notebook diubah sesudah laporan dibuat") in out
    assert "Hasil: TIDAK COCOK." in out


def test_statement_added_to_parameter_cell(made, tmp_path, capsys):
    status, out = verify_edited_parameter_cell(made, tmp_path, capsys,
                                               lambda source: source + "\nimport os")
    assert status == 1, out
    assert ("sel parameter (sel kode ke-3, tag injected-parameters) di laporan_tahunan.ipynb "
            "memuat teks yang tidak ditulis papermill untuk parameternya: tertulis '…") in out
    # The line breaks are escaped, so the added statement is quoted on one line.
    assert re.search(r"tertulis '…[^']*analisis = \{\}\\n\\nimport os', seharusnya '…[^']*"
                     r"analisis = \{\}\\n'; notebook diubah sesudah laporan dibuat", out)


def test_nested_parameter_difference_named():
    long_text = "Deteksi dini berjalan karena laporan FKDM masuk dalam hitungan hari."
    recorded = {"tahun": 2025, "analisis": {"IKU-1": {"penyebab": long_text}}}
    written = {"tahun": 2025, "analisis": {"IKU-1": {"penyebab": long_text.replace(
        "berjalan", "sangat berhasil")}}}
    differing = field_differences(written, recorded)
    assert [d.place for d in differing] == ["analisis.IKU-1.penyebab"]
    assert describe_value(differing[0].first, differing[0].second) == (
        "'Deteksi dini sangat berhasil kare…'")
    assert describe_value(differing[0].second, differing[0].first) == (
        "'Deteksi dini berjalan karena lapo…'")
    # True is 1 in Python, but not in the JSON a manifest records.
    assert [d.place for d in field_differences({"a": True}, {"a": 1})] == ["a"]
    assert [d.place for d in field_differences({"b": [1]}, {"b": [1, 2]})] == ["b ke-2"]


COMMAND = Path(sys.executable).with_name("iku-nb")


@pytest.mark.skipif(not COMMAND.exists(), reason="the iku-nb command is not installed here")
def test_sigterm_during_rerun_cleans_up(made, tmp_path):
    temporary = tmp_path / "sementara"
    temporary.mkdir()
    command = subprocess.Popen([str(COMMAND), "verifikasi", str(made["folder"])],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "TMPDIR": str(temporary)})
    try:
        # jupyter_client writes the kernel's connection file once the kernel starts.
        deadline = time.monotonic() + 120
        while not list(temporary.rglob("*.json")):
            assert time.monotonic() < deadline, "no kernel started within 120 s"
            time.sleep(0.05)
        family = psutil.Process(command.pid).children(recursive=True)
        command.send_signal(signal.SIGTERM)
        _, stderr = command.communicate(timeout=60)
    finally:
        if command.poll() is None:
            command.kill()
    assert command.returncode == 128 + signal.SIGTERM, stderr
    assert ("Dihentikan oleh sinyal SIGTERM. Laporan yang diverifikasi tidak diubah."
            in stderr)
    assert "Traceback" not in stderr
    assert list(temporary.iterdir()) == []
    psutil.wait_procs(family, timeout=30)
    assert not [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


# Started with the re-run's folder as its working folder, this writes its
# first argument once it runs, and its second once that folder is gone.
WATCH_WORKING_FOLDER = """
import os, sys, time
open(sys.argv[1], "w").close()
while True:
    try:
        os.getcwd()
    except FileNotFoundError:
        open(sys.argv[2], "w").close()
        break
    time.sleep(0.001)
"""


def test_stopped_rerun_kills_kernel_first(made, tmp_path, monkeypatch):
    """A kernel starting when SIGTERM arrives is killed before its working folder is removed."""
    started, removed = tmp_path / "mulai", tmp_path / "folder_hilang"
    processes = []

    def start_then_stop(spec, dataset, katalog, work, *_):
        processes.append(subprocess.Popen(
            [sys.executable, "-c", WATCH_WORKING_FOLDER, str(started), str(removed)],
            cwd=work))
        deadline = time.monotonic() + 60
        while not started.exists():
            assert time.monotonic() < deadline, "the stand-in kernel did not start"
            time.sleep(0.01)
        raise Terminated(signal.SIGTERM)

    monkeypatch.setattr("iku_nb.verify.make_notebook", start_then_stop)
    with pytest.raises(Terminated):
        verify(made["folder"] / "laporan_tahunan.ipynb")
    # psutil.wait_procs in kill_all collects its status, so this only confirms it ended.
    processes[0].wait(timeout=10)
    assert not removed.exists()


def test_failed_notebook_named_as_failed(made, tmp_path):
    failed = tmp_path / "laporan_tahunan.GAGAL.ipynb"
    shutil.copyfile(made["ipynb"], failed)
    with pytest.raises(VerifyError, match="gagal dijalankan") as raised:
        find_notebook(failed)
    assert ("Notebook laporan yang berhasil, laporan_tahunan.ipynb, tidak ada di folder itu"
            in str(raised.value))
    shutil.copyfile(made["ipynb"], tmp_path / "laporan_tahunan.ipynb")
    with pytest.raises(VerifyError) as raised:
        find_notebook(failed)
    assert ("Verifikasi notebook laporan yang berhasil, laporan_tahunan.ipynb, di folder yang "
            "sama") in str(raised.value)


def test_damaged_manifest_cannot_be_verified(made, tmp_path, capsys):
    notebook, nb = copy_notebook(made, tmp_path)
    for entry in nb.metadata["iku_nb"]["manifest"]["masukan"]:
        del entry["tabel"]
    nbformat.write(nb, notebook)
    assert main(["verifikasi", str(notebook)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert (f"Metadata notebook {notebook} rusak: metadata.iku_nb.manifest.masukan ke-1 "
            "tidak memuat kunci 'tabel'.") in err
    assert "Minta notebook aslinya dari pembuat laporan" in err
    assert "Galat internal" not in err


def set_manifest_field(name: str, value: object):
    def edit(nb: nbformat.NotebookNode) -> None:
        nb.metadata["iku_nb"]["manifest"][name] = value
    return edit


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda nb: nb.metadata.__setitem__("iku_nb", "rusak"),
     "metadata.iku_nb tertulis teks 'rusak', padahal harus objek JSON"),
    (lambda nb: nb.metadata.__setitem__("iku_nb", None),
     "metadata.iku_nb tertulis isian kosong, padahal harus objek JSON"),
    (lambda nb: nb.metadata["iku_nb"].__setitem__("manifest", [1]),
     "metadata.iku_nb.manifest tertulis daftar [1], padahal harus objek JSON atau null"),
    (set_manifest_field("git", "3aa63ee"),
     "metadata.iku_nb.manifest.git tertulis teks '3aa63ee', padahal harus objek JSON"),
    (set_manifest_field("masukan", {"tabel": "konflik"}),
     "metadata.iku_nb.manifest.masukan tertulis pemetaan {tabel: konflik}, padahal harus "
     "daftar"),
    (lambda nb: nb.metadata["iku_nb"]["manifest"]["masukan"].__setitem__(1, "rekap.csv"),
     "metadata.iku_nb.manifest.masukan ke-2 tertulis teks 'rekap.csv', padahal harus "
     "objek JSON"),
    (lambda nb: nb.metadata.__setitem__("papermill", 5),
     "metadata.papermill tertulis angka 5, padahal harus objek JSON"),
])
def test_malformed_metadata_names_field(made, tmp_path, capsys, edit, expected):
    notebook, nb = copy_notebook(made, tmp_path)
    edit(nb)
    nbformat.write(nb, notebook)
    assert main(["verifikasi", str(notebook)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"Galat: Metadata notebook {notebook} rusak: {expected}." in err
    assert "Galat internal" not in err


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda records: records[0].__setitem__("teks", ["84,21%"]),
     "catatan IKU-1 Tahun 2021, teks tertulis daftar ['84,21%'], padahal harus objek JSON"),
    (lambda records: records[3].__setitem__("kode", ["IKU-1"]),
     "catatan ke-4, kode tertulis daftar [IKU-1], padahal harus teks"),
    (lambda records: records[0].pop("tahun"),
     "catatan IKU-1 Tahun 2021 tidak memuat kunci 'tahun'"),
    (lambda records: next(r for r in records if "asal_baris" in r)["asal_baris"]["id"][2]
     .__setitem__("baris", "konflik.csv"),
     "catatan IKU-1 Tahun 2025, asal_baris.id ke-3, baris tertulis teks 'konflik.csv', "
     "padahal harus objek JSON"),
    (lambda records: next(r for r in records if "perbandingan" in r)
     .__setitem__("perbandingan", "naik"),
     "catatan IKU-1 Tahun 2025, perbandingan tertulis teks 'naik', padahal harus objek JSON "
     "atau null"),
])
def test_malformed_registry_names_record(made, tmp_path, capsys, edit, expected):
    notebook, nb = copy_notebook(made, tmp_path)
    edit(registry.from_notebook(nb))
    nbformat.write(nb, notebook)
    assert main(["verifikasi", str(notebook)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"Galat: Daftar angka di {notebook} rusak: {expected}." in err
    assert "Galat internal" not in err


def test_invalid_notebook_cell_named(made, tmp_path, capsys):
    notebook = copy_report(made, tmp_path) / "laporan_tahunan.ipynb"
    # nbformat.write rejects an output without output_type, so the JSON is edited.
    content = json.loads(notebook.read_text(encoding="utf-8"))
    number, cell = next((n, c) for n, c in enumerate(content["cells"]) if c.get("outputs"))
    del cell["outputs"][0]["output_type"]
    notebook.write_text(json.dumps(content), encoding="utf-8")
    assert main(["verifikasi", str(notebook)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert (f"Galat: Notebook {notebook} rusak: isian cells ke-{number + 1}, outputs ke-1 "
            "tidak sesuai format notebook Jupyter (nbformat 4).") in err
    assert "Galat internal" not in err


def test_missing_data_folder_named(made, tmp_path, capsys):
    assert main(["verifikasi", str(made["folder"]), "--data", str(tmp_path / "tidak-ada")]) == 2
    assert "tidak-ada tidak ditemukan" in capsys.readouterr().err


def run_papermill_directly(made: dict, tmp_path: Path) -> Path:
    """Run the yearly template with papermill alone, as an analyst does; return the notebook."""
    notebook = tmp_path / "laporan_tahunan.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "laporan_tahunan.ipynb"), str(notebook),
        parameters={"tahun": 2025, "data": str(made["data"])}, progress_bar=False,
        kernel_name="python3")
    return notebook


def test_plain_papermill_notebook_verified(made, tmp_path, capsys):
    notebook = run_papermill_directly(made, tmp_path)
    status = main(["verifikasi", str(notebook)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "tanpa manifest" in out
    assert "Hasil: COCOK." in out


def test_deleted_notebook_named(made, tmp_path, capsys):
    folder = copy_report(made, tmp_path)
    (folder / "laporan_tahunan.ipynb").unlink()
    status = main(["verifikasi", str(folder)])
    err = " ".join(capsys.readouterr().err.split())
    assert status == 2
    assert ("laporan_tahunan.ipynb tercatat di laporan_tahunan.manifest.json tetapi tidak ada "
            f"di {folder}") in err


def test_deleted_notebook_named_in_whole_folder(made, tmp_path, capsys):
    # Verifying output/ must not skip a report whose notebook is gone.
    root = tmp_path / "output"
    shutil.copytree(made["folder"], root / "2025")
    shutil.copytree(made["folder"], root / "2024-salinan")
    (root / "2025" / "laporan_tahunan.ipynb").unlink()
    status = main(["verifikasi", str(root)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 2, out
    assert ("Hasil: TIDAK DAPAT DIVERIFIKASI. laporan_tahunan.ipynb tercatat di "
            "laporan_tahunan.manifest.json tetapi tidak ada") in out
    assert "2 laporan di" in out
    assert "1 cocok" in out


def test_deleted_notebook_beside_failed_run(made, tmp_path, capsys):
    # A later failed run keeps its notebook beside the report it left unchanged.
    folder = copy_report(made, tmp_path)
    (folder / "laporan_tahunan.ipynb").rename(folder / f"laporan_tahunan{FAILED_SUFFIX}")
    status = main(["verifikasi", str(folder)])
    err = " ".join(capsys.readouterr().err.split())
    assert status == 2
    assert "laporan_tahunan.ipynb tercatat di laporan_tahunan.manifest.json tetapi tidak ada" in err


@pytest.mark.parametrize(("typed", "replaced"), [
    ({"tahun": "2025"}, False),
    ({"tahun": 2025, "bidang": "Hanbang"}, False),
    ({"tahun": 2025, "triwulan": "2"}, False),
    ({"tahun": 2024}, True),
    ({"tahun": 2025, "bidang": "poldagri"}, True),
    ({}, False),
])
def test_other_report_read_as_notebooks_do(tmp_path, typed, replaced):
    notebook = tmp_path / "laporan_bidang.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    side = SideManifest(tmp_path / "laporan_bidang.manifest.json", True,
                        files={"laporan_bidang.ipynb": "0" * 64})
    recorded = {"parameter": {"tahun": 2025, "triwulan": 2, "bidang": "hanbang"}}
    found = _other_report(notebook, None, typed, recorded, side)
    assert (found is not None) == replaced
    if replaced:
        assert found[0] == "tahun 2025 triwulan 2 bidang hanbang"


def notebook_with_parameters_cell(path: Path, source: str) -> Path:
    """Write a notebook whose only cell is tagged "parameters"; return its path."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


def test_other_report_cell_default_bidang(tmp_path):
    # papermill -p tahun 2025 on laporan_bidang.ipynb kept its default bidang hanbang.
    notebook = notebook_with_parameters_cell(
        tmp_path / "laporan_bidang.ipynb",
        'tahun: int = 2024\nbidang: str = "hanbang"\ntriwulan = None\nanalisis = dict(a=1)\n')
    side = SideManifest(tmp_path / "laporan_bidang.manifest.json", True,
                        files={"laporan_bidang.ipynb": "0" * 64})
    recorded = {"parameter": {"tahun": 2025, "triwulan": None, "bidang": "poldagri"}}
    own = {**_parameters_cell_values(nbformat.read(notebook, as_version=4)), "tahun": 2025}
    # dict(a=1) is a call, not a literal, so analisis is left out.
    assert own == {"tahun": 2025, "bidang": "hanbang", "triwulan": None}
    found = _other_report(notebook, None, own, recorded, side)
    assert found is not None
    assert "adalah laporan tahun 2025 bidang hanbang" in found[1]
    recorded["parameter"]["bidang"] = "hanbang"
    assert _other_report(notebook, None, own, recorded, side) is None


def test_parameters_cell_values_literals_only(tmp_path):
    notebook = notebook_with_parameters_cell(
        tmp_path / "x.ipynb", "tahun: int = 2024\ntahun += 1\nbidang = nama()\n"
                              "data = 'data'\nkatalog: Optional[str] = None\n")
    values = _parameters_cell_values(nbformat.read(notebook, as_version=4))
    assert values == {"tahun": 2024, "data": "data", "katalog": None}


def swap_in_papermill_run(made: dict, tmp_path: Path, template: str, tahun: int) -> Path:
    """Copy the report folder and put a papermill run of ``template`` in its notebook's place.

    Return the folder.
    """
    folder = copy_report(made, tmp_path)
    other = tmp_path / f"{template}-{tahun}.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / f"{template}.ipynb"), str(other),
        parameters={"tahun": tahun, "data": str(made["data"])}, progress_bar=False,
        kernel_name="python3")
    shutil.copy(other, folder / "laporan_tahunan.ipynb")
    return folder


def test_bidang_notebook_default_rerun_as_itself(made, tmp_path, capsys):
    # papermill -p tahun 2025 on the bidang notebook keeps bidang hanbang from its cell.
    folder = swap_in_papermill_run(made, tmp_path, "laporan_bidang", 2025)
    status = main(["verifikasi", str(folder)])
    out = capsys.readouterr().out
    assert status == 1, out
    flat = " ".join(out.split())
    assert "adalah laporan tahun 2025 bidang hanbang, sedangkan" in flat
    # Re-run as the hanbang report it is, its own figures all match.
    assert "BEDA" not in out


def test_replaced_notebook_blamed_not_page(made, tmp_path, capsys):
    # The published HTML still has the SHA-256 that the manifest records.
    folder = copy_report(made, tmp_path)
    shutil.copy(run_papermill_directly(made, tmp_path), folder / "laporan_tahunan.ipynb")
    status = main(["verifikasi", str(folder)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 1, out
    assert ("laporan_tahunan.html berbeda dengan HTML yang dibuat ulang dari "
            "laporan_tahunan.ipynb: laporan_tahunan.html sama dengan yang tercatat di "
            "laporan_tahunan.manifest.json, jadi laporan_tahunan.ipynb yang diubah atau "
            "diganti sesudah laporan dibuat") in out
    assert "berkas itu diubah sesudah dibuat" not in out
    assert "teksnya tertulis" not in out


def test_notebook_of_other_year_named_first(made, tmp_path, capsys):
    folder = swap_in_papermill_run(made, tmp_path, "laporan_tahunan", 2024)
    status = main(["verifikasi", str(folder)])
    out = capsys.readouterr().out
    assert status == 1, out
    problems = [" ".join(line.split()) for line in out.split("Masalah: ")[1:]]
    assert problems[0].startswith(
        "laporan_tahunan.ipynb adalah laporan tahun 2024, sedangkan "
        "laporan_tahunan.manifest.json di folder ini mencatat laporan tahun 2025: notebook itu "
        "diganti dengan notebook laporan lain."), problems[0]
    verdict = " ".join(out[out.index("Hasil:"):].split())
    assert verdict == ("Hasil: TIDAK COCOK. Notebook di folder ini bukan laporan tahun 2025, "
                       "jadi angka laporan itu tidak diperiksa.")
    assert out.splitlines()[0].endswith("(notebook tanpa manifest; manifest di sampingnya "
                                        "mencatat laporan tahun 2025)")


def test_plain_papermill_notebook_with_nbconvert_page(made, tmp_path, capsys):
    # The analyst's own `jupyter nbconvert --to html` page is not an edited iku-nb page.
    notebook = run_papermill_directly(made, tmp_path)
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html",
                    str(notebook)], check=True, capture_output=True)
    assert notebook.with_suffix(".html").is_file()
    status = main(["verifikasi", str(notebook)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 0, out
    assert (f"laporan_tahunan.html tidak dibuat oleh iku-nb (tidak bertanda {GENERATOR_MARK}), "
            "misalnya oleh jupyter nbconvert, jadi tidak dibandingkan") in out
    assert "Hasil: COCOK." in out


def test_plain_papermill_notebook_with_other_pdf(made, tmp_path, capsys):
    # iku-nb makes PDFs only with a manifest, so this one came from another tool.
    notebook = run_papermill_directly(made, tmp_path)
    notebook.with_suffix(".pdf").write_bytes(b"%PDF-1.7 dari alat lain\n")
    status = main(["verifikasi", str(notebook)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 0, out
    assert ("laporan_tahunan.pdf di samping notebook tanpa manifest tidak dibuat oleh iku-nb "
            "laporan, jadi tidak dibandingkan") in out


def test_iku_page_carries_generator_mark(made):
    assert GENERATOR_MARK in made["html"].read_text(encoding="utf-8")


def test_long_changed_passage_quoted_by_start():
    written = "awal " + " ".join(f"lama{n}" for n in range(200)) + " akhir"
    now = "awal " + " ".join(f"baru{n}" for n in range(200)) + " akhir"
    (place,) = changed_places(written, now)
    assert place[0].startswith("awal lama0 lama1")
    assert place[0].endswith("…")
    assert len(place[0].split()) == QUOTE_WORDS


def test_quarterly_report_named_and_verified(tmp_path):
    """A quarterly office-wide report is written as laporan_triwulan, and verifies as made."""
    files = run_report(ReportSpec(parse_parameters({"tahun": 2025, "triwulan": 2,
                                                    "data": str(ROOT / "data")})),
                       tmp_path / "output")
    folder = tmp_path / "output" / "2025" / "tw2"
    assert sorted(p.name for p in folder.iterdir()) == [
        "laporan_triwulan.angka.json", "laporan_triwulan.html", "laporan_triwulan.ipynb",
        "laporan_triwulan.manifest.json"]
    assert files["html"] == folder / "laporan_triwulan.html"
    manifest = json.loads((folder / "laporan_triwulan.manifest.json").read_text("utf-8"))
    assert manifest["notebook"] == "laporan_tahunan", "the template that made it"
    result = verify(folder)
    assert result.ok, result.problems


def test_report_made_before_analysis_period_verifiable():
    # Such a report recorded its analysts' text without periode; it was for its own period.
    recorded = {"parameter": {"tahun": 2025, "triwulan": 2, "data": str(ROOT / "data"),
                              "analisis": {"IKU-1": {"penyebab": "Mediasi."}}}}
    spec = _spec(recorded, {}, None, None)
    assert spec.params.analisis == {"periode": "2025-tw2", "IKU-1": {"penyebab": "Mediasi."}}


def test_template_change_explains_cell_count(made, tmp_path, capsys):
    notebook, nb = copy_notebook(made, tmp_path)
    folder = notebook.parent
    nb.cells.append(nbformat.v4.new_code_cell("1 + 1"))
    nb.metadata["iku_nb"]["manifest"]["kode"]["notebooks/laporan_tahunan.ipynb"] = "0" * 64
    nbformat.write(nb, notebook)
    content = json.loads((folder / "laporan_tahunan.manifest.json").read_text(encoding="utf-8"))
    content["kode"]["notebooks/laporan_tahunan.ipynb"] = "0" * 64
    (folder / "laporan_tahunan.manifest.json").write_text(json.dumps(content), encoding="utf-8")
    forge_hash(folder, "laporan_tahunan.ipynb")
    status = main(["verifikasi", str(folder)])
    out = " ".join(capsys.readouterr().out.split())
    assert status == 1, out
    # The changed template explains the extra cell, so the notebook is not blamed for it.
    assert "notebook diubah sesudah laporan dibuat" not in out
    assert "Catatan: sel kode ke-15 berbeda dengan hasil menjalankan ulang" in out


def test_data_errors_located_when_rerun_impossible(made, tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(made["data"], data)
    path = data / "konflik.csv"
    text = path.read_text(encoding="utf-8-sig")
    first_date = re.search(r"\d\d/\d\d/2023", text).group(0)
    path.write_text(text.replace(first_date, "31/02/2023", 1), encoding="utf-8")
    status = main(["verifikasi", str(made["folder"]), "--data", str(data)])
    out = capsys.readouterr().out
    assert status == 2, out
    assert re.search(r"konflik\.csv baris \d+ kolom tanggal_\w+: Tanggal '31/02/2023'", out)


def copy_output(made: dict, tmp_path: Path) -> Path:
    """Copy the made report's output folder, with the lock file that `iku-nb laporan` leaves."""
    output = tmp_path / "output"
    shutil.copytree(made["folder"].parent, output)
    (output / ".kunci").touch()
    return output.resolve()


@pytest.mark.parametrize("below", ["2025", "2025/laporan_tahunan.ipynb", "."])
def test_batch_lock_stops_verification(made, tmp_path, capsys, below):
    output = copy_output(made, tmp_path)
    with open(output / ".kunci", "a+") as batch:
        fcntl.flock(batch, fcntl.LOCK_EX)
        status = main(["verifikasi", str(output / below), "--tunggu", "0"])
    captured = capsys.readouterr()
    assert status == 3
    message = " ".join(captured.err.split())
    assert (f"Galat: Folder keluaran {output} sedang ditulis `iku-nb laporan` "
            f"({output / '.kunci'} terkunci). Laporan di dalamnya dapat berubah selama "
            "verifikasi") in message
    assert "Menunggu" not in message
    assert "Verifikasi" not in captured.out


def test_batch_lock_wait_is_bounded(made, tmp_path, capsys):
    output = copy_output(made, tmp_path)
    with open(output / ".kunci", "a+") as batch:
        fcntl.flock(batch, fcntl.LOCK_EX)
        started = time.monotonic()
        status = main(["verifikasi", str(output / "2025"), "--tunggu", "1"])
        elapsed = time.monotonic() - started
    assert status == 3
    assert 1 <= elapsed < 10
    message = " ".join(capsys.readouterr().err.split())
    assert (f"Menunggu `iku-nb laporan` selesai menulis ke {output} (paling lama 1 detik; "
            "atur dengan --tunggu).") in message
    assert "dan batch itu belum selesai setelah ditunggu 1 detik" in message


def test_verification_waits_for_batch(made, tmp_path, capsys):
    output = copy_output(made, tmp_path)
    batch = open(output / ".kunci", "a+")  # closing it releases the lock
    fcntl.flock(batch, fcntl.LOCK_EX)
    finish = threading.Timer(1.0, batch.close)
    finish.start()
    try:
        status = main(["verifikasi", str(output / "2025"), "--tunggu", "60"])
    finally:
        finish.cancel()
        batch.close()
    captured = capsys.readouterr()
    assert status == 0, captured.out
    assert f"Menunggu `iku-nb laporan` selesai menulis ke {output}" in captured.err
    assert "Hasil: COCOK." in captured.out


@pytest.mark.parametrize("with_lock_file", [True, False])
def test_read_only_copy_verified(made, tmp_path, monkeypatch, capsys, with_lock_file):
    output = copy_output(made, tmp_path)
    if not with_lock_file:
        (output / ".kunci").unlink()
    before = {p.relative_to(output): p.stat().st_mtime_ns for p in output.rglob("*")}

    # The tests run as root too, for which chmod does not stop writes, so
    # every open for writing below the copy fails as on a read-only mount.
    def below_output(path) -> bool:
        return isinstance(path, str | os.PathLike) and Path(path).resolve().is_relative_to(output)

    real_os_open, real_open = os.open, builtins.open

    def os_open(path, flags, *args, **kwargs):
        if below_output(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_os_open(path, flags, *args, **kwargs)

    def open_file(file, mode="r", *args, **kwargs):
        if below_output(file) and set(mode) & set("wax+"):
            raise OSError(errno.EROFS, "Read-only file system", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", open_file)
    monkeypatch.setattr(io, "open", open_file)
    status = main(["verifikasi", str(output / "2025")])
    monkeypatch.undo()
    captured = capsys.readouterr()
    assert status == 0, captured.out + captured.err
    assert "Hasil: COCOK." in captured.out
    assert "peringatan" not in captured.err, "the lock file is opened read-only"
    assert (output / ".kunci").exists() == with_lock_file
    assert {p.relative_to(output): p.stat().st_mtime_ns for p in output.rglob("*")} == before


def test_output_root_found_by_layout(tmp_path):
    output = tmp_path / "output"
    for folder in ("2025", "2025/tw2/poldagri", "2025/hanbang", "salinan"):
        (output / folder).mkdir(parents=True)
    assert output_root(output / "2025" / "laporan_tahunan.ipynb") is None, "no lock file yet"
    (output / ".kunci").touch()
    assert output_root(output / "2025" / "laporan_tahunan.ipynb") == output.resolve()
    assert output_root(output / "2025/tw2/poldagri/laporan_bidang.ipynb") == output.resolve()
    assert output_root(output / "2025/hanbang/laporan_bidang.ipynb") == output.resolve()
    # A copied report folder is not a report folder of output/.
    assert output_root(output / "salinan" / "laporan_tahunan.ipynb") is None
