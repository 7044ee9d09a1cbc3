"""The analysts' own text per indicator: causes, measures, efficiency, programmes.

It comes from the run's ``analisis`` parameter, a mapping such as
``{periode: "2025", IKU-1: {penyebab: ..., upaya: ..., efisiensi: ..., program: ...}}``.
A topic left out or empty is shown in the report as a placeholder, so a
draft cannot pass for a finished report. ``periode`` names the period the
text was written for (``2025`` or ``2025-tw2``) and is required with any
text; a report of another period is rejected, also when papermill runs the
notebook directly.
"""

from __future__ import annotations

import re
from typing import Any

from iku_nb.errors import ParameterError
from iku_nb.yamlfile import describe_value

# Topic key, and its heading in Bab III.
TOPICS = {
    "penyebab": "Penyebab keberhasilan atau kegagalan",
    "upaya": "Upaya yang telah dilakukan",
    "efisiensi": "Efisiensi penggunaan sumber daya",
    "program": "Program dan kegiatan pendukung",
}

# The key of the period the analysis text was written for, and its form.
PERIOD_KEY = "periode"
PERIOD_FORM = re.compile(r"\d{4}(-tw[1-4])?")

# The form of the ``analisis`` parameter, shown in errors.
EXAMPLE = """\
  analisis:
    periode: "2025"
    IKU-1:
      penyebab: |
        Paragraf pertama.

        Paragraf kedua.
      upaya: Teks satu paragraf."""


class AnalysisError(ParameterError):
    """An invalid ``analisis`` parameter; ``problems`` lists each fault without its source."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


def parse_analysis(value: Any, codes: list[str] | None,
                   source: str) -> dict[str, dict[str, str]]:
    """Check the ``analisis`` parameter and return its non-empty texts.

    ``codes`` are the catalogue's indicator codes; None checks the form only.
    ``source`` names where the value came from (a parameters file) in errors.

    Raises
    ------
    AnalysisError
        Listing every unknown indicator code or topic and every text that is
        not text, with its key.
    """
    if value is None or value in ("", {}):
        return {}
    if not isinstance(value, dict):
        problem = (f"analisis tertulis sebagai {describe_value(value)}, padahal harus "
                   "pemetaan kode indikator ke topik. Tulis setiap kode indikator sebagai "
                   "kunci dan topiknya di bawahnya, misalnya:\n" + EXAMPLE)
        raise AnalysisError(f"{source}: {problem}", [problem])
    problems = []
    texts: dict[str, dict[str, str]] = {}
    for kode, topics in value.items():
        if kode == PERIOD_KEY:
            written = str(topics).strip().lower()
            if (not isinstance(topics, (str, int)) or isinstance(topics, bool)
                    or not PERIOD_FORM.fullmatch(written)):
                problems.append(f"analisis.{PERIOD_KEY}: tertulis {describe_value(topics)}, "
                                "padahal harus periode teks ini: tahun, atau tahun dan "
                                "triwulan, misalnya \"2025\" atau \"2025-tw2\"")
            continue
        if codes is not None and kode not in codes:
            problems.append(f"analisis.{kode}: kode indikator tidak dikenal "
                            f"(yang ada: {', '.join(codes)})")
            continue
        if topics is None:
            continue
        if not isinstance(topics, dict):
            problems.append(f"analisis.{kode}: tertulis {describe_value(topics)}, padahal "
                            f"harus pemetaan topik ({', '.join(TOPICS)}) ke teks, misalnya "
                            f"`{kode}:` lalu baris `  penyebab: ...` di bawahnya")
            continue
        for topic, text in topics.items():
            if topic not in TOPICS:
                problems.append(f"analisis.{kode}.{topic}: topik tidak dikenal "
                                f"(yang ada: {', '.join(TOPICS)})")
            elif text is not None and not isinstance(text, str):
                problems.append(f"analisis.{kode}.{topic}: harus teks, bukan "
                                f"{describe_value(text)}. Tulis teksnya langsung sesudah "
                                f"`{topic}:`, atau tulis `{topic}: |` lalu paragraf-"
                                "paragrafnya di baris berikutnya, menjorok dua spasi"
                                + (". Teks yang memuat titik dua dan spasi (\": \") "
                                   "dibaca sebagai pemetaan, jadi apit teks itu dengan "
                                   "tanda kutip" if isinstance(text, dict) else ""))
            elif text is not None and text.strip():
                texts.setdefault(str(kode), {})[topic] = text.strip()
    if texts and value.get(PERIOD_KEY) in (None, ""):
        problems.append(f"analisis.{PERIOD_KEY} belum diisi: tulis periode yang ditulis teks "
                        "analis ini, misalnya periode: \"2025\" atau periode: \"2025-tw2\", "
                        "supaya teks itu tidak tercetak di laporan periode lain")
    if problems:
        raise AnalysisError(f"Parameter analisis di {source} tidak sah:\n"
                            + "\n".join(f"  - {p}" for p in problems), problems)
    return texts


def analysis_texts(value: dict) -> bool:
    """Return whether an ``analisis`` mapping contains any text, its period aside."""
    return any(isinstance(topics, dict) and any(isinstance(t, str) and t.strip()
                                                 for t in topics.values())
               for kode, topics in value.items() if kode != PERIOD_KEY)


def analysis_period(value: Any) -> str | None:
    """Return the period the analysis text was written for, as written, or None."""
    if not isinstance(value, dict) or value.get(PERIOD_KEY) in (None, ""):
        return None
    return str(value[PERIOD_KEY]).strip().lower()


def missing_topics(texts: dict[str, dict[str, str]], codes: list[str]) -> dict[str, list[str]]:
    """Return, per indicator code, the topics without analyst text."""
    missing = {}
    for kode in codes:
        absent = [topic for topic in TOPICS if topic not in texts.get(kode, {})]
        if absent:
            missing[kode] = absent
    return missing


def warn_missing(value: Any, indicator_sets: list[list[str]], codes: list[str],
                 source: str) -> list[str]:
    """Check a run's ``analisis`` and return one warning per indicator without full text.

    ``indicator_sets`` are the indicator codes of each report the run writes.
    A text for an indicator that none of them shows gets a warning first.

    Raises
    ------
    ParameterError
        For an unknown indicator code or topic, naming ``source`` and the key.
    """
    texts = parse_analysis(value, codes, source)
    shown = list(dict.fromkeys(kode for kodes in indicator_sets for kode in kodes))
    unused = [f"{source}: analisis {kode} tidak dipakai, karena tidak ada laporan dalam "
              f"perintah ini yang memuat {kode} (laporan bidang hanya memuat indikator "
              "bidang itu)." for kode in texts if texts[kode] and kode not in shown]
    return unused + [f"{source}: analisis {kode} belum diisi untuk {', '.join(topics)}; "
                     "laporan memuat tanda [Belum diisi analis] di tempatnya."
                     for kode, topics in missing_topics(texts, shown).items()]


def paragraphs(text: str) -> list[str]:
    """Split a text into paragraphs at blank lines, keeping line breaks inside each."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]
