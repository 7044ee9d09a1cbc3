"""Real papermill runs of the real notebooks, real nbconvert, real files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import papermill
import papermill.engines
import papermill.execute
import pytest
import yaml
from conftest import ROOT, event, organisation, report, target
from nbclient import NotebookClient
from papermill.exceptions import PapermillExecutionError
from pypdf import PdfReader

import iku_nb
from iku_nb import manifest, registry
from iku_nb import run as run_module
from iku_nb.dataset import sha256
from iku_nb.errors import DataError, RunError
from iku_nb.params import parse_parameters
from iku_nb.run import ReportSpec, run_report

pytestmark = pytest.mark.slow

DATA = str(ROOT / "data")


def spec(**raw) -> ReportSpec:
    return ReportSpec(parse_parameters({"data": DATA, **raw}), ("html",))


def visible_text(html: str) -> str:
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def yearly(tmp_path_factory) -> dict[str, Path]:
    return run_report(spec(tahun=2025), tmp_path_factory.mktemp("output"))


def test_yearly_report_files(yearly):
    assert yearly["html"].name == "laporan_tahunan.html"
    assert yearly["html"].parent.name == "2025"
    assert yearly["ipynb"].is_file()
    assert not list(yearly["html"].parent.parent.glob(".sementara/*"))


def test_yearly_report_figures_in_html(yearly):
    text = visible_text(yearly["html"].read_text(encoding="utf-8"))
    # Sample data, worked out independently: IKU-1 16/19, IKU-2 44/55, IKU-3 3/4.
    for figure in ("84,21%", "93,57%", "80,00%", "106,67%", "75,00%", "78,95%"):
        assert figure in text
    assert "Laporan Kinerja Instansi Pemerintah (LKjIP) Tahun 2025" in text
    assert "Bab III Akuntabilitas Kinerja" in text
    assert "Metode Perhitungan" in text
    assert "K-2025-017" in text


def test_report_note_empty_quarter(yearly, tmp_path):
    # 2022 has only yearly rekap rows, so its first quarter has no data at all.
    quarter = spec(tahun=2022, triwulan=1)
    files = run_report(quarter, tmp_path)
    assert (run_module.report_note(quarter, files)
            == "tanpa data Triwulan I Tahun 2022: IKU-1, IKU-2, IKU-3")
    assert run_module.report_note(spec(tahun=2025), yearly) is None


def test_yearly_report_hides_code_and_free_text(yearly):
    html = yearly["html"].read_text(encoding="utf-8")
    text = visible_text(html)
    assert "Laporan.dari_parameter" not in text
    assert "nama_awal" not in text
    assert 'class="jp-InputArea' not in html
    assert "Templat laporan" not in text
    assert "<script src=" not in html


def test_yearly_report_embeds_charts(yearly):
    html = yearly["html"].read_text(encoding="utf-8")
    # A trend chart per indicator, status and kecamatan charts for IKU-1 and
    # IKU-3, and the participation rate chart for IKU-2.
    assert html.count('src="data:image/png;base64,') == 8
    assert html.count("<img ") == 8


def test_registry_records_figures(yearly):
    registry = json.loads(yearly["angka"].read_text(encoding="utf-8"))
    assert yearly["angka"].name == "laporan_tahunan.angka.json"
    current = {r["kode"]: r for r in registry["angka"] if r["tahun"] == 2025}
    iku1 = current["IKU-1"]
    # Counted by hand from data/konflik.csv: 19 cases happened in 2025 and 16 were
    # resolved by 31 December; 16/19 = 84.2105 and 84.2105/90 = 93.567.
    assert (iku1["pembilang"], iku1["penyebut"], iku1["realisasi"], iku1["target"],
            iku1["capaian"], iku1["kategori"]) == (16, 19, "84.21", "90", "93.57",
                                                   "Sangat Tinggi")
    dataset = iku_nb.load(DATA)
    assert [current[n.kode]["realisasi_tepat"] for n in iku_nb.hitung(dataset, 2025)] == [
        str(n.realisasi) for n in iku_nb.hitung(dataset, 2025)]


def test_manifest_records_inputs_code_and_times(yearly):
    manifest = json.loads(yearly["manifest"].read_text(encoding="utf-8"))
    assert yearly["manifest"].name == "laporan_tahunan.manifest.json"
    dataset = iku_nb.load(DATA)
    konflik = next(m for m in manifest["masukan"] if m["tabel"] == "konflik")
    assert konflik == {"tabel": "konflik", "sumber": "konflik.csv", "berkas": "konflik.csv",
                       "sha256": sha256(ROOT / "data" / "konflik.csv"), "baris": 78}
    assert manifest["katalog"]["sha256"] == sha256(dataset.katalog_path)
    assert manifest["kode"]["iku_nb/count.py"] == sha256(ROOT / "iku_nb" / "count.py")
    assert "notebooks/laporan_tahunan.ipynb" in manifest["kode"]
    assert manifest["mulai"] <= manifest["selesai"]
    assert manifest["parameter"]["tahun"] == 2025
    # The files of the report are listed with their SHA-256, the manifest excepted.
    assert manifest["berkas"]["laporan_tahunan.html"] == sha256(yearly["html"])
    assert "laporan_tahunan.manifest.json" not in manifest["berkas"]


def test_executed_notebook_carries_manifest_and_registry(yearly):
    nb = nbformat.read(yearly["ipynb"], as_version=4)
    inside = nb.metadata["iku_nb"]["manifest"]
    beside = json.loads(yearly["manifest"].read_text(encoding="utf-8"))
    assert inside == {k: v for k, v in beside.items() if k != "berkas"}
    records = json.loads(yearly["angka"].read_text(encoding="utf-8"))["angka"]
    assert registry.from_notebook(nb) == records


def test_notebook_bytes_match_jupyter_save(yearly, tmp_path):
    """An auditor who opens and saves the notebook unchanged gets the same bytes."""
    saved = tmp_path / "disimpan.ipynb"
    nbformat.write(nbformat.read(yearly["ipynb"], as_version=4), saved)
    assert yearly["ipynb"].read_bytes().endswith(b"}\n")
    assert saved.read_bytes() == yearly["ipynb"].read_bytes()


def test_invalid_executed_notebook_rejected(tmp_path, monkeypatch):
    real = run_module._execute

    def execute_then_break(*args, **kwargs):
        nb = real(*args, **kwargs)
        nb.cells[0]["bukan_kunci_skema"] = 1
        return nb

    monkeypatch.setattr(run_module, "_execute", execute_then_break)
    output = tmp_path / "output"
    with pytest.raises(RunError, match="tidak sah menurut skema notebook Jupyter"):
        run_report(spec(tahun=2025, bidang="poldagri"), output)
    assert not (output / "2025").exists()


def test_notebook_runs_as_is_without_papermill():
    nb = nbformat.read(ROOT / "notebooks" / "laporan_tahunan.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = " ".join(str(o) for cell in nb.cells for o in cell.get("outputs", []))
    assert "84,21%" in outputs


def test_papermill_with_parameter_file(tmp_path):
    parameters = yaml.safe_load((ROOT / "parameters" / "2025-tw2.yaml").read_text())
    out = tmp_path / "tw2.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / "laporan_tahunan.ipynb"), str(out),
                               parameters=parameters, cwd=str(ROOT), progress_bar=False)
    text = out.read_text(encoding="utf-8")
    assert "Laporan Capaian Kinerja Triwulan II Tahun 2025" in text
    # TW II 2025: IKU-1 11/11, quarterly target 75 -> capaian 133,33%.
    assert "133,33%" in text


def test_papermill_unknown_parameter_rejected(tmp_path):
    with pytest.raises(PapermillExecutionError, match=r"tahn.*tidak dikenal"):
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "laporan_tahunan.ipynb"), str(tmp_path / "x.ipynb"),
            parameters={"tahun": 2025, "tahn": 2024}, progress_bar=False)


def test_papermill_invalid_triwulan_rejected(tmp_path):
    with pytest.raises(PapermillExecutionError, match="triwulan"):
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "laporan_tahunan.ipynb"), str(tmp_path / "x.ipynb"),
            parameters={"tahun": 2025, "triwulan": 5}, progress_bar=False)


@pytest.mark.parametrize("bidang", ["", None])
def test_papermill_bidang_notebook_needs_bidang(tmp_path, bidang):
    # Without a bidang the notebook would build the whole office's report under its name.
    with pytest.raises(PapermillExecutionError,
                       match=r"bidang belum diisi .* \(pilihan: iwasbang, poldagri, hanbang\)"):
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "laporan_bidang.ipynb"), str(tmp_path / "x.ipynb"),
            parameters={"tahun": 2025, "bidang": bidang}, progress_bar=False)


def test_papermill_analysis_of_other_year_rejected(tmp_path):
    # The command rejects this too, so papermill run directly must not print 2025's text in 2024.
    parameters = yaml.safe_load((ROOT / "parameters" / "2025.yaml").read_text(encoding="utf-8"))
    with pytest.raises(PapermillExecutionError,
                       match=r"analisis ditulis untuk periode 2025 .* untuk Tahun 2024"):
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "laporan_tahunan.ipynb"), str(tmp_path / "x.ipynb"),
            parameters={**parameters, "tahun": 2024}, cwd=str(ROOT), progress_bar=False)


def test_bidang_report_lists_its_cases(tmp_path):
    files = run_report(spec(tahun=2025, bidang="hanbang"), tmp_path)
    assert files["html"] == tmp_path / "2025" / "hanbang" / "laporan_bidang.html"
    text = visible_text(files["html"].read_text(encoding="utf-8"))
    assert "Laporan Kinerja Bidang Ketahanan Bangsa dan Kewaspadaan Nasional Tahun 2025" in text
    assert "Rincian Bidang Ketahanan Bangsa dan Kewaspadaan Nasional" in text
    # hanbang is penanggung jawab of IKU-1 and IKU-3, not of IKU-2.
    assert "IKU-3 Persentase konflik SARA" in text
    assert "IKU-2 Persentase" not in text
    # An empty sara cell shows as a dash, never as pandas' "nan".
    assert re.search(r"\bnan\b", text) is None
    assert "K-2025-001" in text
    angka = json.loads(files["angka"].read_text(encoding="utf-8"))["angka"]
    assert sorted({r["kode"] for r in angka}) == ["IKU-1", "IKU-3"]


def test_data_text_is_escaped_and_uraian_never_shown(make_data, tmp_path):
    data = make_data(konflik=[
        report("K-1", "2025-01-10", selesai="2025-01-20", sumber="<script>alert(1)</script>"),
    ], organisasi=[organisation("O-1", "2020-01-01")])
    files = run_report(ReportSpec(parse_parameters({"tahun": 2025, "data": str(data)})),
                       tmp_path / "output")
    html = files["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "uraian rahasia" not in html
    assert "uraian rahasia" not in files["ipynb"].read_text(encoding="utf-8")


def test_bad_data_writes_nothing(make_data, tmp_path):
    data = make_data(konflik=[report("K-1", "2025-01-10", status="dibatalkan")])
    with pytest.raises(DataError):
        run_report(ReportSpec(parse_parameters({"tahun": 2025, "data": str(data)})),
                   tmp_path / "output")
    assert not (tmp_path / "output" / "2025").exists()


def yearly_notebook_with(tmp_path: Path, monkeypatch, *sources: str) -> None:
    """Make run_report use a copy of the yearly notebook with code cells added at its end."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(ROOT / "notebooks" / "laporan_tahunan.ipynb", folder)
    nb = nbformat.read(folder / "laporan_tahunan.ipynb", as_version=4)
    nb.cells.extend(nbformat.v4.new_code_cell(source) for source in sources)
    nbformat.write(nb, folder / "laporan_tahunan.ipynb")
    monkeypatch.setattr(run_module, "NOTEBOOK_DIR", folder)


