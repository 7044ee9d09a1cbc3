"""Reading tables from CSV, xlsx and workbook sheets, keeping spreadsheet rows."""

from __future__ import annotations

import csv
import errno
import os
import subprocess
import sys
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from iku_nb import read as read_module
from iku_nb import read_columnar, sheet_xml
from iku_nb.dataset import inspect
from iku_nb.read import read_tables, unreadable_reason


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_dasar_reads_clean(folder):
    tables, problems = read_tables(folder)
    assert problems == []
    assert set(tables) == {"konflik", "organisasi", "partisipasi", "target", "rekap"}
    assert [row for row, _ in tables["konflik"].rows] == [2, 3, 4, 5]
    assert tables["target"].rows[4][1]["target"] == "72,5"


def test_sep_line_keeps_excel_rows(folder):
    path = folder / "partisipasi.csv"
    path.write_text("sep=,\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    tables, problems = read_tables(folder)
    assert problems == []
    assert tables["partisipasi"].header == ["id_organisasi", "tanggal", "kegiatan"]
    assert [row for row, _ in tables["partisipasi"].rows] == [2, 3, 4, 5]


def test_blank_rows_keep_row_numbers(folder):
    path = folder / "organisasi.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2:2] = [",,,,", "  ,  ,,,"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tables, problems = read_tables(folder)
    assert problems == []
    assert [row for row, _ in tables["organisasi"].rows] == [2, 5, 6, 7]


def test_header_spaces_and_bom_stripped(folder):
    path = folder / "partisipasi.csv"
    text = path.read_text(encoding="utf-8").replace("id_organisasi,tanggal,",
                                                   " id_organisasi ,tanggal  ,")
    path.write_text("\ufeff" + text, encoding="utf-8")
    tables, _ = read_tables(folder)
    assert tables["partisipasi"].header == ["id_organisasi", "tanggal", "kegiatan"]


def test_title_row_above_header_warns(folder):
    path = folder / "organisasi.csv"
    path.write_text("DAFTAR ORGANISASI 2025,,,,\n,,,,\n" + path.read_text(encoding="utf-8"),
                    encoding="utf-8")
    tables, problems = read_tables(folder)
    assert codes(problems) == ["judul-bukan-baris-1"]
    assert problems[0].row == 3
    assert [row for row, _ in tables["organisasi"].rows] == [4, 5, 6, 7]


def test_windows_1252_read_with_warning(folder):
    path = folder / "konflik.csv"
    text = path.read_text(encoding="utf-8").replace("Perusakan baliho partai.",
                                                   "Perusakan baliho – café")
    path.write_bytes(text.encode("cp1252"))
    tables, problems = read_tables(folder)
    assert codes(problems) == ["encoding-windows-1252"]
    assert problems[0].severity == "peringatan"
    assert tables["konflik"].rows[3][1]["uraian"] == "Perusakan baliho – café"


def test_utf16_with_bom_reads(folder):
    path = folder / "partisipasi.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    tables, problems = read_tables(folder)
    assert problems == []
    assert len(tables["partisipasi"].rows) == 4


def test_broken_utf16_rejected(folder):
    path = folder / "partisipasi.csv"
    data = path.read_text(encoding="utf-8").encode("utf-16") + b"A"
    path.write_bytes(data)
    tables, problems = read_tables(folder)
    assert codes(problems) == ["encoding-tidak-terbaca"]
    assert problems[0].message == (
        f"Berkas partisipasi.csv bertanda UTF-16, tetapi isinya rusak mulai bita ke-"
        f"{len(data)} dari {len(data)}. Simpan ulang sebagai 'CSV UTF-8'.")
    assert "partisipasi" not in tables


def test_empty_file_is_empty_table(folder):
    (folder / "partisipasi.csv").write_bytes(b"")
    tables, problems = read_tables(folder)
    assert problems == []
    assert tables["partisipasi"].header == []


def test_file_name_case_ignored(folder):
    (folder / "konflik.csv").rename(folder / "Konflik.CSV")
    tables, problems = read_tables(folder)
    assert problems == []
    assert tables["konflik"].source == "Konflik.CSV"


def test_broken_link_named_as_link(folder, tmp_path):
    (folder / "konflik.csv").unlink()
    (folder / "konflik.csv").symlink_to(tmp_path / "hilang.csv")
    _, problems = read_tables(folder)
    assert codes(problems) == ["format-berkas"]
    assert problems[0].message == (f"konflik.csv adalah tautan ke {tmp_path / 'hilang.csv'}, "
                                   "yang tidak ada; salin berkas tabelnya ke folder data atau "
                                   "perbaiki tautannya.")


def test_link_loop_named_as_loop(folder):
    (folder / "konflik.csv").unlink()
    (folder / "konflik.csv").symlink_to("konflik.csv")
    _, problems = read_tables(folder)
    assert codes(problems) == ["format-berkas"]
    assert problems[0].message == ("konflik.csv adalah tautan ke konflik.csv yang berputar "
                                   "kembali ke dirinya sendiri; salin berkas tabelnya ke folder "
                                   "data atau perbaiki tautannya.")


def test_fifo_named_as_special_file(folder):
    (folder / "konflik.csv").unlink()
    os.mkfifo(folder / "konflik.csv")
    _, problems = read_tables(folder)
    assert codes(problems) == ["format-berkas"]
    assert "bukan berkas biasa (misalnya pipa atau perangkat)" in problems[0].message


def test_folder_named_as_folder(folder):
    (folder / "konflik.csv").unlink()
    (folder / "konflik.csv").mkdir()
    _, problems = read_tables(folder)
    assert problems[0].message == "konflik.csv adalah folder, bukan berkas tabel."


def test_same_table_twice_rejected(folder):
    book = Workbook()
    book.active.title = "konflik"
    book.active.append(["id_konflik"])
    book.save(folder / "konflik.xlsx")
    _, problems = read_tables(folder)
    assert codes(problems) == ["tabel-ganda"]
    assert "konflik.csv" in problems[0].message
    assert "konflik.xlsx" in problems[0].message


def test_workbook_sheets_keep_cell_types(folder):
    for name in ("organisasi", "partisipasi"):
        (folder / f"{name}.csv").unlink()
    book = Workbook()
    sheet = book.active
    sheet.title = " Organisasi "
    sheet.append(["id_organisasi", "nama", "jenis", "tanggal_terdaftar", "tanggal_nonaktif"])
    sheet.append(["ORG-001", "Forum", "ORMAS", datetime(2020, 1, 9), None])
    sheet.append([None, None, None, None, None])
    sheet.append(["ORG-002", "Lembaga", "LSM", datetime(2021, 5, 30), None])
    events = book.create_sheet("partisipasi")
    events.append(["id_organisasi", "tanggal", "kegiatan"])
    events.append(["ORG-001", datetime(2025, 2, 10), "Musrenbang"])
    book.create_sheet("catatan").append(["bebas"])
    book.save(folder / "pemantauan.xlsx")
    tables, problems = read_tables(folder)
    assert problems == []
    organisasi = tables["organisasi"]
    assert organisasi.source == "pemantauan.xlsx [ Organisasi ]"
    assert [row for row, _ in organisasi.rows] == [2, 4]
    assert organisasi.rows[0][1]["tanggal_terdaftar"] == date(2020, 1, 9)
    assert tables["partisipasi"].rows[0][1]["tanggal"] == date(2025, 2, 10)


def test_cells_beyond_header_reported(folder):
    path = folder / "partisipasi.csv"
    text = path.read_text(encoding="utf-8").replace("Sosialisasi pemilu",
                                                   "Sosialisasi pemilu,lebih")
    path.write_text(text, encoding="utf-8")
    _, problems = read_tables(folder)
    assert codes(problems) == ["sel-tanpa-kolom"]
    assert problems[0].row == 5
    assert problems[0].value == "lebih"
    assert "Bila sebuah sel berisi ',' tanpa tanda kutip" in problems[0].message


def test_corrupt_xlsx_reported(folder):
    (folder / "rekap.csv").unlink()
    (folder / "rekap.xlsx").write_bytes(b"bukan buku kerja")
    _, problems = read_tables(folder)
    assert codes(problems) == ["format-berkas"]
    assert problems[0].file == "rekap.xlsx"


def broken_workbook(path, part: str) -> None:
    """Save a konflik workbook with ``part`` (a file inside the xlsx) cut in half."""
    book = Workbook()
    book.active.title = "konflik"
    for number in range(50):
        book.active.append(["id_konflik", f"K-{number}"])
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[part] = parts[part][:len(parts[part]) // 2]
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


@pytest.mark.parametrize(("part", "code"), [
    ("xl/workbook.xml", "format-berkas"),
    ("xl/worksheets/sheet1.xml", "berkas-tidak-terbaca"),
])
def test_invalid_workbook_xml_reported(folder, part, code):
    (folder / "konflik.csv").unlink()
    broken_workbook(folder / "konflik.xlsx", part)
    _, problems = read_tables(folder)
    assert codes(problems) == [code]
    assert problems[0].file == "konflik.xlsx"


def test_broken_sheet_reason_indonesian(folder):
    (folder / "konflik.csv").unlink()
    broken_workbook(folder / "konflik.xlsx", "xl/worksheets/sheet1.xml")
    _, problems = read_tables(folder)
    message = problems[0].message
    assert "XML di dalam buku kerja xlsx rusak atau terpotong (baris 1, kolom" in message
    assert "no element found" not in message


def test_unclosed_quote_reason_indonesian(folder):
    path = folder / "konflik.csv"
    path.write_text(path.read_text(encoding="utf-8") + '"' + "x" * 140_000 + "\n",
                    encoding="utf-8")
    _, problems = read_tables(folder)
    assert codes(problems) == ["berkas-tidak-terbaca"]
    message = problems[0].message
    assert "lebih panjang dari 131.072 karakter" in message
    assert "tanda kutip" in message
    assert "field limit" not in message


def test_permission_denied_reason_indonesian(folder, monkeypatch):
    def denied(name, path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(read_module, "read_plain_csv", denied)
    _, problems = read_tables(folder)
    assert {p.code for p in problems} == {"berkas-tidak-terbaca"}
    assert all("izin untuk membaca berkas itu ditolak" in p.message for p in problems)
    assert all("Permission" not in p.message for p in problems)


@pytest.mark.parametrize(("error", "expected"), [
    (csv.Error("new-line character seen in unquoted field"), "susunan CSV-nya tidak sah"),
    (zipfile.BadZipFile("File is not a zip file"), "bukan arsip xlsx yang utuh"),
    (KeyError("xl/sharedStrings.xml"), "bagian di dalam buku kerja xlsx tidak ada"),
    (FileNotFoundError(errno.ENOENT, "No such file"), "hilang atau dipindahkan"),
    (OSError(errno.EIO, "Input/output error"),
     "gagal membacanya: perangkat penyimpanan gagal membaca atau menulis (EIO)"),
    (OSError("tanpa nomor"), "gagal membacanya: galat sistem berkas (tanpa kode)"),
    (ValueError("could not convert"), "tidak sah sebagai tabel"),
])
def test_unreadable_reason_cases(error, expected):
    assert expected in unreadable_reason(error)


def test_csv_folder_read_without_openpyxl(folder):
    """openpyxl is imported only for a workbook, so report kernels skip its import."""
    code = ("import sys\n"
            "from iku_nb.dataset import inspect, load\n"
            f"load({str(folder)!r})\n"
            "print('openpyxl' in sys.modules)\n")
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=False)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == "False\n"


def test_missing_folder_reported(tmp_path):
    tables, problems = read_tables(tmp_path / "tidak-ada")
    assert tables == {}
    assert codes(problems) == ["folder-tidak-ada"]


def konflik_workbook(folder, title: bool = False):
    """Replace konflik.csv with a konflik.xlsx of the same rows; return the open workbook.

    With ``title``, a title row sits above the header, so the header is row 2.
    """
    path = folder / "konflik.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    path.unlink()
    book = Workbook()
    sheet = book.active
    sheet.title = "konflik"
    if title:
        sheet.append(["Register konflik sosial 2025"])
        sheet.merge_cells("A1:J1")
    for row in rows:
        sheet.append(row)
    return book


def test_merged_data_cells_name_hidden_rows(folder):
    book = konflik_workbook(folder, title=True)
    book.active.merge_cells("E3:E5")
    book.save(folder / "konflik.xlsx")
    _, problems = read_tables(folder)
    assert sorted(codes(problems)) == ["judul-bukan-baris-1", "sel-digabung"]
    merged = next(p for p in problems if p.code == "sel-digabung")
    assert merged.is_error
    assert (merged.file, merged.row, merged.column) == ("konflik.xlsx", 3, "kecamatan")
    assert merged.value == "Magersari"
    assert "Sel E3:E5 digabung" in merged.message
    assert "baris 4–5 kolom kecamatan terbaca kosong" in merged.message


def test_merged_cells_across_columns_and_rows(folder):
    book = konflik_workbook(folder)
    book.active.merge_cells("E2:F2")
    book.active.merge_cells("B3:C4")
    book.save(folder / "konflik.xlsx")
    _, problems = read_tables(folder)
    assert [(p.code, p.row, p.column) for p in problems] == [
        ("sel-digabung", 2, "kecamatan"), ("sel-digabung", 3, "tanggal_kejadian")]
    assert "kolom kelurahan di baris 2 terbaca kosong" in problems[0].message
    assert ("sel lainnya di kolom tanggal_kejadian, jenis baris 3–4 terbaca kosong"
            in problems[1].message)


def test_merged_header_reported_at_header(folder):
    book = konflik_workbook(folder)
    book.active.merge_cells("E1:F1")
    book.save(folder / "konflik.xlsx")
    _, problems = read_tables(folder)
    assert codes(problems)[0] == "sel-digabung"
    assert (problems[0].row, problems[0].column, problems[0].value) == (1, "kecamatan",
                                                                       "kecamatan")
    assert "Judul kolom di sel E1:F1 digabung" in problems[0].message
    # The untitled column's values are reported as cells outside any column.
    assert set(codes(problems)[1:]) == {"sel-tanpa-kolom"}


def test_merged_unused_columns_only_warn(folder):
    book = konflik_workbook(folder)
    book.active["L1"] = "catatan petugas"
    book.active["L2"] = "diperiksa ulang"
    book.active.merge_cells("L2:L4")
    book.save(folder / "konflik.xlsx")
    _, problems = read_tables(folder)
    assert codes(problems) == ["sel-digabung"]
    assert not problems[0].is_error
    assert problems[0].column == "catatan petugas"


@pytest.mark.parametrize("title", [False, True])
def test_hidden_rows_warned_once(folder, title):
    book = konflik_workbook(folder, title=title)
    sheet = book.active
    offset = 1 if title else 0
    # Rows 2-3 hidden by hand, row 5 as a filter hides it, and an empty
    # hidden row below the data, which is not worth a warning.
    for row in (2, 3, 5, 30):
        sheet.row_dimensions[row + offset].hidden = True
    sheet.auto_filter.ref = f"A{1 + offset}:J{5 + offset}"
    book.save(folder / "konflik.xlsx")
    _, problems = read_tables(folder)
    # A title above the header gets its own warning.
    assert codes(problems) == ["baris-tersembunyi"] + ["judul-bukan-baris-1"] * title
    problem = problems[0]
    assert not problem.is_error
    assert (problem.file, problem.row, problem.value) == (
        "konflik.xlsx", 2 + offset, "3")
    spans = f"{2 + offset}–{3 + offset}, {5 + offset}"
    assert f"3 baris data tersembunyi di Excel (disembunyikan atau tersaring): baris {spans}." \
        in problem.message
    assert "tetap dibaca dan dihitung" in problem.message


def test_hidden_header_row_not_warned(folder):
    book = konflik_workbook(folder)
    book.active.row_dimensions[1].hidden = True
    book.save(folder / "konflik.xlsx")
    _, problems = read_tables(folder)
    assert problems == []


def test_merged_title_above_header_accepted(folder):
    konflik_workbook(folder, title=True).save(folder / "konflik.xlsx")
    _, problems = read_tables(folder)
    assert codes(problems) == ["judul-bukan-baris-1"]


def _row_attributes(number: int, hidden: set[int]) -> str:
    """Return a row's attributes, with ``hidden`` written in the forms Excel and others use."""
    if number not in hidden:
        return f'r="{number}"'
    if number % 2:
        return f'r="{number}" spans="1:1" hidden="1" customHeight="1"'
    return f"hidden='true' r='{number}'"


def sheet_with_merges(path, merges: str, prefix: str = "", hidden: set[int] = frozenset()) -> None:
    """Write a one-sheet workbook package whose sheet XML ends with ``merges``.

    The parts are written by hand, as other spreadsheet programs write them
    (``prefix`` is a namespace prefix such as ``x:``), and the sheet is long
    enough to span several read chunks.
    """
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    ns = f"xmlns:{prefix[:-1]}" if prefix else "xmlns"
    rows = "".join(f'<{prefix}row {_row_attributes(n, hidden)}><{prefix}c r="A{n}">'
                   f"<{prefix}v>{n}</{prefix}v></{prefix}c></{prefix}row>"
                   for n in range(1, 400))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{package}"><Relationship '
                         f'Id="rId1" Type="{relations}/officeDocument" '
                         'Target="/xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<{prefix}workbook {ns}="{main}" xmlns:r='
                         f'"{relations}"><{prefix}sheets><{prefix}sheet name="lain" '
                         f'sheetId="1" r:id="rId7"/><{prefix}sheet name="konflik" sheetId="2" '
                         f'r:id="rId9"/></{prefix}sheets></{prefix}workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{package}">'
                         '<Relationship Id="rId7" Target="worksheets/sheet1.xml"/>'
                         '<Relationship Id="rId9" Target="worksheets/sheet2.xml"/>'
                         "</Relationships>")
        archive.writestr("xl/worksheets/sheet1.xml", f'<{prefix}worksheet {ns}="{main}">'
                         f'<{prefix}mergeCells><{prefix}mergeCell ref="A1:B1"/>'
                         f"</{prefix}mergeCells></{prefix}worksheet>")
        archive.writestr("xl/worksheets/sheet2.xml", f'<{prefix}worksheet {ns}="{main}">'
                         f"<{prefix}sheetData>{rows}</{prefix}sheetData>{merges}"
                         f"</{prefix}worksheet>")


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_sheet_layout_found_across_read_chunks(tmp_path, monkeypatch, prefix):
    # Small chunks, so that merge elements straddle chunk boundaries.
    monkeypatch.setattr(sheet_xml, "CHUNK", 97)
    monkeypatch.setattr(sheet_xml, "OVERLAP", 64)
    refs = [f"C{n}:D{n + 1}" for n in range(2, 300, 3)]
    merges = (f'<{prefix}mergeCells count="{len(refs) + 1}">'
              + "".join(f'<{prefix}mergeCell ref="{ref}"/>' for ref in refs)
              + f'<{prefix}mergeCell ref="F7:F7"/></{prefix}mergeCells>')
    path = tmp_path / "lain.xlsx"
    hidden = set(range(5, 400, 7))
    sheet_with_merges(path, merges, prefix, hidden)
    layout = sheet_xml.sheet_layout(path, "konflik")
    assert layout.merged == [(3, n, 4, n + 1) for n in range(2, 300, 3)]
    assert layout.hidden_rows == sorted(hidden)
    assert sheet_xml.sheet_layout(path, "lain").merged == [(1, 1, 2, 1)]
    assert sheet_xml.sheet_layout(path, "tidak-ada") == sheet_xml.SheetLayout()


def test_percent_cells_read_as_shown(folder):
    (folder / "target.csv").unlink()
    book = Workbook()
    sheet = book.active
    sheet.title = "target"
    sheet.append(["kode_indikator", "tahun", "target"])
    for row, (value, number_format) in enumerate(
            [(0.9, "0%"), (0.825, "0.0%"), (85, "General"), (90, '0"%"')], start=2):
        sheet.append(["IKU-1", 2021 + row, value])
        sheet.cell(row=row, column=3).number_format = number_format
    book.save(folder / "target.xlsx")
    tables, problems = read_tables(folder)
    values = [cells["target"] for _, cells in tables["target"].rows]
    assert values == [Decimal("90"), Decimal("82.5"), 85, 90]
    assert codes(problems) == ["sel-berformat-persen"]
    note = problems[0]
    assert not note.is_error
    assert (note.file, note.row, note.column, note.value) == ("target.xlsx", 2, "target", "90%")
    assert "(2 sel, baris 2–3)" in note.message
    assert "0,9 tersimpan, 90% tampil, jadi dibaca 90" in note.message


@pytest.mark.parametrize(("number_format", "percent"), [
    ("0%", True), ("0.00%", True), ("#,##0.0%;[Red]-0.0%", True),
    ('0"%"', False), ("0\\%", False), ("General", False), (None, False),
])
def test_percent_format_detected(number_format, percent):
    assert read_module._is_percent_format(number_format) is percent


def test_other_delimiter_rows_reported_once(folder):
    path = folder / "partisipasi.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0].replace(",", ";"), *lines[1:]]) + "\n",
                    encoding="utf-8")
    tables, problems = read_tables(folder)
    assert codes(problems) == ["pemisah-berbeda"]
    problem = problems[0]
    assert (problem.file, problem.row, problem.value) == ("partisipasi.csv", 2, ",")
    assert f"{len(lines) - 1} baris data (baris 2, 3, 4" in problem.message
    assert "judul kolom memakai ';'" in problem.message
    assert tables["partisipasi"].rows == []


