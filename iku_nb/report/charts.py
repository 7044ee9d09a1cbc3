"""Seaborn charts of the report, rendered to PNG so the HTML and PDF embed them.

Every chart has a fixed size and resolution and no timestamp in its PNG
metadata, so the same figures give the same bytes on every run. Colours come
from seaborn's colour-blind-safe ``colorblind`` palette.
"""

from __future__ import annotations

import base64
import io
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter, MaxNLocator

from iku_nb.formatting import angka, bilangan
from iku_nb.registry import printed
from iku_nb.values import Nilai

PALETTE = sns.color_palette("colorblind")
REALISASI_COLOUR = PALETTE[0]  # blue
TARGET_COLOUR = PALETTE[3]  # vermillion
SELESAI_COLOUR = PALETTE[2]  # green
BELUM_COLOUR = PALETTE[1]  # orange
SIZE = (7.0, 3.4)
DPI = 110


def trend_frame(history: list[Nilai]) -> pd.DataFrame:
    """Return one row per period: label, realisasi and target as floats (None when empty).

    ``kosong`` gives the reason a realisasi is empty, so the chart can tell it from 0%.
    """
    return pd.DataFrame({
        "periode": [n.periode.short_label for n in history],
        "realisasi": [None if n.realisasi is None else float(n.rounded("realisasi"))
                      for n in history],
        "target": [None if n.target is None else float(n.target) for n in history],
        "teks": [printed(n)["realisasi"] for n in history],
        "kosong": [empty_reason(n) for n in history],
        # A quarter without a quarterly target is compared with the year's target.
        "target_tahunan": [n.periode.triwulan is not None and n.target_asal == "tahunan"
                           for n in history],
    })


def empty_reason(n: Nilai) -> str | None:
    """Return the label of an empty realisasi bar: no data, or penyebut 0; None when drawn."""
    if n.realisasi is not None:
        return None
    return "tidak ada data" if n.counts is None else "tidak dapat\ndihitung\n(penyebut 0)"


def trend_chart(history: list[Nilai], title: str = "Realisasi dan target per tahun") -> bytes:
    """Draw realisasi (bars) against target (line) over the years; return PNG bytes."""
    return _png(trend_figure(history, title))


def trend_figure(history: list[Nilai], title: str = "Realisasi dan target per tahun"):
    """Draw the trend chart and return its matplotlib figure, which the caller closes."""
    frame = trend_frame(history)
    figure, axes = _figure()
    sns.barplot(data=frame, x="periode", y="realisasi", color=REALISASI_COLOUR,
                ax=axes, label="Realisasi")
    if frame["target"].notna().any():
        _plot_targets(axes, frame)
        # The bars fill the width, as on seaborn's categorical axes.
        axes.set_xlim(-0.5, len(frame) - 0.5)

    top = max(105.0, _top(frame) * 1.12)
    axes.set_ylim(0, top)
    _label_bars(axes, frame, top)
    axes.yaxis.set_major_formatter(FuncFormatter(_percent_tick))
    axes.set_xlabel("Periode")
    axes.set_ylabel("Realisasi dan target (%)")
    axes.set_title(title, fontsize=10, pad=22)
    # One row of legend entries between the title and the plot.
    entries = len(axes.get_legend_handles_labels()[0])
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=entries, frameon=False,
                fontsize=8)
    return figure


def target_runs(frame: pd.DataFrame) -> list[tuple[bool, list[int]]]:
    """Split the periods with a target into runs of neighbours with the same kind of target.

    Returns ``(yearly, positions)`` for each run, where ``yearly`` is true for
    the yearly targets that stand in for a missing quarterly one. A line
    joins the targets of one run only, because a quarterly target and a
    year's target measure different spans and a line between them would show
    a change that did not happen.
    """
    runs: list[tuple[bool, list[int]]] = []
    previous = None
    for position, row in enumerate(frame.itertuples()):
        if row.target is None or pd.isna(row.target):
            previous = None
            continue
        kind = bool(row.target_tahunan)
        if previous is not None and previous == kind:
            runs[-1][1].append(position)
        else:
            runs.append((kind, [position]))
        previous = kind
    return runs


def _plot_targets(axes, frame: pd.DataFrame) -> None:
    """Draw the targets as dashed lines with diamonds, hollow for yearly targets of quarters.

    The lines are plain matplotlib lines on the bars' positions (0, 1, 2, ...).
    seaborn's pointplot reads Line2D.properties(), and matplotlib 3.11 then
    keeps the line, with its whole figure, in a cache for as long as the
    kernel lives: about 10,000 objects per report, which made every later
    garbage collection in the kernel slower.
    """
    runs = target_runs(frame)
    mixed = len({yearly for yearly, _ in runs}) > 1
    labelled = set()
    for yearly, positions in runs:
        if yearly:
            label = "Target tahunan (tanpa target triwulan)"
            style = {"markerfacecolor": "white", "markeredgewidth": 2}
        else:
            label = "Target triwulan" if mixed else "Target"
            style = {}
        axes.plot(positions, frame.loc[positions, "target"], color=TARGET_COLOUR, marker="D",
                  markersize=8, linewidth=2.5, linestyle="--",
                  label=None if label in labelled else label, **style)
        labelled.add(label)


