"""Read a YAML file that must contain a mapping (catalogue, parameters)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from iku_nb.errors import IkuError

MERGE_TAG = "tag:yaml.org,2002:merge"


class DuplicateKeyError(yaml.YAMLError):
    """A mapping in a YAML file repeats a key; plain YAML would keep only the last value."""

    def __init__(self, key: Any, line: int, first_line: int) -> None:
        super().__init__(f"duplicate key {key!r} on line {line}")
        self.key = key
        self.line = line
        self.first_line = first_line


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects a key written twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        # Keys merged in with "<<" may be overridden on purpose, so only the
        # keys written in this mapping itself are compared.
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.setdefault(key, line)
            except TypeError:  # an unhashable key; the base class reports it
                continue
            if first != line:
                raise DuplicateKeyError(key, line, first)
        return super().construct_mapping(node, deep)


def read_mapping(path: Path, error: type[IkuError], label: str) -> dict[str, Any] | None:
    """Return the mapping in a YAML file, or None when the file is empty.

    Raises
    ------
    error
        When the file is missing, is not YAML, repeats a key in one mapping,
        or contains something other than a mapping; ``label`` names the file
        in the message (``Katalog``).
    """
    return parse_mapping(read_text(path, error, label), path, error, label)


def read_text(path: Path, error: type[IkuError], label: str) -> str:
    """Return the text of a UTF-8 file, raising ``error`` when it cannot be read."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise error(f"{label} tidak ditemukan: {path}") from exc
    except IsADirectoryError as exc:
        raise error(f"{label} {path} adalah folder, bukan berkas YAML.") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{label} {path} bukan teks UTF-8 (bita ke-{exc.start + 1}). Simpan "
                    "ulang berkasnya dengan penyandian UTF-8.") from exc


def parse_mapping(text: str, path: Path, error: type[IkuError], label: str,
                  example: str = "`tahun: 2025`") -> dict[str, Any] | None:
    """Return the mapping in the YAML text of ``path``, or None when the text is empty.

    ``example`` shows, in the error for a file that is not a mapping, how it starts.

    Raises
    ------
    error
        When the text is not YAML, repeats a key in one mapping, or contains
        something other than a mapping.
    """
    path = Path(path)
    try:
        raw = yaml.load(text, Loader=UniqueKeyLoader)
    except DuplicateKeyError as exc:
        raise error(f"{label} {path} baris {exc.line}: kunci {exc.key!r} ditulis dua kali "
                    f"(pertama di baris {exc.first_line}). Isian kedua akan menimpa yang pertama "
                    "tanpa peringatan, jadi hapus salah satunya atau gabungkan isinya.") from exc
    except yaml.YAMLError as exc:
        raise error(f"{label} {path} bukan YAML yang sah{syntax_reason(exc, text)}") from exc
    split = flow_decimal_comma(text)
    if split is not None:
        line, number = split
        raise error(
            f"{label} {path} baris {line}: {number} di dalam kurung {{ }} terbaca sebagai dua "
            "isian, karena di dalam kurung koma memisahkan isian. Bila maksudnya "
            f"angka desimal, tulis {number.replace(',', '.')} dengan titik; bila maksudnya "
            "teks, apit dengan tanda kutip.")
    if raw is not None and not isinstance(raw, dict):
        raise error(f"{label} {path} harus berupa pemetaan YAML, misalnya {example}; isinya "
                    f"sekarang {describe_value(raw)}.")
    return raw


def flow_decimal_comma(text: str) -> tuple[int, str] | None:
    """Return the line and text of a decimal-comma number in a { } mapping, or None.

    Inside { } YAML splits ``batas_bawah: 75,5`` at the comma into the value
    75 and a second key 5, with no syntax error. The parser's tokens show it:
    a key's whole-number value, a comma and digits, with no space between.
    Comments, quoted text and block text produce no such tokens. A list such
    as ``[1,2]`` is left alone, because it may well be meant.
    """
    try:
        tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    for index, token in enumerate(tokens[:-3]):
        value, comma, digits = tokens[index + 1:index + 4]
        if (isinstance(token, yaml.ValueToken) and _plain_digits(value, signed=True)
                and isinstance(comma, yaml.FlowEntryToken)
                and comma.start_mark.index == value.end_mark.index
                and _plain_digits(digits, signed=False)
                and digits.start_mark.index == comma.end_mark.index):
            return value.start_mark.line + 1, f"{value.value},{digits.value}"
    return None