@pytest.mark.parametrize("big", [False, True], ids=["kecil", "besar"])
def test_pipe_delimited_table_read(folder, big):
    # Exports of other systems separate cells with "|"; the large file's
    # columns are encoded in two threads.
    path = folder / "organisasi.csv"
    expected, _ = read_tables(folder)
    with path.open(encoding="utf-8-sig", newline="") as source:
        records = list(csv.reader(source))
    if big:
        records += [[f"ORG-X{n:05d}", f"Organisasi {n}", "ORMAS", "2020-01-01", ""]
                    for n in range(read_columnar.PARALLEL_ROWS)]
    with path.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target, delimiter="|").writerows(records)
    tables, problems = read_tables(folder)
    assert codes(problems) == []
    assert tables["organisasi"].delimiter == "|"
    assert tables["organisasi"].rows[:3] == expected["organisasi"].rows[:3]
    assert len(tables["organisasi"].rows) == len(records) - 1


def test_one_row_with_other_delimiter_left_out(folder):
    path = folder / "konflik.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(";", ",")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tables, problems = read_tables(folder)
    assert codes(problems) == ["pemisah-berbeda"]
    assert problems[0].row == 3
    assert "1 baris data (baris 3) memisahkan sel dengan ','" in problems[0].message
    assert 3 not in [row for row, _ in tables["konflik"].rows]


