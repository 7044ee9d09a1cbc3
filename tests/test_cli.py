"""The command line as a user meets it: messages, exit codes and JSON on bad input."""

from __future__ import annotations

import errno
import fcntl
import io
import json
import logging
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, event, organisation, report, target, write_table
from openpyxl import Workbook
from rich.console import Console

from iku_nb import batch, cli, outputlock
from iku_nb.catalogue import SHIPPED_CATALOGUE
from iku_nb.cli import main
from iku_nb.errors import ParameterError, failure_reason, os_cause
from iku_nb.problems import Problem


def run_cli(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "iku_nb", *argv], cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


def shipped_katalog() -> dict:
    return yaml.safe_load(SHIPPED_CATALOGUE.read_text(encoding="utf-8"))


def write_katalog(data: Path, raw: dict) -> None:
    """Save a changed catalogue into a data folder, where it replaces the shipped one."""
    (data / "katalog.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True),
                                       encoding="utf-8")


def test_empty_sumber_is_reported_not_crashing(make_data):
    data = make_data(konflik=[report("K-1", "2025-01-10", selesai="2025-01-20", sumber="")])
    run = run_cli("periksa", "--data", str(data), "--format", "json")
    assert run.returncode == 2
    problems = json.loads(run.stdout)
    empty = [p for p in problems if p["kolom"] == "sumber"]
    assert empty[0]["kode"] == "nilai-kosong"
    assert empty[0]["baris"] == 2
    assert "Traceback" not in run.stderr


def test_hitung_empty_sumber_no_traceback(make_data):
    data = make_data(konflik=[report("K-1", "2025-01-10", selesai="2025-01-20", sumber="")])
    run = run_cli("hitung", "--data", str(data), "--tahun", "2025")
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "sumber" in run.stderr


def test_markup_like_value_is_quoted_verbatim(make_data):
    data = make_data(konflik=[report("K-1", "2025-01-10", selesai="2025-01-20", jenis="[/]")])
    run = run_cli("periksa", "--data", str(data))
    assert run.returncode == 2
    assert "'[/]'" in run.stdout
    assert "Traceback" not in run.stderr + run.stdout


def test_hitung_json_on_bad_data_prints_json_problems(make_data):
    data = make_data(konflik=[report("K-1", "2025-01-10", status="dibatalkan")])
    run = run_cli("hitung", "--data", str(data), "--tahun", "2025", "--format", "json")
    assert run.returncode == 2
    problems = json.loads(run.stdout)
    assert problems[0]["kode"] == "nilai-tidak-sah"
    assert problems[0]["nilai"] == "dibatalkan"


def test_hitung_warns_about_missing_data(make_data):
    # The partisipasi register has a 2025 row only, and there is no rekap: IKU-2 2024 has no data.
    data = make_data(konflik=[report("K-1", "2024-03-01", selesai="2024-03-02"),
                              report("K-2", "2025-03-01", selesai="2025-03-02")])
    run = run_cli("hitung", "--data", str(data), "--tahun", "2024", "--format", "json")
    assert run.returncode == 0
    assert "Data IKU-2 untuk Tahun 2024 tidak tersedia" in run.stderr
    # The advice to record an empty period stays on the command line.
    assert "tambahkan baris rekap IKU-2 untuk periode itu" in run.stderr
    iku2 = json.loads(run.stdout)[1]
    assert iku2["penyebut"] is None


def test_empty_participation_advice_keeps_penyebut(make_data):
    # Two organisations are active in 2024, but the register has no 2024 event.
    organisasi = [organisation("O-1", "2020-01-01"), organisation("O-2", "2020-01-01")]
    konflik = [report("K-1", "2024-03-01", selesai="2024-03-02"),
               report("K-2", "2025-03-01", selesai="2025-03-02")]
    data = make_data(konflik=konflik, organisasi=organisasi)
    run = run_cli("hitung", "--data", str(data), "--tahun", "2024", "--format", "json")
    assert run.returncode == 0
    assert ("tambahkan baris rekap IKU-2 untuk periode itu dengan pembilang 0 dan penyebut "
            "sebanyak organisasi yang aktif pada periode itu") in run.stderr
    assert "IKU-2 untuk periode itu dengan pembilang 0 dan penyebut 0" not in run.stderr

    # Following the advice gives 0 of the 2 active organisations, which is 0%.
    write_table(data, "rekap", [{"kode_indikator": "IKU-2", "tahun": 2024, "triwulan": "",
                                 "pembilang": 0, "penyebut": 2, "keterangan": "nihil"}])
    run = run_cli("hitung", "--data", str(data), "--tahun", "2024", "--format", "json")
    assert run.returncode == 0
    iku2 = json.loads(run.stdout)[1]
    assert iku2["penyebut"] == 2
    assert iku2["realisasi"] == 0.0


