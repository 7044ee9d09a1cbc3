"""The columnar CSV reader and column checks give what the row-by-row path gives."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

import iku_nb.read
from iku_nb import check_duplicates, columns
from iku_nb.catalogue import find_catalogue, load_catalogue
from iku_nb.check import check_tables
from iku_nb.check_duplicates import _duplicate_positions
from iku_nb.dataset import inspect
from iku_nb.read import read_tables
from iku_nb.tables import ID_DTYPE

FIXTURES = Path(__file__).parent / "fixtures" / "periksa"
HEADER = ("id_konflik;tanggal_kejadian;jenis;sara;kecamatan;kelurahan;sumber;status;"
          "tanggal_selesai;uraian")
GOOD = "K-1;10/03/2025;sosial;;Magersari;Wates;Polres;selesai;12/03/2025;biasa"

# konflik.csv bodies that stress the reader and the column checks.
KONFLIK_CASES = {
    "quoted-delimiter-and-newline": f'{GOOD}\nK-2;11/03/2025;sosial;;Magersari;Wates;'
                                    'Polres;proses;;"baris satu; lalu\nbaris dua"\n',
    "crlf": f"{GOOD}\r\nK-2;11/03/2025;politik;;Magersari;Wates;Polres;proses;;x\r\n",
    "blank-row-of-delimiters": f"{GOOD}\n;;;;;;;;;\n  ;;; ;;;;;;\nK-2;11/03/2025;sosial;;"
                               "Magersari;Wates;Polres;proses;;x\n",
    "empty-line": f"{GOOD}\n\nK-2;11/03/2025;sosial;;Magersari;Wates;Polres;proses;;x\n",
    "short-and-long-records": f"{GOOD}\nK-2;11/03/2025\n{GOOD};lebih\n",
    "ids-spaces-case-unicode": "k-1;10/03/2025;sosial;;Magersari;Wates;Polres;proses;;x\n"
                               " K  1 ;10/03/2025;sosial;;Magersari;Wates;Polres;proses;;x\n"
                               "k-ß;10/03/2025;sosial;;Magersari;Wates;Polres;proses;;x\n"
                               ";10/03/2025;sosial;;Magersari;Wates;Polres;proses;;x\n",
    "bad-values": "K-1;31/02/2025;Sosial ;SUKU;magersari;wates;Polres;Selesai;;x\n"
                  "K-2;10/03/2099;budayaa;;Kranggan;Wates;Polres;belum;12/03/2025;x\n"
                  "K-3;10/03/2025;sosial;;Magersari;Wates;;selesai;01/03/2025;x\n"
                  "K-4;12/30/2025;sosial;;Nowhere;Meri;Dinas X;proses;;x\n"
                  "K-5;44953;sosial;;Magersari;Wates;Polres;selesai;44960,5;x\n",
    "case-disagreement": f"{GOOD}\nK-1;11/03/2025;politik;agama;Kranggan;Meri;FKUB;selesai;"
                         "12/03/2025;x\nk-1;10/03/2025;sosial;;Magersari;Wates;Kodim;proses;;x\n",
    "title-above-header": "Daftar konflik 2025\n",
    # Cases where pandas' C parser could read other cells than the csv module.
    "short-record-only": f"{GOOD}\nK-2;11/03/2025;sosial;;Magersari;Wates;Polres;proses;;\n"
                         "K-3;11/03/2025;sosial\n",
    "long-first-record": f"{GOOD};lebih\n{GOOD}\n",
    "trailing-delimiter": f"{GOOD};\n",
    "empty-line-first": f"\n{GOOD}\n",
    "empty-lines-at-end": f"{GOOD}\n\n\r\n",
    "whitespace-only-lines": f"{GOOD}\n \n\t\nK-2;11/03/2025;sosial;;Magersari;Wates;Polres;"
                             "proses;;x\n  ",
    "last-column-empty": f"{GOOD}\nK-2;11/03/2025;sosial;;Magersari;Wates;Polres;proses;;\n",
    "numbers-as-written": "007;10/03/2025;1.0;1e3;-0;NaN; 5;TRUE;;True\n"
                          "12;10/03/2025;2;3;4;5;6;False;;false\n",
    "lone-cr-and-quoted-cr": f"{GOOD}\rK-2;11/03/2025;sosial;;Magersari;Wates;Polres;proses;;"
                             '"a\rb"\r',
    "quotes-inside-fields": 'K-1;10/03/2025;sosial;;Magersari;Wates;Polres;selesai;12/03/2025;'
                            'a"b\nK-2;10/03/2025;sosial;;Magersari;Wates;Polres;selesai;;"ab"c\n'
                            'K-3;10/03/2025;sosial;;Magersari;Wates;Polres;selesai;; "x y"\n',
    "quoted-empty-and-hash": '"";10/03/2025;sosial;;Magersari;Wates;Polres;selesai;;#x\n'
                             '#K-2;10/03/2025;sosial;"";Magersari;Wates;Polres;selesai;"";""\n',
    "nul-and-bom-in-cells": "K-1\x00;10/03/2025;sosial;;Magersari;Wates;Polres;selesai;;\ufeffx\n",
    "unterminated-quote-at-end": f"{GOOD}\nK-2;11/03/2025;sosial;;Magersari;Wates;Polres;"
                                 'proses;;"x\n',
    "header-only": "",
    "invisible-characters": "K-\u200b1;10/03/2025;sosial\u2060;;Magersari;\ufeffWates;Polres;"
                            "selesai;12/03/2025;x\n"
                            "\u200b;10/03/2025;sosial;;Prajurit\u200b Kulon;Blooto;Polres;"
                            "proses;;x\n"
                            "K-1;10/03/2025;sosial;;Magersari;Wates;Kodim;proses\u200d;;x\n",
    "duplicate-rows": f"{GOOD}\n{GOOD}\nK-2;11/03/2025;sosial;;Magersari;Wates;Polres;proses;;x\n"
                      f"{GOOD}\nK-2;11/03/2025;sosial;;Magersari;Wates;Polres;proses;;x\n"
                      ";10/03/2025;sosial;;Magersari;Wates;Polres;proses;;x\n"
                      ";10/03/2025;sosial;;Magersari;Wates;Polres;proses;;x\n",
    "case-number-spellings": "K-2025-001;10/03/2025;sosial;;Magersari;Wates;Polres;proses;;x\n"
                             "K 2025 001;10/03/2025;sosial;;Magersari;Wates;Polres;proses;;x\n"
                             "\uff2b-2025-1;10/03/2025;sosial;;Magersari;Wates;Polres;proses;;x\n",
}


def columnar_and_rows(folder: Path, monkeypatch) -> tuple:
    """Check a folder once as read, and once with the row-by-row reader only."""
    katalog = load_catalogue(find_catalogue(folder))
    raw, read_problems = read_tables(folder)
    typed, problems = check_tables(raw, katalog)
    monkeypatch.setattr(iku_nb.read, "read_plain_csv", lambda name, path: None)
    raw_rows, read_problems_rows = read_tables(folder)
    typed_rows, problems_rows = check_tables(raw_rows, katalog)
    monkeypatch.undo()
    return (raw, read_problems + problems, typed), (raw_rows,
                                                    read_problems_rows + problems_rows, typed_rows)


def assert_same(columnar: tuple, rows: tuple) -> None:
    raw, problems, typed = columnar
    raw_rows, problems_rows, typed_rows = rows
    assert problems == problems_rows
    assert set(raw) == set(raw_rows)
    for name in raw:
        assert raw[name].header == raw_rows[name].header, name
        assert raw[name].rows == raw_rows[name].rows, name
    assert set(typed) == set(typed_rows)
    for name in typed:
        pd.testing.assert_frame_equal(typed[name], typed_rows[name])


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir()))
def test_fixture_same_both_paths(fixture, monkeypatch):
    columnar, rows = columnar_and_rows(FIXTURES / fixture, monkeypatch)
    assert_same(columnar, rows)


@pytest.mark.parametrize("case", sorted(KONFLIK_CASES))
def test_konflik_case_same_both_paths(case, folder, monkeypatch):
    body = KONFLIK_CASES[case]
    text = body + HEADER + "\n" + GOOD + "\n" if case == "title-above-header" else (
        HEADER + "\n" + body)
    (folder / "konflik.csv").write_text(text, encoding="utf-8")
    columnar, rows = columnar_and_rows(folder, monkeypatch)
    assert_same(columnar, rows)


def test_cr_only_lines_same_both_paths(folder, monkeypatch):
    """Lines ended by CR alone, as Excel for Mac writes them, with an empty first cell."""
    text = (HEADER + "\r;10/03/2025;sosial;;Magersari;Wates;Polres;selesai;12/03/2025;x\r"
            "K-2;11/03/2025;politik;;Magersari;Wates;Polres;proses;;x\r")
    (folder / "konflik.csv").write_text(text, encoding="utf-8", newline="")
    columnar, rows = columnar_and_rows(folder, monkeypatch)

    assert columnar[0]["konflik"].text_cells is not None
    assert_same(columnar, rows)


def test_plain_csv_read_as_columns(folder):
    tables, _ = read_tables(folder)
    assert tables["konflik"].text_cells is not None
    assert tables["target"].text_cells is not None


@pytest.mark.parametrize("case", ["empty-line", "empty-line-first", "empty-lines-at-end",
                                  "whitespace-only-lines", "last-column-empty",
                                  "numbers-as-written", "lone-cr-and-quoted-cr",
                                  "quotes-inside-fields", "quoted-empty-and-hash",
                                  "nul-and-bom-in-cells", "header-only",
                                  "invisible-characters", "duplicate-rows",
                                  "case-number-spellings"])
def test_plain_csv_case_read_as_columns(case, folder):
    (folder / "konflik.csv").write_text(HEADER + "\n" + KONFLIK_CASES[case], encoding="utf-8")
    tables, _ = read_tables(folder)
    assert tables["konflik"].text_cells is not None


@pytest.mark.parametrize("case", ["short-and-long-records", "short-record-only",
                                  "long-first-record", "trailing-delimiter",
                                  "unterminated-quote-at-end", "title-above-header"])
def test_irregular_csv_read_row_by_row(case, folder):
    body = KONFLIK_CASES[case]
    text = body + HEADER + "\n" + GOOD + "\n" if case == "title-above-header" else (
        HEADER + "\n" + body)
    (folder / "konflik.csv").write_text(text, encoding="utf-8")
    tables, _ = read_tables(folder)
    assert tables["konflik"].text_cells is None


# Pieces of cells that the csv module and pandas' C parser might split differently.
PIECES = ["", "a", "K-1", " ", "  x ", '"', '""', ";", "\n", "\r", "\r\n", "7", "007", "-0", "1.0",
          "1e3", "True", "false", "NaN", "NA", "#", "\x00", "é", "\ufeff", "\t", ",", "\\"]


def random_cell(rng: random.Random) -> str:
    text = "".join(rng.choice(PIECES) for _ in range(rng.choice([0, 1, 1, 2, 3])))
    form = rng.random()
    if form < 0.3:
        return '"' + text.replace('"', '""') + '"'
    if form < 0.4:
        # A quote that ends before the cell does, or never ends.
        return '"' + text + '"' + rng.choice(["", "x", " ", '"'])
    if form < 0.55:
        return text
    return "".join(ch for ch in text if ch not in ';"\r\n')


def random_konflik(rng: random.Random) -> str:
    records = []
    for _ in range(rng.randint(0, 8)):
        shape = rng.random()
        if shape < 0.05:
            records.append(rng.choice(["", " ", "\t"]))
        else:
            width = 3 if shape < 0.85 else rng.choice([1, 2, 4])
            records.append(";".join(random_cell(rng) for _ in range(width)))
    line_end = rng.choice(["\n", "\r\n", "\r"])
    last_end = rng.choice(["", line_end, line_end * 2]) if records else ""
    header = "id_konflik;jenis;uraian" + rng.choice(["\n", "\r\n", "\r"])
    return header + line_end.join(records) + last_end


def test_random_csv_same_both_paths(tmp_path, monkeypatch):
    rng = random.Random(20250304)
    as_columns = 0
    for _ in range(400):
        text = random_konflik(rng)
        prefix = b"\xef\xbb\xbf" if rng.random() < 0.1 else b""
        (tmp_path / "konflik.csv").write_bytes(prefix + text.encode("utf-8"))
        tables, problems = read_tables(tmp_path)
        monkeypatch.setattr(iku_nb.read, "read_plain_csv", lambda name, path: None)
        tables_rows, problems_rows = read_tables(tmp_path)
        monkeypatch.undo()
        assert problems == problems_rows, text
        assert tables["konflik"].header == tables_rows["konflik"].header, text
        assert tables["konflik"].rows == tables_rows["konflik"].rows, text
        as_columns += tables["konflik"].text_cells is not None
    # Both outcomes are common, so both readers were compared on many files.
    assert 100 < as_columns < 300


def large_konflik(rows: int, quoted_every: int, short_record_at: int | None = None) -> str:
    """Return a konflik.csv of many rows with quoted line breaks, blank lines and numbers."""
    lines = [HEADER]
    for number in range(rows):
        # kecamatan is all digits. sara is digits in the first half and text
        # after it, so pandas reads some of its blocks as numbers.
        if number < rows // 2:
            sara = str(number)
        elif number % 3 == 0:
            sara = "suku"
        else:
            sara = ""
        uraian = "x"
        if number % quoted_every == quoted_every - 1:
            uraian = f'"baris {number}; lalu\r\nbaris ""dua"""'
        lines.append(f"K-{number};10/03/2025;sosial;{sara};00{number % 10};Wates;Polres;"
                     f"selesai;12/03/2025;{uraian}")
        if number % 5000 == 4999:
            lines.append(" " if number % 10000 == 9999 else "")
    if short_record_at is not None:
        lines[short_record_at] = "K-pendek;10/03/2025;sosial"
    return "\r\n".join(lines) + "\r\n"