def test_failing_cell_keeps_previous_report(yearly, tmp_path, monkeypatch):
    output = yearly["html"].parent.parent
    before = yearly["html"].read_bytes()
    yearly_notebook_with(tmp_path, monkeypatch, "raise ValueError('sel rusak')")

    with pytest.raises(RunError, match="sel rusak") as failure:
        run_report(spec(tahun=2025), output)
    assert "laporan sebelumnya tidak diubah" in str(failure.value)
    assert yearly["html"].read_bytes() == before
    failed = nbformat.read(yearly["html"].parent / "laporan_tahunan.GAGAL.ipynb", as_version=4)
    assert failed.cells[-1].outputs[0].evalue == "sel rusak"
    # A failed notebook is kept for diagnosis and does not claim to be a report.
    assert manifest.NOTEBOOK_KEY not in failed.metadata


def test_exit_zero_report_keeps_manifest(tmp_path, monkeypatch):
    # papermill marks the cell as an exception but returns the run as a success.
    yearly_notebook_with(tmp_path, monkeypatch, "import sys\nsys.exit(0)")

    files = run_report(spec(tahun=2025), tmp_path / "output")
    side = json.loads(files["manifest"].read_text(encoding="utf-8"))
    assert side["laporan"] == "2025"
    assert sha256(files["ipynb"]) == side["berkas"]["laporan_tahunan.ipynb"]
    published = nbformat.read(files["ipynb"], as_version=4)
    assert published.metadata.papermill["exception"] is True
    assert published.metadata[manifest.NOTEBOOK_KEY]["manifest"]["laporan"] == "2025"


