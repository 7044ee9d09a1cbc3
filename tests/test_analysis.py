"""The analysts' text: verbatim and escaped in Bab III, placeholders, warnings, key errors."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from iku_nb.analysis import missing_topics, paragraphs, parse_analysis, warn_missing
from iku_nb.errors import ParameterError
from iku_nb.report.laporan import Laporan

CODES = ["IKU-1", "IKU-2", "IKU-3"]
DATA = str(ROOT / "data")


def test_unknown_indicator_names_file_and_key():
    with pytest.raises(ParameterError, match=r"(?s)parameters/x\.yaml.*analisis\.IKU-9: kode "
                                             r"indikator tidak dikenal"):
        parse_analysis({"IKU-9": {"penyebab": "a"}}, CODES, "parameters/x.yaml")


def test_unknown_topic_names_key():
    with pytest.raises(ParameterError, match=r"analisis\.IKU-1\.sebab: topik tidak dikenal"):
        parse_analysis({"IKU-1": {"sebab": "a"}}, CODES, "parameters/x.yaml")


def test_text_must_be_text():
    with pytest.raises(ParameterError, match=r"analisis\.IKU-1\.upaya: harus teks"):
        parse_analysis({"IKU-1": {"upaya": 12}}, CODES, "p.yaml")


def test_empty_texts_count_as_missing():
    texts = parse_analysis({"periode": "2025", "IKU-1": {"penyebab": "  ", "upaya": "Rapat."}},
                           CODES, "p.yaml")
    assert texts == {"IKU-1": {"upaya": "Rapat."}}
    assert missing_topics(texts, ["IKU-1"]) == {"IKU-1": ["penyebab", "efisiensi", "program"]}


def test_warning_names_file_indicator_topics():
    warnings = warn_missing({"periode": "2024", "IKU-1": {"penyebab": "a", "upaya": "b",
                                                          "efisiensi": "c", "program": "d"}},
                            [["IKU-1", "IKU-2"]], CODES, "parameters/2024.yaml")
    assert warnings == ["parameters/2024.yaml: analisis IKU-2 belum diisi untuk penyebab, "
                        "upaya, efisiensi, program; laporan memuat tanda [Belum diisi "
                        "analis] di tempatnya."]


def test_text_for_indicator_outside_reports_warned():
    # A whole-office parameters file given to a batch of hanbang reports only.
    full = {"penyebab": "a", "upaya": "b", "efisiensi": "c", "program": "d"}
    warnings = warn_missing({"periode": "2024", "IKU-1": full, "IKU-2": full},
                            [["IKU-1", "IKU-3"], ["IKU-1", "IKU-3"]], CODES,
                            "parameters/2024.yaml")
    assert warnings[0] == ("parameters/2024.yaml: analisis IKU-2 tidak dipakai, karena tidak "
                           "ada laporan dalam perintah ini yang memuat IKU-2 (laporan bidang "
                           "hanya memuat indikator bidang itu).")
    assert [w for w in warnings if "IKU-1" in w] == []


def test_paragraphs_split_at_blank_lines():
    assert paragraphs("Satu.\nMasih satu.\n\n\nDua.") == ["Satu.\nMasih satu.", "Dua."]


def test_text_verbatim_and_escaped():
    text = "Rapat <b>FKUB</b> & Polres.\n\nParagraf kedua."
    laporan = Laporan.siapkan(2025, data=DATA, analisis={"periode": "2025",
                                                               "IKU-1": {"penyebab": text}})
    html = laporan.bab_akuntabilitas().data
    assert "<p>Rapat &lt;b&gt;FKUB&lt;/b&gt; &amp; Polres.</p><p>Paragraf kedua.</p>" in html
    assert "<b>FKUB</b>" not in html


def test_placeholder_for_each_missing_topic():
    laporan = Laporan.siapkan(2025, data=DATA, analisis={"periode": "2025",
                                                               "IKU-1": {"penyebab": "Ada."}})
    html = laporan.bab_akuntabilitas().data
    boxes = re.findall(r'<p class="iku-belum-diisi">\[Belum diisi analis: [^\]]*\]</p>', html)
    # 3 indicators × 4 topics, less the one filled in.
    assert len(boxes) == 11
    assert "[Belum diisi analis: upaya yang telah dilakukan IKU-1." in html


def test_report_rejects_unknown_code():
    with pytest.raises(ParameterError, match=r"analisis\.IKU-7"):
        Laporan.siapkan(2025, data=DATA, analisis={"IKU-7": {"penyebab": "x"}})


def test_analysis_list_described_in_indonesian():
    with pytest.raises(ParameterError) as error:
        parse_analysis(["IKU-1", "IKU-2"], CODES, "parameters/x.yaml")
    message = str(error.value)
    assert ("parameters/x.yaml: analisis tertulis sebagai daftar [IKU-1, IKU-2], padahal "
            "harus pemetaan kode indikator ke topik.") in message
    assert "      penyebab: |\n" in message
    assert "['IKU-1'" not in message


def test_topics_not_mapping_described():
    with pytest.raises(ParameterError) as error:
        parse_analysis({"IKU-1": ["penyebab"]}, CODES, "p.yaml")
    assert ("analisis.IKU-1: tertulis daftar [penyebab], padahal harus pemetaan topik "
            "(penyebab, upaya, efisiensi, program) ke teks") in str(error.value)


def test_text_as_mapping_suggests_fix():
    with pytest.raises(ParameterError) as error:
        parse_analysis({"IKU-1": {"upaya": {"Rapat": "FKUB"}}}, CODES, "p.yaml")
    message = str(error.value)
    assert "analisis.IKU-1.upaya: harus teks, bukan pemetaan {Rapat: FKUB}." in message
    assert "atau tulis `upaya: |` lalu paragraf-paragrafnya di baris berikutnya" in message
    assert "apit teks itu dengan tanda kutip" in message
    assert "{'Rapat'" not in message


def test_text_as_number_described():
    with pytest.raises(ParameterError, match=r"analisis\.IKU-1\.upaya: harus teks, bukan "
                                             r"angka 12\."):
        parse_analysis({"IKU-1": {"upaya": 12}}, CODES, "p.yaml")


@pytest.mark.parametrize(("value", "message"), [
    ({"IKU-1": {"penyebab": "Ada."}}, "analisis.periode belum diisi"),
    ({"periode": "", "IKU-1": {"penyebab": "Ada."}}, "analisis.periode belum diisi"),
    ({"periode": "tahun 2025", "IKU-1": {"penyebab": "Ada."}},
     "analisis.periode: tertulis teks 'tahun 2025', padahal harus periode teks ini"),
    ({"periode": "2025-tw5", "IKU-1": {"penyebab": "Ada."}},
     "analisis.periode: tertulis teks '2025-tw5'"),
])
def test_analysis_period_required_and_formed(value, message):
    with pytest.raises(ParameterError) as error:
        parse_analysis(value, CODES, "p.yaml")
    assert message in str(error.value)
