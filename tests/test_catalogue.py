"""Catalogue schema errors: Indonesian, by indicator kode, with the value and an example."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

import iku_nb.catalogue
from iku_nb.catalogue import SHIPPED_CATALOGUE, load_catalogue
from iku_nb.dataset import inspect
from iku_nb.errors import CatalogueError

SHIPPED = yaml.safe_load(SHIPPED_CATALOGUE.read_text(encoding="utf-8"))
DATA = Path(__file__).resolve().parents[1] / "data"


def errors_of(tmp_path, change) -> str:
    raw = copy.deepcopy(SHIPPED)
    change(raw)
    path = tmp_path / "katalog.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    message = str(error.value)
    assert message.startswith(f"Katalog {path} tidak sah:\n")
    return message


def setter(*keys, value):
    def change(raw):
        node = raw
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return change


@pytest.mark.parametrize(("keys", "value", "expected"), [
    (("indikator", 1, "target_renstra"), {"tahun": 2029, "nilai": "sembilan"},
     "indikator IKU-2, target_renstra.nilai: tertulis teks 'sembilan', padahal harus angka "
     "dengan titik desimal, misalnya 92.5"),
    (("indikator", 0, "target_renstra"), 92.5,
     "indikator IKU-1, target_renstra: tertulis angka 92.5, padahal harus pemetaan kunci ke "
     "nilai, misalnya target_renstra: {tahun: 2029, nilai: 92.5}"),
    (("indikator", 0, "target_renstra"), {"tahun": 2029, "nilai": [1]},
     "indikator IKU-1, target_renstra.nilai: tertulis daftar [1], padahal harus angka"),
    (("indikator", 0, "desimal"), "dua",
     "indikator IKU-1, desimal: tertulis teks 'dua', padahal harus bilangan bulat, "
     "misalnya 2"),
    (("indikator", 0, "desimal"), 2.5,
     "indikator IKU-1, desimal: tertulis angka 2.5, padahal harus bilangan bulat tanpa "
     "pecahan"),
    (("indikator", 2, "polaritas"), "naik",
     "indikator IKU-3, polaritas: tertulis teks 'naik', padahal harus salah satu dari "
     "positif atau negatif"),
    (("indikator", 0, "nama"), 12,
     "indikator IKU-1, nama: tertulis angka 12, padahal harus teks"),
    (("indikator", 0, "penanggung_jawab"), "hanbang",
     "indikator IKU-1, penanggung_jawab: tertulis teks 'hanbang', padahal harus daftar, "
     "misalnya penanggung_jawab: [hanbang]"),
    (("skala", "pita", 1, "batas_bawah"), "tinggi",
     "skala.pita ke-2, batas_bawah: tertulis teks 'tinggi', padahal harus angka"),
    (("nilai_sah",), ["a"],
     "nilai_sah: tertulis daftar [a], padahal harus pemetaan kunci ke nilai, misalnya "
     "nilai_sah: {konflik.jenis: [politik, sosial]}"),
    (("kebijakan", "penyebut_nol"), "nol",
     "kebijakan.penyebut_nol: tertulis teks 'nol', padahal harus salah satu dari kosong "
     "atau seratus"),
    (("versi",), 2, "versi: tertulis angka 2, padahal harus 1"),
    (("kebijakan", "batas_capaian"), -5,
     "kebijakan.batas_capaian: tertulis angka -5, padahal harus lebih dari 0"),
    (("instansi", "visi"), "Terwujudnya",
     "instansi.visi: tertulis teks 'Terwujudnya', padahal harus pemetaan kunci ke nilai, "
     "misalnya visi: {judul: Visi, teks: Terwujudnya ...}"),
])
def test_type_error_message(tmp_path, keys, value, expected):
    message = errors_of(tmp_path, setter(*keys, value=value))
    assert expected in message
    assert "Input should" not in message


@pytest.mark.parametrize(("keys", "value", "expected"), [
    (("nilai_sah", "konflik.jenis"), [],
     "nilai_sah: konflik.jenis tertulis daftar kosong, sehingga setiap sel yang memakainya "
     "ditolak; tulis paling sedikit satu nilai, misalnya konflik.jenis: [politik, sosial]"),
    (("wilayah", "Kranggan"), [],
     "wilayah: Kranggan tertulis daftar kosong, sehingga setiap sel yang memakainya ditolak; "
     "tulis paling sedikit satu nilai, misalnya Kranggan: [Jagalan, Kranggan]"),
    (("wilayah", "Kranggan"), ["Jagalan", " "],
     "wilayah.Kranggan ke-2: tertulis teks kosong, padahal setiap nilai sah dan setiap nama "
     "wilayah harus berisi teks seperti tertulis di tabel"),
    (("nilai_sah", "konflik.status"), ["selesai", ""],
     "nilai_sah.konflik.status ke-2: tertulis teks kosong"),
])
def test_empty_reference_list_rejected(tmp_path, keys, value, expected):
    assert expected in errors_of(tmp_path, setter(*keys, value=value))


def test_boolean_filter_in_nested_list(tmp_path):
    def change(raw):
        raw["indikator"][0]["hitung"]["saringan"] = [{"kolom": "sara", "terisi": "mungkin"}]
    message = errors_of(tmp_path, change)
    assert ("indikator IKU-1, hitung.saringan ke-1, terisi: tertulis teks 'mungkin', padahal "
            "harus true atau false") in message


def test_missing_key_with_example(tmp_path):
    message = errors_of(tmp_path, lambda raw: raw["indikator"][0].pop("satuan"))
    assert "indikator IKU-1: isian 'satuan' wajib ada, misalnya satuan: \"%\"" in message


def test_unknown_key_suggests_spelling(tmp_path):
    message = errors_of(tmp_path, setter("indikator", 0, "satuaan", value="persen"))
    assert "indikator IKU-1: kunci 'satuaan' tidak dikenal. Maksudnya 'satuan'?" in message
    assert "Kunci yang dikenal di sini: kode, nama, sasaran" in message


def test_indicator_without_kode_named_by_position(tmp_path):
    message = errors_of(tmp_path, lambda raw: raw["indikator"][1].pop("kode"))
    assert "indikator ke-2: isian 'kode' wajib ada, misalnya kode: IKU-1" in message
    assert "indikator.1" not in message


def test_indicator_that_is_text(tmp_path):
    message = errors_of(tmp_path, setter("indikator", 0, value="IKU-1"))
    assert ("indikator ke-1: tertulis teks 'IKU-1', padahal harus pemetaan kunci ke nilai"
            in message)


def test_validator_message_kept(tmp_path):
    def change(raw):
        raw["indikator"][0]["hitung"]["register"] = "partisipasi"
    message = errors_of(tmp_path, change)
    assert "indikator IKU-1, hitung: metode kasus_selesai memakai register konflik" in message


def test_catalogue_that_is_a_list(tmp_path):
    path = tmp_path / "katalog.yaml"
    path.write_text("- instansi\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert ("harus berupa pemetaan YAML, misalnya `instansi:` dengan isiannya di bawahnya; "
            "isinya sekarang daftar [instansi].") in str(error.value)


def test_missing_top_key_named_plainly(tmp_path):
    message = errors_of(tmp_path, lambda raw: raw.pop("instansi"))
    assert "tingkat teratas berkas: isian 'instansi' wajib ada" in message


def test_same_text_loaded_once(tmp_path, monkeypatch):
    path = tmp_path / "katalog.yaml"
    path.write_text(SHIPPED_CATALOGUE.read_text(encoding="utf-8"), encoding="utf-8")
    first = load_catalogue(path)

    def validate_again(*args):
        pytest.fail("the same catalogue text was validated again")

    monkeypatch.setattr(iku_nb.catalogue, "_validate", validate_again)
    second = load_catalogue(path)
    assert second == first
    assert second is not first


def test_cached_catalogue_not_shared(tmp_path):
    path = tmp_path / "katalog.yaml"
    path.write_text(SHIPPED_CATALOGUE.read_text(encoding="utf-8"), encoding="utf-8")
    changed = load_catalogue(path)
    changed.wilayah.clear()
    assert load_catalogue(path).wilayah


def test_changed_file_loaded_again(tmp_path):
    raw = copy.deepcopy(SHIPPED)
    path = tmp_path / "katalog.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    before = load_catalogue(path)
    raw["kebijakan"]["penyebut_nol"] = "seratus"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    after = load_catalogue(path)
    assert before.kebijakan.penyebut_nol == "kosong"
    assert after.kebijakan.penyebut_nol == "seratus"


@pytest.mark.parametrize(("standard", "expected"), [
    ({"nilai": 80}, "indikator IKU-1, standar_nasional: isian 'sumber' wajib ada, misalnya "
                    "sumber: Permendagri 86/2017"),
    ({"nilai": 80, "sumber": ""}, "indikator IKU-1, standar_nasional.sumber: tertulis teks "
                                  "kosong, padahal tidak boleh kosong"),
    ({"nilai": float("nan"), "sumber": "SPM"}, "padahal harus angka biasa, bukan nan atau inf"),
    ("80", "misalnya standar_nasional: {nilai: 92.5, sumber: Permendagri 86/2017}"),
])
def test_national_standard_messages(tmp_path, standard, expected):
    def change(raw):
        raw["indikator"][0]["standar_nasional"] = standard
    assert expected in errors_of(tmp_path, change)


def test_renstra_estimate_flag_must_be_true_or_false(tmp_path):
    def change(raw):
        raw["indikator"][0]["target_renstra"]["perkiraan"] = 1
    assert "target_renstra.perkiraan: tertulis angka 1, padahal harus true atau false" in (
        errors_of(tmp_path, change))


def test_percentages_above_100_warned(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    katalog = data / "katalog.yaml"
    text = katalog.read_text(encoding="utf-8")
    text = text.replace("target_renstra: {tahun: 2026, nilai: 92.5, perkiraan: true}",
                        "target_renstra: {tahun: 2026, nilai: 925, perkiraan: true}\n"
                        "    standar_nasional: {nilai: 100.5, sumber: Contoh Peraturan 1/2025}")
    katalog.write_text(text, encoding="utf-8")
    dataset = inspect(data)
    assert dataset.errors == []
    found = [p for p in dataset.warnings if p.code == "katalog-di-atas-100"]
    # Problems are sorted by file and column.
    assert [(p.file, p.column, p.value) for p in found] == [
        ("katalog.yaml", "indikator IKU-1, standar_nasional.nilai", "100.5"),
        ("katalog.yaml", "indikator IKU-1, target_renstra.nilai", "925")]
    assert found[0].message.startswith("Standar nasional IKU-1 100,5% melebihi 100%")
    assert found[1].message == (
        "Target akhir Renstra IKU-1 925% melebihi 100%, padahal realisasinya adalah "
        "persentase yang tidak dapat melebihi 100%. Periksa apakah angkanya benar.")


def test_percentages_up_to_100_not_warned(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    katalog = data / "katalog.yaml"
    text = katalog.read_text(encoding="utf-8").replace(
        "target_renstra: {tahun: 2026, nilai: 92.5, perkiraan: true}",
        "target_renstra: {tahun: 2026, nilai: 100, perkiraan: true}")
    katalog.write_text(text, encoding="utf-8")
    assert [p for p in inspect(data).problems if p.code == "katalog-di-atas-100"] == []


@pytest.mark.parametrize(("rule", "expected"), [
    ({"kolom": "jenis", "salah_satu": ["ideologi", "politk"]},
     "IKU-1: saringan jenis memuat 'politk', yang bukan nilai sah kolom itu (maksudnya "
     "'politik'? pilihan: ideologi, politik, ekonomi, sosial, budaya)"),
    ({"kolom": "kecamatan", "salah_satu": ["Kranggan", "Sooko"]},
     "IKU-1: saringan kecamatan memuat 'Sooko', yang bukan nilai sah kolom itu (pilihan: "
     "Kranggan, Magersari, Prajurit Kulon)"),
    ({"kolom": "kelurahan", "salah_satu": ["Wates", "Watess"]},
     "IKU-1: saringan kelurahan memuat 'Watess', yang bukan nilai sah kolom itu (maksudnya "
     "'Wates'?"),
])
def test_filter_value_outside_valid_values(tmp_path, rule, expected):
    message = errors_of(tmp_path, setter("indikator", 0, "hitung", "saringan", value=[rule]))
    assert expected in message


def test_filter_values_folded_and_free_text(tmp_path):
    def change(raw):
        raw["indikator"][0]["hitung"]["saringan"] = [
            {"kolom": "jenis", "salah_satu": [" Politik ", "SOSIAL"]}]
        raw["indikator"][1]["hitung"]["saringan"] = [
            {"kolom": "jenis", "salah_satu": ["lsm"]},
            {"kolom": "nama", "salah_satu": ["Forum Kerukunan Umat Beragama"]}]
    raw = copy.deepcopy(SHIPPED)
    change(raw)
    path = tmp_path / "katalog.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    katalog = load_catalogue(path)
    assert katalog.indikator[1].hitung.saringan[1].salah_satu == ["Forum Kerukunan Umat Beragama"]


def test_catalogue_rule_error_unprefixed(tmp_path):
    message = errors_of(tmp_path, setter("indikator", 0, "hitung", "saringan",
                                         value=[{"kolom": "jenis", "salah_satu": ["politk"]}]))
    assert "\n  - IKU-1: saringan jenis memuat 'politk'" in message
    assert "tingkat teratas berkas" not in message


def test_catalogue_error_carries_its_file(tmp_path):
    path = tmp_path / "katalog.yaml"
    path.write_text("versi: 1\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert error.value.path == path


def bidang_adder(kode):
    def change(raw):
        raw["bidang"].append({"kode": kode, "nama": "Bidang Uji", "singkatan": "Uji"})
    return change


@pytest.mark.parametrize(("kode", "reason"), [
    ("tw1", "dicadangkan sebagai nama folder laporan triwulan 1 (output/<tahun>/tw1/)"),
    ("tw4", "dicadangkan sebagai nama folder laporan triwulan 4 (output/<tahun>/tw4/)"),
    ("semua", "dicadangkan untuk `--bidang semua`"),
    ("none", "dicadangkan karena parameter `bidang: none` berarti laporan seluruh badan"),
    ("null", "dicadangkan karena parameter `bidang: null` berarti laporan seluruh badan"),
    ("con", "dicadangkan karena Windows tidak dapat membuat folder bernama itu"),
    ("lpt9", "dicadangkan karena Windows tidak dapat membuat folder bernama itu"),
])
def test_reserved_bidang_code_rejected(tmp_path, kode, reason):
    message = errors_of(tmp_path, bidang_adder(kode))
    assert f"bidang {kode}, kode: kode bidang {kode!r} {reason}" in message
    assert "pilih kode lain" in message


@pytest.mark.parametrize(("kode", "written"), [
    ("TW1", "teks 'TW1'"),
    ("Tw2", "teks 'Tw2'"),
    (".sementara", "teks '.sementara'"),
    ("2025/tw1", "teks '2025/tw1'"),
    ("", "teks kosong"),
])
def test_bidang_code_unusable_as_folder(tmp_path, kode, written):
    message = errors_of(tmp_path, bidang_adder(kode))
    assert (f"kode: tertulis {written}, padahal hanya boleh memuat huruf kecil, angka, - dan _"
            in message)


def test_bidang_code_like_quarter_accepted(tmp_path):
    raw = copy.deepcopy(SHIPPED)
    for kode in ("tw5", "tw", "tw1-hukum", "2025"):
        bidang_adder(kode)(raw)
    path = tmp_path / "katalog.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    codes = [b.kode for b in load_catalogue(path).bidang]
    assert codes[-4:] == ["tw5", "tw", "tw1-hukum", "2025"]


def filter_setter(index, rule):
    return setter("indikator", index, "hitung", "saringan", value=[rule])


@pytest.mark.parametrize(("change", "expected"), [
    (filter_setter(0, {"kolom": "jenis", "salah_satu": []}),
     "indikator IKU-1, hitung.saringan ke-1, salah_satu: tertulis daftar kosong, padahal "
     "saringan tanpa nilai tidak meloloskan baris mana pun, sehingga indikator selalu 0 dari "
     "0; tulis paling sedikit satu nilai"),
    (filter_setter(1, {"kolom": "nama", "salah_satu": []}),
     "indikator IKU-2, hitung.saringan ke-1, salah_satu: tertulis daftar kosong"),
    (setter("jenis_kegiatan", 0, "awalan", value=[]),
     "jenis_kegiatan ke-1, awalan: tertulis daftar kosong, padahal jenis tanpa awalan tidak "
     "cocok dengan kegiatan mana pun; tulis paling sedikit satu awalan"),
])
def test_empty_filter_list_rejected(tmp_path, change, expected):
    assert expected in errors_of(tmp_path, change)


@pytest.mark.parametrize("blank", ["", "   ", "\t", "\u200b"])
@pytest.mark.parametrize(("change", "expected"), [
    (lambda blank: filter_setter(0, {"kolom": "jenis", "salah_satu": ["politik", blank]}),
     "indikator IKU-1, hitung.saringan ke-1, salah_satu ke-2: tertulis teks kosong, padahal "
     "sel kosong tidak pernah cocok dengan salah_satu"),
    (lambda blank: filter_setter(1, {"kolom": "nama", "salah_satu": [blank]}),
     "indikator IKU-2, hitung.saringan ke-1, salah_satu ke-1: tertulis teks kosong"),
    (lambda blank: setter("jenis_kegiatan", 2, "awalan", value=["Musrenbang Kota", blank]),
     "jenis_kegiatan ke-3, awalan ke-2: tertulis teks kosong, padahal awalan kosong cocok "
     "dengan setiap kegiatan"),
    (lambda blank: setter("bidang", 0, "sumber", value=[blank, "FPK"]),
     "bidang iwasbang, sumber ke-1: tertulis teks kosong, padahal setiap sumber harus berisi "
     "nama pelapor"),
])
def test_blank_filter_text_rejected(tmp_path, blank, change, expected):
    message = errors_of(tmp_path, change(blank))
    assert expected in message
    assert "bukan nilai sah kolom itu" not in message


@pytest.mark.parametrize("blank", ["", "  ", "\u200b", " \ufeff "])
def test_blank_category_rejected(tmp_path, blank):
    message = errors_of(tmp_path, setter("skala", "pita", 0, "kategori", value=blank))
    assert ("skala.pita ke-1, kategori: tertulis teks kosong, padahal setiap pita harus "
            "bernama kategori yang dicetak di laporan") in message


def test_bidang_without_sources_accepted(tmp_path):
    raw = copy.deepcopy(SHIPPED)
    raw["bidang"][0]["sumber"] = []
    path = tmp_path / "katalog.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert load_catalogue(path).bidang[0].sumber == []


@pytest.mark.parametrize(("satuan", "written"), [
    ("orang", "teks 'orang'"),
    ("persen", "teks 'persen'"),
    ("%%", "teks '%%'"),
    ("", "teks kosong"),
])
def test_unknown_unit_rejected(tmp_path, satuan, written):
    message = errors_of(tmp_path, setter("indikator", 2, "satuan", value=satuan))
    assert (f"indikator IKU-3, satuan: tertulis {written}, padahal satuan yang dikenal hanya "
            '"%", karena setiap metode hitung menghasilkan persentase') in message
    assert 'tulis satuan: "%" dengan tanda kutipnya' in message


def test_unit_with_spaces_stored_plain(tmp_path):
    raw = copy.deepcopy(SHIPPED)
    raw["indikator"][0]["satuan"] = " % "
    path = tmp_path / "katalog.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert load_catalogue(path).indikator[0].satuan == "%"
