"""Rules of the organisasi and partisipasi tables, and participation inside an active span."""

from __future__ import annotations

import itertools
import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from iku_nb import columns
from iku_nb.catalogue import Katalog
from iku_nb.formatting import tanggal
from iku_nb.parse import fold, unseen_difference
from iku_nb.problems import WARNING, Problem
from iku_nb.rows import Rows
from iku_nb.tables import ID_DTYPE


def parse_organisasi(rows: Rows, katalog: Katalog) -> None:
    seen: dict[str, int] = {}
    for row, cells in rows.table.rows:
        rows.records.append(_organisation_row(rows, row, cells, katalog, seen))


def _organisation_row(rows: Rows, row: int, cells: dict, katalog: Katalog,
                      seen: dict[str, int]) -> dict:
    """Parse one organisation; ``seen`` maps each id to the first row that uses it."""
    record = {
        "baris": row,
        "id_organisasi": rows.ident(row, cells, "id_organisasi"),
        "nama": rows.text(row, cells, "nama"),
        "jenis": rows.choice(row, cells, "jenis", katalog.nilai_sah["organisasi.jenis"]),
        "tanggal_terdaftar": rows.date(row, cells, "tanggal_terdaftar"),
        "tanggal_nonaktif": rows.date(row, cells, "tanggal_nonaktif", required=False),
    }
    ident = record["id_organisasi"]
    if ident is not None and seen.setdefault(ident, row) != row:
        rows.problem("organisasi-ganda", row, "id_organisasi", ident,
                     "id_organisasi yang unik",
                     f"id_organisasi {ident} sudah dipakai di baris {seen[ident]}.",
                     ids=(ident,))
    start, stop = record["tanggal_terdaftar"], record["tanggal_nonaktif"]
    if start is not None and stop is not None and stop < start:
        rows.problem("nonaktif-sebelum-terdaftar", row, "tanggal_nonaktif",
                     cells.get("tanggal_nonaktif"),
                     f"tanggal pada atau sesudah tanggal_terdaftar ({start.isoformat()})",
                     f"Organisasi {ident} nonaktif sebelum terdaftar.", ids=(ident or "",))
    return record


def parse_organisasi_columns(rows: Rows, katalog: Katalog) -> dict[str, np.ndarray]:
    """Parse an organisasi table read as columns; other rows go through _organisation_row."""
    cells = rows.table.text_cells
    parsed = {
        "id_organisasi": columns.identifiers(cells["id_organisasi"]),
        "nama": columns.texts(cells["nama"]),
        "jenis": columns.choices(cells["jenis"], katalog.nilai_sah["organisasi.jenis"]),
        "tanggal_terdaftar": columns.dates(cells["tanggal_terdaftar"]),
        "tanggal_nonaktif": columns.dates(cells["tanggal_nonaktif"], required=False),
    }
    values = {column: result.values for column, result in parsed.items()}
    clean = np.logical_and.reduce([result.clean for result in parsed.values()])
    clean &= ~(values["tanggal_nonaktif"] < values["tanggal_terdaftar"])

    ids = pd.Series(pd.array(values["id_organisasi"], dtype=ID_DTYPE))
    repeated, named = ids.duplicated().to_numpy(), ids.notna().to_numpy()
    clean &= ~(repeated & named)
    first = ~repeated & named
    seen = dict(zip(ids[first].tolist(), cells.index.to_numpy()[first].tolist(), strict=True))
    return columns.merge_unclean_rows(
        rows, values, clean,
        lambda row, row_cells: _organisation_row(rows, row, row_cells, katalog, seen))


def check_organisation_names(org: pd.DataFrame, source: str, problems: list[Problem]) -> None:
    """Warn about one organisation name under two ids whose active spans overlap.

    Both ids count in the IKU-2 penyebut of every period in the overlap, so
    an organisation registered twice by mistake is counted twice. A name
    taken up again after the first organisation became nonaktif is a new
    registration and passes. Names are compared ignoring case and spacing.
    """
    named = org.dropna(subset=["nama", "id_organisasi", "tanggal_terdaftar"])
    folded = named["nama"].map(fold)
    repeated = folded.duplicated(keep=False)
    for _, group in named[repeated].groupby(folded[repeated], sort=False):
        rows = group.sort_values(["tanggal_terdaftar", "baris"]).to_dict("records")
        for earlier, later in itertools.pairwise(rows):
            ended = earlier["tanggal_nonaktif"]
            if earlier["id_organisasi"] == later["id_organisasi"]:
                continue
            if not pd.isna(ended) and ended <= later["tanggal_terdaftar"]:
                continue
            problems.append(Problem(
                "nama-organisasi-ganda", source,
                f"Organisasi {later['nama']!r} terdaftar dengan dua id: "
                f"{earlier['id_organisasi']} (baris {earlier['baris']}) dan "
                f"{later['id_organisasi']} (baris {later['baris']}), dan keduanya aktif pada "
                "waktu yang sama, sehingga dihitung dua kali dalam penyebut indikator yang "
                "menghitung organisasi. Bila keduanya organisasi yang sama, hapus salah satu dan "
                "pakai satu id di tabel partisipasi; bila yang lama sudah bubar, isi "
                "tanggal_nonaktif-nya.",
                row=int(later["baris"]), column="nama", value=later["nama"],
                expected="satu id per organisasi", severity=WARNING,
                ids=(earlier["id_organisasi"], later["id_organisasi"])))


