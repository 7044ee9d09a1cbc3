"""Per-table and cross-table checks, run in-process on changed copies of dasar."""

from __future__ import annotations

from pathlib import Path

import pytest

from iku_nb.dataset import inspect, load
from iku_nb.errors import DataError


def replace(folder: Path, name: str, old: str, new: str) -> None:
    """Replace ``old`` (which must occur once) by ``new`` in one table file."""
    path = folder / name
    text = path.read_text(encoding="utf-8-sig")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def only_problem(folder: Path):
    problems = inspect(folder).problems
    assert len(problems) == 1, [p.as_row() for p in problems]
    return problems[0]


def test_kelurahan_hint_from_other_kecamatan_named(folder):
    replace(folder, "konflik.csv", ";Magersari;Wates;", ";Magersari;Mentikn;")
    problem = only_problem(folder)
    assert problem.code == "kelurahan-tidak-dikenal"
    assert "Maksudnya 'Mentikan' di Kecamatan 'Prajurit Kulon'?" in problem.message


def test_dasar_has_no_problems(folder):
    assert inspect(folder).problems == []


@pytest.mark.parametrize(("written", "hint"), [
    ("03/25/2025", "25/03/2025"),
    ("31/02/2025", "tidak ada di kalender"),
    ("12/03/25", "empat angka"),
    ("2025/03/12", "diawali tahun ditulis dengan tanda hubung: 2025-03-12, atau tulis hari "
                   "lebih dulu: 12/03/2025"),
    ("44953", "nomor seri tanggal Excel (sistem tanggal 1900), yaitu 27 Januari 2023"),
    ("44953,5", "yaitu 27 Januari 2023"),
])
def test_unreadable_date_explained(folder, written, hint):
    replace(folder, "konflik.csv", ";12/03/2025;", f";{written};")
    problem = only_problem(folder)
    assert problem.code == "tanggal-tidak-terbaca"
    assert (problem.row, problem.column, problem.value) == (5, "tanggal_kejadian", written)
    assert hint in problem.message


def test_mistyped_year_rejected(folder):
    replace(folder, "organisasi.csv", "2021-05-30", "0202-05-30")
    problem = only_problem(folder)
    assert problem.code == "tanggal-tidak-masuk-akal"
    assert (problem.row, problem.column, problem.value) == (3, "tanggal_terdaftar", "0202-05-30")


def test_future_date_warns(folder):
    replace(folder, "organisasi.csv", "2019-03-01,2025-06-30", "2019-03-01,2099-06-30")
    problem = only_problem(folder)
    assert problem.code == "tanggal-masa-depan"
    assert problem.severity == "peringatan"
    assert problem.row == 4


def test_status_proses_with_date_warns(folder):
    replace(folder, "konflik.csv", ";proses;;", ";proses;05/02/2025;")
    problem = only_problem(folder)
    assert problem.code == "tanggal-selesai-tanpa-status"
    assert problem.severity == "peringatan"
    assert (problem.row, problem.value) == (3, "05/02/2025")


def test_blank_required_cell_reported(folder):
    replace(folder, "organisasi.csv", "ORG-004,Yayasan Ruang Hijau,", "ORG-004,  ,")
    problem = only_problem(folder)
    assert problem.code == "nilai-kosong"
    assert (problem.row, problem.column) == (5, "nama")


def test_row_split_by_line_break_reported_once(folder):
    # An unquoted line break splits row 2's uraian, so row 3 contains only its tail.
    replace(folder, "konflik.csv", "Sengketa parkir antarwarga, selesai lewat mediasi.",
            "Sengketa parkir antarwarga,\nselesai lewat mediasi.")
    problem = only_problem(folder)
    assert problem.code == "baris-kurang-sel"
    assert (problem.row, problem.column, problem.value) == (3, None, "1")
    assert "Baris 3 hanya berisi 1 dari 10 sel" in problem.message
    assert "sel kolom tanggal_kejadian sampai uraian tidak ada" in problem.message


def test_row_without_optional_trailing_cells_accepted(folder):
    # Some writers leave out trailing empty cells: here tanggal_selesai and uraian.
    replace(folder, "konflik.csv", ";Polres;belum;;Perusakan baliho partai.", ";Polres;belum")
    assert inspect(folder).problems == []


def test_row_missing_middle_cell_names_cause(folder):
    # The sumber cell is gone, so belum lands in sumber and the uraian text in
    # tanggal_selesai. Only the trailing uraian column is left without a cell.
    replace(folder, "konflik.csv", ";Polres;belum;;Perusakan baliho partai.",
            ";belum;;Perusakan baliho partai.")
    problems = inspect(folder).problems
    errors = [(p.code, p.row) for p in problems if p.is_error]
    assert errors[0] == ("baris-kurang-sel", 5)
    assert len(errors) > 1, "the shifted values keep their own errors"
    cause = problems[[p.is_error for p in problems].index(True)]
    assert (cause.column, cause.value, cause.expected) == (
        None, "9", "10 sel, sebanyak judul kolom")
    assert "Baris 5 hanya berisi 9 dari 10 sel, sehingga kolom uraian tidak terisi" in (
        cause.message)
    assert "bergeser satu kolom ke kiri" in cause.message


@pytest.mark.parametrize("content", ["", "kode_indikator,tahun,triwulan,pembilang,penyebut\n"])
def test_empty_optional_rekap_warns(folder, content):
    (folder / "rekap.csv").write_text(content, encoding="utf-8")
    problem = only_problem(folder)
    assert problem.code == "tabel-opsional-kosong"
    assert problem.severity == "peringatan"
    assert problem.file == "rekap.csv"
    assert "rekap.csv ada tetapi tidak berisi baris data" in problem.message


def test_absent_rekap_accepted(folder):
    (folder / "rekap.csv").unlink(missing_ok=True)
    assert inspect(folder).problems == []


