"""Seaborn charts of the report, rendered to PNG so the HTML and PDF embed them."""

from __future__ import annotations

import base64
import io
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter

from iku_nb.formatting import angka
from iku_nb.values import Nilai

REALISASI_COLOUR = "#1f5f8b"
TARGET_COLOUR = "#c0392b"


def trend_frame(history: list[Nilai]) -> pd.DataFrame:
    """Return one row per period: label, realisasi and target as floats (None when empty)."""
    return pd.DataFrame({
        "periode": [str(n.periode.tahun) if n.periode.triwulan is None
                    else n.periode.label.replace("Triwulan ", "TW ").replace(" Tahun", "")
                    for n in history],
        "realisasi": [None if n.realisasi is None else float(n.rounded("realisasi"))
                      for n in history],
        "target": [None if n.target is None else float(n.target) for n in history],
    })


def trend_chart(history: list[Nilai]) -> bytes:
    """Draw realisasi (bars) against target (line) over the years; return PNG bytes."""
    frame = trend_frame(history)
    sns.set_theme(style="whitegrid", font="DejaVu Sans")
    figure, axes = plt.subplots(figsize=(7.0, 3.4), dpi=110)
    sns.barplot(data=frame, x="periode", y="realisasi", color=REALISASI_COLOUR,
                ax=axes, label="Realisasi")
    if frame["target"].notna().any():
        sns.pointplot(data=frame, x="periode", y="target", color=TARGET_COLOUR,
                      markers="D", linestyles="--", ax=axes, label="Target")

    top = max(105.0, _top(frame) * 1.12)
    axes.set_ylim(0, top)
    _label_bars(axes, frame["realisasi"], top)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: angka(_decimal(y), 0) + "%"))
    axes.set_xlabel("")
    axes.set_ylabel("Persen")
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    figure.tight_layout()

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _label_bars(axes, values: pd.Series, top: float) -> None:
    """Write each printed realisasi on its bar.

    The label sits at mid-height inside the bar, away from the target line
    near its top. A short bar gets its label above it instead.
    """
    for patch, value in zip(axes.patches, values, strict=False):
        if value is None or pd.isna(value):
            continue
        height = patch.get_height()
        inside = height >= 0.12 * top
        axes.annotate(angka(_decimal(value)),
                      (patch.get_x() + patch.get_width() / 2,
                       height / 2 if inside else height + 0.02 * top),
                      ha="center", va="center" if inside else "bottom", fontsize=8,
                      color="white" if inside else "#1b1b1b", fontweight="bold")


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _top(frame: pd.DataFrame) -> float:
    values = pd.concat([frame["realisasi"], frame["target"]]).dropna()
    return float(values.max()) if not values.empty else 100.0


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
