"""`iku-nb periksa` and `iku-nb hitung` on the case folders in tests/fixtures/periksa.

Every case folder is the clean `dasar` folder with one change. The command
runs in a subprocess, as the office runs it, and the JSON output is checked
for the file, spreadsheet row (header = row 1), column and value.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from iku_nb import api
from iku_nb.cli import main
from iku_nb.dataset import load
from iku_nb.errors import IkuError, NoDataError

FIXTURES = Path(__file__).parent / "fixtures" / "periksa"
BASE = FIXTURES / "dasar"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Run iku-nb with ``args`` in its own process; return it with text output."""
    return subprocess.run([sys.executable, "-m", "iku_nb", *args],
                          capture_output=True, text=True, timeout=60, check=False)


# Runs cli.main once per argument list inside one child process, because
# starting Python and importing iku_nb costs over a second per command.
RUNNER = """
import contextlib, io, json, sys, traceback
from iku_nb.cli import main
results = []
for argv in json.load(sys.stdin):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:
            status = exc.code
        except BaseException:
            traceback.print_exc()
            status = 1
    results.append({"returncode": status, "stdout": out.getvalue(),
                    "stderr": err.getvalue()})
json.dump(results, sys.__stdout__)
"""


def run_cli_many(commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """Run several iku-nb commands in one child process; return one result each."""
    child = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps(commands),
                           capture_output=True, text=True, timeout=120, check=True)
    return [subprocess.CompletedProcess(argv, r["returncode"], r["stdout"], r["stderr"])
            for argv, r in zip(commands, json.loads(child.stdout), strict=True)]


@pytest.fixture(scope="session")
def periksa_json() -> dict[str, subprocess.CompletedProcess]:
    """Run `periksa --format json` on every case folder."""
    folders = sorted(p for p in FIXTURES.iterdir() if p.is_dir())
    runs = run_cli_many([["periksa", "--data", str(f), "--format", "json"] for f in folders])
    return {folder.name: run for folder, run in zip(folders, runs, strict=True)}


def problems_of(run: subprocess.CompletedProcess) -> list[dict]:
    """Parse ``periksa --format json``, with the row as text to compare with the table."""
    problems = json.loads(run.stdout)
    for problem in problems:
        assert problem["baris"] is None or isinstance(problem["baris"], int)
        problem["baris"] = "" if problem["baris"] is None else str(problem["baris"])
    return problems


def find(problems: list[dict], kode: str) -> dict:
    found = [p for p in problems if p["kode"] == kode]
    assert found, f"no problem with kode {kode!r} in {problems}"
    return found[0]