def test_format_not_written_again_is_removed(tmp_path):
    first = run_report(ReportSpec(spec(tahun=2025).params, ("html",)), tmp_path)
    stale_pdf = first["html"].with_suffix(".pdf")
    stale_pdf.write_bytes(b"%PDF-1.7 laporan lama")
    files = run_report(spec(tahun=2025), tmp_path)
    assert "pdf" not in files
    assert not stale_pdf.exists()
    assert files.dropped == ["pdf"]
    assert ("PDF lama dihapus karena tidak cocok lagi dengan laporan ini; buat lagi dengan "
            "--format html,pdf") in run_module.report_note(spec(tahun=2025), files)
    again = run_report(spec(tahun=2025), tmp_path)
    assert again.dropped == []


def test_yearly_pdf_has_no_blank_page(tmp_path):
    files = run_report(ReportSpec(spec(tahun=2025).params, ("html", "pdf")), tmp_path)
    pages = [page.extract_text() for page in PdfReader(files["pdf"]).pages]
    assert "Daftar Isi" in pages[1]
    assert pages[2].startswith("Ikhtisar Eksekutif")
    for number, text in enumerate(pages[2:], start=3):
        # Every content page has more than its running header and footer.
        body = text.replace(f"Halaman {number} dari {len(pages)}", "")
        assert len(body.split()) > 15, f"page {number} is nearly empty: {text!r}"
    assert any("93,57%" in text for text in pages)