@pytest.mark.parametrize("first_line", ["", "sep=,\n"])
def test_unclosed_quote_explained_once(folder, first_line):
    # The quote opened before ORG-002's name closes only in ORG-004's quoted
    # name, so ORG-003 and most of ORG-004 become part of one cell. A sep=
    # line sends the file to the row-by-row reader.
    replace(folder, "organisasi.csv", "id_organisasi,", f"{first_line}id_organisasi,")
    replace(folder, "organisasi.csv", "ORG-002,Lembaga", 'ORG-002,"Lembaga')
    replace(folder, "organisasi.csv", "ORG-004,Yayasan Ruang Hijau,",
            'ORG-004,"Yayasan, Ruang Hijau",')
    problems = [p for p in inspect(folder).problems if p.is_error]
    assert [(p.code, p.file, p.row) for p in problems] == [
        ("tanda-kutip-terbuka", "organisasi.csv", 3),
        ("organisasi-tidak-dikenal", "partisipasi.csv", 5)]
    assert problems[0].column == "nama"
    assert "Sel nama baris 3 diawali tanda kutip" in problems[0].message
    assert "2 baris berikutnya di berkas terbaca sebagai isi sel itu" in problems[0].message
    assert problems[1].message.startswith("1 baris merujuk organisasi yang tertelan oleh "
                                          "tanda kutip yang tidak ditutup di organisasi.csv "
                                          "baris 3")


def shifted(folder: Path) -> list:
    return [p for p in inspect(folder).problems if p.code == "baris-lebih-sel"]


def test_unquoted_delimiter_shift_rejected(folder):
    # The shifted values pass the column checks, so only this error stops the run.
    replace(folder, "organisasi.csv", "Lembaga Kajian Kebijakan Daerah",
            "Lembaga Kajian, Kebijakan Daerah")
    problems = [p for p in inspect(folder).problems if p.is_error]
    # The cause comes first, then what the shifted values broke in the same row.
    assert problems[0].code == "baris-lebih-sel"
    assert {p.row for p in problems} == {3}
    problem = problems[0]
    assert (problem.row, problem.value) == (3, "6")
    assert problem.message.startswith("Baris 3 berisi lebih banyak sel daripada judul kolom (5)")
    assert "Biasanya sebuah sel berisi koma (,) tanpa tanda kutip" in problem.message
    assert "Isi baris 3: ORG-002,Lembaga Kajian, Kebijakan Daerah," in problem.message
    assert "akhir baris judul kolom" not in problem.message


def test_unquoted_decimal_comma_shift_rejected(folder):
    # In a comma-separated target table, 95,4 becomes target 95 for triwulan 4.
    path = folder / "target.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    # Every other decimal is quoted, as a spreadsheet writes it.
    rows = [",".join(f'"{cell}"' if "," in cell else cell for cell in line.split(";"))
            for line in lines]
    rows.append("IKU-3,2025,95,4,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    problems = shifted(folder)
    assert len(problems) == 1
    assert problems[0].is_error
    assert problems[0].row == len(rows)
    assert f"Isi baris {len(rows)}: IKU-3,2025,95,4," in problems[0].message
    assert 'tulis "95,4" dengan tanda kutip ganda' in problems[0].message


def test_every_row_shifted_still_rejected(folder):
    # Every decimal unquoted: the same extra empty cell on each row is still a shift.
    path = folder / "target.csv"
    path.write_text("kode_indikator,tahun,target,triwulan\nIKU-1,2025,82,3,\nIKU-2,2025,75,2,\n"
                    "IKU-3,2025,90,1,\n", encoding="utf-8")
    problems = shifted(folder)
    assert len(problems) == 1
    assert problems[0].is_error
    assert "tambahkan pemisah yang sama di akhir baris judul kolom" in problems[0].message


def test_delimiter_ending_header_too_accepted(folder):
    path = folder / "target.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line + ";" for line in lines) + "\n", encoding="utf-8")
    assert inspect(folder).problems == []


def test_empty_row_of_delimiters_not_shifted(folder):
    path = folder / "target.csv"
    path.write_text(path.read_text(encoding="utf-8") + ";;;;;\n", encoding="utf-8")
    assert shifted(folder) == []


def test_shifted_multiline_row_rejected(folder):
    # The quote closes in its own cell, so no unclosed-quote error explains the row.
    replace(folder, "organisasi.csv", "ORG-002,Lembaga Kajian Kebijakan Daerah,LSM,2021-05-30,",
            'ORG-002,"Lembaga Kajian\nKebijakan",Daerah,LSM,2021-05-30,')
    problems = shifted(folder)
    assert [p.row for p in problems] == [3]
    assert problems[0].is_error


def test_shifted_row_quoted_with_cells_requoted(folder):
    long_name = "Lembaga " + "Kajian " * 30
    replace(folder, "organisasi.csv", "ORG-002,Lembaga Kajian Kebijakan Daerah,LSM,",
            f'ORG-002,"Forum, Warga",{long_name},LSM,')
    problems = shifted(folder)
    assert len(problems) == 1
    row_text = problems[0].message.split("Isi baris 3: ", 1)[1]
    assert row_text.startswith('ORG-002,"Forum, Warga",Lembaga Kajian')
    assert row_text.endswith("…")
    assert len(row_text) == 121


def test_header_with_untitled_cells_width_named(folder):
    # The header ends in two untitled cells, so rows of 6 and 7 cells fit it.
    replace(folder, "organisasi.csv", "tanggal_nonaktif\n", "tanggal_nonaktif,,\n")
    replace(folder, "organisasi.csv", "ORG-002,Lembaga Kajian Kebijakan Daerah,LSM,2021-05-30,",
            "ORG-002,Lembaga Kajian, Kebijakan Daerah,LSM,2021-05-30,,,")
    problems = shifted(folder)
    assert len(problems) == 1
    assert "lebih banyak sel daripada judul kolom (7)" in problems[0].message
    assert problems[0].expected == "7 sel, sebanyak judul kolom"


def test_semicolon_file_example_uses_semicolon(folder):
    replace(folder, "target.csv", "IKU-2;2024;70;", "IKU-2;2024;70;;")
    problems = shifted(folder)
    assert len(problems) == 1
    assert 'misalnya "Lembaga Kajian Hukum; Sosial dan Lingkungan"' in problems[0].message
    assert "Angka desimal" not in problems[0].message


def test_tab_delimiter_named_in_words(folder):
    path = folder / "target.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0].replace(";", "\t"),
                                *(line.replace(";", "\t") + "\t" for line in lines[1:])]) + "\n",
                    encoding="utf-8")
    problems = shifted(folder)
    assert len(problems) == 1
    assert "sel berisi tab tanpa tanda kutip" in problems[0].message
    assert "\\t" not in problems[0].message