# case folder: exit status, kode, berkas, baris, kolom, nilai, tingkat
CASES = {
    "tabel-tidak-ada": (2, "tabel-tidak-ada", "organisasi.csv", "", "", "", "galat"),
    "kolom-wajib-tidak-ada": (2, "kolom-tidak-ada", "konflik.csv", "1", "tanggal_kejadian",
                              "tanggal kejadian", "galat"),
    "kolom-tidak-dikenal": (0, "kolom-tidak-dikenal", "organisasi.csv", "1", "catatan",
                            "catatan", "peringatan"),
    "tabel-kosong": (2, "tabel-kosong", "partisipasi.csv", "", "", "", "galat"),
    "berkas-xls": (2, "format-berkas", "konflik.xls", "", "", ".xls", "galat"),
    "xlsx-bernama-csv": (2, "format-berkas", "konflik.csv", "", "", "", "galat"),
    "encoding-windows-1252": (0, "encoding-windows-1252", "konflik.csv", "5", "", "0x96",
                              "peringatan"),
    "encoding-tidak-terbaca": (2, "encoding-tidak-terbaca", "konflik.csv", "5", "", "0x81",
                               "galat"),
    "konflik-jenis-tidak-dikenal": (2, "nilai-tidak-sah", "konflik.csv", "5", "jenis",
                                    "politk", "galat"),
    "konflik-sara-tidak-dikenal": (2, "nilai-tidak-sah", "konflik.csv", "2", "sara", "-",
                                   "galat"),
    "konflik-status-tidak-dikenal": (2, "nilai-tidak-sah", "konflik.csv", "5", "status",
                                     "tuntas", "galat"),
    "organisasi-jenis-tidak-dikenal": (2, "nilai-tidak-sah", "organisasi.csv", "5", "jenis",
                                       "Yayasan", "galat"),
    "kecamatan-tidak-dikenal": (2, "kecamatan-tidak-dikenal", "konflik.csv", "2", "kecamatan",
                                "Magersary", "galat"),
    "kelurahan-tidak-dikenal": (2, "kelurahan-tidak-dikenal", "konflik.csv", "2", "kelurahan",
                                "Watess", "galat"),
    "kelurahan-salah-kecamatan": (2, "kelurahan-salah-kecamatan", "konflik.csv", "5",
                                  "kelurahan", "Blooto", "galat"),
    "tanggal-tidak-terbaca": (2, "tanggal-tidak-terbaca", "konflik.csv", "5",
                              "tanggal_kejadian", "12 Maret 2025", "galat"),
    "tanggal-bulan-dulu": (2, "tanggal-tidak-terbaca", "konflik.csv", "5", "tanggal_kejadian",
                           "03/25/2025", "galat"),
    "selesai-sebelum-kejadian": (2, "selesai-sebelum-kejadian", "konflik.csv", "2",
                                 "tanggal_selesai", "10/01/2025", "galat"),
    "selesai-tanpa-tanggal": (2, "selesai-tanpa-tanggal", "konflik.csv", "2",
                              "tanggal_selesai", "", "galat"),
    "tanggal-selesai-status-belum": (0, "tanggal-selesai-tanpa-status", "konflik.csv", "5",
                                     "tanggal_selesai", "20/03/2025", "peringatan"),
    "kasus-tidak-konsisten": (2, "kasus-tidak-konsisten", "konflik.csv", "4", "jenis",
                              "sosial", "galat"),
    "organisasi-ganda": (2, "organisasi-ganda", "organisasi.csv", "5", "id_organisasi",
                         "ORG-002", "galat"),
    "partisipasi-organisasi-tidak-dikenal": (2, "organisasi-tidak-dikenal", "partisipasi.csv",
                                             "5", "id_organisasi", "ORG-030", "galat"),
    "nonaktif-sebelum-terdaftar": (2, "nonaktif-sebelum-terdaftar", "organisasi.csv", "4",
                                   "tanggal_nonaktif", "2018-06-30", "galat"),
    "partisipasi-sebelum-terdaftar": (0, "partisipasi-sebelum-terdaftar", "partisipasi.csv",
                                      "3", "tanggal", "2025-03-05", "peringatan"),
    "partisipasi-sesudah-nonaktif": (0, "partisipasi-sesudah-nonaktif", "partisipasi.csv",
                                     "5", "tanggal", "2025-07-15", "peringatan"),
    "target-bukan-angka": (2, "target-bukan-angka", "target.csv", "5", "target",
                           "delapan puluh", "galat"),
    "target-negatif": (2, "target-negatif", "target.csv", "5", "target", "-85", "galat"),
    "target-ganda": (2, "target-ganda", "target.csv", "8", "kode_indikator", "IKU-1",
                     "galat"),
    "target-kode-tidak-dikenal": (2, "nilai-tidak-sah", "target.csv", "7", "kode_indikator",
                                  "IKU-4", "galat"),
    "rekap-pembilang-melebihi-penyebut": (2, "pembilang-melebihi-penyebut", "rekap.csv", "2",
                                          "pembilang", "5", "galat"),
    "rekap-negatif": (2, "rekap-negatif", "rekap.csv", "3", "pembilang", "-2", "galat"),
    "rekap-bukan-bilangan-bulat": (2, "bukan-bilangan-bulat", "rekap.csv", "3", "pembilang",
                                   "2,5", "galat"),
    "rekap-dan-register": (2, "rekap-dan-register", "rekap.csv", "5", "tahun", "2025",
                           "galat"),
    "baris-kosong-di-tengah": (2, "tanggal-tidak-terbaca", "partisipasi.csv", "5", "tanggal",
                               "2025-13-05", "galat"),
}

CLEAN = ("dasar", "huruf-dan-spasi-diabaikan", "ketikan-tangan", "periode-tanpa-data")


def test_every_case_folder_is_listed():
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders == set(CASES) | set(CLEAN)


