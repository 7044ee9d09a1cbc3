"""YAML files: syntax errors with an Indonesian reason, duplicate keys, value descriptions."""

from __future__ import annotations

import pytest

from iku_nb.catalogue import load_catalogue
from iku_nb.errors import CatalogueError, ParameterError
from iku_nb.matrix import read_parameters_file
from iku_nb.yamlfile import describe_value, read_mapping


def read(tmp_path, text: str) -> str:
    path = tmp_path / "parameter.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError) as error:
        read_mapping(path, ParameterError, "Berkas parameter")
    return str(error.value)


def test_duplicate_key_names_file_line_and_key(tmp_path):
    message = read(tmp_path, "tahun: 2025\nanalisis:\n  IKU-1:\n    penyebab: a\n"
                             "    penyebab: b\n")
    assert str(tmp_path / "parameter.yaml") in message
    assert "baris 5: kunci 'penyebab' ditulis dua kali (pertama di baris 4)" in message


def test_duplicate_top_level_key(tmp_path):
    message = read(tmp_path, "tahun: 2024\ntahun: 2025\n")
    assert "baris 2: kunci 'tahun' ditulis dua kali (pertama di baris 1)" in message


def test_same_key_in_different_mappings_is_fine(tmp_path):
    path = tmp_path / "parameter.yaml"
    path.write_text("analisis:\n  IKU-1: {penyebab: a}\n  IKU-2: {penyebab: b}\n",
                    encoding="utf-8")
    raw = read_mapping(path, ParameterError, "Berkas parameter")
    assert raw["analisis"]["IKU-2"] == {"penyebab": "b"}


def test_merge_key_may_be_overridden(tmp_path):
    path = tmp_path / "parameter.yaml"
    path.write_text("dasar: &d {x: 1}\nlain:\n  <<: *d\n  x: 2\n", encoding="utf-8")
    assert read_mapping(path, ParameterError, "Berkas parameter")["lain"] == {"x": 2}


def test_duplicate_key_in_parameters_file(tmp_path):
    path = tmp_path / "2025.yaml"
    path.write_text("tahun: 2025\ntriwulan: 1\ntriwulan: 2\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="baris 3: kunci 'triwulan' ditulis dua kali"):
        read_parameters_file(path)


def test_duplicate_key_in_catalogue(tmp_path):
    path = tmp_path / "katalog.yaml"
    path.write_text("versi: 1\nkebijakan:\n  penyebut_nol: kosong\n  penyebut_nol: seratus\n",
                    encoding="utf-8")
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert f"Katalog {path} baris 4: kunci 'penyebut_nol' ditulis dua kali" in str(error.value)


@pytest.mark.parametrize(("text", "reason"), [
    ("tahun: 2025\nanalisis:\n\tIKU-1: a\n",
     "(baris 3, kolom 1): ada karakter tab di luar tanda kutip, padahal di luar tanda "
     "kutip YAML hanya menerima spasi, misalnya untuk indentasi dan sesudah titik dua. "
     "Ganti tab itu dengan spasi."),
    ("tahun:\t2025\n", "(baris 1, kolom 7): ada karakter tab di luar tanda kutip"),
    ("bidang:\n-\tpoldagri\n", "(baris 2, kolom 2): ada karakter tab di luar tanda kutip"),
    ("nama_skpd: BADAN\tKESATUAN\n", "(baris 1, kolom 17): ada karakter tab di luar tanda kutip"),
    ("tahun: 2025\nbidang: \"poldagri\ndata: data\n",
     "(baris 4, kolom 1): tanda kutip yang dibuka di baris 2, kolom 9 tidak ditutup."),
    ("tahun: 2025\nanalisis: IKU-1: a\n",
     "(baris 2, kolom 16): titik dua di tempat yang tidak boleh."),
    ("analisis:\n    IKU-1: a\n  IKU-2: b\n", "(baris 3, kolom 3): indentasi tidak sejajar."),
    ("tahun: [2025\n",
     "(baris 2, kolom 1): berkas berakhir sebelum kurung siku [ yang dibuka di baris 1, "
     "kolom 8 ditutup."),
    ("tahun: {a: 1\n", "berkas berakhir sebelum kurung kurawal { yang dibuka"),
    # An open bracket with nothing after it: the parser names the empty value.
    ("instansi: [\n",
     "(baris 2, kolom 1): berkas berakhir sebelum kurung siku [ yang dibuka di baris 1, "
     "kolom 11 ditutup."),
    ("a: {x: [1, 2\n", "berkas berakhir sebelum kurung siku [ yang dibuka di baris 1, kolom 8"),
    ("tahun: 2025\nbidang\nx: 1\n", "kunci di baris 2, kolom 1 tidak diikuti titik dua"),
    ("tahun: 2025\n---\ntahun: 2024\n",
     "(baris 2, kolom 1): berkas berisi lebih dari satu dokumen YAML, dipisah garis ---."),
    ("tahun: !!python/object:os.system 2025\n",
     "(baris 1, kolom 8): tanda !!python/object:os.system tidak dikenal."),
    ("tahun: !rahasia 2025\n", "tanda !rahasia tidak dikenal"),
])
def test_syntax_error_reason(tmp_path, text, reason):
    message = read(tmp_path, text)
    assert "bukan YAML yang sah" in message
    assert reason in message


def test_syntax_error_falls_back_to_parser_text(tmp_path):
    message = read(tmp_path, "a: &\n")
    assert ("(baris 1, kolom 5): pesan pengurai YAML: while scanning an anchor expected "
            "alphabetic or numeric character, but found '\\n'.") in message


def test_file_not_utf8(tmp_path):
    path = tmp_path / "parameter.yaml"
    path.write_bytes(b"tahun: 2025\nx: caf\xe9\n")
    with pytest.raises(ParameterError, match="bukan teks UTF-8"):
        read_mapping(path, ParameterError, "Berkas parameter")


@pytest.mark.parametrize(("value", "expected"), [
    (None, "isian kosong"),
    (True, "nilai true"),
    (92.5, "angka 92.5"),
    ("abc", "teks 'abc'"),
    (" ", "teks kosong"),
    (["IKU-1", "IKU-2"], "daftar [IKU-1, IKU-2]"),
    ({"a": "b"}, "pemetaan {a: b}"),
])
def test_describe_value(value, expected):
    assert describe_value(value) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("skala:\n  - {batas_bawah: 75,5, kategori: Tinggi}\n",
     "baris 2: 75,5 di dalam kurung { } terbaca sebagai dua isian"),
    ("target: {tahun: 2026, nilai: 92,5}\n", "tulis 92.5 dengan titik"),
    ("skala:\n  - {batas_bawah:\n      75,5, kategori: Tinggi}\n", "baris 3: 75,5"),
])
def test_decimal_comma_in_brackets_named(tmp_path, text, expected):
    assert expected in read(tmp_path, text)


