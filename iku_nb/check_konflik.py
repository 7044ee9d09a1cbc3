"""Rules of the konflik table: allowed values, places, resolution dates, agreeing reports."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from iku_nb import columns
from iku_nb.catalogue import Katalog
from iku_nb.check_duplicates import check_duplicate_rows
from iku_nb.memo import case_numbers, first_reports
from iku_nb.parse import (
    canonical,
    closest,
    fold,
    invisible_characters,
    is_blank,
    shown,
    unseen_difference,
)
from iku_nb.problems import WARNING
from iku_nb.rows import Rows

CASE_ATTRIBUTES = ("tanggal_kejadian", "jenis", "sara", "kecamatan", "kelurahan")


def parse_konflik(rows: Rows, katalog: Katalog) -> None:
    known = _known_sources(katalog)
    for row, cells in rows.table.rows:
        rows.records.append(_parse_row(rows, row, cells, katalog, known))


def _parse_row(rows: Rows, row: int, cells: dict, katalog: Katalog,
               known: dict[str, str]) -> dict:
    allowed = katalog.nilai_sah
    record = {
        "baris": row,
        "id_konflik": rows.ident(row, cells, "id_konflik"),
        "tanggal_kejadian": rows.date(row, cells, "tanggal_kejadian"),
        "jenis": rows.choice(row, cells, "jenis", allowed["konflik.jenis"]),
        "sara": rows.choice(row, cells, "sara", allowed["konflik.sara"], required=False),
        # Sources are matched to the catalogue's bidang like codes, so an
        # invisible character in one is an error as in the code columns.
        "sumber": _catalogue_spelling(
            rows.text(row, rows.drop_invisible(row, cells, "sumber"), "sumber"), known),
        # Folded, so "Selesai" in a catalogue still matches the counting rule.
        "status": _folded(rows.choice(row, cells, "status", allowed["konflik.status"])),
        "tanggal_selesai": rows.date(row, cells, "tanggal_selesai", required=False),
    }
    record["kecamatan"], record["kelurahan"] = _place(rows, row, cells, katalog)
    _check_resolution(rows, row, cells, record)
    return record


def parse_konflik_columns(rows: Rows, katalog: Katalog) -> dict[str, np.ndarray]:
    """Parse a konflik table read as columns; rows that are not clean go through _parse_row."""
    cells = rows.table.text_cells
    allowed = katalog.nilai_sah
    statuses = allowed["konflik.status"]
    known = _known_sources(katalog)
    parsed = {
        "id_konflik": columns.identifiers(cells["id_konflik"]),
        "tanggal_kejadian": columns.dates(cells["tanggal_kejadian"]),
        "jenis": columns.choices(cells["jenis"], allowed["konflik.jenis"]),
        "sara": columns.choices(cells["sara"], allowed["konflik.sara"], required=False),
        "sumber": _sources(cells["sumber"], known),
        "status": columns.by_distinct_value(
            cells["status"], lambda text: _folded_choice(text, statuses)),
        "tanggal_selesai": columns.dates(cells["tanggal_selesai"], required=False),
    }
    parsed["kecamatan"], parsed["kelurahan"] = _places(cells, katalog)
    values = {column: result.values for column, result in parsed.items()}
    clean = np.logical_and.reduce([result.clean for result in parsed.values()])
    clean &= ~_resolution_problems(values)
    return columns.merge_unclean_rows(
        rows, values, clean,
        lambda row, row_cells: _parse_row(rows, row, row_cells, katalog, known))


def _known_sources(katalog: Katalog) -> dict[str, str]:
    """Map each folded source name of the catalogue's bidang to its catalogue spelling."""
    return {fold(name): name for b in katalog.bidang for name in b.sumber}


def _catalogue_spelling(text: str | None, known: dict[str, str]) -> str | None:
    """Return a source as the catalogue spells it (KODIM as Kodim), else as written.

    Sources are matched to bidang ignoring case, so they are grouped that way
    too. Otherwise the report's table of cases by source lists KODIM and Kodim apart.
    """
    return None if text is None else known.get(fold(text), text)


