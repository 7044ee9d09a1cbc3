"""Tests of expanding the laporan options into ReportSpecs."""

from __future__ import annotations

import logging

import pytest

from iku_nb.catalogue import SHIPPED_CATALOGUE, load_catalogue
from iku_nb.errors import ParameterError
from iku_nb.matrix import expand, merge_parameters, read_parameters_file

KATALOG = load_catalogue(SHIPPED_CATALOGUE)
YEARS = [2021, 2022, 2023, 2024, 2025]


def names(raw, formats="html", years=YEARS):
    return [spec.name for spec in expand(raw, formats, KATALOG, years)]


@pytest.mark.parametrize(("tahun", "expected"), [
    ("2025", ["2025"]),
    (2025, ["2025"]),
    ("2024,2025", ["2024", "2025"]),
    ("2023-2025", ["2023", "2024", "2025"]),
    ("2023 – 2024", ["2023", "2024"]),
    ("2025,2023-2024,2024", ["2023", "2024", "2025"]),
    ([2025, "2023"], ["2023", "2025"]),
    (2025.0, ["2025"]),
    ([2024.0, 2025], ["2024", "2025"]),
])
def test_expand_tahun_forms(tahun, expected):
    assert names({"tahun": tahun}) == expected


def test_expand_triwulan_semua():
    assert names({"tahun": "2025", "triwulan": "semua"}) == [
        "2025-tw1", "2025-tw2", "2025-tw3", "2025-tw4"]


@pytest.mark.parametrize(("tahun", "triwulan"), [(2025, 2.0), ("2025.0", "2.0"),
                                                ("2025", "1.00,2")])
def test_expand_whole_number_with_zero_fraction(tahun, triwulan):
    assert names({"tahun": tahun, "triwulan": triwulan})[-1] == "2025-tw2"


@pytest.mark.parametrize(("raw", "expected"), [
    ({"tahun": 2025.5}, "tahun '2025.5' tidak sah"),
    ({"tahun": 2025, "triwulan": 2.5}, "triwulan '2.5' tidak sah"),
])
def test_expand_fractional_number_rejected(raw, expected):
    with pytest.raises(ParameterError) as error:
        names(raw)
    assert expected in str(error.value)


def test_expand_triwulan_list():
    assert names({"tahun": "2025", "triwulan": "3,1"}) == ["2025-tw1", "2025-tw3"]


def test_expand_bidang_semua_includes_office():
    assert names({"tahun": "2025", "bidang": "semua"}) == [
        "2025", "2025-iwasbang", "2025-poldagri", "2025-hanbang"]


def test_expand_one_bidang_only():
    specs = expand({"tahun": "2025", "bidang": "Poldagri"}, "html", KATALOG, YEARS)
    assert [s.name for s in specs] == ["2025-poldagri"]
    assert specs[0].notebook == "laporan_bidang"


def test_expand_full_matrix_order():
    result = names({"tahun": "2024-2025", "triwulan": "1,2", "bidang": "hanbang,poldagri"})
    assert result == [
        "2024-tw1-hanbang", "2024-tw1-poldagri", "2024-tw2-hanbang", "2024-tw2-poldagri",
        "2025-tw1-hanbang", "2025-tw1-poldagri", "2025-tw2-hanbang", "2025-tw2-poldagri"]


def test_expand_formats_always_html():
    assert expand({"tahun": 2025}, "pdf", KATALOG, YEARS)[0].formats == ("html", "pdf")
    assert expand({"tahun": 2025}, "pdf, HTML", KATALOG, YEARS)[0].formats == ("html", "pdf")
    assert expand({"tahun": 2025}, "html", KATALOG, YEARS)[0].formats == ("html",)


def test_expand_keeps_data_and_katalog():
    spec = expand({"tahun": 2025, "data": "/srv/data", "katalog": "/srv/k.yaml"}, "html",
                  KATALOG, YEARS)[0]
    assert spec.params.data == "/srv/data"
    assert spec.params.katalog == "/srv/k.yaml"


def test_expand_lists_every_problem():
    raw = {"tahun": "2025-2023,20x5", "triwulan": "0,5", "bidang": "keuangan",
           "kota": "Mojokerto"}
    with pytest.raises(ParameterError) as caught:
        expand(raw, "html,docx", KATALOG, YEARS)
    message = str(caught.value)
    for expected in ("parameter 'kota' tidak dikenal",
                     "rentang tahun '2025-2023' terbalik",
                     "tahun '20x5' tidak sah",
                     "triwulan '0' tidak sah", "triwulan '5' tidak sah",
                     "bidang 'keuangan' tidak ada di katalog (pilihan: iwasbang, poldagri, "
                     "hanbang atau semua)",
                     "format 'docx' tidak dikenal (pilihan: html, pdf)"):
        assert expected in message