def test_papermill_bad_data_names_file_row_column(make_data, tmp_path):
    data = make_data(konflik=[report("K-1", "2025-01-10", status="dibatalkan")])
    with pytest.raises(PapermillExecutionError) as failure:
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "laporan_tahunan.ipynb"), str(tmp_path / "x.ipynb"),
            parameters={"tahun": 2025, "data": str(data)}, progress_bar=False)
    message = str(failure.value)
    assert "konflik.csv baris 2 kolom status nilai 'dibatalkan'" in message
    assert f"iku-nb periksa --data {data}" in message
    assert "Traceback" not in message


def test_data_changed_during_run_is_rejected(make_data, tmp_path, monkeypatch):
    data = make_data()

    def execute_while_someone_saves(spec, notebook, parameters, work, target, timeout, finish):
        with open(data / "konflik.csv", "a", encoding="utf-8") as handle:
            handle.write("K-9,2025-02-01,sosial,,Magersari,Wates,Polres,proses,,x\n")

    monkeypatch.setattr(run_module, "_execute", execute_while_someone_saves)
    output = tmp_path / "output"
    with pytest.raises(RunError, match=r"konflik\.csv berubah selama laporan disusun"):
        run_report(ReportSpec(parse_parameters({"tahun": 2025, "data": str(data)})), output)
    assert not (output / "2025").exists()


def test_manifest_records_environment(yearly):
    manifest = json.loads(yearly["manifest"].read_text(encoding="utf-8"))
    assert set(manifest["lingkungan"]) >= {"python", "pandas", "papermill", "iku-nb"}