def _sources(column: pd.Series, known: dict[str, str]) -> columns.Parsed:
    """Parse the sumber column as _parse_row does, once per distinct text."""
    def parse(text: str) -> tuple[str | None, bool]:
        if is_blank(text) or invisible_characters(text):
            return None, False
        return _catalogue_spelling(" ".join(text.split()), known), True

    return columns.by_distinct_value(column, parse)


def _folded_choice(text: str, allowed: list[str]) -> tuple[str | None, bool]:
    if is_blank(text):
        return None, False
    found = canonical(text, allowed)
    return _folded(found), found is not None


def _places(cells, katalog: Katalog) -> tuple[columns.Parsed, columns.Parsed]:
    """Parse kecamatan and kelurahan once per distinct pair, as _place does without problems."""
    wilayah = katalog.wilayah
    all_kelurahan = [k for names in wilayah.values() for k in names]
    codes, pairs = columns.pair_codes(cells["kecamatan"], cells["kelurahan"])
    kecamatan, kelurahan, clean = [], [], []
    for raw_kec, raw_kel in pairs:
        kec = None if is_blank(raw_kec) else canonical(raw_kec, list(wilayah))
        kel = None if is_blank(raw_kel) else canonical(raw_kel, all_kelurahan)
        kecamatan.append(kec)
        kelurahan.append(kel)
        clean.append(kec is not None and kel is not None and kel in wilayah[kec])
    clean_rows = np.array(clean, dtype=bool)[codes]
    return (columns.Parsed(np.array(kecamatan, dtype=object)[codes], clean_rows),
            columns.Parsed(np.array(kelurahan, dtype=object)[codes], clean_rows))


def _resolution_problems(values: dict[str, np.ndarray]) -> np.ndarray:
    """Return the rows for which _check_resolution records a problem, among parsed rows."""
    status, done = values["status"], values["tanggal_selesai"]
    selesai = status == "selesai"
    undated = np.isnat(done)
    return ((selesai & undated) | (done < values["tanggal_kejadian"])
            | (~undated & ~selesai))


def _place(rows: Rows, row: int, cells: dict, katalog: Katalog) -> tuple:
    """Check kecamatan and kelurahan against the catalogue's reference list."""
    wilayah = katalog.wilayah
    kecamatan = None
    cells = rows.drop_invisible(row, cells, "kecamatan")
    cells = rows.drop_invisible(row, cells, "kelurahan")
    raw_kec, raw_kel = cells.get("kecamatan", ""), cells.get("kelurahan", "")
    all_kelurahan = [k for names in wilayah.values() for k in names]
    if is_blank(raw_kec):
        rows.text(row, cells, "kecamatan")
    else:
        kecamatan = canonical(raw_kec, list(wilayah))
        if kecamatan is None:
            hint = closest(raw_kec, list(wilayah))
            rows.problem("kecamatan-tidak-dikenal", row, "kecamatan", raw_kec,
                         ", ".join(wilayah),
                         f"Kecamatan {shown(raw_kec)!r} tidak ada di Kota Mojokerto."
                         + (f" Maksudnya {hint!r}?{unseen_difference(raw_kec, hint)}"
                            if hint else ""))
    if is_blank(raw_kel):
        rows.text(row, cells, "kelurahan")
        return kecamatan, None
    kelurahan = canonical(raw_kel, all_kelurahan)
    if kelurahan is None:
        options = wilayah.get(kecamatan, all_kelurahan)
        hint, elsewhere = closest(raw_kel, options), ""
        if hint is None and (hint := closest(raw_kel, all_kelurahan)) is not None and kecamatan:
            # A kelurahan of another kecamatan: the row's kecamatan may be the slip.
            home = next(k for k, names in wilayah.items() if hint in names)
            elsewhere = f" di Kecamatan {home!r}"
        rows.problem("kelurahan-tidak-dikenal", row, "kelurahan", raw_kel,
                     ", ".join(options),
                     f"Kelurahan {shown(raw_kel)!r} tidak ada"
                     + (f" di Kecamatan {kecamatan}." if kecamatan else " di Kota Mojokerto.")
                     + (f" Maksudnya {hint!r}{elsewhere}?{unseen_difference(raw_kel, hint)}"
                        if hint else ""))
    elif kecamatan is not None and kelurahan not in wilayah[kecamatan]:
        home = next(k for k, names in wilayah.items() if kelurahan in names)
        rows.problem("kelurahan-salah-kecamatan", row, "kelurahan", raw_kel,
                     f"kelurahan di Kecamatan {kecamatan}: {', '.join(wilayah[kecamatan])}",
                     f"Kelurahan {kelurahan} berada di Kecamatan {home}, "
                     f"bukan Kecamatan {kecamatan}. Maksudnya Kecamatan {home}?")
    return kecamatan, kelurahan