def test_foreign_sheet_in_table_workbook_warned(folder):
    book = konflik_workbook(folder)
    book.create_sheet("Organisasi").append(["id_organisasi"])
    book.save(folder / "konflik.xlsx")
    tables, problems = read_tables(folder)
    assert codes(problems) == ["lembar-tidak-dibaca"]
    problem = problems[0]
    assert not problem.is_error
    assert (problem.file, problem.value) == ("konflik.xlsx", "Organisasi")
    assert "hanya dibaca untuk tabel konflik" in problem.message
    assert tables["organisasi"].source == "organisasi.csv"


def test_hidden_sheet_read_with_warning(folder):
    (folder / "partisipasi.csv").unlink()
    book = Workbook()
    book.active.title = "catatan"
    events = book.create_sheet("partisipasi")
    events.append(["id_organisasi", "tanggal", "kegiatan"])
    events.append(["ORG-001", datetime(2025, 2, 10), "Musrenbang"])
    events.sheet_state = "hidden"
    book.save(folder / "pemantauan.xlsx")
    tables, problems = read_tables(folder)
    assert codes(problems) == ["lembar-tersembunyi"]
    assert problems[0].file == "pemantauan.xlsx [partisipasi]"
    assert not problems[0].is_error
    assert len(tables["partisipasi"].rows) == 1