def test_unclosed_quote_keeps_other_shifted_row(folder):
    # The quote's own row is explained by the quote; a later shifted row still is an error.
    replace(folder, "organisasi.csv", "ORG-002,Lembaga", 'ORG-002,"Lembaga')
    replace(folder, "organisasi.csv", "ORG-004,Yayasan Ruang Hijau,",
            'ORG-004,"Yayasan, Ruang Hijau",')
    path = folder / "organisasi.csv"
    path.write_text(path.read_text(encoding="utf-8") + "ORG-009,Lembaga Kajian, Hukum,LSM,"
                    "2022-08-29,\n", encoding="utf-8")
    problems = [p for p in inspect(folder).problems if p.is_error]
    codes_rows = [(p.code, p.row) for p in problems if p.file == "organisasi.csv"]
    assert ("tanda-kutip-terbuka", 3) in codes_rows
    shifted = [row for code, row in codes_rows if code == "baris-lebih-sel"]
    assert shifted and 3 not in shifted


def test_unclosed_quote_keeps_unrelated_errors(folder):
    replace(folder, "organisasi.csv", "ORG-002,Lembaga", 'ORG-002,"Lembaga')
    replace(folder, "organisasi.csv", "ORG-004,Yayasan Ruang Hijau,",
            'ORG-004,"Yayasan, Ruang Hijau",')
    replace(folder, "partisipasi.csv", "ORG-003,2025-04-01,", "ORG-999,2025-04-01,")
    problems = [p for p in inspect(folder).problems if p.is_error]
    # ORG-999 exists nowhere, so its own error stays; no swallowed id is referred to now.
    assert [(p.code, p.value) for p in problems] == [
        ("tanda-kutip-terbuka", "Lembaga Kajian Kebijakan Daerah,LSM,2021-05-30,"),
        ("organisasi-tidak-dikenal", "ORG-999")]
    assert "tidak ada di tabel organisasi" in problems[1].message


def test_unclosed_quote_in_last_column(folder):
    # The quote opens uraian in row 2 and nothing closes it, so the rest of the
    # file is one cell, and the free-text column gives no other error.
    replace(folder, "konflik.csv", ";Sengketa parkir", ';"Sengketa parkir')
    problem = only_problem(folder)
    assert (problem.code, problem.row, problem.column) == ("tanda-kutip-terbuka", 2, "uraian")
    assert "3 baris berikutnya di berkas terbaca sebagai isi sel itu" in problem.message


def test_unclosed_quote_in_last_row(folder):
    replace(folder, "organisasi.csv", "ORG-004,Yayasan", 'ORG-004,"Yayasan')
    problem = only_problem(folder)
    assert (problem.code, problem.row, problem.column) == ("tanda-kutip-terbuka", 5, "nama")
    assert "sel-sel berikutnya di baris itu terbaca sebagai isi sel itu" in problem.message


def test_quoted_line_break_with_commas_accepted(folder):
    # Three columns: a second line with two commas is still ordinary text.
    replace(folder, "partisipasi.csv", "ORG-002,2025-03-05,Kerja bakti Kelurahan Meri",
            'ORG-002,2025-03-05,"Rapat koordinasi\nbersama Polres, Kodim, dan Kominda"')
    replace(folder, "konflik.csv", ";12/03/2025;", ";31/02/2025;")
    assert [p.code for p in inspect(folder).problems] == ["tanggal-tidak-terbaca"]


def test_line_break_in_quoted_text_accepted(folder):
    replace(folder, "organisasi.csv", "ORG-004,Yayasan Ruang Hijau,",
            'ORG-004,"Yayasan Ruang\nHijau",')
    assert inspect(folder).problems == []


def test_sara_blank_vs_filled_disagrees(folder):
    replace(folder, "konflik.csv", "K-2025-002;03/02/2025;budaya;agama;Kranggan;Meri;Kodim;",
            "K-2025-002;03/02/2025;budaya;;Kranggan;Meri;Kodim;")
    problem = only_problem(folder)
    assert problem.code == "kasus-tidak-konsisten"
    assert (problem.row, problem.column, problem.value) == (4, "sara", "")
    assert "baris 4 dan baris 3" in problem.message


def test_ids_compared_ignoring_case(folder):
    replace(folder, "partisipasi.csv", "ORG-003,2025-04-01", " org-003 ,2025-04-01")
    assert inspect(folder).problems == []


def test_numbers_as_text_and_decimal_year(folder):
    replace(folder, "rekap.csv", "IKU-1,2024,,3,4,", 'IKU-1,2024.0,,"3,0", 4 ,')
    dataset = inspect(folder)
    assert dataset.problems == []
    rekap = dataset.tables["rekap"]
    assert int(rekap.loc[0, "tahun"]) == 2024
    assert int(rekap.loc[0, "pembilang"]) == 3


@pytest.mark.parametrize(("written", "code", "column", "value"), [
    ("IKU-1,2024,5,3,4,", "triwulan-tidak-sah", "triwulan", "5"),
    ("IKU-1,25,,3,4,", "tahun-tidak-sah", "tahun", "25"),
    ("IKU-1,dua,,3,4,", "bukan-bilangan-bulat", "tahun", "dua"),
])
def test_rekap_period_rejected(folder, written, code, column, value):
    replace(folder, "rekap.csv", "IKU-1,2024,,3,4,", written)
    problems = [p for p in inspect(folder).problems if p.code == code]
    assert len(problems) == 1
    assert (problems[0].row, problems[0].column, problems[0].value) == (2, column, value)


