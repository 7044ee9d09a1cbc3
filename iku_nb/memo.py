"""Results computed once per checked table and shared by the check and count stages.

Checked tables are never modified after the check stage, which is what makes
reusing a result safe.

NOTE: ``load`` returns shallow copies of the checked tables, which a caller
may change, so the count stage computes these results once more for each
copy (about 0.1 s for 1M reports). Sharing them would need a way to tell
that a copy is still unchanged.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Results computed from checked tables, keyed by the tables' id() and a name.
# Weak references drop the entry when any of the tables is freed, so a new
# table that reuses an id never gets a stale result.
_MEMO: dict[tuple, tuple[tuple[weakref.ref, ...], object]] = {}


def memoised(frames: pd.DataFrame | tuple[pd.DataFrame, ...], key: object,
              compute: Callable[[], object]):
    """Return ``compute()``, computed once per table (or tuple of tables) and key."""
    frames = frames if isinstance(frames, tuple) else (frames,)
    memo_key = (*(id(frame) for frame in frames), key)
    entry = _MEMO.get(memo_key)
    if entry is not None and all(ref() is frame for ref, frame in zip(entry[0], frames,
                                                                      strict=True)):
        return entry[1]
    result = compute()
    # The callback keeps its own reference to the memo, because at interpreter
    # exit the module global may already be None when the last tables are freed.
    refs = tuple(weakref.ref(frame, lambda _ref, memo=_MEMO: memo.pop(memo_key, None))
                 for frame in frames)
    _MEMO[memo_key] = (refs, result)
    return result


def case_numbers(konflik: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the reports that name a case and each report's case number.

    A report's case number is the position of its ``id_konflik`` in the
    sorted distinct ids, so case 0 has the smallest id.
    """
    def compute() -> tuple[pd.DataFrame, np.ndarray]:
        named = konflik["id_konflik"].notna().to_numpy()
        # Filtering copies every column, which a register without empty ids skips.
        reports = konflik if named.all() else konflik[named]
        ids = pa.array(reports["id_konflik"], type=pa.string())
        # Arrow's dense rank (1 for the smallest id) numbers the cases in one
        # sort, in the order of Python's string sort because UTF-8 bytes sort as
        # code points. On 1M ids it took about a third of the time of hashing
        # the Python strings and sorting the distinct ones.
        codes = pc.rank(ids, sort_keys="ascending", tiebreaker="dense").to_numpy() - 1
        # The memo must not refer to the table it is keyed by, or the table
        # would never be freed and its entry never dropped.
        return (None if reports is konflik else reports), codes.astype(np.int64)

    reports, codes = memoised(konflik, "case-codes", compute)
    return (konflik if reports is None else reports), codes


def first_reports(konflik: pd.DataFrame) -> np.ndarray:
    """Return, for each case number, the position of its first report among the reports."""
    def compute() -> np.ndarray:
        _, codes = case_numbers(konflik)
        first = np.full(int(codes.max()) + 1 if len(codes) else 0, len(codes))
        np.minimum.at(first, codes, np.arange(len(codes)))
        return first

    return memoised(konflik, "first-reports", compute)


def case_ids(konflik: pd.DataFrame) -> np.ndarray:
    """Return the id of each case number, sorted, as Python strings."""
    def compute() -> np.ndarray:
        reports, _ = case_numbers(konflik)
        ids = reports["id_konflik"].iloc[first_reports(konflik)]
        return ids.to_numpy(dtype=object)

    return memoised(konflik, "case-ids", compute)