def status_chart(rows: list[dict], title: str) -> bytes | None:
    """Draw cases per jenis as stacked bars of resolved and unresolved; None without cases."""
    if not any(r["jumlah"] for r in rows):
        return None
    labels = [str(r["nilai"]) for r in rows]
    done = [r["selesai"] for r in rows]
    open_ = [r["belum"] for r in rows]
    figure, axes = _figure()
    axes.bar(labels, done, color=SELESAI_COLOUR, label="Selesai")
    axes.bar(labels, open_, bottom=done, color=BELUM_COLOUR, label="Belum selesai")
    _count_axis(axes, "Jumlah kasus")
    axes.set_xlabel("Jenis konflik")
    axes.set_title(title, fontsize=10, pad=22)
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False,
                fontsize=8)
    return _png(figure)


def count_chart(rows: list[dict], title: str, xlabel: str) -> bytes | None:
    """Draw the number of cases per value (e.g. per kecamatan); None without cases."""
    if not any(r["jumlah"] for r in rows):
        return None
    return _png(count_figure(rows, title, xlabel))


def count_figure(rows: list[dict], title: str, xlabel: str):
    """Draw the count chart and return its matplotlib figure, which the caller closes."""
    frame = pd.DataFrame({"nilai": [str(r["nilai"]) for r in rows],
                          "jumlah": [r["jumlah"] for r in rows]})
    figure, axes = _figure()
    sns.barplot(data=frame, x="nilai", y="jumlah", color=REALISASI_COLOUR, ax=axes)
    for patch, value in zip(axes.patches, frame["jumlah"], strict=False):
        axes.annotate(bilangan(int(value)), (patch.get_x() + patch.get_width() / 2,
                                             patch.get_height()),
                      ha="center", va="bottom", fontsize=8)
    # The axis ends 15% above the highest bar, which leaves room for its label.
    axes.set_ylim(0, max(1.0, float(frame["jumlah"].max()) * 1.15))
    _count_axis(axes, "Jumlah kasus")
    axes.set_xlabel(xlabel)
    axes.set_title(title, fontsize=10)
    return figure


def rate_chart(rows: list[dict], title: str) -> bytes | None:
    """Draw the participation rate per jenis organisasi; None without active organisations."""
    rows = [r for r in rows if r["persen"] is not None]
    if not rows:
        return None
    frame = pd.DataFrame({"jenis": [r["jenis"] for r in rows],
                          "persen": [float(r["persen"]) for r in rows]})
    figure, axes = _figure()
    sns.barplot(data=frame, x="jenis", y="persen", hue="jenis", palette=PALETTE[:len(rows)],
                legend=False, ax=axes)
    for patch, row in zip(axes.patches, rows, strict=False):
        axes.annotate(row["teks"]["persen"], (patch.get_x() + patch.get_width() / 2,
                                              patch.get_height()),
                      ha="center", va="bottom", fontsize=8)
    axes.set_ylim(0, 110)
    axes.yaxis.set_major_formatter(FuncFormatter(_percent_tick))
    axes.set_xlabel("Jenis organisasi")
    axes.set_ylabel("Organisasi berpartisipasi (%)")
    axes.set_title(title, fontsize=10)
    return _png(figure)


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _figure():
    sns.set_theme(style="whitegrid", font="DejaVu Sans")
    return plt.subplots(figsize=SIZE, dpi=DPI)


def _png(figure) -> bytes:
    figure.tight_layout()
    buffer = io.BytesIO()
    # No "Software" entry: the PNG then carries nothing that changes between runs.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _count_axis(axes, label: str) -> None:
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: bilangan(round(y))))
    axes.set_ylabel(label)


def _percent_tick(value: float, _position) -> str:
    return angka(_decimal(value), 0) + "%"


def _label_bars(axes, frame: pd.DataFrame, top: float) -> None:
    """Write each printed realisasi on its bar, and why a bar is missing in its place.

    The label sits at mid-height inside the bar, away from the target line
    near its top. A short bar gets its label above it instead. Seaborn draws
    the bars of a categorical axis at x = 0, 1, 2, ..., one per row, so a
    label goes to its row's position even where a bar is missing.
    """
    for position, row in enumerate(frame.itertuples()):
        value = row.realisasi
        if value is None or pd.isna(value):
            axes.annotate(row.kosong or "", (position, 0.02 * top), ha="center", va="bottom",
                          fontsize=7, color="#52606d", fontstyle="italic")
            continue
        inside = value >= 0.12 * top
        axes.annotate(row.teks, (position, value / 2 if inside else value + 0.02 * top),
                      ha="center", va="center" if inside else "bottom", fontsize=8,
                      color="white" if inside else "#1b1b1b", fontweight="bold")


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _top(frame: pd.DataFrame) -> float:
    values = pd.concat([frame["realisasi"], frame["target"]]).dropna()
    return float(values.max()) if not values.empty else 100.0