def _plain_digits(token: yaml.Token, signed: bool) -> bool:
    """Return whether ``token`` is unquoted text of digits, with a minus sign when ``signed``."""
    pattern = r"-?\d+" if signed else r"\d+"
    return (isinstance(token, yaml.ScalarToken) and token.plain
            and re.fullmatch(pattern, token.value) is not None)


def _last_unclosed_bracket(text: str) -> tuple[str, int, int] | None:
    """Return the kind, line and column of the innermost [ or { still open when the text ends."""
    opened = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                opened.append(token)
            elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
                if opened:
                    opened.pop()
    except yaml.YAMLError:
        pass  # the scan stops at the error, with the brackets opened before it
    if not opened:
        return None
    token = opened[-1]
    kind = "kurung siku [" if isinstance(token, yaml.FlowSequenceStartToken) else "kurung kurawal {"
    return kind, token.start_mark.line + 1, token.start_mark.column + 1


def syntax_reason(exc: yaml.YAMLError, text: str | None = None) -> str:
    """Return the position and an Indonesian reason of a YAML syntax error.

    Common mistakes get their own explanation; any other error keeps the
    parser's English text, so no reason is lost. ``text``, the file's text,
    lets the reason name the line of a quote that was not closed.
    """
    mark = getattr(exc, "problem_mark", None)
    where = "" if mark is None else f" (baris {mark.line + 1}, kolom {mark.column + 1})"
    problem = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    opened = getattr(exc, "context_mark", None)
    opened_at = "" if opened is None else f" di baris {opened.line + 1}, kolom {opened.column + 1}"
    if "'\\t'" in problem or "tab" in problem:
        # PyYAML rejects a tab anywhere outside quotes: in indentation, after
        # ":" or "-", and inside unquoted text.
        reason = ("ada karakter tab di luar tanda kutip, padahal di luar tanda kutip YAML "
                  "hanya menerima spasi, misalnya untuk indentasi dan sesudah titik dua. "
                  "Ganti tab itu dengan spasi.")
    elif "quoted scalar" in context:
        reason = (f"tanda kutip yang dibuka{opened_at} tidak ditutup. Tutup teksnya dengan "
                  "tanda kutip yang sama.")
    elif "mapping values are not allowed" in problem:
        reason = ("titik dua di tempat yang tidak boleh. Mungkin indentasi baris ini salah, "
                  "atau teks yang memuat \": \" perlu diapit tanda kutip.")
    elif (("expected <block end>" in problem or "did not find expected key" in problem)
          and "<scalar>" in problem
          and _line(text, mark)[:mark.column].rstrip().endswith('"')):
        # The parser stops right after the quote that ended the text early.
        reason = ("teks dalam tanda kutip dua memuat tanda kutip dua lagi, sehingga teksnya "
                  "berakhir di tengah baris. Apit teks itu dengan tanda kutip tunggal ('), "
                  "atau tulis tanda kutip di dalamnya sebagai \\\".")
    elif "expected <block end>" in problem or "did not find expected key" in problem:
        reason = ("indentasi tidak sejajar. Kunci yang setingkat harus diawali jumlah spasi "
                  "yang sama.")
    elif "that cannot start any token" in problem:
        character = problem.split("found character", 1)[-1].split("that", 1)[0].strip(" '")
        unclosed = _unclosed_quote_before(text, mark)
        reason = (f"nilai diawali {character}, yang di YAML tidak boleh mengawali nilai tanpa "
                  f"tanda kutip. Apit nilainya dengan tanda kutip, misalnya \"{character}\"."
                  + ("" if unclosed is None else
                     f" Periksa juga tanda kutip di baris {unclosed}, yang mungkin tidak "
                     "ditutup sehingga teksnya berlanjut sampai ke sini."))
    elif "found undefined alias" in problem:
        reason = ("nilai diawali *, yang di YAML menandai rujukan ke isian lain. Apit nilainya "
                  "dengan tanda kutip bila * adalah bagian teks.")
    elif "sequence entries are not allowed here" in problem:
        reason = ("tanda - daftar ditulis sesudah titik dua di baris yang sama. Tulis setiap "
                  "butir daftar di baris sendiri, menjorok di bawah kuncinya, atau apit teks "
                  "yang diawali - dengan tanda kutip.")
    elif (("expected ',' or ']'" in problem or "expected ',' or '}'" in problem)
          and "<stream end>" not in problem):
        bracket = "kurung siku [" if "']'" in problem else "kurung kurawal {"
        reason = (f"isian di dalam {bracket} yang dibuka{opened_at} tidak dipisah koma, atau "
                  "kurungnya tidak ditutup. Periksa kurung tutupnya, dan apit teks yang "
                  "memuat titik dua atau koma dengan tanda kutip.")
    elif "could not find expected ':'" in problem:
        reason = (f"kunci{opened_at} tidak diikuti titik dua, atau baris lanjutan sebuah teks "
                  "kurang menjorok.")
    elif "<stream end>" in problem or "end of stream" in problem:
        bracket = "kurung siku [" if "']'" in problem else "kurung kurawal {" if "'}'" in problem \
            else "struktur"
        unclosed = None if text is None else _last_unclosed_bracket(text)
        if unclosed is not None:
            # The parser's context is the value it was reading, not the bracket.
            bracket, line, column = unclosed
            opened_at = f" di baris {line}, kolom {column}"
        reason = f"berkas berakhir sebelum {bracket} yang dibuka{opened_at} ditutup."
    elif "single document" in context:
        reason = ("berkas berisi lebih dari satu dokumen YAML, dipisah garis ---. Satu berkas "
                  "hanya boleh berisi satu dokumen: hapus garis --- itu, atau pindahkan "
                  "dokumen kedua ke berkas lain.")
    elif "could not determine a constructor for the tag" in problem:
        tag = problem.split("for the tag", 1)[-1].strip(" '.")
        reason = (f"tanda {tag.replace('tag:yaml.org,2002:', '!!')} tidak dikenal. Berkas ini "
                  "hanya boleh berisi teks, angka, true/false, daftar dan pemetaan biasa: "
                  "hapus tanda yang diawali ! itu.")
    else:
        reason = f"pesan pengurai YAML: {' '.join(p for p in (context, problem) if p)}."
    return f"{where}: {reason}"