def _check_resolution(rows: Rows, row: int, cells: dict, record: dict) -> None:
    status, done, start = record["status"], record["tanggal_selesai"], record["tanggal_kejadian"]
    if status == "selesai" and done is None and is_blank(cells.get("tanggal_selesai")):
        rows.problem("selesai-tanpa-tanggal", row, "tanggal_selesai", "",
                     "tanggal penyelesaian bila status selesai",
                     f"Kasus {record['id_konflik']} berstatus selesai tetapi "
                     "tanggal_selesai kosong.")
    if done is not None and start is not None and done < start:
        rows.problem("selesai-sebelum-kejadian", row, "tanggal_selesai",
                     cells.get("tanggal_selesai"),
                     f"tanggal pada atau sesudah tanggal_kejadian ({start.isoformat()})",
                     f"Kasus {record['id_konflik']}: tanggal_selesai lebih awal dari "
                     "tanggal_kejadian.")
    if done is not None and status is not None and status != "selesai":
        rows.problem("tanggal-selesai-tanpa-status", row, "tanggal_selesai",
                     cells.get("tanggal_selesai"), "kosong bila status bukan selesai",
                     f"Kasus {record['id_konflik']} berstatus {status} tetapi memiliki "
                     "tanggal_selesai; tanggal itu tidak dipakai.",
                     severity=WARNING, ids=(record["id_konflik"] or "",))


def check_case_agreement(rows: Rows, frame: pd.DataFrame) -> None:
    """Reports of one case must agree on when, what and where it happened.

    Each report is compared with the first report of its case; the problems
    are recorded in row order, column by column.
    """
    reports, codes = case_numbers(frame)
    first = first_reports(frame)
    # Only later reports of a case can disagree, so only they are compared.
    later = np.flatnonzero(first[codes] != np.arange(len(codes)))
    first_of = first[codes[later]]
    # The position of each report in the table, which is also its position
    # among the text cells.
    named = np.flatnonzero(frame["id_konflik"].notna().to_numpy())
    differs = np.zeros((len(later), len(CASE_ATTRIBUTES)), dtype=bool)
    for position, column in enumerate(CASE_ATTRIBUTES):
        pairs = _written_differently(rows, frame, column, named[later], named[first_of])
        values = reports[column].to_numpy()
        mine, theirs = values[later[pairs]], values[first_of[pairs]]
        if column == "sara":
            # An empty sara means "not SARA", so it disagrees with a filled one.
            mine = np.where(pd.isna(mine), "", mine)
            theirs = np.where(pd.isna(theirs), "", theirs)
            differs[pairs, position] = mine != theirs
        else:
            both = pd.notna(mine) & pd.notna(theirs)
            differs[pairs, position] = both & (mine != theirs)
    flagged = np.flatnonzero(differs.any(axis=1))
    rows_seen = reports["baris"].to_numpy()
    cases = reports["id_konflik"].iloc[later[flagged]].tolist()
    for position, case in zip(flagged, cases, strict=True):
        row, first_row = int(rows_seen[later[position]]), int(rows_seen[first_of[position]])
        for column in np.array(CASE_ATTRIBUTES)[differs[position]]:
            written = shown(rows.cell(row, column)).strip()
            written_first = shown(rows.cell(first_row, column)).strip()
            rows.problem(
                "kasus-tidak-konsisten", row, column, written,
                f"{written_first or '(kosong)'} seperti di baris {first_row}",
                f"Laporan kasus {case} di baris {row} dan baris "
                f"{first_row} berbeda pada {column}: {written or '(kosong)'!r} "
                f"dan {written_first or '(kosong)'!r}. Semua laporan satu kasus harus "
                "sama pada kolom ini.", ids=(case,))