def test_other_delimiter_with_comma_in_value(folder):
    path = folder / "konflik.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[0] = lines[0].replace(";", ",")
    lines[1] = lines[1].replace("antarwarga, selesai", "antarwarga, lalu selesai")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tables, problems = read_tables(folder)
    assert codes(problems) == ["pemisah-berbeda"]
    assert f"{len(lines) - 1} baris data" in problems[0].message
    assert tables["konflik"].rows_left_out == len(lines) - 1


def test_many_rows_outside_header_reported_once(folder):
    path = folder / "partisipasi.csv"
    header = "id_organisasi,tanggal,kegiatan"
    rows = [f"ORG-001,2025-02-{day:02d},Musrenbang,catatan {day}" for day in range(1, 8)]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    _, problems = read_tables(folder)
    assert codes(problems) == ["sel-tanpa-kolom"]
    problem = problems[0]
    assert (problem.row, problem.value) == (2, "catatan 1")
    assert problem.message.startswith("7 baris (baris 2, 3, 4, 5, 6, …) berisi nilai di luar")


@pytest.mark.parametrize(("sheets", "label"), [
    (["Lain", "Cadangan"], "target.xlsx [Lain]"),  # first of several sheets: named
    (["Lain"], "target.xlsx"),  # the only sheet: no doubt which was read
    (["Cadangan", "target"], "target.xlsx"),  # the sheet named like the table
])
def test_table_workbook_label_names_sheet_read(folder, sheets, label):
    (folder / "target.csv").unlink()
    book = Workbook()
    book.active.title = sheets[0]
    for title in sheets[1:]:
        book.create_sheet(title)
    book[sheets[-1] if sheets[-1] == "target" else sheets[0]].append(["kode", "nilai"])
    book.save(folder / "target.xlsx")
    tables, _ = read_tables(folder)
    assert tables["target"].source == label
    missing = [p for p in inspect(folder).problems if p.column == "kode_indikator"]
    assert [p.file for p in missing] == [label]