def test_batch_real_notebooks_partial_failure(make_data, tmp_path):
    # No partisipasi row in 2025 and no IKU-2 target: every report with IKU-2
    # (office-wide, poldagri) fails, the conflict-only bidang reports succeed.
    targets = [target(k, 2025, "80") for k in ("IKU-1", "IKU-3")]
    data = make_data(partisipasi=[event("O-1", "2024-05-01")], targets=targets)
    output = tmp_path / "output"
    run = subprocess.run(
        [sys.executable, "-m", "iku_nb", "laporan", "--data", str(data), "--tahun", "2025",
         "--bidang", "semua", "--output", str(output)],
        capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 1
    assert "2 berhasil, 2 gagal" in run.stderr
    assert (output / "2025" / "hanbang" / "laporan_bidang.html").is_file()
    assert (output / "2025" / "iwasbang" / "laporan_bidang.html").is_file()
    assert not (output / "2025" / "laporan_tahunan.html").exists()
    note = output / "2025" / "poldagri" / "laporan_bidang.GAGAL.txt"
    assert "IKU-2" in note.read_text(encoding="utf-8")
    index = (output / "index.html").read_text(encoding="utf-8")
    assert 'href="2025/hanbang/laporan_bidang.html"' in index
    assert "Traceback" not in run.stderr


def test_cell_timeout_keeps_partial_notebook(yearly, tmp_path, monkeypatch):
    output = yearly["html"].parent.parent
    before = yearly["html"].read_bytes()
    yearly_notebook_with(tmp_path, monkeypatch, "print('sebelum tidur')",
                         "import time\ntime.sleep(60)")

    with pytest.raises(RunError, match="CellTimeoutError"):
        run_report(spec(tahun=2025), output, execution_timeout=3)
    assert yearly["html"].read_bytes() == before
    failed = nbformat.read(yearly["html"].parent / "laporan_tahunan.GAGAL.ipynb", as_version=4)
    printed = failed.cells[-2].outputs
    assert [o.get("text") for o in printed] == ["sebelum tidur\n"]
    assert failed.cells[-1].source.endswith("time.sleep(60)")
    assert all(o.output_type == "error" for o in failed.cells[-1].outputs)


def test_notebooks_still_validated_after_import():
    """Importing iku_nb.run drops jsonschema's "iri" checker, not notebook validation."""
    code = ("import iku_nb.run, nbformat, sys\n"
            "assert sys.modules['rfc3987_syntax'] is None\n"
            "nb = nbformat.v4.new_notebook()\n"
            "nb.cells.append({'id': 'a', 'cell_type': 'code', 'source': 1, 'metadata': {}})\n"
            "try:\n"
            "    nbformat.validate(nb)\n"
            "except nbformat.ValidationError:\n"
            "    print('ditolak')\n")
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=False)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == "ditolak\n"


def test_notebook_saved_once_not_per_cell(tmp_path, monkeypatch):
    writes = []

    def counting(module):
        real = module.write_ipynb

        def write(nb, path):
            writes.append(module.__name__)
            return real(nb, path)

        monkeypatch.setattr(module, "write_ipynb", write)

    counting(papermill.engines)
    counting(papermill.execute)
    serialised = []
    real_writes = nbformat.writes

    def serialise(nb, *args, **kwargs):
        serialised.append(nb.metadata)
        return real_writes(nb, *args, **kwargs)

    monkeypatch.setattr(nbformat, "writes", serialise)
    run_report(spec(tahun=2025, bidang="poldagri"), tmp_path)
    # papermill.execute_notebook writes the executed notebook once. papermill's
    # own engine writes it also when the run starts, when it ends, and twice
    # for every cell.
    assert writes == ["papermill.execute"]
    # That one write already contains the manifest.
    assert len(serialised) == 1
    assert manifest.NOTEBOOK_KEY in serialised[0]


def test_report_note_names_missing_target(tmp_path):
    records = [
        {"kode": "IKU-1", "tahun": 2025, "triwulan": None, "asal": "register", "target": "90"},
        {"kode": "IKU-3", "tahun": 2025, "triwulan": None, "asal": "register", "target": None},
        {"kode": "IKU-2", "tahun": 2025, "triwulan": None, "asal": None, "target": "75"},
        {"kode": "IKU-3", "tahun": 2024, "triwulan": None, "asal": "register", "target": None},
        {"kode": "anggaran", "tahun": 2025, "triwulan": None},
    ]
    path = tmp_path / "laporan_tahunan.angka.json"
    path.write_text(json.dumps({"angka": records}), encoding="utf-8")
    assert (run_module.report_note(spec(tahun=2025), {"angka": path})
            == "tanpa data Tahun 2025: IKU-2; tanpa target Tahun 2025: IKU-3")