@pytest.mark.parametrize("case", sorted(CASES))
def test_periksa_case_reports_cell(case, periksa_json):
    status, kode, berkas, baris, kolom, nilai, tingkat = CASES[case]
    run = periksa_json[case]
    assert run.returncode == status, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    problem = find(problems_of(run), kode)
    assert problem["berkas"] == berkas
    assert problem["baris"] == baris
    assert problem["kolom"] == kolom
    assert problem["nilai"] == nilai
    assert problem["tingkat"] == tingkat
    assert problem["keterangan"]
    if tingkat == "galat":
        assert problem["seharusnya"]


@pytest.mark.parametrize("case", CLEAN)
def test_periksa_clean_folder_passes(case, periksa_json):
    run = periksa_json[case]
    assert run.returncode == 0, run.stdout + run.stderr
    assert problems_of(run) == []


@pytest.mark.parametrize(("case", "allowed"), [
    ("konflik-jenis-tidak-dikenal", "ideologi, politik, ekonomi, sosial, budaya"),
    ("konflik-sara-tidak-dikenal", "suku, agama, ras, antargolongan, atau kosong"),
    ("konflik-status-tidak-dikenal", "selesai, proses, belum"),
    ("organisasi-jenis-tidak-dikenal", "LSM, ORMAS, Parpol"),
    ("target-kode-tidak-dikenal", "IKU-1, IKU-2, IKU-3"),
])
def test_periksa_lists_allowed_values(case, allowed, periksa_json):
    problem = find(problems_of(periksa_json[case]), "nilai-tidak-sah")
    assert problem["seharusnya"] == allowed
    assert allowed in problem["keterangan"]


@pytest.mark.parametrize(("case", "kode", "hint"), [
    ("kolom-wajib-tidak-ada", "kolom-tidak-ada", "'tanggal kejadian'"),
    ("konflik-jenis-tidak-dikenal", "nilai-tidak-sah", "maksudnya 'politik'"),
    ("kecamatan-tidak-dikenal", "kecamatan-tidak-dikenal", "Maksudnya 'Magersari'"),
    ("kelurahan-tidak-dikenal", "kelurahan-tidak-dikenal", "Maksudnya 'Wates'"),
    ("kelurahan-salah-kecamatan", "kelurahan-salah-kecamatan",
     "Maksudnya Kecamatan Prajurit Kulon"),
    ("tanggal-bulan-dulu", "tanggal-tidak-terbaca", "25/03/2025"),
])
def test_periksa_suggests_fix(case, kode, hint, periksa_json):
    problem = find(problems_of(periksa_json[case]), kode)
    assert hint in problem["keterangan"]


def test_periksa_xls_not_reported_missing(periksa_json):
    codes = [p["kode"] for p in problems_of(periksa_json["berkas-xls"])]
    assert codes == ["format-berkas"]


def test_periksa_inconsistent_case_names_rows(periksa_json):
    problems = problems_of(periksa_json["kasus-tidak-konsisten"])
    by_column = {p["kolom"]: p for p in problems if p["kode"] == "kasus-tidak-konsisten"}
    assert set(by_column) == {"tanggal_kejadian", "jenis", "sara", "kecamatan", "kelurahan"}
    for problem in by_column.values():
        assert problem["baris"] == "4"
        assert "baris 4 dan baris 3" in problem["keterangan"]
    assert by_column["tanggal_kejadian"]["nilai"] == "04/02/2025"
    assert by_column["tanggal_kejadian"]["seharusnya"] == "03/02/2025 seperti di baris 3"


def test_periksa_rekap_register_names_sources(periksa_json):
    problem = find(problems_of(periksa_json["rekap-dan-register"]), "rekap-dan-register")
    assert "rekap (baris 5)" in problem["keterangan"]
    assert "register konflik.csv" in problem["keterangan"]


def test_periksa_table_output_lists_problem():
    run = run_cli("periksa", "--data", str(FIXTURES / "konflik-status-tidak-dikenal"))
    assert run.returncode == 2
    assert "Masalah pada data pemantauan" in run.stdout
    row = next(line for line in run.stdout.splitlines() if "tuntas" in line)
    cells = [cell.strip() for cell in row.split("│")]
    assert cells[1:7] == ["galat", "nilai-tidak-sah", "konflik.csv", "5", "status", "tuntas"]
    assert "1 kesalahan, 0 peringatan." in run.stdout
    assert "Traceback" not in run.stderr