@pytest.mark.parametrize("name", ["konflik (1).csv", "konflik_lama.csv", "Target2024.csv"])
def test_table_copy_under_other_name_warned(folder, name):
    (folder / name).write_text("id_konflik\n", encoding="utf-8")
    _, problems = read_tables(folder)
    assert codes(problems) == ["berkas-tidak-dibaca"]
    problem = problems[0]
    assert not problem.is_error
    assert problem.file == name
    assert f"Berkas {name} tidak dibaca: hanya" in problem.message


def test_unrelated_csv_not_warned(folder):
    (folder / "catatan rapat.csv").write_text("a,b\n", encoding="utf-8")
    _, problems = read_tables(folder)
    assert problems == []


def test_notes_sheet_before_data_skipped(folder):
    book = konflik_workbook(folder)
    book["konflik"].title = "Data"
    notes = book.create_sheet("Petunjuk", 0)
    notes.append(["Isi register di lembar Data."])
    book.save(folder / "konflik.xlsx")
    tables, problems = read_tables(folder)
    assert codes(problems) == ["lembar-lain-dibaca"]
    problem = problems[0]
    assert not problem.is_error
    assert (problem.file, problem.value) == ("konflik.xlsx [Data]", "Data")
    assert "Lembar pertama 'Petunjuk' di konflik.xlsx tidak berisi" in problem.message
    assert tables["konflik"].source == "konflik.xlsx [Data]"
    assert inspect(folder).problems == problems