def test_empty_participation_advice_names_filter(make_data):
    # IKU-2 counts LSM and ORMAS only, so the Parpol is not in its penyebut.
    organisasi = [organisation("O-1", "2020-01-01", jenis="LSM"),
                  organisation("O-2", "2020-01-01", jenis="Parpol")]
    konflik = [report("K-1", "2024-03-01", selesai="2024-03-02"),
               report("K-2", "2025-03-01", selesai="2025-03-02")]
    data = make_data(konflik=konflik, organisasi=organisasi,
                     partisipasi=[event("O-1", "2025-02-01")])
    raw = shipped_katalog()
    iku2 = next(ind for ind in raw["indikator"] if ind["kode"] == "IKU-2")
    iku2["hitung"]["saringan"] = [{"kolom": "jenis", "salah_satu": ["LSM", "ORMAS"]}]
    write_katalog(data, raw)
    run = run_cli("hitung", "--data", str(data), "--tahun", "2024", "--format", "json")
    assert run.returncode == 0
    message = " ".join(run.stderr.split())
    assert ("Organisasi aktif adalah yang terdaftar paling lambat pada akhir periode dan tidak "
            "nonaktif sebelum awal periode, dengan kolom jenis berisi salah satu dari LSM, "
            "ORMAS.") in message

    # In 2025 the register counts the same organisations: one, not two.
    run = run_cli("hitung", "--data", str(data), "--tahun", "2025", "--format", "json")
    assert run.returncode == 0
    assert json.loads(run.stdout)[1]["penyebut"] == 1


def test_empty_case_advice_is_zero_of_zero(make_data):
    # The konflik register has a 2025 row only, so IKU-1 2024 has no data.
    data = make_data(konflik=[report("K-2", "2025-03-01", selesai="2025-03-02")],
                     partisipasi=[event("O-1", "2024-02-01"), event("O-1", "2025-02-01")])
    run = run_cli("hitung", "--data", str(data), "--tahun", "2024", "--format", "json")
    assert run.returncode == 0
    assert ("Bila pada Tahun 2024 memang tidak ada kasus yang dihitung, tambahkan baris rekap "
            "IKU-1 untuk periode itu dengan pembilang 0 dan penyebut 0.") in run.stderr