def test_periksa_table_output_clean_folder():
    run = run_cli("periksa", "--data", str(BASE))
    assert run.returncode == 0
    assert run.stdout.startswith("Tidak ada masalah.")
    assert "konflik 4 baris" in run.stdout


HITUNG = {
    "dasar-2025": ("dasar", "--tahun", "2025"),
    "sebelum-terdaftar": ("partisipasi-sebelum-terdaftar", "--tahun", "2025"),
    "sesudah-nonaktif": ("partisipasi-sesudah-nonaktif", "--tahun", "2025"),
    "tahun-bukan-angka": ("dasar", "--tahun", "dua ribu"),
    "tahun-di-luar-data": ("dasar", "--tahun", "2030"),
    "triwulan-5": ("dasar", "--tahun", "2025", "--triwulan", "5"),
    "tahun-2025.0": ("dasar", "--tahun", "2025.0", "--triwulan", "1"),
}


@pytest.fixture(scope="session")
def hitung_runs() -> dict[str, subprocess.CompletedProcess]:
    """Run `hitung --format json` for every entry of HITUNG."""
    commands = [["hitung", "--data", str(FIXTURES / folder), "--format", "json", *args]
                for folder, *args in HITUNG.values()]
    return dict(zip(HITUNG, run_cli_many(commands), strict=True))


def results_of(run: subprocess.CompletedProcess) -> dict[str, dict]:
    assert run.returncode == 0, run.stdout + run.stderr
    return {row["kode"]: row for row in json.loads(run.stdout)}


def test_hitung_reads_decimal_comma_target(hitung_runs):
    results = results_of(hitung_runs["dasar-2025"])
    assert results["IKU-2"]["target"] == 72.5
    assert results["IKU-2"]["pembilang"] == 3
    assert results["IKU-2"]["penyebut"] == 4


@pytest.mark.parametrize("name", ["sebelum-terdaftar", "sesudah-nonaktif"])
def test_hitung_skips_inactive_participation(name, hitung_runs):
    results = results_of(hitung_runs[name])
    assert results["IKU-2"]["pembilang"] == 2
    assert results["IKU-2"]["penyebut"] == 4


def test_hitung_accepts_tahun_with_decimal(hitung_runs):
    results = results_of(hitung_runs["tahun-2025.0"])
    assert results["IKU-1"]["tahun"] == 2025
    assert results["IKU-1"]["triwulan"] == 1


def test_hitung_period_without_data():
    run = run_cli("hitung", "--data", str(FIXTURES / "periode-tanpa-data"), "--tahun", "2024")
    assert run.returncode == 2
    assert "IKU-2" in run.stderr
    assert "tidak punya data maupun target untuk Tahun 2024" in run.stderr
    assert "tambahkan baris rekap IKU-2 untuk periode itu" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(("name", "message"), [
    ("tahun-bukan-angka", "tahun 'dua ribu' tidak sah"),
    ("tahun-di-luar-data", "Tahun 2030 tidak tercakup data pemantauan (tahun yang ada: "
                           "2024–2025)"),
    ("triwulan-5", "triwulan '5' tidak sah"),
])
def test_hitung_rejects_parameter(name, message, hitung_runs):
    run = hitung_runs[name]
    assert run.returncode == 2
    assert message in " ".join(run.stderr.split())
    assert "Traceback" not in run.stderr


def test_laporan_rejects_unknown_bidang():
    run = run_cli("laporan", "--data", str(BASE), "--tahun", "2025", "--bidang", "../../x",
                  "--output", "/nonexistent-output")
    assert run.returncode == 2
    text = " ".join(run.stderr.split())
    assert "bidang '../../x' tidak ada di katalog" in text
    assert "iwasbang, poldagri, hanbang" in text
    assert "Traceback" not in run.stderr


def test_debug_shows_traceback():
    quiet = run_cli("hitung", "--data", str(BASE), "--tahun", "abc")
    loud = run_cli("--debug", "hitung", "--data", str(BASE), "--tahun", "abc")
    assert quiet.returncode == 2
    assert "Traceback" not in quiet.stderr
    assert loud.returncode != 0
    assert "Traceback" in loud.stderr
    assert "ParameterError" in loud.stderr


