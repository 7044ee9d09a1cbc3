"""Report pieces that the notebooks display: tables, charts and narrative."""

from iku_nb.report.laporan import Laporan, report_title, show_errors_briefly

__all__ = ["Laporan", "report_title", "show_errors_briefly"]