def _previous_and_new(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    """Return a report folder holding a previous report, and the new files in staging."""
    target = tmp_path / "2025"
    target.mkdir()
    for suffix in (".ipynb", ".html", ".pdf", ".angka.json", ".manifest.json"):
        (target / f"laporan_tahunan{suffix}").write_text("lama", encoding="utf-8")
    work = tmp_path / ".sementara" / "2025-abcdefgh"
    work.mkdir(parents=True)
    files = {}
    for kind, suffix in (("ipynb", ".ipynb"), ("html", ".html"), ("angka", ".angka.json"),
                         ("manifest", ".manifest.json")):
        files[kind] = work / f"laporan_tahunan{suffix}"
        files[kind].write_text("baru", encoding="utf-8")
    return target, files


def _contents(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())}


def test_promote_replaces_all_and_drops_stale(tmp_path):
    target, files = _previous_and_new(tmp_path)

    promoted = run_module._promote(files, target, "laporan_tahunan", "2025")

    assert _contents(target) == {"laporan_tahunan.angka.json": "baru",
                                 "laporan_tahunan.html": "baru",
                                 "laporan_tahunan.ipynb": "baru",
                                 "laporan_tahunan.manifest.json": "baru"}
    assert promoted["html"] == target / "laporan_tahunan.html"
    assert promoted.dropped == ["pdf"]


@pytest.mark.parametrize(("blocked", "named"), [
    ("2025/laporan_tahunan.pdf", "2025/laporan_tahunan.pdf"),  # moved aside
    (".sementara/2025-abcdefgh/laporan_tahunan.angka.json",  # moved in
     "2025/laporan_tahunan.angka.json"),
])
def test_promote_failure_keeps_previous_report(tmp_path, monkeypatch, blocked, named):
    """A file that cannot be moved, aside or in, leaves every previous file as it was."""
    target, files = _previous_and_new(tmp_path)
    before = _contents(target)
    real_replace = run_module.os.replace

    def replace(source, destination):
        if Path(source) == tmp_path / blocked:
            raise PermissionError(1, "Operation not permitted", str(source))
        real_replace(source, destination)

    monkeypatch.setattr(run_module.os, "replace", replace)
    with pytest.raises(RunError) as raised:
        run_module._promote(files, target, "laporan_tahunan", "2025")

    message = str(raised.value)
    assert f"berkas {tmp_path / named} tidak dapat diganti" in message
    assert "izin ditolak oleh sistem (EPERM)" in message
    assert message.endswith("Laporan sebelumnya tidak diubah.")
    assert _contents(target) == before


def test_promote_names_copies_not_put_back(tmp_path, monkeypatch):
    target, files = _previous_and_new(tmp_path)
    work = files["html"].parent
    real_replace = run_module.os.replace

    def replace(source, destination):
        # The new notebook cannot move in, and the previous HTML cannot go back.
        if Path(source) in (files["angka"], work / "sebelumnya" / "laporan_tahunan.html"):
            raise PermissionError(1, "Operation not permitted", str(source))
        real_replace(source, destination)

    monkeypatch.setattr(run_module.os, "replace", replace)
    with pytest.raises(RunError) as raised:
        run_module._promote(files, target, "laporan_tahunan", "2025")

    rescued = [path / "sebelumnya" for path in work.parent.glob("2025-sebelumnya-*")]
    assert len(rescued) == 1
    assert f"jadi salinannya disimpan di {rescued[0]}." in str(raised.value)
    assert (rescued[0] / "laporan_tahunan.html").read_text(encoding="utf-8") == "lama"
    assert (target / "laporan_tahunan.pdf").read_text(encoding="utf-8") == "lama"


def test_report_keeps_process_folder(tmp_path, monkeypatch):
    # A Dask worker runs reports in several threads of one process, so a
    # report that changed the process's folder would move the others.
    moves = []
    real_chdir = os.chdir
    start_folder = os.getcwd()
    monkeypatch.setattr(os, "chdir", lambda path: (moves.append(str(path)), real_chdir(path)))
    files = run_report(spec(tahun=2024, bidang="poldagri"), tmp_path / "output")
    assert files["html"].is_file()
    # papermill's file handler changes to the folder it found at the start
    # for each read and write, which is the same folder when nothing moves.
    assert set(moves) <= {start_folder}


def test_reports_in_threads_of_one_process(tmp_path):
    # As a Dask worker with two threads runs them, each with a kernel of its own.
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(run_report, spec(tahun=2025, bidang=bidang), tmp_path / "output")
                   for bidang in ("poldagri", "hanbang")]
        files = [future.result(timeout=600) for future in futures]
    assert [f["html"].is_file() for f in files] == [True, True]
