"""Rules of the target and rekap tables: indicator, period and numbers."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from decimal import Decimal

from iku_nb.catalogue import Katalog
from iku_nb.parse import (
    SCIENTIFIC_ADVICE,
    is_blank,
    parse_number,
    parse_scientific,
    shown,
)
from iku_nb.period import MAX_YEAR, MIN_YEAR
from iku_nb.problems import ERROR, WARNING
from iku_nb.rows import Rows

# "9.000" is nine thousand to an Indonesian reader and 9 to a parser.
DOT_THOUSANDS = re.compile(r"[1-9]\d{0,2}(\.\d{3})+")
# A target of 10^15 percent or more is beyond any indicator: a typing error.
MAX_TARGET = Decimal(10) ** 15


def _period_columns(rows: Rows, row: int, cells: dict, katalog: Katalog) -> dict:
    codes = [i.kode for i in katalog.indikator]
    record = {
        "baris": row,
        "kode_indikator": rows.choice(row, cells, "kode_indikator", codes),
        "tahun": rows.integer(row, cells, "tahun", expected="tahun empat angka"),
        "triwulan": rows.integer(row, cells, "triwulan", required=False,
                                 expected="triwulan 1 sampai 4"),
    }
    if record["tahun"] is not None and not MIN_YEAR <= record["tahun"] <= MAX_YEAR:
        rows.problem("tahun-tidak-sah", row, "tahun", cells.get("tahun"),
                     "tahun empat angka", f"Tahun {record['tahun']} tidak masuk akal.")
        record["tahun"] = None
    if record["triwulan"] is not None and record["triwulan"] not in (1, 2, 3, 4):
        rows.problem("triwulan-tidak-sah", row, "triwulan", cells.get("triwulan"),
                     "1, 2, 3, 4 atau kosong", f"Triwulan {record['triwulan']} tidak ada.")
        record["triwulan"] = None
    # A triwulan that was written but is invalid must not make the row look yearly.
    record["periode_sah"] = record["triwulan"] is not None or is_blank(cells.get("triwulan", ""))
    return record


def _check_unique_periods(rows: Rows, table: str) -> None:
    seen: dict[tuple, int] = {}
    for record in rows.records:
        key = (record["kode_indikator"], record["tahun"], record["triwulan"])
        if None in key[:2] or not record["periode_sah"]:
            continue
        if key in seen:
            period = f"{key[1]}" + (f" triwulan {key[2]}" if key[2] else "")
            rows.problem(f"{table}-ganda", record["baris"], "kode_indikator", key[0],
                         "satu baris per indikator dan periode",
                         f"{table.capitalize()} {key[0]} untuk {period} sudah ada di baris "
                         f"{seen[key]}.", ids=(key[0],))
        else:
            seen[key] = record["baris"]


def parse_target(rows: Rows, katalog: Katalog) -> None:
    for row, cells in rows.table.rows:
        record = _period_columns(rows, row, cells, katalog)
        raw = cells.get("target", "")
        value = None if is_blank(raw) else parse_number(raw)
        number = value if value is not None else parse_scientific(raw)
        if is_blank(raw):
            rows.text(row, cells, "target")
        elif number is not None and abs(number) >= MAX_TARGET:
            rows.problem("angka-terlalu-besar", row, "target", raw,
                         "angka persen, misalnya 80 atau 72,5",
                         f"Target {shown(raw)!r} terlalu besar untuk dihitung; periksa "
                         "salah ketik.")
            value = None
        elif value is None:
            rows.problem("target-bukan-angka", row, "target", raw,
                         "angka persen, misalnya 80 atau 72,5",
                         f"Target {shown(raw)!r} bukan angka."
                         + (SCIENTIFIC_ADVICE if number is not None else ""))
        elif value < 0:
            rows.problem("target-negatif", row, "target", raw, "angka 0 atau lebih",
                         "Target tidak boleh negatif.")
            value = None
        elif value == 0:
            rows.problem("target-nol", row, "target", raw, "angka lebih dari 0",
                         "Target 0: capaian (realisasi dibagi target) tidak dapat dihitung, "
                         "jadi laporan hanya menampilkan realisasinya. Periksa apakah target "
                         "ini memang 0.", severity=WARNING)
        elif isinstance(raw, str) and DOT_THOUSANDS.fullmatch(raw.strip()):
            thousands = shown(raw).strip().replace(".", "")
            rows.problem("target-titik-ribuan", row, "target", raw,
                         f"{_decimal_comma(value)} atau {thousands}, tanpa titik",
                         f"Target {shown(raw)!r} dibaca {_decimal_comma(value)}, dengan titik "
                         "sebagai tanda desimal, padahal dalam penulisan Indonesia titik "
                         f"memisahkan ribuan. Tulis {_decimal_comma(value)} bila maksudnya "
                         f"itu, atau {thousands} bila maksudnya ribuan.", severity=WARNING)
        elif 0 < value <= 1:
            rows.problem("target-terlalu-kecil", row, "target", raw, "persen, misalnya 80",
                         f"Target {shown(raw)} sangat kecil; apakah sel berformat persen "
                         "sehingga 80% tersimpan sebagai 0,8?", severity=WARNING)
        elif value is not None and value > 100:
            # A share of counted cases or organisations never exceeds 100%, so such a
            # target can never be met. It is a typing error, such as 90 typed into a
            # cell formatted as a percentage, which Excel shows as 9000%.
            percent = any(i.kode == record["kode_indikator"] and i.satuan.strip() == "%"
                          for i in katalog.indikator)
            rows.problem("target-di-atas-100", row, "target", raw, "persen 0 sampai 100",
                         f"Target {shown(raw)} melebihi 100%"
                         + ("; realisasi indikator persen tidak pernah melebihi 100%, jadi "
                            "target ini tidak mungkin tercapai." if percent
                            else "; periksa apakah angkanya benar."),
                         severity=ERROR if percent else WARNING)
        record["target"] = value
        rows.records.append(record)
    _check_unique_periods(rows, "target")
    _check_year_end_target(rows)


def _check_year_end_target(rows: Rows) -> None:
    """Warn about a triwulan IV target that differs from the yearly one, or has none beside it.

    Triwulan IV is counted from 1 January to 31 December, as the year is,
    so the two reports would print different capaian for the same counts.
    """
    for (kode, tahun), found in _periods_by_indicator_year(rows.records).items():
        quarter, year = found.get(4), found.get(None)
        if quarter is None or quarter["target"] is None:
            continue
        quarter_text = _decimal_comma(quarter["target"])
        if year is None:
            rows.problem(
                "target-tahunan-tidak-ada", quarter["baris"], "triwulan", "4",
                f"juga baris target {kode} tahun {tahun} dengan triwulan kosong",
                f"Target {kode} triwulan IV {tahun} ada ({quarter_text}), tetapi target "
                "tahunannya tidak, jadi laporan tahunan menyebut target belum ditetapkan "
                "sedangkan laporan triwulan IV, untuk hari-hari yang sama, mencetak capaian. "
                "Tambahkan baris target tahunan.", severity=WARNING, ids=(kode,))
        elif year["target"] is not None and year["target"] != quarter["target"]:
            year_text = _decimal_comma(year["target"])
            rows.problem(
                "target-triwulan-iv-beda-tahunan", quarter["baris"], "target",
                quarter_text, f"{year_text} seperti target tahunan di baris {year['baris']}",
                f"Target {kode} triwulan IV {tahun} ({quarter_text}) berbeda dari target "
                f"tahunan di baris {year['baris']} ({year_text}). Triwulan IV kumulatif sejak "
                "Januari mencakup setahun penuh, jadi laporan triwulan IV dan laporan tahunan "
                "akan mencetak capaian berbeda untuk angka yang sama.",
                severity=WARNING, ids=(kode,))


def parse_rekap(rows: Rows, katalog: Katalog) -> None:
    for row, cells in rows.table.rows:
        record = _period_columns(rows, row, cells, katalog)
        for column in ("pembilang", "penyebut"):
            value = rows.integer(row, cells, column, expected="bilangan bulat 0 atau lebih")
            if value is not None and value < 0:
                rows.problem("rekap-negatif", row, column, cells.get(column),
                             "bilangan bulat 0 atau lebih",
                             f"{column.capitalize()} tidak boleh negatif.")
                value = None
            record[column] = value
        if None not in (record["pembilang"], record["penyebut"]) and (
            record["pembilang"] > record["penyebut"]
        ):
            rows.problem("pembilang-melebihi-penyebut", row, "pembilang", cells.get("pembilang"),
                         f"paling banyak {record['penyebut']} (penyebut)",
                         f"Pembilang {record['pembilang']} lebih besar dari penyebut "
                         f"{record['penyebut']}.")
        record["keterangan"] = rows.text(row, cells, "keterangan", required=False)
        rows.records.append(record)
    _check_unique_periods(rows, "rekap")
    _check_cumulative_rekap(rows)


def _check_cumulative_rekap(rows: Rows) -> None:
    """Reject rekap rows of one indicator and year whose cumulative counts contradict.

    Quarterly figures are counted from 1 January, so pembilang and penyebut
    never fall from one quarter to a later one or to the year. Triwulan IV
    covers the same days as the year, so the two rows must be equal. Each
    row is read for its own period, so a contradiction would print two
    different figures for the same cases.
    """
    periods = _periods_by_indicator_year(rows.records,
                                         lambda record: None not in _counts(record))
    for (kode, tahun), found in periods.items():
        ordered = [found[q] for q in (1, 2, 3, 4) if q in found]
        if None in found:
            ordered.append(found[None])
        for earlier, later in itertools.pairwise(ordered):
            label = _rekap_period(later["triwulan"])
            if (later["triwulan"] is None and earlier["triwulan"] == 4
                    and _counts(later) != _counts(earlier)):
                rows.problem(
                    "rekap-tahun-beda-triwulan-iv", later["baris"], "pembilang",
                    _counts_text(later), f"{_counts_text(earlier)} seperti baris "
                    f"{earlier['baris']} (triwulan IV)",
                    f"Rekap {kode} tahun {tahun} berisi {_counts_text(later)}, tetapi "
                    f"triwulan IV di baris {earlier['baris']} berisi {_counts_text(earlier)}. "
                    "Triwulan IV kumulatif sejak Januari mencakup setahun penuh, jadi "
                    "keduanya harus sama.", ids=(kode,))
            elif any(a > b for a, b in zip(_counts(earlier), _counts(later), strict=True)):
                rows.problem(
                    "rekap-kumulatif-turun", later["baris"], "pembilang",
                    _counts_text(later), f"paling sedikit {_counts_text(earlier)} seperti "
                    f"{_rekap_period(earlier['triwulan'])} di baris {earlier['baris']}",
                    f"Rekap {kode} {label} {tahun} berisi {_counts_text(later)}, lebih "
                    f"kecil dari {_rekap_period(earlier['triwulan'])} di baris "
                    f"{earlier['baris']} ({_counts_text(earlier)}). Angka triwulan "
                    "kumulatif sejak Januari, jadi tidak pernah turun.", ids=(kode,))


def _periods_by_indicator_year(records: list[dict], keep: Callable[[dict], bool] | None = None
                               ) -> dict[tuple, dict]:
    """Group records by indicator and year, then by triwulan (None for the year's row).

    Records with an invalid period, and those that ``keep`` rejects, are left
    out. Of two rows for one period the first counts, as the duplicate is
    reported on its own.
    """
    periods: dict[tuple, dict] = {}
    for record in records:
        key = (record["kode_indikator"], record["tahun"])
        if None in key or not record["periode_sah"] or (keep and not keep(record)):
            continue
        periods.setdefault(key, {}).setdefault(record["triwulan"], record)
    return periods


def _counts(record: dict) -> tuple[int, int]:
    return record["pembilang"], record["penyebut"]


def _counts_text(record: dict) -> str:
    return f"{record['pembilang']}/{record['penyebut']}"


def _rekap_period(triwulan: int | None) -> str:
    return "tahun" if triwulan is None else f"triwulan {triwulan}"


def _decimal_comma(value: Decimal) -> str:
    """Write a number with a decimal comma and no trailing zeros: 9, 72,5."""
    return format(value.normalize(), "f").replace(".", ",")
