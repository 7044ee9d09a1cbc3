"""Turn cell values as written into dates, numbers and canonical text."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

DATE_FORMATS = "ISO 2025-03-10 atau dd/mm/yyyy seperti 10/03/2025"

# A time after the date (Excel exports "2025-03-31 14:30:00") is dropped.
_TIME = r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + "$")
# Day first, as Indonesian users type dates; never month first.
_DAY_FIRST = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _TIME + "$")
# Grouped thousands: Indonesian 1.234,5 or English 1,234.5.
_GROUPED = {
    ".": re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$"),
    ",": re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"),
}


def shown(value: object) -> str:
    """Return a cell value as the user would read it in the message table.

    Text is shown as written. An xlsx number is shown with a decimal comma,
    as Excel shows it in Indonesian: 0,9, not 0.9. A boolean is TRUE or
    FALSE, as in Excel. A number of 10^15 or more,
    beyond the 15 digits that Excel keeps, is shown in E notation as
    Excel's General format shows it: 1E+300, not 301 digits.
    """
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and math.isfinite(value) and abs(value) >= EXCEL_DIGITS_LIMIT:
        return _scientific(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (float, Decimal)) and not isinstance(value, bool):
        return format(value, "f" if isinstance(value, Decimal) else "").replace(".", ",")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


# Excel keeps 15 significant digits, so no number from here up is exactly as typed.
EXCEL_DIGITS_LIMIT = 1e15


def _scientific(value: float) -> str:
    """Write a number in E notation with a decimal comma: 1E+300, 1,5E+20."""
    mantissa, exponent = f"{value:.14E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".").replace(".", ",")
    return f"{mantissa}E{exponent[0]}{int(exponent[1:])}"


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_date(value: object) -> date | None:
    """Read an xlsx date cell, an ISO date or a dd/mm/yyyy date; None if unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DAY_FIRST.match(text)
        if not match:
            return None
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def excel_decimal(value: float) -> Decimal:
    """Return an xlsx number as Excel shows it: to 15 significant digits.

    Excel shows no more than 15 significant digits, so a target typed as
    =0,9*100 and stored as 89.99999999999999 reads 90 in Excel and here.
    """
    return Decimal(f"{value:.15g}")