def parse_partisipasi(rows: Rows, katalog: Katalog) -> None:
    for row, cells in rows.table.rows:
        rows.records.append(_participation_row(rows, row, cells))


def _participation_row(rows: Rows, row: int, cells: dict) -> dict:
    return {
        "baris": row,
        "id_organisasi": rows.ident(row, cells, "id_organisasi"),
        "tanggal": rows.date(row, cells, "tanggal"),
        "kegiatan": rows.text(row, cells, "kegiatan"),
    }


def parse_partisipasi_columns(rows: Rows, katalog: Katalog) -> dict[str, np.ndarray]:
    """Parse a partisipasi table read as columns; other rows go through _participation_row."""
    cells = rows.table.text_cells
    parsed = [
        columns.identifiers(cells["id_organisasi"]),
        columns.dates(cells["tanggal"]),
        columns.texts(cells["kegiatan"]),
    ]
    values = dict(zip(("id_organisasi", "tanggal", "kegiatan"),
                      (result.values for result in parsed), strict=True))
    clean = np.logical_and.reduce([result.clean for result in parsed])
    return columns.merge_unclean_rows(
        rows, values, clean, lambda row, row_cells: _participation_row(rows, row, row_cells))


def check_participation(org: pd.DataFrame, part: pd.DataFrame, source: str,
                        problems: list[Problem]) -> None:
    """Flag events of unknown organisations and events outside an organisation's active span.

    An id used by several organisation rows takes the dates of its last row.
    """
    ids = org["id_organisasi"]
    spans = org[ids.notna()].drop_duplicates("id_organisasi", keep="last")
    spans = spans.set_index("id_organisasi")
    events = part[part["id_organisasi"].notna()]
    ident = events["id_organisasi"]
    day = events["tanggal"]
    # Arrow's hash lookup took about a fifth of the time of Index.get_indexer
    # on 250,000 arrow-backed ids (pyarrow 26, pandas 3.1). An unknown id gets
    # -1, as get_indexer gives it.
    span = pc.index_in(pa.array(ident, type=pa.string()),
                       value_set=pa.array(spans.index, type=pa.string()))
    span = span.fill_null(-1).to_numpy()
    unknown = pd.Series(span < 0, index=events.index)
    terdaftar = _span_dates(spans["tanggal_terdaftar"], span, events.index)
    nonaktif = _span_dates(spans["tanggal_nonaktif"], span, events.index)

    dated = day.notna() & terdaftar.notna()
    before = dated & (day < terdaftar)
    after = dated & ~before & nonaktif.notna() & (day >= nonaktif)
    flagged = np.flatnonzero((unknown | before | after).to_numpy())
    # A 'did you mean' names only an id written the same way apart from slips
    # (ORG-01, 0RG-001, ORG_001 for ORG-001): in a numbered series a close
    # spelling such as ORG-059 for ORG-999 is another organisation. A slip that
    # cannot be seen, such as a Cyrillic О, is named next to the suggestion.
    known_ids = {_id_form(i): i for i in reversed(ids.dropna().unique())} if unknown.any() else {}
    for position in flagged:
        event_id, event_day = ident.iloc[position], day.iloc[position]
        row = int(events["baris"].iloc[position])
        if unknown.iloc[position]:
            hint = known_ids.get(_id_form(event_id))
            problems.append(Problem(
                "organisasi-tidak-dikenal", source,
                f"id_organisasi {event_id} tidak ada di tabel organisasi."
                + (f" Maksudnya {hint}?{unseen_difference(event_id, hint)}" if hint else ""),
                row=row, column="id_organisasi", value=event_id,
                expected="id_organisasi yang terdaftar di tabel organisasi", ids=(event_id,)))
        elif before.iloc[position]:
            # The message and the expected value name dates as the reports do
            # (5 April 2024); the value stays the date as written in the register.
            start = tanggal(terdaftar.iloc[position].date())
            problems.append(Problem(
                "partisipasi-sebelum-terdaftar", source,
                f"Kegiatan {event_id} bertanggal sebelum organisasi terdaftar "
                f"({start}), jadi tidak dihitung.",
                row=row, column="tanggal", value=event_day.date().isoformat(),
                expected=f"pada atau sesudah {start}",
                severity=WARNING, ids=(event_id,)))
        else:
            stop = tanggal(nonaktif.iloc[position].date())
            problems.append(Problem(
                "partisipasi-sesudah-nonaktif", source,
                f"Kegiatan {event_id} bertanggal pada atau sesudah organisasi nonaktif "
                f"({stop}), jadi tidak dihitung.",
                row=row, column="tanggal", value=event_day.date().isoformat(),
                expected=f"sebelum {stop}",
                severity=WARNING, ids=(event_id,)))


def _span_dates(dates: pd.Series, span: np.ndarray, index: pd.Index) -> pd.Series:
    """Return the date of each event's organisation; NaT for an unknown one (span -1)."""
    with_missing = np.append(dates.to_numpy(), np.datetime64("NaT"))
    return pd.Series(with_missing[span], index=index)


def _id_form(ident: str) -> str:
    """Return an id in upper case without separators, O read as 0, and no leading zeros.

    Fullwidth letters and digits count as the ASCII ones (NFKC), and any other
    character outside A-Z and 0-9 is dropped.
    """
    plain = unicodedata.normalize("NFKC", str(ident)).upper()
    compact = re.sub(r"[^A-Z0-9]", "", plain).replace("O", "0")
    return "".join(run.lstrip("0") or "0" if run.isdigit() else run
                   for run in re.findall(r"[0-9]+|[^0-9]+", compact))