def _line(text: str | None, mark) -> str:
    """Return the line of ``text`` at a parser mark, or "" when either is unknown."""
    if text is None or mark is None:
        return ""
    lines = text.splitlines()
    return lines[mark.line] if 0 <= mark.line < len(lines) else ""


def _unclosed_quote_before(text: str | None, mark) -> int | None:
    """Return the nearest earlier line with an odd number of double quotes, or None."""
    if text is None or mark is None:
        return None
    lines = text.splitlines()
    for index in range(min(mark.line, len(lines)) - 1, -1, -1):
        line = lines[index].replace('\\"', "")
        if line.lstrip().startswith("#"):
            continue
        if line.count('"') % 2:
            return index + 1
    return None


def describe_value(value: Any, limit: int = 60) -> str:
    """Describe a YAML value in Indonesian with its kind: ``daftar [IKU-1, IKU-2]``."""
    if value is None:
        return "isian kosong"
    if isinstance(value, bool):
        return f"nilai {'true' if value else 'false'}"
    if isinstance(value, int | float | Decimal):
        return f"angka {value}"
    if isinstance(value, str):
        return "teks kosong" if not value.strip() else f"teks {_shorten(repr(value), limit)}"
    if isinstance(value, list):
        return f"daftar {_shorten(_flow(value), limit)}"
    if isinstance(value, dict):
        return f"pemetaan {_shorten(_flow(value), limit)}"
    if isinstance(value, date):
        return f"tanggal {value.isoformat()}"
    return _shorten(repr(value), limit)


def _flow(value: Any) -> str:
    """Write a list or mapping on one line, as YAML flow style: ``{a: b}``."""
    try:
        return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                              width=10_000).strip().removesuffix("...").strip()
    except yaml.YAMLError:
        return repr(value)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