def test_top_help_names_common_exit_codes(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert ("Setiap perintah keluar dengan 130 bila dihentikan dengan Ctrl-C, 143 bila "
            "dihentikan dengan SIGTERM, dan 141 bila pembaca keluarannya berhenti lebih "
            "dulu.") in text


def test_argparse_messages_are_indonesian():
    run = run_cli("hitung")
    assert run.returncode == 2
    assert "argumen wajib belum diisi: --tahun" in run.stderr
    assert "pemakaian:" in run.stderr


def test_laporan_output_is_a_file(tmp_path):
    afile = tmp_path / "bukan-folder"
    afile.write_text("x")
    run = run_cli("laporan", "--tahun", "2025", "--output", str(afile))
    assert run.returncode == 2
    assert "adalah berkas, bukan folder" in run.stderr
    assert afile.read_text() == "x"


# LOCK_EX is another batch's lock, LOCK_SH that of a running verifikasi.
@pytest.mark.parametrize("held", [fcntl.LOCK_EX, fcntl.LOCK_SH])
def test_laporan_output_locked_by_other_run(tmp_path, held):
    output = tmp_path / "output"
    output.mkdir()
    with open(output / ".kunci", "a+") as handle:
        fcntl.flock(handle, held)
        run = run_cli("laporan", "--tahun", "2025", "--output", str(output))
    assert run.returncode == 3
    message = " ".join(run.stderr.split())
    assert (f"Folder {output} sedang dipakai oleh `iku-nb laporan` lain atau sedang dibaca "
            "`iku-nb verifikasi`; tunggu sampai selesai atau pilih --output lain.") in message
    assert not (output / "2025").exists()


def lock_unavailable(descriptor: int) -> None:
    raise OSError(errno.ENOLCK, "No locks available")


def test_laporan_output_lock_unsupported(tmp_path, monkeypatch):
    # A file system without locks is not a folder that another run holds.
    monkeypatch.setattr(batch, "lock_exclusive", lock_unavailable)
    output = tmp_path / "output"
    output.mkdir()
    with pytest.raises(ParameterError) as error, batch._output_lock(output):
        pass
    message = str(error.value)
    assert f"Folder keluaran {output} tidak dapat dikunci" in message
    assert "galat sistem berkas (ENOLCK)" in message
    assert "sedang dipakai" not in message


def test_verifikasi_lock_unsupported(tmp_path, monkeypatch, caplog):
    # verifikasi reads without the lock, with a warning, instead of waiting for a batch.
    monkeypatch.setattr(outputlock, "lock_shared", lock_unavailable)
    (tmp_path / ".kunci").touch()
    with caplog.at_level(logging.WARNING, logger="iku_nb"), \
            outputlock.shared_lock(tmp_path, wait=60,
                                   announce=lambda root: pytest.fail(f"waited for {root}")):
        pass
    assert f"{tmp_path / '.kunci'} tidak dapat dikunci: galat sistem berkas (ENOLCK)." in (
        caplog.text)


@pytest.mark.parametrize("value", ["-1", "1,5", "sepuluh", "604801"])
def test_verifikasi_wait_must_be_seconds(capsys, value):
    with pytest.raises(SystemExit) as stopped:
        main(["verifikasi", "output/2025", "--tunggu", value])
    assert stopped.value.code == 2
    assert (f"argumen --tunggu: {value!r} tidak sah: harus jumlah detik bulat dari 0 sampai "
            "604800 (7 hari), misalnya 600") in capsys.readouterr().err


def test_katalog_with_unknown_filter_column(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    raw = shipped_katalog()
    raw["indikator"][2]["hitung"]["saringan"][0]["kolom"] = "saraa"
    write_katalog(data, raw)
    run = run_cli("periksa", "--data", str(data))
    assert run.returncode == 2
    assert "kolom saringan 'saraa' tidak dapat dipakai" in run.stderr


def test_katalog_folder_is_rejected(make_data):
    data = make_data()
    (data / "katalog.yaml").mkdir()
    run = run_cli("periksa", "--data", str(data))
    assert run.returncode == 2
    assert "bukan berkas katalog" in run.stderr


def test_table_name_used_by_a_folder(make_data):
    data = make_data()
    (data / "konflik.csv").unlink()
    (data / "konflik.csv").mkdir()
    run = run_cli("periksa", "--data", str(data), "--format", "json")
    assert run.returncode == 2
    problem = json.loads(run.stdout)[0]
    assert problem["kode"] == "format-berkas"
    assert problem["berkas"] == "konflik.csv"


@pytest.mark.parametrize(("value", "code", "level", "status"), [
    ("250", "target-di-atas-100", "galat", 2),
    ("0,8", "target-terlalu-kecil", "peringatan", 0),
])
def test_target_out_of_percent_range(make_data, value, code, level, status):
    """A percent target above 100 can never be met; one below 1 may be a percent cell."""
    targets = [target(k, 2025, "80") for k in ("IKU-1", "IKU-3")]
    targets.append(target("IKU-2", 2025, value))
    data = make_data(targets=targets)
    run = run_cli("periksa", "--data", str(data), "--format", "json")
    assert run.returncode == status
    problem = next(p for p in json.loads(run.stdout) if p["kode"] == code)
    assert problem["tingkat"] == level
    assert problem["baris"] == 4
    assert problem["nilai"] == value


@pytest.mark.parametrize(("pembilang", "penyebut", "hint", "not_hint"), [
    ("1.000", "1.200", "tanpa pemisah ribuan", "pecahan"),
    ("2.5", "12", "pecahan, padahal pembilang adalah bilangan bulat", "pemisah ribuan"),
])
def test_rekap_count_not_whole_explained(make_data, pembilang, penyebut, hint, not_hint):
    rekap = [{"kode_indikator": "IKU-1", "tahun": 2024, "triwulan": "", "pembilang": pembilang,
              "penyebut": penyebut, "keterangan": ""}]
    data = make_data(rekap=rekap)
    run = run_cli("periksa", "--data", str(data), "--format", "json")
    assert run.returncode == 2
    problem = next(p for p in json.loads(run.stdout) if p["kolom"] == "pembilang")
    assert problem["kode"] == "bukan-bilangan-bulat"
    assert hint in problem["keterangan"]
    assert not_hint not in problem["keterangan"]


def test_sample_folder_carries_shipped_catalogue():
    # A real copy, not a link, so copying the data folder keeps its catalogue.
    sample = ROOT / "data" / "katalog.yaml"
    assert not sample.is_symlink()
    assert sample.read_bytes() == SHIPPED_CATALOGUE.read_bytes()


def test_dangling_katalog_link_is_rejected(make_data):
    data = make_data()
    (data / "katalog.yaml").symlink_to(data / "tidak-ada.yaml")
    run = run_cli("periksa", "--data", str(data))
    assert run.returncode == 2
    assert "tautan ke berkas yang tidak ada" in run.stderr


@pytest.mark.parametrize(("kode", "message"), [
    ("hanbang", "kode bidang ganda: hanbang"),
    ("semua", "kode bidang 'semua' dicadangkan"),
])
def test_katalog_bidang_code_rules(tmp_path, kode, message):
    data = tmp_path / "data"
    data.mkdir()
    raw = shipped_katalog()
    raw["bidang"].append({"kode": kode, "nama": "Bidang Uji", "singkatan": "Uji",
                          "sumber": ["FKUB"]})
    write_katalog(data, raw)
    run = run_cli("periksa", "--data", str(data))
    assert run.returncode == 2
    assert message in run.stderr


def test_quarter_rekap_in_register_year_is_rejected(make_data):
    rekap = [{"kode_indikator": "IKU-1", "tahun": 2024, "triwulan": 1, "pembilang": 3,
              "penyebut": 4, "keterangan": ""}]
    data = make_data(konflik=[report("K-1", "2024-12-31", status="proses"),
                              report("K-2", "2025-01-10", selesai="2025-01-11")],
                     rekap=rekap)
    run = run_cli("periksa", "--data", str(data), "--format", "json")
    assert run.returncode == 2
    problem = json.loads(run.stdout)[0]
    assert problem["kode"] == "rekap-dan-register"
    assert problem["baris"] == 2
    # K-1 is on konflik.csv row 2, the register's only 2024 record.
    assert ("register konflik.csv (kolom tanggal_kejadian) memuat 1 catatan tahun 2024, di "
            "baris 2. Satu tahun harus berasal dari satu sumber") in problem["keterangan"]


@pytest.mark.parametrize("triwulan", ["II", "TW2", "5"])
def test_invalid_target_triwulan_single_error(make_data, triwulan):
    targets = [target(k, 2025, "80") for k in ("IKU-1", "IKU-2", "IKU-3")]
    targets.append(target("IKU-1", 2025, "40", triwulan=triwulan))
    data = make_data(targets=targets)
    run = run_cli("periksa", "--data", str(data), "--format", "json")
    assert run.returncode == 2
    problems = json.loads(run.stdout)
    assert [p["kolom"] for p in problems] == ["triwulan"]
    assert problems[0]["baris"] == 5
    assert problems[0]["nilai"] == triwulan


def test_rekap_thousands_comma_is_rejected(make_data):
    rekap = [{"kode_indikator": "IKU-2", "tahun": 2024, "triwulan": "", "pembilang": "1,000",
              "penyebut": "1200", "keterangan": ""}]
    data = make_data(rekap=rekap)
    run = run_cli("periksa", "--data", str(data), "--format", "json")
    assert run.returncode == 2
    problem = json.loads(run.stdout)[0]
    assert problem["kolom"] == "pembilang"
    assert problem["nilai"] == "1,000"


@pytest.mark.parametrize("statuses", [["Selesai", "Proses", "Belum"],
                                      ["selesai", "proses", "belum", "ditunda"]])
def test_katalog_status_spelling_keeps_rule(make_data, statuses):
    data = make_data(konflik=[report("K-1", "2025-01-10", status=statuses[0],
                                     selesai="2025-01-11"),
                              report("K-2", "2025-02-10", status=statuses[1])])
    raw = shipped_katalog()
    raw["nilai_sah"]["konflik.status"] = statuses
    write_katalog(data, raw)
    run = run_cli("hitung", "--data", str(data), "--tahun", "2025", "--format", "json")
    assert run.returncode == 0, run.stderr
    iku1 = json.loads(run.stdout)[0]
    assert (iku1["pembilang"], iku1["penyebut"]) == (1, 2)
    assert "berstatus" not in run.stderr


@pytest.mark.parametrize(("change", "message"), [
    ({"konflik.status": ["tuntas", "proses"]}, "harus memuat 'selesai'"),
    ({"konflik.sara": None}, "nilai_sah tidak memuat konflik.sara"),
])
def test_katalog_value_lists_checked(make_data, change, message):
    data = make_data()
    raw = shipped_katalog()
    for key, values in change.items():
        if values is None:
            del raw["nilai_sah"][key]
        else:
            raw["nilai_sah"][key] = values
    write_katalog(data, raw)
    run = run_cli("periksa", "--data", str(data))
    assert run.returncode == 2
    assert message in run.stderr


def test_workbook_name_with_bracket(make_data):
    data = make_data()
    book = Workbook()
    sheet = book.active
    sheet.title = "partisipasi"
    sheet.append(["id_organisasi", "tanggal", "kegiatan"])
    sheet.append(["O-1", "2025-02-01", "Musrenbang Kota"])
    (data / "partisipasi.csv").unlink()
    book.save(data / "pemantauan [final].xlsx")
    run = run_cli("hitung", "--data", str(data), "--tahun", "2025", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)[1]["pembilang"] == 1


def test_formula_without_stored_value(make_data):
    data = make_data()
    (data / "konflik.csv").unlink()
    book = Workbook()
    sheet = book.active
    sheet.title = "konflik"
    sheet.append(["id_konflik", "tanggal_kejadian", "jenis", "sara", "kecamatan", "kelurahan",
                  "sumber", "status", "tanggal_selesai", "uraian"])
    sheet.append(["K-1", "2025-01-10", '=LOWER("SOSIAL")', None, "Magersari", "Wates",
                  "Polres", "selesai", "2025-01-11", "x"])
    book.save(data / "konflik.xlsx")
    run = run_cli("periksa", "--data", str(data), "--format", "json")
    assert run.returncode == 2
    problem = next(p for p in json.loads(run.stdout) if p["kode"] == "rumus-tanpa-nilai")
    assert problem["berkas"] == "konflik.xlsx"
    assert problem["baris"] == 2
    assert problem["kolom"] == "jenis"
    assert problem["nilai"] == '=LOWER("SOSIAL")'
    # Reported once, as a formula, and not again as an unknown jenis.
    errors = [p["kode"] for p in json.loads(run.stdout) if p["tingkat"] == "galat"]
    assert errors == ["rumus-tanpa-nilai"]


def test_laporan_unknown_analysis_key_names_file(tmp_path):
    parameters = tmp_path / "salah.yaml"
    parameters.write_text("tahun: 2025\nanalisis:\n  IKU-1:\n    sebab: teks\n",
                          encoding="utf-8")
    result = run_cli("laporan", "-f", str(parameters), "--data", str(ROOT / "data"),
                     "--output", str(tmp_path / "keluaran"))
    assert result.returncode != 0
    assert str(parameters) in result.stderr
    assert "analisis.IKU-1.sebab: topik tidak dikenal" in result.stderr
    assert not (tmp_path / "keluaran" / "2025").exists()


@pytest.mark.parametrize(("command", "expected"), [
    (["verifikasi", "x"], "Dihentikan oleh pengguna. Laporan yang diverifikasi tidak diubah."),
    (["periksa"], "Dihentikan oleh pengguna."),
])
def test_interrupt_message_per_command(monkeypatch, capsys, command, expected):
    def interrupted(args):
        raise KeyboardInterrupt

    parser = cli._parser()
    monkeypatch.setattr(cli, "_parser", lambda: parser)
    for action in parser._subparsers._group_actions[0].choices.values():
        action.set_defaults(handler=interrupted)
    assert main(command) == 130
    assert capsys.readouterr().err.strip() == expected


def failing_handlers(monkeypatch) -> None:
    """Make every command raise an unexpected error instead of running."""
    def failing(args):
        raise RuntimeError("contoh")

    parser = cli._parser()
    monkeypatch.setattr(cli, "_parser", lambda: parser)
    for action in parser._subparsers._group_actions[0].choices.values():
        action.set_defaults(handler=failing)


@pytest.mark.parametrize("command", [
    ["--debug", "periksa"],
    ["periksa", "--debug"],
    ["laporan", "--tahun", "2025", "--debug"],
    ["verifikasi", "output/2025", "--debug"],
])
def test_debug_before_or_after_command(monkeypatch, command):
    failing_handlers(monkeypatch)
    with pytest.raises(RuntimeError, match="contoh"):
        main(command)


@pytest.mark.parametrize(("arguments", "expected"), [
    (["periksa"], "warning"),
    (["--log-level", "info", "periksa"], "info"),
    (["periksa", "--log-level", "debug"], "debug"),
    (["laporan", "--tahun", "2025", "--log-level", "error"], "error"),
    (["verifikasi", "output/2025", "--log-level", "info"], "info"),
])
def test_log_level_before_or_after_command(arguments, expected):
    assert cli._parser().parse_args(arguments).log_level == expected


def test_version_names_package_and_python(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    printed = capsys.readouterr().out.strip()
    assert printed == (f"iku-nb {metadata.version('iku-nb')} "
                       f"(Python {platform.python_version()})")


def test_unexpected_error_hints_debug(monkeypatch, capsys):
    failing_handlers(monkeypatch)
    assert main(["laporan", "--tahun", "2025"]) == 1
    err = capsys.readouterr().err
    assert "Galat internal: RuntimeError: contoh" in err
    assert "Jalankan lagi dengan --debug" in err


@pytest.mark.parametrize(("error", "expected"), [
    (OSError(errno.ENOSPC, "No space left on device", "/keluaran/laporan.html"),
     "berkas /keluaran/laporan.html tidak dapat dibaca atau ditulis: ruang disk habis (ENOSPC)"),
    (OSError(errno.EFBIG, "File too large"),
     "berkas tidak dapat dibaca atau ditulis: berkas melebihi batas ukuran yang diizinkan "
     "sistem (EFBIG)"),
    (OSError(errno.ENOTTY, "Inappropriate ioctl", "/keluaran/x"),
     "berkas /keluaran/x tidak dapat dibaca atau ditulis: galat sistem berkas (ENOTTY)"),
    (ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
     "galat internal: ConnectionResetError: [Errno 104] Connection reset by peer"),
    (ValueError("contoh"), "galat internal: ValueError: contoh"),
])
def test_failure_reason_cases(error, expected):
    assert failure_reason(error) == expected


def test_failure_reason_names_folder_without_file():
    # A write to a full disk names no file, so the folder given is named.
    error = OSError(errno.ENOSPC, "No space left on device")
    assert failure_reason(error, Path("/keluaran/2025")) == (
        "berkas di /keluaran/2025 tidak dapat dibaca atau ditulis: ruang disk habis (ENOSPC)")


@pytest.mark.parametrize(("everything", "shown"), [
    (False, ["peringatan: catatan iku-nb"]),
    (True, ["galat: Kernel died while waiting for execute reply.", "peringatan: catatan iku-nb"]),
])
def test_library_logs_hidden_from_user(everything, shown):
    handler = cli.log_handler(everything)
    records = [logging.makeLogRecord({"name": "nbclient", "levelno": logging.ERROR,
                                      "levelname": "ERROR",
                                      "msg": "Kernel died while waiting for execute reply."}),
               logging.makeLogRecord({"name": "iku_nb.run", "levelno": logging.WARNING,
                                      "levelname": "WARNING", "msg": "catatan iku-nb"})]
    assert [handler.format(r) for r in records if handler.filter(r)] == shown


def test_problems_as_blocks_in_narrow_terminal():
    problem = Problem("tanggal-tidak-terbaca", "konflik.csv",
                      "Tanggal '31/02/2023' tidak dapat dibaca.", row=2,
                      column="tanggal_kejadian", value="31/02/2023",
                      expected="dd/mm/yyyy seperti 10/03/2025")
    narrow = Console(file=io.StringIO(), width=80, color_system=None)
    cli._print_problems(narrow, [problem])
    assert narrow.file.getvalue().splitlines() == [
        "Masalah pada data pemantauan", "",
        "galat tanggal-tidak-terbaca: konflik.csv, baris 2, kolom tanggal_kejadian",
        "  nilai: 31/02/2023", "  seharusnya: dd/mm/yyyy seperti 10/03/2025",
        "  Tanggal '31/02/2023' tidak dapat dibaca."]
    long = Problem("nilai-kosong", "konflik.csv", "Kolom jenis wajib diisi. " * 5, row=3)
    wrapped = Console(file=io.StringIO(), width=80, color_system=None)
    cli._print_problems(wrapped, [long])
    # A long explanation wraps under itself, not at the start of the line.
    assert [line[:2] for line in wrapped.file.getvalue().splitlines()[3:]] == ["  ", "  "]
    wide = Console(file=io.StringIO(), width=200, color_system=None)
    cli._print_problems(wide, [problem])
    assert "│ galat   │ tanggal-tidak-terbaca │ konflik.csv │" in wide.file.getvalue()


@pytest.mark.parametrize("buffered", [True, False])
@pytest.mark.parametrize("bad_data", [False, True])
def test_closed_output_pipe_ends_quietly(make_data, bad_data, buffered):
    data = make_data(targets=[target("IKU-1", 2025, "sembilan")]) if bad_data else ROOT / "data"
    command = subprocess.Popen([sys.executable, "-m", "iku_nb", "hitung", "--data",
                                str(data), "--tahun", "2025", "--format", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=output_env(buffered))
    command.stdout.close()  # as head does once it has read enough
    _, stderr = command.communicate(timeout=120)
    assert command.returncode == 141, stderr
    assert b"Galat" not in stderr
    assert b"Traceback" not in stderr


@pytest.mark.parametrize(("arguments", "expected"), [
    (["laporan", "--tahun", "2025", "--tahun", "2024"],
     "--tahun hanya boleh diberikan sekali; untuk beberapa tahun tulis misalnya "
     "--tahun 2024,2025 atau 2023-2025"),
    (["laporan", "--tahun", "2025", "--format", "html", "--format", "pdf"],
     "--format hanya boleh diberikan sekali; untuk dua format tulis --format html,pdf"),
    (["laporan", "--tahun", "2025", "--output", "a", "--output", "b"],
     "--output hanya boleh diberikan sekali\n"),
    (["hitung", "--tahun", "2025", "--tahun", "2024"], "--tahun hanya boleh diberikan sekali\n"),
    (["--log-level", "info", "--log-level", "debug", "periksa"],
     "--log-level hanya boleh diberikan sekali\n"),
])
def test_option_given_twice_rejected(capsys, arguments, expected):
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code == 2
    assert f"galat: {expected}" in capsys.readouterr().err


def test_parameter_pair_given_twice_rejected(tmp_path, capsys):
    status = main(["laporan", "-p", "tahun", "2025", "-p", "tahun", "2024",
                   "--output", str(tmp_path / "keluaran")])
    assert status == 2
    assert ("-p tahun diberikan dua kali ('2025' dan '2024'); berikan sekali saja"
            in capsys.readouterr().err)
    assert not (tmp_path / "keluaran").exists()


@pytest.mark.parametrize("source", ["-p", "-f"])
def test_relative_data_also_here_rejected(tmp_path, monkeypatch, capsys, source):
    # data is read from the project folder, so ./data here would silently go unused.
    (tmp_path / "data").mkdir()
    (tmp_path / "saya.yaml").write_text("tahun: 2025\ndata: data\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    data_arguments = ["-p", "data", "data"] if source == "-p" else ["-f", "saya.yaml"]
    status = main(["laporan", "--tahun", "2025", *data_arguments, "--output", "keluaran"])
    error = " ".join(capsys.readouterr().err.split())
    where = "Parameter -p" if source == "-p" else "Berkas saya.yaml"
    assert status == 2
    assert (f"{where}: data data dibaca dari folder proyek ({ROOT / 'data'}), tetapi folder "
            f"tempat perintah dijalankan juga berisi data ({tmp_path / 'data'}).") in error
    assert f"misalnya --data {tmp_path / 'data'}." in error
    assert not (tmp_path / "keluaran").exists()


def test_output_under_file_in_indonesian(tmp_path, capsys):
    (tmp_path / "berkas").write_text("bukan folder", encoding="utf-8")
    status = main(["laporan", "--tahun", "2025", "--output", str(tmp_path / "berkas" / "sub")])
    error = capsys.readouterr().err
    assert status == 2
    assert "salah satu bagian jalurnya adalah berkas, bukan folder (ENOTDIR)" in error
    assert "Not a directory" not in error


@pytest.mark.parametrize(("code", "expected"), [
    (errno.EROFS, "sistem berkasnya hanya dapat dibaca (EROFS)"),
    (errno.EXDEV, "berkas tidak dapat dipindahkan ke sistem berkas lain di dalam folder itu "
                  "(EXDEV)"),
    (errno.ELOOP, "galat sistem berkas (ELOOP)"),
    (None, "galat sistem berkas (tanpa kode)"),
])
def test_os_cause_in_indonesian(code, expected):
    assert os_cause(OSError(code, "English text")) == expected


@pytest.mark.parametrize("arguments", [
    ["laporan", "--tahun", "2025", "--output", ""],
    ["periksa", "--data", " "],
])
def test_empty_path_option_rejected(tmp_path, monkeypatch, capsys, arguments):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code == 2
    assert "jalurnya kosong; tulis nama folder atau berkasnya" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_closed_stdout_is_an_error():
    # The shell closes descriptor 1 before it starts the command.
    command = [sys.executable, "-m", "iku_nb", "hitung", "--tahun", "2025", "--format", "json"]
    run = subprocess.run(["bash", "-c", 'exec "$@" >&-', "bash", *command], cwd=ROOT,
                         stderr=subprocess.PIPE, text=True, timeout=300, check=False)
    assert run.returncode == 1
    assert "keluaran standar (stdout) tertutup" in run.stderr
    assert "Traceback" not in run.stderr


def output_env(buffered: bool) -> dict[str, str]:
    """Return the environment of a command whose stdout Python buffers, or writes at once."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    return env


# Buffered, the output of hitung is written only when the command ends.
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs the Linux /dev/full device")
@pytest.mark.parametrize("buffered", [True, False])
@pytest.mark.parametrize("arguments", [
    ["periksa"],
    ["periksa", "--format", "json"],
    ["hitung", "--tahun", "2025", "--format", "json"],
    ["hitung", "--tahun", "2025"],
])
def test_full_stdout_named_in_error(arguments, buffered):
    with open("/dev/full", "w") as full:
        run = subprocess.run([sys.executable, "-m", "iku_nb", *arguments], cwd=ROOT,
                             stdout=full, stderr=subprocess.PIPE, text=True, timeout=300,
                             check=False, env=output_env(buffered))
    assert run.returncode == 1
    message = " ".join(run.stderr.split())
    assert ("Galat: keluaran standar (stdout) tidak dapat ditulis: ruang disk habis (ENOSPC), "
            "jadi hasil perintah ini tidak lengkap.") in message
    assert message.count("tidak dapat ditulis") == 1
    assert "Traceback" not in run.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs the Linux /dev/full device")
@pytest.mark.parametrize("buffered", [True, False])
def test_full_stdout_with_data_errors(make_data, buffered):
    # The problem list that replaces the result cannot be written either.
    data = make_data(targets=[target("IKU-1", 2025, "sembilan")])
    with open("/dev/full", "w") as full:
        run = subprocess.run([sys.executable, "-m", "iku_nb", "hitung", "--data", str(data),
                              "--tahun", "2025", "--format", "json"], cwd=ROOT, stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=300, check=False,
                             env=output_env(buffered))
    assert run.returncode == 1
    assert "keluaran standar (stdout) tidak dapat ditulis" in run.stderr
    assert "Traceback" not in run.stderr


def test_hitung_marks_yearly_target_in_quarter():
    # target.csv contains Triwulan II targets for IKU-1 and IKU-2 in 2025, not for IKU-3.
    table = run_cli("hitung", "--tahun", "2025", "--triwulan", "2")
    assert table.returncode == 0
    assert "95,00% (tahunan)" in table.stdout
    assert "75,00% (tahunan)" not in table.stdout
    records = json.loads(run_cli("hitung", "--tahun", "2025", "--triwulan", "2",
                                 "--format", "json").stdout)
    assert [r["target_asal"] for r in records] == ["triwulan", "triwulan", "tahunan"]
    yearly = json.loads(run_cli("hitung", "--tahun", "2025", "--format", "json").stdout)
    assert [r["target_asal"] for r in yearly] == ["tahunan", "tahunan", "tahunan"]