def test_first_sheet_kept_without_better_sheet(folder):
    book = konflik_workbook(folder)
    book["konflik"].title = "Data"
    book["Data"]["A1"] = "nomor"  # the id_konflik column is misnamed
    book.create_sheet("Petunjuk").append(["Isi register di lembar Data."])
    book.save(folder / "konflik.xlsx")
    tables, problems = read_tables(folder)
    assert problems == []
    assert tables["konflik"].source == "konflik.xlsx [Data]"


@pytest.mark.parametrize(("name", "cause"), [
    ("target.csv.txt", "namanya berakhir .txt, jadi bukan berkas .csv"),
    ("target.csv ", "namanya diakhiri spasi atau titik sesudah .csv"),
    ("target.csv.", "namanya diakhiri spasi atau titik sesudah .csv"),
    ("Target_2025.csv.txt", "tampak bernama Target_2025.csv"),
])
def test_hidden_name_ending_warned(folder, name, cause):
    (folder / "target.csv").rename(folder / name)
    _, problems = read_tables(folder)
    assert sorted(codes(problems)) == ["berkas-tidak-dibaca", "tabel-tidak-ada"]
    problem = next(p for p in problems if p.code == "berkas-tidak-dibaca")
    assert not problem.is_error
    assert (problem.file, problem.value, problem.expected) == (name, name, "target.csv")
    assert cause in problem.message
    assert problem.message.endswith("ganti namanya menjadi target.csv.")