# Above 5 MB, pandas 3.1 splits a CSV file among threads at line breaks. It
# reads the file again in one piece when a split falls inside a quoted cell,
# which is likely when every seventh row has a line break in a quoted cell.
@pytest.mark.parametrize(("quoted_every", "short_record_at"),
                         [(7, None), (20_000, None), (20_000, 70_000)])
def test_large_csv_same_both_paths(quoted_every, short_record_at, tmp_path, monkeypatch):
    text = large_konflik(80_000, quoted_every, short_record_at)
    (tmp_path / "konflik.csv").write_text(text, encoding="utf-8")
    assert (tmp_path / "konflik.csv").stat().st_size > 5 * 2**20
    tables, problems = read_tables(tmp_path)
    monkeypatch.setattr(iku_nb.read, "read_plain_csv", lambda name, path: None)
    tables_rows, problems_rows = read_tables(tmp_path)
    monkeypatch.undo()
    assert (tables["konflik"].text_cells is None) == (short_record_at is not None)
    assert problems == problems_rows
    assert tables["konflik"].header == tables_rows["konflik"].header
    assert tables["konflik"].rows == tables_rows["konflik"].rows


def test_bad_values_reported_once_each(folder):
    (folder / "konflik.csv").write_text(HEADER + "\n" + KONFLIK_CASES["bad-values"],
                                        encoding="utf-8")
    problems = [(p.row, p.column, p.code) for p in inspect(folder).problems]
    assert (2, "tanggal_kejadian", "tanggal-tidak-terbaca") in problems
    assert (3, "jenis", "nilai-tidak-sah") in problems
    assert (3, "tanggal_kejadian", "tanggal-masa-depan") in problems
    assert (4, "tanggal_selesai", "selesai-sebelum-kejadian") in problems
    assert (5, "kecamatan", "kecamatan-tidak-dikenal") in problems
    assert len(problems) == len(set(problems))