@pytest.mark.parametrize("text", [
    "skala:\n  - {batas_bawah: 75.5, kategori: Tinggi}\n",
    "tahun: [2024,2025]\n",
    "catatan: {teks: \"75,5, lalu\"}\n",
    "nilai: 75,5\n",
    "# contoh: {batas_bawah: 75,5, kategori: Tinggi}\nnilai: 1\n",
    "analisis:\n  IKU-1:\n    penyebab: |\n      Naik [TW1: 70,5, TW2: 75].\n",
    "triwulan: [1,2]\n",
])
def test_commas_outside_that_case_accepted(tmp_path, text):
    path = tmp_path / "parameter.yaml"
    path.write_text(text, encoding="utf-8")
    assert read_mapping(path, ParameterError, "Berkas parameter") is not None


@pytest.mark.parametrize(("text", "expected"), [
    ("satuan: %\n", "nilai diawali %, yang di YAML tidak boleh mengawali nilai tanpa tanda "
                    "kutip. Apit nilainya dengan tanda kutip, misalnya \"%\"."),
    ("nama: `kode`\n", "nilai diawali `"),
    ("nama: *singkat\n", "nilai diawali *, yang di YAML menandai rujukan ke isian lain"),
    ("analisis:\n  IKU-1:\n    penyebab: - poin satu\n",
     "tanda - daftar ditulis sesudah titik dua di baris yang sama"),
    ("bidang: [poldagri, hanbang\nsatuan: x\n",
     "isian di dalam kurung siku [ yang dibuka di baris 1, kolom 9 tidak dipisah koma, atau "
     "kurungnya tidak ditutup"),
    ("analisis:\n  IKU-1:\n    penyebab: \"Warga menyebut \"kasus\" selesai\"\n",
     "teks dalam tanda kutip dua memuat tanda kutip dua lagi"),
    ("satuan: \"%\nnama: a\ndesimal: \"%\"\n",
     "Periksa juga tanda kutip di baris 1, yang mungkin tidak ditutup"),
])
def test_more_syntax_errors_in_indonesian(tmp_path, text, expected):
    message = read(tmp_path, text)
    assert expected in message
    assert "pesan pengurai YAML" not in message


@pytest.mark.parametrize(("text", "expected", "not_expected"), [
    # Quotes on a misindented line do not make it a quote problem.
    ("analisis:\n  IKU-1:\n    penyebab: a\n   upaya: [\"satu\", \"dua\"]\n",
     "indentasi tidak sejajar", "tanda kutip dua lagi"),
    # A quote in a comment is not a quote left open.
    ("# kutip \" di komentar\nsatuan: %\n", "nilai diawali %", "Periksa juga tanda kutip"),
])
def test_syntax_reason_not_misled_by_quotes(tmp_path, text, expected, not_expected):
    message = read(tmp_path, text)
    assert expected in message
    assert not_expected not in message