def test_plain_text_file_not_warned(folder):
    (folder / "catatan.txt").write_text("target.csv diperbarui\n", encoding="utf-8")
    (folder / "konflik lama.txt").write_text("catatan\n", encoding="utf-8")
    _, problems = read_tables(folder)
    assert problems == []


def target_workbook(folder):
    """Replace target.csv with a target.xlsx of the same rows; return the open workbook."""
    path = folder / "target.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    path.unlink()
    book = Workbook()
    book.active.title = "target"
    for row in rows:
        book.active.append(row)
    return book


def test_huge_xlsx_number_shown_compactly(folder):
    book = target_workbook(folder)
    book.active["C2"] = 1e300
    book.save(folder / "target.xlsx")
    problems = inspect(folder).problems
    assert [(p.code, p.row, p.column) for p in problems] == [
        ("angka-terlalu-besar", 2, "target")]
    assert problems[0].value == "1E+300"
    assert "Target '1E+300' terlalu besar" in problems[0].message


def test_boolean_cells_quoted_as_excel(folder):
    book = target_workbook(folder)
    book.active["C2"] = True
    book.active["C3"] = False
    book.save(folder / "target.xlsx")
    problems = inspect(folder).problems
    assert [(p.code, p.row, p.value) for p in problems] == [
        ("target-bukan-angka", 2, "TRUE"), ("target-bukan-angka", 3, "FALSE")]
    assert "Target 'TRUE' bukan angka." in problems[0].message
    assert "Target 'FALSE' bukan angka." in problems[1].message