def check_duplicate_reports(rows: Rows, frame: pd.DataFrame) -> None:
    """Warn about reports written exactly like another report of their case."""
    key = None
    cells = rows.table.text_cells
    if cells is not None and len(cells) == len(frame):
        _, codes = case_numbers(frame)
        # A report without id_konflik gets 0, the others their case number plus one.
        key = np.zeros(len(frame), dtype=np.int64)
        key[frame["id_konflik"].notna().to_numpy()] = codes + 1
    check_duplicate_rows(rows.table, rows.problems, key)


# Case numbers as the office writes them, K-<tahun>-<nomor>. Their year is compared with the date.
CASE_NUMBER = r"^K-\d{4}-\d+$"


def _first_reports_and_ids(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, pa.Array]:
    """Return the reports with an id, the position of each case's first report, and its id."""
    reports, _ = case_numbers(frame)
    first = first_reports(frame)
    return reports, first, pa.array(reports["id_konflik"]).take(pa.array(first))


def check_case_year(rows: Rows, frame: pd.DataFrame) -> None:
    """Warn when a case number names another year than its incident date.

    Cases are counted in the year of tanggal_kejadian, so a year mistyped in
    that date moves the case to another year's figures without any error.
    The year in the case number is the only other record of it. Each case is
    checked once, at its first report; other numbering schemes are skipped.
    On 1,000,000 reports this took 0.03 s, or 0.09 s when every id has the
    form (pyarrow 26, 2-core AMD EPYC).
    """
    reports, first, ids = _first_reports_and_ids(frame)
    numbered = pc.fill_null(pc.match_substring_regex(ids, CASE_NUMBER), False)
    if not pc.any(numbered).as_py():
        return
    mask = numbered.to_numpy(zero_copy_only=False)
    id_years = pc.cast(pc.utf8_slice_codeunits(pc.filter(ids, numbered), 2, 6),
                       pa.int64()).to_numpy()
    dates = reports["tanggal_kejadian"].to_numpy()[first[mask]]
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    case_rows = reports["baris"].to_numpy()[first[mask]]
    for position in np.flatnonzero(~np.isnat(dates) & (id_years != years)):
        row = int(case_rows[position])
        case = str(reports["id_konflik"].iloc[first[mask][position]])
        written = shown(rows.cell(row, "tanggal_kejadian")).strip()
        rows.problem(
            "tahun-nomor-kasus", row, "tanggal_kejadian", written,
            f"tanggal di tahun {id_years[position]}, seperti nomor kasusnya",
            f"Nomor kasus {case} bertahun {id_years[position]}, tetapi tanggal_kejadian "
            f"{written} di tahun {years[position]}. Kasus dihitung pada tahun "
            "tanggal_kejadian; periksa salah ketik pada tanggal atau nomor kasusnya.",
            severity=WARNING, ids=(case,))


# Ways of writing one case number that a reader takes for the same number are
# a dash other than the hyphen, or a space, underscore, slash or dot between the
# parts. So are a letter O among the digits, leading zeros, a trailing dot, and
# fullwidth letters and digits. Invisible characters never reach this check,
# because Rows.ident removes them after reporting them.
DASH_LIKE = "[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]"
# A case number with a space, underscore, slash or dot as a separator.
SEPARATED = r"^K(?:-\d{4})?[\s_/.]"
# Ids that one of the rewrites below changes, among ASCII ids.
REWRITTEN = r"^K-\d{4}-0|[\s.,;]$|" + SEPARATED