@pytest.mark.parametrize(("written", "column", "value"), [
    ("IKU-1,2024,,3,99999999999999999999999999,", "penyebut", "99999999999999999999999999"),
    ("IKU-1,2024,,3,9223372036854775808,", "penyebut", "9223372036854775808"),
    ("IKU-1,2024,,-9223372036854775809,4,", "pembilang", "-9223372036854775809"),
    ("IKU-1,20240000000000000000000,,3,4,", "tahun", "20240000000000000000000"),
])
def test_rekap_too_large_number_rejected(folder, written, column, value):
    """A number beyond the 64-bit range is a problem on its cell, not an internal error."""
    replace(folder, "rekap.csv", "IKU-1,2024,,3,4,", written)
    problems = inspect(folder).problems
    assert [(p.code, p.row, p.column, p.value) for p in problems] == [
        ("angka-terlalu-besar", 2, column, value)]
    assert "terlalu besar untuk dihitung" in problems[0].message
    assert problems[0].expected.endswith("paling besar 9.223.372.036.854.775.807")


def test_rekap_max_integer_accepted(folder):
    replace(folder, "rekap.csv", "IKU-1,2024,,3,4,", "IKU-1,2024,,3,9223372036854775807,")
    assert inspect(folder).problems == []


def test_target_fraction_warns(folder):
    replace(folder, "target.csv", "IKU-1;2025;85;", "IKU-1;2025;0,85;")
    problem = only_problem(folder)
    assert problem.code == "target-terlalu-kecil"
    assert problem.severity == "peringatan"


@pytest.mark.parametrize(("written", "code", "text"), [
    ("9.000", "target-titik-ribuan", "Target '9.000' dibaca 9, dengan titik sebagai tanda desimal"),
    ("72.500", "target-titik-ribuan", "Target '72.500' dibaca 72,5"),
    ("0.125", "target-terlalu-kecil", "sangat kecil"),
    ("0", "target-nol", "Target 0: capaian (realisasi dibagi target) tidak dapat dihitung"),
])
def test_ambiguous_or_zero_target_warns(folder, written, code, text):
    replace(folder, "target.csv", "IKU-1;2025;85;", f"IKU-1;2025;{written};")
    problem = only_problem(folder)
    assert (problem.code, problem.severity, problem.row) == (code, "peringatan", 5)
    assert text in problem.message


def test_target_with_space_inside_rejected(folder):
    # A space groups thousands only, so 8 0 is not read as 80.
    replace(folder, "target.csv", "IKU-1;2025;85;", "IKU-1;2025;8 0;")
    problem = only_problem(folder)
    assert problem.is_error
    assert (problem.row, problem.column, problem.value) == (5, "target", "8 0")


@pytest.mark.parametrize(("written", "named"), [
    ("8\u20090", "Di pesan ini \\u2009 adalah karakter U+2009 (THIN SPACE)."),
    ("82\t5", "Di pesan ini \\t adalah karakter U+0009 (TAB)."),
])
def test_escaped_character_in_message_named(folder, written, named):
    replace(folder, "target.csv", "IKU-1;2025;85;", f"IKU-1;2025;{written};")
    problem = only_problem(folder)
    assert problem.message.endswith(named)


def test_plain_value_no_escape_note(folder):
    replace(folder, "target.csv", "IKU-1;2025;85;", "IKU-1;2025;8 0;")
    assert "Di pesan ini" not in only_problem(folder).message


def test_year_with_thousands_point_hint(folder):
    replace(folder, "target.csv", "IKU-1;2025;85;", "IKU-1;2.025;85;")
    problems = [p for p in inspect(folder).problems if p.row == 5 and p.column == "tahun"]
    assert len(problems) == 1
    assert "Tulis tanpa pemisah ribuan, misalnya 2025." in problems[0].message


def test_year_with_both_marks_generic_hint(folder):
    # 2.025,000 is 2025 with a decimal comma, so stripping both marks would mislead.
    replace(folder, "target.csv", "IKU-1;2025;85;", "IKU-1;2.025,000;85;")
    problems = [p for p in inspect(folder).problems if p.row == 5 and p.column == "tahun"]
    assert len(problems) == 1
    assert "2025000" not in problems[0].message


def test_target_with_percent_sign_reads(folder):
    replace(folder, "target.csv", "IKU-1;2025;85;", "IKU-1;2025;85%;")
    dataset = inspect(folder)
    assert dataset.problems == []
    assert float(dataset.tables["target"]["target"].iloc[3]) == 85


def test_duplicate_header_rejected(folder):
    replace(folder, "partisipasi.csv", "id_organisasi,tanggal,kegiatan",
            "id_organisasi,tanggal,tanggal")
    codes = [p.code for p in inspect(folder).problems]
    assert "kolom-ganda" in codes


def test_unknown_sumber_warns(folder):
    replace(folder, "konflik.csv", ";Meri;FKUB;", ";Meri;Koramil;")
    problem = only_problem(folder)
    assert problem.code == "sumber-tanpa-bidang"
    assert (problem.row, problem.value) == (3, "Koramil")


ANGGARAN = ("tahun;program;pagu;realisasi\n"
            "2025;Program Penguatan Ideologi Pancasila;250.000.000;230.000.000\n")


@pytest.mark.parametrize(("row", "code", "column", "severity"), [
    ("2025;Program A;Rp 2.000.000;2.500.000", "realisasi-melebihi-pagu", "realisasi",
     "peringatan"),
    ("2025;Program A;dua juta;1.000.000", "rupiah-tidak-sah", "pagu", "galat"),
    ("2025;Program A;2.000.000;-5", "rupiah-negatif", "realisasi", "galat"),
    ("1800;Program A;2.000.000;1.000.000", "tahun-tidak-sah", "tahun", "galat"),
    ("2025;;2.000.000;1.000.000", "nilai-kosong", "program", "galat"),
    ("2025;Program Penguatan Ideologi Pancasila;1.000;1.000", "anggaran-ganda", "program",
     "galat"),
    ("2025;program penguatan  ideologi PANCASILA;1.000;1.000", "anggaran-ganda", "program",
     "galat"),
    ("2025;Program A;1.000.000.000.000.000;1", "angka-terlalu-besar", "pagu", "galat"),
])
def test_anggaran_rows_checked(folder, row, code, column, severity):
    (folder / "anggaran.csv").write_text(ANGGARAN + row + "\n", encoding="utf-8")
    problem = only_problem(folder)
    assert (problem.code, problem.file, problem.row, problem.column, problem.severity) == (
        code, "anggaran.csv", 3, column, severity)