def test_expand_rejects_year_without_data():
    with pytest.raises(ParameterError, match=r"tahun 2019, 2020 tidak tercakup data .*2021–2025"):
        expand({"tahun": "2019-2021"}, "html", KATALOG, YEARS)


@pytest.mark.parametrize("formats", ["", " , "])
def test_expand_empty_format_rejected(formats):
    with pytest.raises(ParameterError) as error:
        names({"tahun": 2025}, formats=formats)
    assert "format kosong (pilihan: html, pdf, misalnya html,pdf)" in str(error.value)


def test_expand_year_gap_lists_present_years():
    with pytest.raises(ParameterError) as error:
        expand({"tahun": "2021-2025"}, "html", KATALOG, [2021, 2023, 2024, 2025])
    assert ("tahun 2022 tidak tercakup data pemantauan (tahun yang ada: 2021, 2023–2025)"
            in str(error.value))


def test_expand_requires_tahun():
    with pytest.raises(ParameterError, match="tahun wajib diisi"):
        expand({"triwulan": 2}, "html", KATALOG, YEARS)


def test_merge_parameters_precedence():
    merged = merge_parameters({"tahun": 2023, "bidang": "semua", "data": "a"},
                              [("tahun", "2024"), ("data", "b")],
                              {"tahun": None, "data": "c", "triwulan": None})
    assert merged == {"tahun": "2024", "bidang": "semua", "data": "c"}


def test_merge_parameters_warning_names_sources(caplog):
    with caplog.at_level(logging.WARNING, logger="iku_nb"):
        merge_parameters({"tahun": 2025, "triwulan": None}, [("triwulan", "2")], {})
    assert "parameter triwulan null dari -f diganti 2 dari -p" in caplog.text


def test_merge_warning_shows_empty_padded(caplog):
    with caplog.at_level(logging.WARNING, logger="iku_nb"):
        merge_parameters({"triwulan": "", "tahun": 2025}, [("triwulan", "2"),
                                                           ("tahun", " 2024 ")], {})
    assert "parameter triwulan (kosong) dari -f diganti 2 dari -p" in caplog.text
    assert "parameter tahun 2025 dari -f diganti ' 2024 ' dari -p" in caplog.text


def test_merge_parameters_same_value_not_warned(caplog):
    # The notebooks read all of these as the value from the file.
    with caplog.at_level(logging.WARNING, logger="iku_nb"):
        merged = merge_parameters({"triwulan": 1, "tahun": "2025", "bidang": "Poldagri"},
                                  [("triwulan", " 1"), ("tahun", "2025")],
                                  {"bidang": "poldagri", "triwulan": "01"})
    assert caplog.text == ""
    assert merged["bidang"] == "poldagri"


def test_merge_parameters_path_case_warned(caplog):
    # Data and data are two folders on Linux, so the dropped one is named.
    with caplog.at_level(logging.WARNING, logger="iku_nb"):
        merge_parameters({"data": "Data"}, [("data", "data")], {})
    assert "parameter data Data dari -f diganti data dari -p" in caplog.text


def test_read_parameters_file(tmp_path):
    path = tmp_path / "2025.yaml"
    path.write_text("tahun: 2023-2025\nbidang: [poldagri, hanbang]\n", encoding="utf-8")
    raw = read_parameters_file(path)
    assert names(raw) == ["2023-poldagri", "2023-hanbang", "2024-poldagri", "2024-hanbang",
                          "2025-poldagri", "2025-hanbang"]


@pytest.mark.parametrize(("text", "message"), [
    ("- 2025\n", "harus berupa pemetaan YAML"),
    ("tahun: [2025\n", "bukan YAML yang sah"),
])
def test_read_parameters_file_invalid(tmp_path, text, message):
    path = tmp_path / "rusak.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=message):
        read_parameters_file(path)


def test_read_parameters_file_missing(tmp_path):
    with pytest.raises(ParameterError, match="Berkas parameter tidak ditemukan"):
        read_parameters_file(tmp_path / "tidak-ada.yaml")


@pytest.mark.parametrize(("triwulan", "expected"), [
    ("II", "triwulan 'II' tidak sah: tulis nomornya dengan angka, 2 untuk Triwulan II"),
    ("iv", "triwulan 'iv' tidak sah: tulis nomornya dengan angka, 4 untuk Triwulan IV"),
    (True, "triwulan 'true' tidak sah"),
])
def test_expand_roman_triwulan_hint(triwulan, expected):
    with pytest.raises(ParameterError) as caught:
        expand({"tahun": 2025, "triwulan": triwulan}, "html", KATALOG, YEARS)
    assert expected in str(caught.value)