def check_near_duplicate_ids(rows: Rows, frame: pd.DataFrame) -> None:
    """Warn about case numbers that differ only in how they are written.

    K-2023-003 and K–2023–003 (en dashes), K 2023 003, K_2023_003, K-2023-3,
    K-2023-O03 or a fullwidth Ｋ-2023-003 are two cases to the counting, so
    one incident reported twice is counted twice and its resolution may stay
    with the other copy. Each group is named once, at the first report of
    each spelling.
    """
    reports, first, ids = _first_reports_and_ids(frame)
    if len(ids) < 2:
        return
    # Three quick scans decide which rewrites can change any id (about 40 ms for
    # 750,000 ids). A register without such ids stops here.
    ascii_ids = pc.string_is_ascii(ids)
    ascii_only = pc.all(ascii_ids).as_py()
    rewritten = pc.any(pc.match_substring_regex(ids, REWRITTEN)).as_py()
    with_letter_o = pc.any(pc.match_substring(ids, "O")).as_py()
    if ascii_only and not rewritten and not with_letter_o:
        return
    key = ids if ascii_only else _normalise_non_ascii(ids, pc.invert(ascii_ids))
    key = pc.replace_substring_regex(key, r"[\s.,;]+$", "")
    # On 750,000 padded ids this scan took 25 ms and the rewrite 70 ms (pyarrow
    # 26, 2-core AMD EPYC), so the rewrite runs only for a register that needs it.
    if pc.any(pc.match_substring_regex(key, SEPARATED)).as_py():
        key = pc.replace_substring_regex(key, r"^K[-\s_/.]+(\d{4})[-\s_/.]+", r"K-\1-")
    if with_letter_o:
        lettered = pc.match_substring_regex(key, r"^K-\d{4}-[0-9O]*O[0-9O]*$")
        key = pc.if_else(lettered, pc.replace_substring(key, "O", "0"), key)
    key = pc.replace_substring_regex(key, r"^(K-\d{4}-)0+(\d)", r"\1\2")
    if len(pc.unique(key)) == len(key):
        return
    codes, _ = pd.factorize(key.to_numpy(zero_copy_only=False))
    shared = np.flatnonzero(np.bincount(codes) > 1)
    case_rows = reports["baris"].to_numpy()[first]
    for code in shared:
        members = np.flatnonzero(codes == code)
        members = members[np.argsort(case_rows[members], kind="stable")]
        spellings = [f"{ids[int(m)].as_py()} (baris {int(case_rows[m])})" for m in members]
        row = int(case_rows[members[0]])
        rows.problem(
            "nomor-kasus-mirip", row, "id_konflik", ids[int(members[0])].as_py(),
            "satu nomor untuk satu kasus, ditulis sama di setiap laporan",
            f"Nomor kasus {' dan '.join(spellings)} hanya berbeda cara tulis (pemisah "
            "selain tanda hubung seperti tanda pisah, spasi atau garis bawah, huruf O untuk "
            "angka 0, nol di depan, tanda baca di akhir, atau huruf dan angka lebar), "
            "tetapi dihitung sebagai kasus yang berbeda. Bila kasusnya sama, tulis "
            "nomornya sama persis di setiap laporan.", severity=WARNING,
            ids=tuple(ids[int(m)].as_py() for m in members))


def _normalise_non_ascii(ids: pa.Array, non_ascii: pa.Array) -> pa.Array:
    """Return the ids with each non-ASCII one in NFKC form and its dashes as hyphens.

    NFKC turns fullwidth letters, digits and spaces into ASCII ones. Only the
    non-ASCII ids are rewritten, which are usually few.
    """
    others = pc.filter(ids, non_ascii)
    plain = pc.replace_substring_regex(pc.utf8_normalize(others, "NFKC"), DASH_LIKE, "-")
    return pc.replace_with_mask(ids, non_ascii, plain)


def _written_differently(rows: Rows, frame: pd.DataFrame, column: str, mine: np.ndarray,
                         theirs: np.ndarray) -> np.ndarray:
    """Return which pairs of table rows may differ in ``column``: those not written alike.

    The parsed value of these columns depends only on the cell's text, so two
    cells of one category (the same text) always agree. Without categories,
    every pair is returned.
    """
    cells = rows.table.text_cells
    if (cells is None or len(cells) != len(frame) or column not in cells
            or not isinstance(cells[column].dtype, pd.CategoricalDtype)):
        return np.arange(len(mine))
    text = cells[column].cat.codes.to_numpy()
    return np.flatnonzero(text[mine] != text[theirs])


def _folded(value: str | None) -> str | None:
    return None if value is None else fold(value)
