"""Run parameters checked by parse_parameters and check_year."""

from __future__ import annotations

from pathlib import Path

import pytest

from iku_nb.catalogue import SHIPPED_CATALOGUE, load_catalogue
from iku_nb.errors import ParameterError
from iku_nb.params import check_year, parse_parameters


@pytest.fixture(scope="module")
def katalog():
    return load_catalogue(SHIPPED_CATALOGUE)


@pytest.mark.parametrize(("raw", "tahun", "triwulan"), [
    ({"tahun": 2025}, 2025, None),
    ({"tahun": "2025"}, 2025, None),
    ({"tahun": " 2025 "}, 2025, None),
    ({"tahun": "2025.0"}, 2025, None),
    ({"tahun": 2025.0, "triwulan": "2"}, 2025, 2),
    ({"tahun": 2025, "triwulan": ""}, 2025, None),
    ({"tahun": 2025, "triwulan": "None"}, 2025, None),
])
def test_parse_parameters_accepts(raw, tahun, triwulan):
    params = parse_parameters(raw)
    assert params.tahun == tahun
    assert params.triwulan == triwulan


@pytest.mark.parametrize(("raw", "message"), [
    ({}, "tahun wajib diisi"),
    ({"tahun": "dua ribu"}, "tahun 'dua ribu' tidak sah"),
    ({"tahun": "2025.5"}, "tahun '2025.5' tidak sah"),
    ({"tahun": 25}, "tahun 25 tidak sah"),
    ({"tahun": True}, "tahun true tidak sah"),
    ({"tahun": 1899}, "tahun 1899 tidak sah: harus antara 1945 dan 2100"),
    ({"tahun": 2025, "triwulan": True}, "triwulan true tidak sah"),
    ({"tahun": 2025, "data": [1, 2]}, "data [1, 2] tidak sah: harus jalur folder"),
    ({"tahun": 2025, "triwulan": 0}, "triwulan 0 tidak sah"),
    ({"tahun": 2025, "triwulan": "5"}, "triwulan '5' tidak sah"),
    ({"tahun": 2025, "triwulan": "IV"},
     "triwulan 'IV' tidak sah: tulis nomornya dengan angka, 4 untuk Triwulan IV"),
    ({"tahun": 2025, "tahunn": 2024}, "parameter 'tahunn' tidak dikenal; maksudnya 'tahun'?"),
])
def test_parse_parameters_rejects(raw, message):
    with pytest.raises(ParameterError) as error:
        parse_parameters(raw)
    assert message in str(error.value)


def test_parse_parameters_lists_every_problem():
    with pytest.raises(ParameterError) as error:
        parse_parameters({"tahun": "x", "triwulan": 9, "warna": "merah"})
    text = str(error.value)
    assert "tahun 'x' tidak sah" in text
    assert "triwulan 9 tidak sah" in text
    assert "parameter 'warna' tidak dikenal" in text



def test_analysis_problems_listed_with_others():
    analysis = {"periode": "2025", "IKU-1": {"sebab": "Mediasi berjalan."}}
    with pytest.raises(ParameterError) as error:
        parse_parameters({"tahun": 2025, "warna": "merah", "analisis": analysis})
    lines = str(error.value).splitlines()
    assert lines[0] == "Parameter tidak sah:"
    assert ("  - analisis.IKU-1.sebab: topik tidak dikenal (yang ada: penyebab, upaya, "
            "efisiensi, program)") in lines
    assert not [line for line in lines[1:] if "tidak sah:" in line and "analisis" in line]


def test_analysis_as_text_points_to_papermill_y():
    with pytest.raises(ParameterError) as error:
        parse_parameters({"tahun": 2025, "analisis": '{"IKU-1": {"penyebab": "x"}}'})
    text = str(error.value)
    assert "  - analisis tertulis sebagai teks" in text
    # The example under it is indented inside its item.
    assert "\n      analisis:\n        periode: \"2025\"" in text
    assert ("  - bila teks itu berasal dari papermill -p, berikan analisis dengan papermill -y "
            "dalam bentuk YAML") in text


TEXT = {"IKU-1": {"penyebab": "Mediasi berjalan."}}


@pytest.mark.parametrize(("written_for", "tahun", "triwulan"), [
    ("2025", 2025, None), (2025, 2025, None), ("2025-TW2", 2025, 2), (" 2024 ", 2024, None)])
def test_analysis_period_accepted(written_for, tahun, triwulan):
    analisis = {"periode": written_for, **TEXT}
    params = parse_parameters({"tahun": tahun, "triwulan": triwulan, "analisis": analisis})
    assert params.analisis == {"periode": str(written_for).strip().lower(),
                               "IKU-1": {"penyebab": "Mediasi berjalan."}}


@pytest.mark.parametrize(("written_for", "tahun", "triwulan", "label"), [
    ("2025", 2024, None, "Tahun 2024"),
    ("2025", 2025, 2, "Triwulan II Tahun 2025"),
    ("2025-tw2", 2025, None, "Tahun 2025"),
])
def test_analysis_period_other_report_rejected(written_for, tahun, triwulan, label):
    with pytest.raises(ParameterError) as error:
        parse_parameters({"tahun": tahun, "triwulan": triwulan,
                          "analisis": {"periode": written_for, **TEXT}})
    assert (f"analisis ditulis untuk periode {written_for} (analisis.periode), tetapi laporan "
            f"ini untuk {label}") in str(error.value)


def test_analysis_period_must_be_text():
    with pytest.raises(ParameterError) as error:
        parse_parameters({"tahun": 2025, "analisis": {"periode": [2025], **TEXT}})
    assert "analisis.periode: tertulis daftar [2025]" in str(error.value)


def test_bidang_checked_against_katalog(katalog):
    assert parse_parameters({"tahun": 2025, "bidang": " Iwasbang "}, katalog).bidang == "iwasbang"
    with pytest.raises(ParameterError) as error:
        parse_parameters({"tahun": 2025, "bidang": "poldagr"}, katalog)
    assert "bidang 'poldagr' tidak ada di katalog; maksudnya 'poldagri'?" in str(error.value)
    assert "pilihan: iwasbang, poldagri, hanbang" in str(error.value)


@pytest.mark.parametrize("bidang", ["../../x", "a/b", "..", "hanbang wasnas", ""])
def test_bidang_path_rejected(bidang, katalog):
    raw = {"tahun": 2025, "bidang": bidang}
    if bidang == "":
        assert parse_parameters(raw, katalog).bidang is None
        return
    for catalogue in (katalog, None):
        with pytest.raises(ParameterError):
            parse_parameters(raw, catalogue)


def test_data_accepts_path():
    assert parse_parameters({"tahun": 2025, "data": Path("data")}).data == "data"


def test_check_year_lists_years():
    check_year(2025, [2023, 2025])
    with pytest.raises(ParameterError) as error:
        check_year(2024, [2023, 2025])
    assert "tahun yang ada: 2023, 2025" in str(error.value)