def test_date_serial_in_xlsx_named(folder):
    book = konflik_workbook(folder)
    book.active["B2"] = 44953
    book.save(folder / "konflik.xlsx")
    problems = inspect(folder).problems
    assert [(p.code, p.row, p.column, p.value) for p in problems] == [
        ("tanggal-tidak-terbaca", 2, "tanggal_kejadian", "44953")]
    assert ("Sel berisi angka, bukan tanggal. Sebagai nomor seri tanggal Excel, angka itu "
            "berarti 27 Januari 2023.") in problems[0].message


def test_nul_filled_csv_reported_as_damaged(folder):
    (folder / "target.csv").write_bytes(b"\x00" * 431)
    tables, problems = read_tables(folder)
    assert codes(problems) == ["berkas-rusak"]
    problem = problems[0]
    assert (problem.file, problem.row, problem.value) == ("target.csv", 1, "0x00")
    assert problem.message.startswith("Berkas target.csv rusak atau bukan teks CSV: berisi "
                                      "bita NUL (0x00) mulai bita ke-1 dari 431, di baris 1.")
    assert "target" not in tables
    assert codes(inspect(folder).problems) == ["berkas-rusak"]


@pytest.mark.parametrize("rows", [3, 3000])  # the NUL run within, or after, the first 64 KiB
def test_nul_block_after_rows_reported(folder, rows):
    header = "id_organisasi,tanggal,kegiatan\n"
    body = "".join(f"ORG-001,2025-02-01,Musrenbang {i}\n" for i in range(rows))
    (folder / "partisipasi.csv").write_bytes((header + body).encode() + b"\x00" * 4096)
    tables, problems = read_tables(folder)
    assert codes(problems) == ["berkas-rusak"]
    assert problems[0].row == rows + 2
    assert "partisipasi" not in tables


def test_utf16_without_bom_reported_as_damaged(folder):
    path = folder / "target.csv"
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("utf-16-le"))
    _, problems = read_tables(folder)
    assert codes(problems) == ["berkas-rusak"]
    assert "teks UTF-16 tanpa BOM" in problems[0].message


@pytest.mark.parametrize(("data", "offset"), [
    (b"a;b\x00\nc\n", 3),  # a NUL in the header line
    (b"a;b\rc\x00\r", None),  # a lone NUL in a cell, lines ended by CR alone
    (b"a;b\nc" + b"\x00" * 16, 5),  # a run of NULs
    (b"a;b\nc\x00d\n", None),
])
def test_nul_damage_offsets(data, offset):
    assert read_columnar.nul_damage(data) == offset


@pytest.mark.parametrize("title", ["Konflik (2)", "konflik_lama"])
def test_sheet_copy_in_workbook_warned(folder, title):
    book = konflik_workbook(folder)
    book.create_sheet(title).append(["id_konflik"])
    book.create_sheet("Catatan")
    book.save(folder / "pemantauan.xlsx")
    tables, problems = read_tables(folder)
    assert codes(problems) == ["lembar-tidak-dibaca"]
    problem = problems[0]
    assert not problem.is_error
    assert (problem.file, problem.value) == ("pemantauan.xlsx", title)
    assert (f"Lembar {title!r} di pemantauan.xlsx tidak dibaca: hanya lembar bernama "
            "'konflik' yang dibaca") in problem.message
    assert tables["konflik"].source == "pemantauan.xlsx [konflik]"


def test_sheet_copy_in_table_workbook_warned(folder):
    book = konflik_workbook(folder)
    book.create_sheet("Konflik (2)").append(["id_konflik"])
    book.save(folder / "konflik.xlsx")
    _, problems = read_tables(folder)
    assert [(p.code, p.value) for p in problems] == [("lembar-tidak-dibaca", "Konflik (2)")]