def test_ids_arrow_strings_both_paths(folder, monkeypatch):
    (folder / "konflik.csv").write_text(HEADER + "\n" + KONFLIK_CASES["ids-spaces-case-unicode"],
                                        encoding="utf-8")
    columnar, rows = columnar_and_rows(folder, monkeypatch)
    for _, _, typed in (columnar, rows):
        ids = typed["konflik"]["id_konflik"]
        assert ids.dtype == ID_DTYPE
        assert ids.isna().tolist() == [False, False, False, True]
        assert ids.iloc[:3].tolist() == ["K-1", "K 1", "K-SS"]
        assert typed["organisasi"]["id_organisasi"].dtype == ID_DTYPE
        assert typed["partisipasi"]["id_organisasi"].dtype == ID_DTYPE


def test_distinct_values_one_row_per_category():
    text = pd.Series(["Polres", " Polres", "Kodim", "", "Polres"], dtype="category")
    values = pd.Series(["Polres", "Polres", "Kodim", None, "Polres"], dtype=object)
    by_category = columns.distinct_values(values, text)
    assert len(by_category) == 3
    assert set(by_category) == {None, "Kodim", "Polres"}
    assert set(columns.distinct_values(values, None)) == {None, "Kodim", "Polres"}


def test_distinct_values_missing_text():
    text = pd.Series(["Polres", None, "Polres"], dtype="category")
    values = pd.Series(["Polres", None, "Polres"], dtype=object)
    assert set(columns.distinct_values(values, text)) == {None, "Polres"}


