"""The ``laporan`` command (minimal single-report form; the batch form replaces it)."""

from __future__ import annotations

import argparse
from pathlib import Path

from iku_nb.params import parse_parameters
from iku_nb.run import ReportSpec, run_report


def add_report_command(commands, data_options) -> None:
    report = commands.add_parser("laporan", help="susun laporan dengan papermill")
    data_options(report)
    report.add_argument("--tahun", required=True)
    report.add_argument("--triwulan")
    report.add_argument("--bidang")
    report.add_argument("--format", default="html")
    report.add_argument("--output", type=Path, default=Path("output"))
    report.set_defaults(handler=_laporan)


def _laporan(args: argparse.Namespace) -> int:
    from iku_nb.catalogue import find_catalogue, load_catalogue

    katalog = load_catalogue(find_catalogue(args.data, args.katalog))
    params = parse_parameters({"tahun": args.tahun, "triwulan": args.triwulan,
                               "bidang": args.bidang, "data": str(args.data.resolve()),
                               "katalog": args.katalog}, katalog)
    files = run_report(ReportSpec(params, tuple(args.format.split(","))), args.output)
    for kind, path in files.items():
        print(f"{kind}: {path}")
    return 0