def write_workbook(folder: Path) -> Path:
    """Write the dasar tables as sheets of one workbook, with real Excel date cells."""
    book = Workbook()
    book.remove(book.active)
    date_columns = {"tanggal_kejadian", "tanggal_selesai", "tanggal_terdaftar",
                    "tanggal_nonaktif", "tanggal"}
    for name in ("konflik", "organisasi", "partisipasi", "target", "rekap"):
        text = (BASE / f"{name}.csv").read_text(encoding="utf-8-sig")
        lines = text.splitlines()
        delimiter = ";" if ";" in lines[0] else ","
        header = lines[0].split(delimiter)
        sheet = book.create_sheet(name)
        sheet.append(header)
        for record in csv.reader(lines[1:], delimiter=delimiter):
            sheet.append([_excel_value(column, cell, date_columns)
                          for column, cell in zip(header, record, strict=True)])
    path = folder / "pemantauan.xlsx"
    book.save(path)
    return path


def _excel_value(column: str, cell: str, date_columns: set[str]) -> object:
    if cell == "":
        return None
    if column in date_columns:
        for form in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(cell, form)
            except ValueError:
                continue
    if column in ("tahun", "triwulan", "pembilang", "penyebut"):
        return int(cell)
    if column == "target":
        return float(cell.replace(",", "."))
    return cell


def test_workbook_matches_csv(tmp_path):
    write_workbook(tmp_path)
    book = load_workbook(tmp_path / "pemantauan.xlsx")
    assert book["konflik"]["B2"].is_date
    from_csv = load(BASE)
    from_book = load(tmp_path)
    assert from_book.sources["konflik"] == "pemantauan.xlsx [konflik]"
    for tahun in (2024, 2025):
        expected = [n.as_json() for n in api.hitung(from_csv, tahun)]
        actual = [n.as_json() for n in api.hitung(from_book, tahun)]
        assert actual == expected


def test_periksa_json_broken_catalogue_on_stdout(tmp_path, capsys):
    katalog = tmp_path / "katalog.yaml"
    katalog.write_text("- x\n", encoding="utf-8")
    assert main(["periksa", "--katalog", str(katalog), "--format", "json"]) == 2
    problems = json.loads(capsys.readouterr().out)
    assert [(p["tingkat"], p["kode"]) for p in problems] == [("galat", "katalog-tidak-sah")]
    assert "harus berupa pemetaan YAML" in problems[0]["keterangan"]


def sample_without_2025_targets():
    """Return the sample data with its 2025 targets removed: data without a target."""
    dataset = load(Path(__file__).parents[1] / "data")
    target = dataset.tables["target"]
    dataset.tables["target"] = target[target["tahun"] != 2025]
    return dataset


@pytest.mark.parametrize("make", [
    lambda: load(FIXTURES / "periode-tanpa-data"), lambda: load(FIXTURES / "dasar"),
    lambda: load(FIXTURES / "ketikan-tangan"), lambda: load(Path(__file__).parents[1] / "data"),
    sample_without_2025_targets])
def test_check_period_agrees_with_hitung(make):
    """The quick check before a report raises exactly where hitung raises."""
    dataset = make()
    katalog = dataset.katalog
    choices = [None, *(katalog.indikator_of_bidang(b.kode) for b in katalog.bidang)]
    for tahun in range(dataset.years[0] - 1, dataset.years[-1] + 2):
        for triwulan in (None, 1, 2, 3, 4):
            for indikator in choices:
                outcomes = []
                for call in (api.hitung, api.check_period):
                    try:
                        call(dataset, tahun, triwulan, indikator)
                        outcomes.append(None)
                    except IkuError as exc:
                        outcomes.append((type(exc), str(exc)))
                assert outcomes[0] == outcomes[1], (tahun, triwulan, indikator)


def test_check_period_counts_data_without_target():
    dataset = sample_without_2025_targets()
    api.check_period(dataset, 2025)
    assert all(n.target is None for n in api.hitung(dataset, 2025))


def test_check_period_rejects_empty_period():
    with pytest.raises(NoDataError, match="tidak punya data maupun target untuk Tahun 2024"):
        api.check_period(load(FIXTURES / "periode-tanpa-data"), 2024)