def test_anggaran_amounts_read_as_rupiah(folder):
    (folder / "anggaran.csv").write_text(ANGGARAN, encoding="utf-8")
    dataset = inspect(folder)
    assert dataset.problems == []
    record = dataset.tables["anggaran"].iloc[0]
    assert (record["pagu"], record["realisasi"]) == (250_000_000, 230_000_000)


@pytest.mark.parametrize(("program", "named"), [
    ("Program A", "Program A"),
    ("Penguatan Ideologi", "Program Penguatan Ideologi"),  # the word Program is added once
])
def test_anggaran_programme_and_its_kegiatan_refused(folder, program, named):
    (folder / "anggaran.csv").write_text(
        "tahun;program;kegiatan;pagu;realisasi\n"
        f"2025;{program};;1.000.000;900.000\n"
        f"2025;{program};Kegiatan 1;600.000;500.000\n", encoding="utf-8")
    problem = only_problem(folder)
    assert (problem.code, problem.row, problem.column) == ("anggaran-ganda", 3, "kegiatan")
    assert (f"{named} tahun 2025 sudah tercatat di baris 2 sebagai satu baris, "
            "sehingga baris ini akan terhitung dua kali") in problem.message
    assert "Program Program" not in problem.message


def test_anggaran_whole_rupiah_dash(folder):
    (folder / "anggaran.csv").write_text(
        "tahun;program;pagu;realisasi\n2025;Program A;Rp1.250.000,-;1.000.000,-\n",
        encoding="utf-8")
    dataset = inspect(folder)
    assert dataset.problems == []
    assert dataset.tables["anggaran"].iloc[0]["pagu"] == 1_250_000


def test_semicolon_header_decides_over_commas_in_values(folder):
    # English amounts contain more commas than the header has semicolons.
    (folder / "anggaran.csv").write_text(
        "tahun;program;pagu;realisasi;keterangan\n"
        "2025;Program A;1,250,000.00;1,000,000.00;revisi, tahap 1\n", encoding="utf-8")
    problems = inspect(folder).problems
    assert [(p.code, p.row, p.column) for p in problems] == [
        ("rupiah-tidak-sah", 2, "pagu"), ("rupiah-tidak-sah", 2, "realisasi")]


def test_short_row_with_quoted_delimiter_accepted(folder):
    # Trailing empty cells left out, and a quoted name holding a comma: valid CSV.
    replace(folder, "organisasi.csv", "ORG-001,Forum Relawan Kota Mojokerto,ORMAS,2020-01-09,",
            'ORG-001,"Forum Relawan, Tanggap Bencana",ORMAS,2020-01-09')
    assert inspect(folder).problems == []