def duplicate_cells() -> pd.DataFrame:
    return pd.DataFrame({
        "a": pd.Categorical(["x", "x", "y", "x", "x", None, None]),
        "b": pd.Categorical(["1", "1", "1", "1", "2", "", ""]),
        "c": pd.array(["p", "p", "p", "q", "p", None, None], dtype=ID_DTYPE),
        "d": pd.array(["p", "p", "p", "p", "p", "", ""], dtype=ID_DTYPE),
    }, index=pd.RangeIndex(2, 9))


def test_duplicate_positions_compare_every_column():
    groups = _duplicate_positions(duplicate_cells(), None)
    assert [group.tolist() for group in groups] == [[0, 1], [5, 6]]


def test_duplicate_positions_key_splits_groups():
    key = [1, 2, 1, 1, 1, 3, 3]
    groups = _duplicate_positions(duplicate_cells(), pd.Series(key).to_numpy())
    assert [group.tolist() for group in groups] == [[5, 6]]


def test_duplicate_positions_narrow_before_overflow(monkeypatch):
    # A tiny bound makes every category column narrow the rows first.
    monkeypatch.setattr(check_duplicates, "KEY_LIMIT", 2)
    groups = _duplicate_positions(duplicate_cells(), None)
    assert [group.tolist() for group in groups] == [[0, 1], [5, 6]]


def test_duplicate_positions_missing_differs_from_empty():
    cells = pd.DataFrame({
        "a": pd.Categorical([None, "", None]),
        "b": pd.array([None, None, ""], dtype=ID_DTYPE),
    })
    assert _duplicate_positions(cells, None) == []


def test_duplicate_reports_grouped_by_case(folder):
    (folder / "konflik.csv").write_text(HEADER + "\n" + KONFLIK_CASES["duplicate-rows"],
                                        encoding="utf-8")
    (problem,) = [p for p in inspect(folder).problems if p.code == "baris-ganda"]
    assert problem.message.startswith(
        "4 baris adalah salinan persis baris lain, dalam 3 kelompok baris yang sama di semua "
        "kolom: baris 2, 3 dan 5; baris 4 dan 6; baris 7 dan 8.")
    assert problem.ids == ("K-1", "K-2")