def _number_or_text(value: object) -> Decimal | str | None:
    """Return an xlsx number as a Decimal, text stripped, and None for anything else.

    A boolean is not a number, although Python counts it as one.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return excel_decimal(value) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return value.strip() if isinstance(value, str) else None


# The spaces that may group thousands: plain, no-break, thin and narrow no-break.
_SPACES = re.compile(r"[ \u00a0\u2009\u202f]")
_SPACE_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?:[.,]\d*)?")


def parse_number(value: object) -> Decimal | None:
    """Read a number written with a decimal comma or point (``72,5``, ``72.5``, ``80%``).

    With both separators the last one is the decimal mark and the other must
    group thousands (``1.234,5`` or ``1,234.5``), and so must a space
    (``1 234,5``); anything else is None.
    """
    read = _number_or_text(value)
    if not isinstance(read, str):
        return read
    text = read.removesuffix("%").strip()
    if _SPACES.search(text):
        # A space may only group thousands (1 234,5), so "8 0" is not 80.
        if not _SPACE_GROUPED.fullmatch(text):
            return None
        text = _SPACES.sub("", text)
    if "," in text and "." in text:
        thousands = "." if text.rfind(".") < text.rfind(",") else ","
        if not _GROUPED[thousands].match(text):
            return None
        decimal_mark = "," if thousands == "." else "."
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in text:
        if text.count(",") > 1:
            return None
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


THOUSANDS = re.compile(r"\d{1,3}([.,]\d{3})+")
# A number in E notation, as Excel writes a large one to CSV: 1E+15, 1,5E+20.
_SCIENTIFIC = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)[eE][+-]?\d+")

# Advice on such a number, shared by the messages of every number column.
SCIENTIFIC_ADVICE = (" Angka dalam notasi ilmiah (dengan E) tidak dibaca, karena angka seperti "
                     "itu mungkin sudah dibulatkan: Excel menulis angka yang terlalu lebar untuk "
                     "format General begitu, dengan sekitar enam angka penting. Tulis angkanya "
                     "lengkap tanpa E. Bila berkasnya CSV dari Excel, ubah format selnya menjadi "
                     "Angka lalu simpan ulang.")


def parse_scientific(value: object) -> Decimal | None:
    """Read a text number in E notation (``1e308``, ``1,5E+20``); None for anything else.

    The number readers reject E notation: in a CSV saved by Excel it stands
    for a number too wide for the General format, rounded to about six
    significant digits (1,23457E+11), so it is not the number typed. This
    reader lets messages tell such a number from text.
    """
    if not isinstance(value, str) or not _SCIENTIFIC.fullmatch(value.strip()):
        return None
    try:
        return Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        return None


def parse_integer(value: object) -> int | None:
    """Read a whole number; ``12,0`` is 12, ``12,5`` is not a whole number.

    ``1.000`` and ``1,000`` are rejected: one writer means one thousand and
    another means one with three decimals, so neither reading is safe.
    """
    if isinstance(value, str) and THOUSANDS.fullmatch(value.strip()):
        return None
    number = parse_number(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


# Rupiah as Indonesians write it: Rp1.250.000, Rp 1.250.000,00 or 1250000.
_RUPIAH = re.compile(r"^(?:rp\.?\s*)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}|-))?$", re.IGNORECASE)


def parse_rupiah(value: object) -> Decimal | None:
    """Read an amount of rupiah: dots group thousands, a comma starts the sen (or ",-").

    An xlsx number is taken as it is. ``1.250`` is one thousand two hundred
    and fifty rupiah, as in Indonesian writing; anything else is None.
    """
    read = _number_or_text(value)
    if not isinstance(read, str):
        return read
    text = read.replace("\u00a0", " ")
    found = _RUPIAH.match(text)
    if found is None:
        return None
    whole, sen = found.groups()
    # "Rp1.250.000,-" is the usual way to write whole rupiah.
    return Decimal(whole.replace(".", "") + ("." + sen if sen and sen != "-" else ""))


def canonical(value: object, allowed: list[str]) -> str | None:
    """Return the allowed spelling of ``value``, ignoring case and surrounding spaces."""
    key = fold(value)
    for option in allowed:
        if fold(option) == key:
            return option
    return None


def fold(value: object) -> str:
    return " ".join(str(value).split()).casefold()


# Characters that are drawn as nothing but are not whitespace: besides the
# format (Cf) and control (Cc) characters, the combining grapheme joiner,
# the Hangul fillers and the variation selectors.
_INVISIBLE_OTHERS = frozenset("\u034f\u115f\u1160\u3164\uffa0") | frozenset(
    map(chr, range(0xFE00, 0xFE10)))


def is_invisible(character: str) -> bool:
    """Return whether a character is drawn as nothing, as U+200B or a BOM inside a cell is."""
    if character in _INVISIBLE_OTHERS:
        return True
    return unicodedata.category(character) in ("Cf", "Cc") and not character.isspace()


def invisible_characters(text: str) -> list[str]:
    """Return the distinct invisible characters of ``text``, in order of first use."""
    if text.isascii() and text.isprintable():
        return []
    return list(dict.fromkeys(c for c in text if is_invisible(c)))


def without_invisible(text: str) -> str:
    """Return ``text`` with its invisible characters removed."""
    return "".join(c for c in text if not is_invisible(c))


def marked_invisible(text: str) -> str:
    """Return ``text`` with each invisible character written as its code point: ``<U+200B>``."""
    return "".join(f"<U+{ord(c):04X}>" if is_invisible(c) else c for c in text)


# Names for the control characters that Unicode leaves without one.
CONTROL_NAMES = {"\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN"}


def describe_characters(characters: list[str]) -> str:
    """Name characters by code point and Unicode name: ``U+200B (ZERO WIDTH SPACE)``."""
    names = []
    for character in characters:
        name = unicodedata.name(character, None) or CONTROL_NAMES.get(character)
        code = f"U+{ord(character):04X}"
        names.append(f"{code} ({name})" if name else code)
    return ", ".join(names)


def unseen_difference(value: object, hint: str) -> str:
    """Return a sentence naming the hard-to-see characters by which a suggestion differs, or ''.

    These are the characters outside printable ASCII that only one of the two
    contains. A Cyrillic О or a non-breaking hyphen is drawn as O or -, so
    without the sentence the suggestion can look the same as the value.
    """
    text = shown(value)
    unusual = [c for c in dict.fromkeys(text + hint)
               if not " " <= c <= "~" and (c in text) != (c in hint)]
    if not unusual:
        return ""
    return (f" Keduanya berbeda pada karakter {describe_characters(unusual)}, yang bisa tampak "
            "sama dengan huruf atau tanda biasa.")


def closest(value: object, options: list[str]) -> str | None:
    """Return the option most like ``value`` (for 'did you mean'), or None.

    An option with other numbers than ``value`` is another code, not a
    slip: IKU-9 gets no suggestion of IKU-3, while ORG-01 may mean ORG-001.
    """
    text = fold(value)
    numbers = _numbers(text)
    folded = {}
    for option in options:
        key = fold(option)
        theirs = _numbers(key)
        if not numbers or not theirs or theirs == numbers:
            folded[key] = option
    match = difflib.get_close_matches(text, list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None


def _numbers(text: str) -> list[int]:
    return [int(group) for group in re.findall(r"\d+", text)]