def test_unclosed_quote_with_unpadded_ids(folder):
    # Ids of growing length (K-9, K-10) still count as swallowed records.
    rows = ["id_konflik;tanggal_kejadian;jenis;sara;kecamatan;kelurahan;sumber;status;"
            "tanggal_selesai;uraian"]
    rows += [f"K-{n};10/01/2025;sosial;;Magersari;Wates;Polres;selesai;20/01/2025;Uraian {n}."
             for n in range(1, 13)]
    rows[5] = rows[5].replace(";Uraian 5.", ';"Uraian 5.')
    (folder / "konflik.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    problem = next(p for p in inspect(folder).problems if p.is_error)
    assert (problem.code, problem.row, problem.column) == ("tanda-kutip-terbuka", 6, "uraian")
    assert "7 baris berikutnya" in problem.message


def test_quoted_header_decides_delimiter(folder):
    (folder / "anggaran.csv").write_text(
        '"tahun";"program";"pagu";"realisasi";"keterangan"\n'
        "2025;Program A;1,250,000.00;1,000,000.00;ATK, honor, perjalanan\n", encoding="utf-8")
    assert [(p.code, p.column) for p in inspect(folder).problems] == [
        ("rupiah-tidak-sah", "pagu"), ("rupiah-tidak-sah", "realisasi")]


def test_missing_column_hint_skips_valid_columns(folder):
    text = (folder / "organisasi.csv").read_text(encoding="utf-8").splitlines()
    rows = [",".join(line.split(",")[:3] + line.split(",")[4:]) for line in text]
    (folder / "organisasi.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    problem = next(p for p in inspect(folder).problems if p.code == "kolom-tidak-ada")
    assert problem.column == "tanggal_terdaftar"
    assert problem.value is None
    assert "nama kolom harus persis" not in problem.message


def test_missing_column_hint_names_misspelling(folder):
    replace(folder, "organisasi.csv", "tanggal_terdaftar", "tanggal terdaftar")
    problem = next(p for p in inspect(folder).problems if p.code == "kolom-tidak-ada")
    assert problem.value == "tanggal terdaftar"
    assert "nama kolom harus persis 'tanggal_terdaftar'" in problem.message


def test_case_number_year_differs_from_incident(folder):
    replace(folder, "konflik.csv", "K-2025-001;15/01/2025", "K-2025-001;15/01/2024")
    (problem,) = [p for p in inspect(folder).problems if p.code == "tahun-nomor-kasus"]
    assert problem.severity == "peringatan"
    assert (problem.row, problem.column, problem.value) == (2, "tanggal_kejadian", "15/01/2024")
    assert problem.ids == ("K-2025-001",)
    assert "Nomor kasus K-2025-001 bertahun 2025, tetapi tanggal_kejadian 15/01/2024" in (
        problem.message)


def test_case_year_checked_once_per_case(folder):
    text = (folder / "konflik.csv").read_text(encoding="utf-8-sig")
    (folder / "konflik.csv").write_text(text.replace("K-2025-002", "K-2024-002"),
                                        encoding="utf-8")
    problems = [p for p in inspect(folder).problems if p.code == "tahun-nomor-kasus"]
    assert [(p.row, p.ids) for p in problems] == [(3, ("K-2024-002",))]


def test_other_case_numbering_not_year_checked(folder):
    replace(folder, "konflik.csv", "K-2025-001;15/01/2025", "KSS/001;15/01/2024")
    assert [p for p in inspect(folder).problems if p.code == "tahun-nomor-kasus"] == []


def add_rekap_rows(folder: Path, *lines: str) -> None:
    with (folder / "rekap.csv").open("a", encoding="utf-8") as handle:
        handle.writelines(f"{line}\n" for line in lines)


@pytest.mark.parametrize(("line", "code", "row", "value", "text"), [
    # Triwulan IV covers the same days as the year's row of 3/4.
    ("IKU-1,2024,4,2,4,Rekap triwulan", "rekap-tahun-beda-triwulan-iv", 2, "3/4",
     "triwulan IV di baris 5 berisi 2/4"),
    # A cumulative second quarter above the year's 2/4.
    ("IKU-2,2024,2,3,5,Rekap triwulan", "rekap-kumulatif-turun", 3, "2/4",
     "lebih kecil dari triwulan 2 di baris 5 (3/5)"),
])
def test_rekap_quarters_contradicting_year(folder, line, code, row, value, text):
    add_rekap_rows(folder, line)
    problem = only_problem(folder)
    assert problem.code == code
    assert (problem.row, problem.value) == (row, value)
    assert text in problem.message


def test_rekap_consistent_quarters_accepted(folder):
    add_rekap_rows(folder, "IKU-1,2024,1,1,2,", "IKU-1,2024,3,2,3,", "IKU-1,2024,4,3,4,")
    assert inspect(folder).problems == []


def add_target_rows(folder: Path, *lines: str) -> None:
    with (folder / "target.csv").open("a", encoding="utf-8") as handle:
        handle.writelines(f"{line}\n" for line in lines)


def test_quarter_iv_target_differing_from_year_warned(folder):
    # Triwulan IV covers the same days as the year, whose target is 85 in row 5.
    add_target_rows(folder, "IKU-1;2025;88;4")
    problem = only_problem(folder)
    assert problem.code == "target-triwulan-iv-beda-tahunan"
    assert problem.severity == "peringatan"
    assert (problem.row, problem.column, problem.value) == (8, "target", "88")
    assert problem.expected == "85 seperti target tahunan di baris 5"
    assert ("Target IKU-1 triwulan IV 2025 (88) berbeda dari target tahunan di baris 5 "
            "(85).") in problem.message


def test_quarter_iv_target_without_year_warned(folder):
    add_target_rows(folder, "IKU-1;2026;90;4")
    problem = only_problem(folder)
    assert problem.code == "target-tahunan-tidak-ada"
    assert problem.severity == "peringatan"
    assert (problem.row, problem.column) == (8, "triwulan")
    assert "Target IKU-1 triwulan IV 2026 ada (90), tetapi target tahunannya tidak" in (
        problem.message)


def test_quarter_targets_equal_to_year_accepted(folder):
    add_target_rows(folder, "IKU-1;2025;40;2", "IKU-1;2025;85,0;4")
    assert inspect(folder).problems == []


@pytest.mark.parametrize("written", ["K\u20132025\u2013001", "K-2025-1", "K-2025-0O1",
                                     "K-2025-001.", "K 2025 001", "K_2025_001", "K/2025/001",
                                     "\uff2b-2025-001",
                                     "\uff2b\uff0d\uff12\uff10\uff12\uff15\uff0d\uff10\uff10\uff11"])
def test_case_number_spellings_warned(folder, written):
    replace(folder, "konflik.csv", "K-2025-003;", f"{written};")
    (problem,) = [p for p in inspect(folder).problems if p.code == "nomor-kasus-mirip"]
    assert problem.severity == "peringatan"
    assert (problem.row, problem.column, problem.value) == (2, "id_konflik", "K-2025-001")
    assert set(problem.ids) == {"K-2025-001", written.upper()}
    assert f"K-2025-001 (baris 2) dan {written.upper()} (baris 5)" in problem.message


def test_rows_with_other_delimiter_give_one_error(folder):
    path = folder / "organisasi.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0].replace(",", ";"), *lines[1:]]) + "\n",
                    encoding="utf-8")
    errors = [p for p in inspect(folder).problems if p.is_error]
    # No empty-table error and no unknown organisation for every participation row.
    assert [p.code for p in errors] == ["pemisah-berbeda"]


def test_sources_take_catalogue_spelling(folder):
    replace(folder, "konflik.csv", ";Kodim;", ";KODIM;")
    dataset = inspect(folder)
    assert dataset.problems == []
    assert "KODIM" not in set(dataset.tables["konflik"]["sumber"])
    assert "Kodim" in set(dataset.tables["konflik"]["sumber"])


@pytest.mark.parametrize(("written", "hint"), [
    ("ORG-01", "Maksudnya ORG-001?"),
    ("0RG-001", "Maksudnya ORG-001?"),
    ("ORG-999", None),
    ("ORG-011", None),
])
def test_unknown_organisation_hint_only_for_slips(folder, written, hint):
    replace(folder, "partisipasi.csv", "ORG-001,2025-02-10,", f"{written},2025-02-10,")
    (problem,) = [p for p in inspect(folder).problems if p.code == "organisasi-tidak-dikenal"]
    assert problem.value == written
    if hint is None:
        assert "Maksudnya" not in problem.message
    else:
        assert hint in problem.message


def test_zero_width_space_in_case_id_rejected(folder):
    replace(folder, "konflik.csv", "K-2025-002;03/02/2025;budaya;agama;Kranggan;Meri;Kodim",
            "K-2025-\u200b002;03/02/2025;budaya;agama;Kranggan;Meri;Kodim")
    dataset = inspect(folder)
    (problem,) = dataset.problems
    assert problem.code == "karakter-tak-terlihat"
    assert problem.is_error
    assert (problem.file, problem.row, problem.column) == ("konflik.csv", 4, "id_konflik")
    assert problem.value == "K-2025-<U+200B>002"
    assert problem.expected == "K-2025-002"
    assert "U+200B (ZERO WIDTH SPACE)" in problem.message
    assert "tampak sama dengan 'K-2025-002'" in problem.message
    # Both reports stay one case.
    assert dataset.tables["konflik"]["id_konflik"].nunique() == 3


@pytest.mark.parametrize("first_line", ["", "sep=,\n"])
def test_bom_in_organisation_id_rejected_once(folder, first_line):
    # A sep= line sends the file to the row-by-row reader.
    replace(folder, "organisasi.csv", "id_organisasi,", f"{first_line}id_organisasi,")
    replace(folder, "organisasi.csv", "ORG-002,Lembaga", "\ufeffORG-002,Lembaga")
    dataset = inspect(folder)
    (problem,) = dataset.problems
    assert problem.code == "karakter-tak-terlihat"
    assert (problem.file, problem.row, problem.column) == ("organisasi.csv", 3, "id_organisasi")
    assert problem.value == "<U+FEFF>ORG-002"
    assert "U+FEFF (ZERO WIDTH NO-BREAK SPACE)" in problem.message
    # The participation of ORG-002 finds its organisation.
    assert "ORG-002" in set(dataset.tables["organisasi"]["id_organisasi"])


@pytest.mark.parametrize(("name", "old", "new", "row", "column", "value"), [
    ("konflik.csv", ";sosial;;Magersari;Wates;", ";sosial\u2060;;Magersari;Wates;", 2, "jenis",
     "sosial<U+2060>"),
    ("konflik.csv", ";Magersari;Wates;", ";Magersari;\ufeffWates;", 2, "kelurahan",
     "<U+FEFF>Wates"),
    ("konflik.csv", ";Prajurit Kulon;", ";Prajurit\u200b Kulon;", 5, "kecamatan",
     "Prajurit<U+200B> Kulon"),
    ("partisipasi.csv", "ORG-003,2025-04-01", "ORG-\u200d003,2025-04-01", 5, "id_organisasi",
     "ORG-<U+200D>003"),
    ("target.csv", "IKU-2;2024;70;", "IKU-2\u00ad;2024;70;", 3, "kode_indikator",
     "IKU-2<U+00AD>"),
    ("konflik.csv", ";Meri;Kodim;", ";Meri;Ko\x00dim;", 4, "sumber", "Ko<U+0000>dim"),
])
def test_invisible_character_in_code_rejected(folder, name, old, new, row, column, value):
    replace(folder, name, old, new)
    problem = only_problem(folder)
    assert problem.code == "karakter-tak-terlihat"
    assert (problem.file, problem.row, problem.column, problem.value) == (
        name, row, column, value)
    assert "U+" in problem.message


def test_only_invisible_characters_read_as_blank(folder):
    replace(folder, "partisipasi.csv", "ORG-003,2025-04-01", "\u200b\u200b,2025-04-01")
    problems = inspect(folder).problems
    assert [(p.code, p.row, p.column) for p in problems] == [
        ("karakter-tak-terlihat", 5, "id_organisasi"), ("nilai-kosong", 5, "id_organisasi")]
    assert "Sel itu tampak kosong" in problems[0].message
    assert problems[0].expected == "sel kosong"


@pytest.mark.parametrize(("written", "character"), [
    ("ORG-0\u041e1", "U+041E (CYRILLIC CAPITAL LETTER O)"),
    ("ORG\u2011001", "U+2011 (NON-BREAKING HYPHEN)"),
    ("\uff2f\uff32\uff27-001", "U+FF2F (FULLWIDTH LATIN CAPITAL LETTER O)"),
])
def test_organisation_hint_names_unseen_difference(folder, written, character):
    replace(folder, "partisipasi.csv", "ORG-001,2025-02-10,", f"{written},2025-02-10,")
    (problem,) = [p for p in inspect(folder).problems if p.code == "organisasi-tidak-dikenal"]
    assert "Maksudnya ORG-001?" in problem.message
    assert f"Keduanya berbeda pada karakter {character}" in problem.message


def test_choice_hint_names_unseen_difference(folder):
    replace(folder, "konflik.csv", ";12/03/2025;politik;", ";12/03/2025;p\u043elitik;")
    problem = only_problem(folder)
    assert problem.code == "nilai-tidak-sah"
    assert "maksudnya 'politik'?" in problem.message
    assert "U+043E (CYRILLIC SMALL LETTER O)" in problem.message


def test_plain_hint_has_no_character_note(folder):
    replace(folder, "konflik.csv", ";12/03/2025;politik;", ";12/03/2025;politk;")
    problem = only_problem(folder)
    assert "maksudnya 'politik'?" in problem.message
    assert "Keduanya berbeda" not in problem.message


def add_lines(folder: Path, name: str, *lines: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    path.write_text(text + "".join(line + newline for line in lines), encoding="utf-8")


@pytest.mark.parametrize("first_line", ["", "sep=,\n"])
def test_organisation_name_under_two_ids_warned(folder, first_line):
    # A sep= line sends the file to the row-by-row reader.
    replace(folder, "organisasi.csv", "id_organisasi,", f"{first_line}id_organisasi,")
    add_lines(folder, "organisasi.csv", "ORG-005,yayasan  ruang HIJAU,LSM,2024-02-01,")
    problem = only_problem(folder)
    assert (problem.code, problem.severity) == ("nama-organisasi-ganda", "peringatan")
    assert (problem.file, problem.row, problem.column) == ("organisasi.csv", 6, "nama")
    assert problem.ids == ("ORG-004", "ORG-005")
    assert ("terdaftar dengan dua id: ORG-004 (baris 5) dan ORG-005 (baris 6), dan keduanya "
            "aktif pada waktu yang sama") in problem.message


def test_organisation_name_registered_again_after_nonaktif(folder):
    # Partai Contoh became nonaktif on 30 June 2025; a new registration after that passes.
    add_lines(folder, "organisasi.csv", "ORG-005,Partai Contoh,Parpol,2025-07-01,")
    assert inspect(folder).problems == []


@pytest.mark.parametrize("first_line", ["", "sep=,\n"])
def test_duplicate_participation_rows_warned(folder, first_line):
    replace(folder, "partisipasi.csv", "id_organisasi,", f"{first_line}id_organisasi,")
    add_lines(folder, "partisipasi.csv", *["ORG-002,2025-03-05,Kerja bakti Kelurahan Meri"] * 4)
    problem = only_problem(folder)
    assert problem.code == "baris-ganda"
    assert problem.severity == "peringatan"
    assert (problem.file, problem.row, problem.column) == ("partisipasi.csv", 6, None)
    assert problem.value == "ORG-002,2025-03-05,Kerja bakti Kelurahan Meri"
    assert problem.ids == ("ORG-002",)
    assert problem.message.startswith("Baris 3, 6, 7, 8 dan 9 sama persis di semua kolom.")
    assert "rincian kegiatan" in problem.message


def test_duplicate_konflik_report_warned(folder):
    line = ("K-2025-003;12/03/2025;politik;;Prajurit Kulon;Blooto;Polres;belum;;"
            "Perusakan baliho partai.")
    add_lines(folder, "konflik.csv", line)
    problem = only_problem(folder)
    assert problem.code == "baris-ganda"
    assert (problem.file, problem.row) == ("konflik.csv", 6)
    assert problem.ids == ("K-2025-003",)
    assert problem.message.startswith("Baris 5 dan 6 sama persis di semua kolom.")
    assert "tidak menambah jumlah kasus" in problem.message


def test_many_duplicate_groups_in_one_warning(folder):
    lines = [f"ORG-001,2025-0{month}-01,Musrenbang Kota" for month in range(1, 8)]
    add_lines(folder, "partisipasi.csv", *lines, *lines, lines[0])
    problem = only_problem(folder)
    assert problem.code == "baris-ganda"
    assert problem.row == 13
    assert problem.message.startswith(
        "8 baris adalah salinan persis baris lain, dalam 7 kelompok baris yang sama di semua "
        "kolom. 5 kelompok pertama: baris 6, 13 dan 20; baris 7 dan 14; baris 8 dan 15; "
        "baris 9 dan 16; baris 10 dan 17.")
    assert "baris 11" not in problem.message


def test_rows_differing_in_one_cell_not_duplicates(folder):
    add_lines(folder, "partisipasi.csv", "ORG-002,2025-03-05,Kerja bakti Kelurahan  Meri",
              "ORG-002,2025-03-05,kerja bakti Kelurahan Meri")
    assert inspect(folder).problems == []


NEGATIVE = ("rupiah-negatif", "negatif", "tanpa tanda minus")
E_NOTATION = ("rupiah-tidak-sah", "bukan jumlah rupiah yang lengkap", "notasi ilmiah")


@pytest.mark.parametrize(("written", "expected"), [
    ("-2.310.000.000", NEGATIVE), ("-Rp2.310.000.000", NEGATIVE),
    (" - 2.310.000.000,-", NEGATIVE), ("1,23457E+11", E_NOTATION), ("4.138E+09", E_NOTATION),
    ("-2,31E+09", E_NOTATION), ("Rp1,2E+10", E_NOTATION), ("1,23457 E+11", E_NOTATION),
    ("- 2,31E+09", E_NOTATION),
])
def test_pagu_named_without_thousands_advice(folder, written, expected):
    code, phrase, advice = expected
    (folder / "anggaran.csv").write_text(
        f"tahun;program;pagu;realisasi\n2025;Program A;{written};1.000.000\n", encoding="utf-8")
    problem = only_problem(folder)
    assert (problem.code, problem.row, problem.column) == (code, 2, "pagu")
    assert problem.value == written
    assert f"Nilai pagu {written!r} {phrase}" in problem.message
    assert advice in problem.message
    assert "pemisah ribuan" not in problem.message


@pytest.mark.parametrize("written", ["1e308", "1E+308", "1,5E+20"])
def test_target_in_e_notation_too_large(folder, written):
    replace(folder, "target.csv", "IKU-1;2025;85;", f"IKU-1;2025;{written};")
    problem = only_problem(folder)
    assert (problem.code, problem.row, problem.column) == ("angka-terlalu-besar", 5, "target")
    assert problem.value == written
    assert f"Target {written!r} terlalu besar untuk dihitung" in problem.message


def test_small_target_in_e_notation_rejected(folder):
    replace(folder, "target.csv", "IKU-1;2025;85;", "IKU-1;2025;8,5E+1;")
    problem = only_problem(folder)
    assert problem.code == "target-bukan-angka"
    assert "notasi ilmiah" in problem.message


def test_rekap_count_in_e_notation_too_large(folder):
    replace(folder, "rekap.csv", "IKU-1,2024,,3,4,", 'IKU-1,2024,,3,"1,5E+20",')
    problem = only_problem(folder)
    assert (problem.code, problem.column, problem.value) == (
        "angka-terlalu-besar", "penyebut", "1,5E+20")


def test_small_rekap_count_in_e_notation(folder):
    replace(folder, "rekap.csv", "IKU-1,2024,,3,4,", "IKU-1,2024,,3,4E+0,")
    problem = only_problem(folder)
    assert (problem.code, problem.column, problem.value) == (
        "bukan-bilangan-bulat", "penyebut", "4E+0")
    assert "notasi ilmiah" in problem.message


def test_data_error_line_names_first_errors(folder):
    # A batch summary shows one line per report, so it names the first errors itself.
    replace(folder, "konflik.csv", "K-2025-001;15/01/2025", "K-2025-001;29/02/2025")
    with pytest.raises(DataError) as raised:
        load(folder)
    line = raised.value.with_first_errors()
    assert line.startswith("Data pemantauan memuat 1 kesalahan;")
    assert ("Kesalahan pertama: konflik.csv baris 2 kolom tanggal_kejadian nilai '29/02/2025': "
            "Tanggal '29/02/2025' tidak dapat dibaca.") in line
    assert "\n" not in line
    assert ".." not in line
