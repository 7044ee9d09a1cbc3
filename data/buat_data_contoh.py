"""Write the sample monitoring data of Bakesbangpol Kota Mojokerto for 2021-2025.

Writes konflik.csv, organisasi.csv, partisipasi.csv, target.csv, rekap.csv
and anggaran.csv next to this script. Incidents, organisations other than the political parties,
participation events and figures are invented and name no real persons. The
kecamatan, kelurahan and party names are real. The office kept registers
only from 2023 on, so konflik and partisipasi rows fall in 2023-2025 and rekap
contains the yearly counts for 2021 and 2022.

The generator uses only the standard library and a fixed seed, so every run
writes byte-identical files:

    python data/buat_data_contoh.py
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SEED = 20251231
DATA_DIR = Path(__file__).resolve().parent

REGISTER_YEARS = (2023, 2024, 2025)
REKAP_YEARS = (2021, 2022)
REGISTER_END = dt.date(2025, 12, 31)

WILAYAH: dict[str, list[str]] = {
    "Magersari": [
        "Balongsari",
        "Gedongan",
        "Gunung Gedangan",
        "Kedundung",
        "Magersari",
        "Wates",
    ],
    "Prajurit Kulon": [
        "Blooto",
        "Kauman",
        "Mentikan",
        "Prajurit Kulon",
        "Pulorejo",
        "Surodinawan",
    ],
    "Kranggan": ["Jagalan", "Kranggan", "Meri", "Miji", "Purwotengah", "Sentanan"],
}

# --- konflik ---------------------------------------------------------------

SOURCE_BASE_WEIGHTS: dict[str, float] = {
    "Polres": 4,
    "Kodim": 2,
    "FKDM": 2,
    "Bidang Hanbang & Wasnas": 3,
    "Bidang Iwasbang": 1,
    "FKUB": 0.5,
    "FPK": 0.5,
}

# Extra source weights by jenis or sara. FKUB reports most religious cases, FPK
# most ethnic and group cases and Bidang Iwasbang most ideological ones.
SOURCE_EXTRA_WEIGHTS: dict[str, dict[str, float]] = {
    "ideologi": {"Bidang Iwasbang": 4, "FKDM": 1},
    "budaya": {"FPK": 1},
    "agama": {"FKUB": 5},
    "suku": {"FPK": 5},
    "ras": {"FPK": 5},
    "antargolongan": {"FPK": 4},
}

SUMMARIES: dict[str, list[str]] = {
    "ideologi": [
        "Ditemukan coretan bernada anti-Pancasila di tembok fasilitas umum.",
        "Beredar selebaran yang mengajak warga menolak upacara bendera.",
        "Akun media sosial lokal menyebarkan ajakan mengganti dasar negara.",
        "Kelompok kajian tanpa izin menolak pemasangan bendera Merah Putih.",
    ],
    "politik": [
        "Pendukung dua calon bersitegang soal pemasangan alat peraga kampanye.",
        "Warga memprotes hasil pemilihan ketua RW dan menduduki balai RW.",
        "Perusakan baliho salah satu partai memicu adu mulut antarpendukung.",
        "Kampanye di permukiman melewati batas waktu dan diprotes warga.",
    ],
    "ekonomi": [
        "Juru parkir dan pemilik toko berselisih soal penggunaan lahan parkir.",
        "Pedagang pasar menolak rencana penataan lapak.",
        "Pekerja usaha konveksi berunjuk rasa menuntut upah yang tertunda.",
        "Dua keluarga bersengketa tentang batas tanah warisan.",
        "Warga menolak kenaikan iuran pengelolaan sampah lingkungan.",
    ],
    "sosial": [
        "Dua kelompok pemuda berkelahi seusai pertandingan sepak bola antarkampung.",
        "Warga menolak pembangunan menara telekomunikasi di dekat permukiman.",
        "Warga memprotes bau limbah usaha pembuatan tahu.",
        "Konvoi sepeda motor larut malam memicu keributan dengan warga.",
        "Warga berselisih soal penutupan jalan kampung untuk hajatan.",
    ],
    "budaya": [
        "Pertunjukan jaranan hingga larut malam memicu perselisihan warga.",
        "Panitia sedekah bumi dan warga berselisih soal pembagian biaya.",
        "Penggunaan balai RW untuk latihan kesenian diprotes sebagian warga.",
        "Warga menolak pembongkaran gapura kampung yang dianggap bersejarah.",
    ],
    "agama": [
        "Sebagian warga menolak rencana renovasi rumah ibadah.",
        "Volume pengeras suara rumah ibadah memicu perselisihan antarwarga.",
        "Unggahan media sosial yang menghina agama memicu protes warga.",
        "Warga mempersoalkan izin kegiatan ibadah di rumah tinggal.",
    ],
    "antargolongan": [
        "Anggota dua perguruan silat bentrok saat konvoi pengesahan warga baru.",
        "Ejekan antarkelompok suporter sepak bola berujung keributan.",
        "Dua organisasi kepemudaan berselisih soal pemasangan atribut.",
    ],
    "suku": [
        "Warga pendatang dan warga setempat berselisih soal aturan rumah kos.",
    ],
    "ras": [
        "Ucapan bernada rasial di media sosial memicu protes sekelompok warga.",
    ],
}

STATUS_NOTES: dict[str, list[str]] = {
    "selesai": [
        "Para pihak sepakat berdamai setelah mediasi di kantor kelurahan.",
        "Diselesaikan melalui musyawarah bersama tokoh masyarakat.",
        "Pihak yang berselisih menandatangani surat pernyataan damai.",
        "Diselesaikan melalui mediasi oleh Forkopimcam.",
        "Masalah selesai setelah pertemuan dengan perangkat daerah terkait.",
    ],
    "proses": [
        "Mediasi masih berjalan.",
        "Masih dalam pemantauan petugas.",
        "Para pihak dijadwalkan bertemu kembali.",
        "Menunggu tindak lanjut perangkat daerah terkait.",
    ],
    "belum": [
        "Belum ada penanganan.",
        "Laporan diterima, penanganan belum dimulai.",
    ],
}

NON_SARA_JENIS_WEIGHTS: dict[str, float] = {
    "ideologi": 1,
    "politik": 2,
    "ekonomi": 3,
    "sosial": 4,
    "budaya": 2,
}
# Pemilu 2024 campaigning ran through 2023-2024 and the Pilkada was in
# November 2024, so political cases are more frequent in those years.
ELECTION_YEARS = (2023, 2024)
SARA_WEIGHTS: dict[str, float] = {
    "agama": 4,
    "antargolongan": 4,
    "suku": 1.2,
    "ras": 0.8,
}
SARA_JENIS_WEIGHTS: dict[str, float] = {"sosial": 6, "budaya": 3, "politik": 1}


@dataclass
class Report:
    """One source's report on a case: one row of konflik.csv."""

    source: str
    status: str
    resolved_on: dt.date | None
    note: str


@dataclass
class Case:
    """One incident, reported by one to three sources."""

    occurred_on: dt.date
    jenis: str
    sara: str
    kecamatan: str
    kelurahan: str
    summary: str
    reports: list[Report]
    case_id: str = ""


def weighted_choice(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def weighted_sample(
    rng: random.Random, weights: dict[str, float], count: int
) -> list[str]:
    """Draw `count` distinct keys, each draw weighted by the remaining weights."""
    remaining = dict(weights)
    drawn: list[str] = []
    for _ in range(count):
        key = weighted_choice(rng, remaining)
        drawn.append(key)
        del remaining[key]
    return drawn


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """Return a uniformly drawn date in [start, end]."""
    return dt.date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    if quarter == 4:
        return start, dt.date(year, 12, 31)
    return start, dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)


def draw_resolution_date(rng: random.Random, occurred_on: dt.date) -> dt.date | None:
    """Draw when a random case is resolved, or None if it is still open.

    Most cases end within two weeks, some within two months and a few take up
    to five months. A date after the end of the register counts as still open.
    """
    draw = rng.random()
    if draw < 0.05:
        return None
    if draw < 0.70:
        days = rng.randint(0, 14)
    elif draw < 0.92:
        days = rng.randint(15, 60)
    else:
        days = rng.randint(61, 150)
    resolved_on = occurred_on + dt.timedelta(days=days)
    return resolved_on if resolved_on <= REGISTER_END else None


def build_reports(
    rng: random.Random, sources: list[str], resolved_on: dt.date | None
) -> list[Report]:
    """Build one report per source, consistent with the case's resolution date.

    For a resolved case one report carries the resolution date itself. Each
    other report either has status proses (sent before the resolution, or
    never updated) or selesai with a date up to ten days later.
    """
    reports: list[Report] = []
    if resolved_on is None:
        for source in sources:
            status = rng.choice(["proses", "proses", "belum"])
            reports.append(
                Report(source, status, None, rng.choice(STATUS_NOTES[status]))
            )
        return reports

    closing_index = rng.randrange(len(sources))
    for index, source in enumerate(sources):
        if index != closing_index and rng.random() < 0.5:
            reports.append(
                Report(source, "proses", None, rng.choice(STATUS_NOTES["proses"]))
            )
            continue
        report_date = resolved_on
        if index != closing_index:
            report_date = min(
                resolved_on + dt.timedelta(days=rng.randint(1, 10)), REGISTER_END
            )
        note = rng.choice(STATUS_NOTES["selesai"])
        reports.append(Report(source, "selesai", report_date, note))
    return reports


def draw_sources(rng: random.Random, jenis: str, sara: str) -> list[str]:
    weights = dict(SOURCE_BASE_WEIGHTS)
    for key in (jenis, sara):
        for source, extra in SOURCE_EXTRA_WEIGHTS.get(key, {}).items():
            weights[source] += extra
    count = rng.choices([1, 2, 3], weights=[45, 35, 20])[0]
    return weighted_sample(rng, weights, count)


def build_random_case(rng: random.Random, occurred_on: dt.date, is_sara: bool) -> Case:
    if is_sara:
        sara = weighted_choice(rng, SARA_WEIGHTS)
        jenis = weighted_choice(rng, SARA_JENIS_WEIGHTS)
        summary = rng.choice(SUMMARIES[sara])
    else:
        sara = ""
        weights = dict(NON_SARA_JENIS_WEIGHTS)
        if occurred_on.year in ELECTION_YEARS:
            weights["politik"] = 4
        jenis = weighted_choice(rng, weights)
        summary = rng.choice(SUMMARIES[jenis])
    kecamatan = rng.choice(list(WILAYAH))
    kelurahan = rng.choice(WILAYAH[kecamatan])
    sources = draw_sources(rng, jenis, sara)
    resolved_on = draw_resolution_date(rng, occurred_on)
    reports = build_reports(rng, sources, resolved_on)
    return Case(occurred_on, jenis, sara, kecamatan, kelurahan, summary, reports)


def build_random_cases(
    rng: random.Random, year: int, count: int, sara_count: int
) -> list[Case]:
    """Build `count` random cases spread evenly over the four triwulan."""
    quarters = [index % 4 + 1 for index in range(count)]
    dates = sorted(random_date(rng, *quarter_bounds(year, q)) for q in quarters)
    sara_indexes = set(rng.sample(range(count), sara_count))
    return [
        build_random_case(rng, occurred_on, index in sara_indexes)
        for index, occurred_on in enumerate(dates)
    ]


def iso_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def scripted_cases() -> list[Case]:
    """Return hand-written cases that cover the boundary rules of IKU-1 and IKU-3."""
    selesai = STATUS_NOTES["selesai"]
    proses = STATUS_NOTES["proses"]
    belum = STATUS_NOTES["belum"]
    return [
        # Happened in December 2023 and resolved in January 2024, so it counts
        # as not resolved in 2023.
        Case(
            iso_date("2023-12-18"),
            "sosial",
            "agama",
            "Kranggan",
            "Miji",
            SUMMARIES["agama"][1],
            [
                Report("FKUB", "proses", None, proses[0]),
                Report(
                    "Bidang Hanbang & Wasnas",
                    "selesai",
                    iso_date("2024-01-09"),
                    selesai[1],
                ),
            ],
        ),
        # Happened in December 2024 and resolved in January 2025.
        Case(
            iso_date("2024-12-21"),
            "ekonomi",
            "",
            "Prajurit Kulon",
            "Pulorejo",
            SUMMARIES["ekonomi"][1],
            [
                Report("Polres", "proses", None, proses[1]),
                Report(
                    "Bidang Hanbang & Wasnas",
                    "selesai",
                    iso_date("2025-01-14"),
                    selesai[4],
                ),
            ],
        ),
        # A land dispute from 2024 that is still open at the end of 2025.
        Case(
            iso_date("2024-08-07"),
            "ekonomi",
            "",
            "Magersari",
            "Gunung Gedangan",
            SUMMARIES["ekonomi"][3],
            [
                Report("Bidang Hanbang & Wasnas", "proses", None, proses[2]),
                Report("FKDM", "belum", None, belum[1]),
            ],
        ),
        # Happened on the last day of triwulan 1 and resolved in triwulan 2.
        Case(
            iso_date("2025-03-31"),
            "sosial",
            "antargolongan",
            "Magersari",
            "Wates",
            SUMMARIES["antargolongan"][0],
            [
                Report("Polres", "selesai", iso_date("2025-04-02"), selesai[3]),
                Report("FPK", "selesai", iso_date("2025-04-05"), selesai[0]),
            ],
        ),
        # Two sources give different resolution dates. The earlier one, still
        # in triwulan 1, counts.
        Case(
            iso_date("2025-03-20"),
            "sosial",
            "",
            "Kranggan",
            "Sentanan",
            SUMMARIES["sosial"][3],
            [
                Report("Kodim", "selesai", iso_date("2025-04-03"), selesai[1]),
                Report("Polres", "selesai", iso_date("2025-03-28"), selesai[2]),
            ],
        ),
        # Resolved on the last day of triwulan 2. A later FPK report that was
        # never updated still has status proses.
        Case(
            iso_date("2025-06-18"),
            "budaya",
            "",
            "Prajurit Kulon",
            "Kauman",
            SUMMARIES["budaya"][0],
            [
                Report(
                    "Bidang Hanbang & Wasnas",
                    "selesai",
                    iso_date("2025-06-30"),
                    selesai[0],
                ),
                Report("FPK", "proses", None, proses[3]),
            ],
        ),
        # Still open at the end of 2025.
        Case(
            iso_date("2025-11-24"),
            "sosial",
            "",
            "Prajurit Kulon",
            "Mentikan",
            SUMMARIES["sosial"][1],
            [
                Report("FKDM", "belum", None, belum[0]),
                Report("Polres", "proses", None, proses[0]),
            ],
        ),
        Case(
            iso_date("2025-12-15"),
            "budaya",
            "agama",
            "Magersari",
            "Kedundung",
            SUMMARIES["agama"][0],
            [Report("FKUB", "proses", None, proses[2])],
        ),
    ]


def build_cases(rng: random.Random) -> list[Case]:
    """Build all cases of 2023-2025 and number them K-<tahun>-<nnn> by date."""
    scripted = scripted_cases()
    cases: list[Case] = []
    for year in REGISTER_YEARS:
        year_scripted = [case for case in scripted if case.occurred_on.year == year]
        scripted_sara = sum(1 for case in year_scripted if case.sara)
        random_count = rng.randint(13, 20)
        total = random_count + len(year_scripted)
        sara_total = round(total * rng.uniform(0.16, 0.22))
        sara_count = max(1, sara_total - scripted_sara)
        year_cases = build_random_cases(rng, year, random_count, sara_count)
        year_cases += year_scripted
        year_cases.sort(key=lambda case: (case.occurred_on, case.kelurahan))
        for number, case in enumerate(year_cases, start=1):
            case.case_id = f"K-{year}-{number:03d}"
        cases.extend(year_cases)
    return cases


def konflik_rows(cases: Sequence[Case]) -> list[list[str]]:
    rows: list[list[str]] = []
    for case in cases:
        for report in case.reports:
            resolved = (
                report.resolved_on.strftime("%d/%m/%Y") if report.resolved_on else ""
            )
            rows.append(
                [
                    case.case_id,
                    case.occurred_on.strftime("%d/%m/%Y"),
                    case.jenis,
                    case.sara,
                    case.kecamatan,
                    case.kelurahan,
                    report.source,
                    report.status,
                    resolved,
                    f"{case.summary} {report.note}",
                ]
            )
    return rows


# --- organisasi ------------------------------------------------------------

# Branch names of nine national parties, registered before 2021.
PARTIES: list[tuple[str, str]] = [
    ("DPC PDI Perjuangan Kota Mojokerto", "2014-03-12"),
    ("DPC Partai Kebangkitan Bangsa Kota Mojokerto", "2014-04-02"),
    ("DPC Partai Gerindra Kota Mojokerto", "2014-05-20"),
    ("DPD Partai Golkar Kota Mojokerto", "2014-02-17"),
    ("DPD Partai NasDem Kota Mojokerto", "2015-01-26"),
    ("DPD Partai Amanat Nasional Kota Mojokerto", "2014-06-09"),
    ("DPD Partai Keadilan Sejahtera Kota Mojokerto", "2015-08-03"),
    ("DPC Partai Demokrat Kota Mojokerto", "2014-09-15"),
    ("DPC Partai Persatuan Pembangunan Kota Mojokerto", "2016-02-22"),
]

ORMAS_NAMES: list[str] = [
    "Paguyuban Seni Jaranan Turonggo Mojo",
    "Forum Pemuda Peduli Lingkungan Kota Mojokerto",
    "Paguyuban Warga Bantaran Sungai Brantas",
    "Perkumpulan Pedagang Pasar Kota Mojokerto",
    "Gerakan Pemuda Cinta Tanah Air Kota Mojokerto",
    "Paguyuban Pengemudi Becak Wisata Mojokerto",
    "Komunitas Pecinta Sejarah Majapahit",
    "Perguruan Pencak Silat Garuda Mojo",
    "Ikatan Remaja Masjid Kranggan",
    "Persatuan Wanita Kreatif Kota Mojokerto",
    "Forum Komunikasi Pemuda Prajurit Kulon",
    "Paguyuban Karawitan Sekar Mojo",
    "Himpunan Pengrajin Alas Kaki Mojokerto",
    "Perkumpulan Purnawirawan Peduli Bangsa Mojokerto",
    "Paguyuban Pelaku UMKM Magersari",
    "Forum Relawan Tanggap Bencana Kota Mojokerto",
    "Ikatan Pemuda Gereja Kota Mojokerto",
    "Paguyuban Seni Ludruk Budi Wijaya",
    "Komunitas Sepeda Onthel Mojokerto",
    "Perkumpulan Guru Ngaji Kota Mojokerto",
    "Forum Silaturahmi Takmir Musala Kota Mojokerto",
    "Paguyuban Kampung Wisata Kota Mojokerto",
    "Persaudaraan Suporter Sepak Bola Mojokerto",
    "Ikatan Keluarga Pensiunan Guru Mojokerto",
    "Paguyuban Pemuda Kampung Meri",
]

LSM_NAMES: list[str] = [
    "LSM Lingkar Transparansi Anggaran Mojokerto",
    "Yayasan Peduli Anak Mojokerto",
    "LSM Pemantau Pelayanan Publik Kota Mojokerto",
    "Lembaga Kajian Kebijakan Daerah Mojokerto",
    "LSM Pelita Kampung",
    "Yayasan Kali Bersih Brantas",
    "Lembaga Bantuan Hukum Rakyat Mojokerto",
    "LSM Suara Perempuan Mojokerto",
    "Yayasan Pemberdayaan Difabel Mojokerto",
    "Lembaga Kajian Hukum, Sosial dan Lingkungan Mojokerto",
    "LSM Gerakan Anti Narkoba Kota Mojokerto",
    "Yayasan Literasi Warga Mojokerto",
    "LSM Pemantau Pemilu Jujur dan Adil Mojokerto",
    "Lembaga Pengembangan Ekonomi Kerakyatan Mojokerto",
    "LSM Mata Rakyat Mojokerto",
    "Yayasan Sehat Bersama Mojokerto",
    "LSM Jaringan Pendamping Desa dan Kelurahan",
    "Lembaga Advokasi Konsumen Mojokerto",
    "Yayasan Cahaya Pendidikan Mojokerto",
    "LSM Peduli Cagar Budaya Majapahit",
    "Lembaga Studi Demokrasi Mojokerto",
    "LSM Pemuda Sadar Hukum Mojokerto",
    "Yayasan Ruang Hijau Mojokerto",
    "LSM Forum Warga Peduli Kota",
    "Lembaga Riset Sosial Mojokerto",
]

# Years in which an ORMAS or LSM registered during 2021-2025, two per year.
NEW_REGISTRATION_YEARS = (2021, 2021, 2022, 2022, 2023, 2023, 2024, 2024, 2025, 2025)
# Years in which an organisation registered before 2021 was deactivated.
DEACTIVATION_YEARS = (2021, 2023, 2024, 2025)


@dataclass
class Organisation:
    name: str
    jenis: str
    registered_on: dt.date
    deactivated_on: dt.date | None = None
    org_id: str = ""


def build_organisations(rng: random.Random) -> list[Organisation]:
    """Build the register of parties, ORMAS and LSM, numbered by registration date."""
    organisations = [
        Organisation(name, "Parpol", iso_date(registered))
        for name, registered in PARTIES
    ]
    others = [Organisation(name, "ORMAS", dt.date.min) for name in ORMAS_NAMES]
    others += [Organisation(name, "LSM", dt.date.min) for name in LSM_NAMES]
    rng.shuffle(others)

    newcomers = others[: len(NEW_REGISTRATION_YEARS)]
    established = others[len(NEW_REGISTRATION_YEARS) :]
    for organisation, year in zip(newcomers, NEW_REGISTRATION_YEARS, strict=True):
        # March-October, so each newcomer misses some of its first year's events.
        start, end = dt.date(year, 3, 1), dt.date(year, 10, 31)
        organisation.registered_on = random_date(rng, start, end)
    for organisation in established:
        start, end = dt.date(2008, 1, 1), dt.date(2020, 12, 31)
        organisation.registered_on = random_date(rng, start, end)

    for organisation, year in zip(established, DEACTIVATION_YEARS, strict=False):
        organisation.deactivated_on = random_date(
            rng, dt.date(year, 2, 1), dt.date(year, 11, 30)
        )
    # One newcomer of 2022 closes down again in 2024.
    short_lived = newcomers[2]
    short_lived.deactivated_on = random_date(
        rng, dt.date(2024, 4, 1), dt.date(2024, 9, 30)
    )

    organisations += others
    organisations.sort(
        key=lambda organisation: (organisation.registered_on, organisation.name)
    )
    for number, organisation in enumerate(organisations, start=1):
        organisation.org_id = f"ORG-{number:03d}"
    return organisations


def organisasi_rows(organisations: Sequence[Organisation]) -> list[list[str]]:
    return [
        [
            organisation.org_id,
            organisation.name,
            organisation.jenis,
            organisation.registered_on.isoformat(),
            organisation.deactivated_on.isoformat()
            if organisation.deactivated_on
            else "",
        ]
        for organisation in organisations
    ]


# --- partisipasi -----------------------------------------------------------

ALL_JENIS = ("LSM", "ORMAS", "Parpol")

RANPERDA_BY_YEAR: dict[int, list[str]] = {
    2023: [
        "Ranperda tentang Pajak Daerah dan Retribusi Daerah",
        "Ranperda tentang Penyelenggaraan Ketenteraman dan Ketertiban Umum",
        "Ranperda tentang Pengelolaan Sampah",
    ],
    2024: [
        "Ranperda tentang Bangunan Gedung",
        "Ranperda tentang Penanggulangan Kemiskinan",
    ],
    2025: [
        "Ranperda tentang RPJMD 2025-2029",
        "Ranperda tentang Penyelenggaraan Perlindungan Anak",
        "Ranperda tentang Pelestarian Cagar Budaya",
    ],
}
# Pemilu 2024 in February and the Pilkada in November 2024 brought more
# voter-education events in 2023 and 2024.
VOTER_EDUCATION_COUNT: dict[int, int] = {2023: 3, 2024: 2, 2025: 1}


@dataclass
class Activity:
    """One event on the office's calendar and the organisation types invited."""

    held_on: dt.date
    kegiatan: str
    invited: tuple[str, ...]
    # Relative chance that an invited organisation attends. Each kelurahan
    # Musrenbang is local, so a city-wide organisation attends only a few.
    weight: float = 1.0


def build_activity_calendar(rng: random.Random, year: int) -> list[Activity]:
    """Build the year's participation events, following the planning calendar.

    Musrenbang runs from kelurahan (January-February) through kecamatan
    (February) to kota (March). Public consultations, kerja bakti, voter
    education and dialogues spread over the rest of the year.
    """
    activities: list[Activity] = []
    for kecamatan, kelurahan_list in WILAYAH.items():
        for kelurahan in kelurahan_list:
            held_on = random_date(rng, dt.date(year, 1, 9), dt.date(year, 2, 10))
            activities.append(
                Activity(held_on, f"Musrenbang Kelurahan {kelurahan}", ALL_JENIS, 0.3)
            )
        held_on = random_date(rng, dt.date(year, 2, 12), dt.date(year, 2, 28))
        activities.append(
            Activity(held_on, f"Musrenbang Kecamatan {kecamatan}", ALL_JENIS)
        )
    held_on = random_date(rng, dt.date(year, 3, 6), dt.date(year, 3, 27))
    activities.append(Activity(held_on, "Musrenbang Kota", ALL_JENIS))

    for topic in RANPERDA_BY_YEAR[year]:
        held_on = random_date(rng, dt.date(year, 4, 1), dt.date(year, 11, 28))
        activities.append(Activity(held_on, f"Konsultasi publik {topic}", ALL_JENIS))

    for kelurahan in rng.sample(sorted(itertools.chain.from_iterable(WILAYAH.values())), 4):
        held_on = random_date(rng, dt.date(year, 1, 5), dt.date(year, 12, 20))
        activities.append(
            Activity(held_on, f"Kerja bakti Kelurahan {kelurahan}", ("ORMAS", "Parpol"))
        )
    held_on = random_date(rng, dt.date(year, 8, 3), dt.date(year, 8, 14))
    activities.append(
        Activity(held_on, "Kerja bakti menyambut HUT Kemerdekaan RI", ALL_JENIS)
    )

    for _ in range(VOTER_EDUCATION_COUNT[year]):
        held_on = random_date(rng, dt.date(year, 4, 1), dt.date(year, 10, 31))
        activities.append(
            Activity(
                held_on,
                "Pendidikan politik bagi pemilih pemula",
                ("ORMAS", "Parpol"),
            )
        )
    held_on = random_date(rng, dt.date(year, 10, 1), dt.date(year, 10, 28))
    activities.append(
        Activity(held_on, "Dialog kebangsaan peringatan Sumpah Pemuda", ALL_JENIS)
    )
    activities.sort(key=lambda activity: (activity.held_on, activity.kegiatan))
    return activities


def draw_propensity(rng: random.Random, organisation: Organisation) -> float:
    """Draw the chance that an organisation takes part in anything in a year.

    Parties take part almost every year. About a quarter of ORMAS and LSM are
    dormant and rarely show up.
    """
    if organisation.jenis == "Parpol":
        return 0.9
    if rng.random() < 0.25:
        return 0.1
    return rng.uniform(0.6, 0.9)


def active_window(
    organisation: Organisation, year: int
) -> tuple[dt.date, dt.date] | None:
    """Return the first and last day of `year` on which the organisation is active.

    Returns None when it is not registered or already deactivated in that year.
    """
    start = max(organisation.registered_on, dt.date(year, 1, 1))
    end = dt.date(year, 12, 31)
    if organisation.deactivated_on is not None:
        end = min(end, organisation.deactivated_on - dt.timedelta(days=1))
    return (start, end) if start <= end else None


def sample_activities(
    rng: random.Random, activities: Sequence[Activity], count: int
) -> list[Activity]:
    """Draw `count` distinct activities, each draw weighted by `Activity.weight`."""
    remaining = list(activities)
    drawn: list[Activity] = []
    for _ in range(count):
        weights = [activity.weight for activity in remaining]
        index = rng.choices(range(len(remaining)), weights=weights)[0]
        drawn.append(remaining.pop(index))
    return drawn


def build_participation(
    rng: random.Random, organisations: Sequence[Organisation]
) -> list[tuple[str, dt.date, str]]:
    """Draw the participation events of 2023-2025 inside each organisation's span."""
    calendars = {year: build_activity_calendar(rng, year) for year in REGISTER_YEARS}
    propensities = {org.org_id: draw_propensity(rng, org) for org in organisations}
    events: list[tuple[str, dt.date, str]] = []
    for year in REGISTER_YEARS:
        for organisation in organisations:
            window = active_window(organisation, year)
            if window is None or rng.random() >= propensities[organisation.org_id]:
                continue
            eligible = [
                activity
                for activity in calendars[year]
                if window[0] <= activity.held_on <= window[1]
                and organisation.jenis in activity.invited
            ]
            count = min(rng.randint(1, 5), len(eligible))
            for activity in sample_activities(rng, eligible, count):
                events.append(
                    (organisation.org_id, activity.held_on, activity.kegiatan)
                )
    events += out_of_span_events(calendars, organisations)
    events.sort(key=lambda event: (event[1], event[0], event[2]))
    return events


def out_of_span_events(
    calendars: dict[int, list[Activity]], organisations: Sequence[Organisation]
) -> list[tuple[str, dt.date, str]]:
    """Return three events recorded outside the organisation's registered span.

    Two newcomers (registered in 2024 and 2025) attended a Musrenbang before
    their registration date, and the organisation deactivated in 2024 attended
    the first event after its deactivation. IKU-2 does not count such events.
    """
    events: list[tuple[str, dt.date, str]] = []
    for year in (2024, 2025):
        newcomer = next(org for org in organisations if org.registered_on.year == year)
        before = [
            activity
            for activity in calendars[year]
            if activity.held_on < newcomer.registered_on
            and activity.kegiatan.startswith("Musrenbang Kelurahan")
        ]
        activity = before[-1]
        events.append((newcomer.org_id, activity.held_on, activity.kegiatan))

    deactivated = next(
        org
        for org in organisations
        if org.deactivated_on is not None and org.deactivated_on.year == 2024
    )
    after = next(
        activity
        for activity in calendars[2024]
        if activity.held_on >= deactivated.deactivated_on
        and deactivated.jenis in activity.invited
    )
    events.append((deactivated.org_id, after.held_on, after.kegiatan))
    return events


def partisipasi_rows(events: Sequence[tuple[str, dt.date, str]]) -> list[list[str]]:
    return [
        [org_id, held_on.isoformat(), kegiatan] for org_id, held_on, kegiatan in events
    ]


# --- target and rekap ------------------------------------------------------

# Yearly targets in percent for 2021-2025.
YEARLY_TARGETS: dict[str, list[float]] = {
    "IKU-1": [80, 82.5, 85, 87.5, 90],
    "IKU-2": [60, 65, 70, 72.5, 75],
    "IKU-3": [85, 87.5, 90, 92.5, 95],
}
# Cumulative quarterly targets for 2025: triwulan N covers January to the end
# of triwulan N, and triwulan 4 equals the yearly target. IKU-2 starts high
# because most organisations take part in the Musrenbang of January-March.
QUARTERLY_TARGETS_2025: dict[str, list[float]] = {
    "IKU-1": [70, 75, 82.5, 90],
    "IKU-2": [50, 60, 67.5, 75],
}


def format_decimal_comma(value: float) -> str:
    """Format a number the way Indonesian Excel shows it: 72.5 becomes "72,5"."""
    return f"{value:g}".replace(".", ",")


def target_rows() -> list[list[str]]:
    rows: list[list[str]] = []
    for code, targets in YEARLY_TARGETS.items():
        for year, value in zip(range(2021, 2026), targets, strict=True):
            rows.append([code, str(year), format_decimal_comma(value), ""])
    for code, targets in QUARTERLY_TARGETS_2025.items():
        for quarter, value in enumerate(targets, start=1):
            rows.append([code, "2025", format_decimal_comma(value), str(quarter)])
    return rows


def count_active_organisations(organisations: Sequence[Organisation], year: int) -> int:
    """Count IKU-2's penyebut for a year.

    These are the organisations registered by 31 December and not deactivated
    before 1 January.
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return sum(
        1
        for org in organisations
        if org.registered_on <= end
        and (org.deactivated_on is None or org.deactivated_on >= start)
    )


def rekap_rows(
    rng: random.Random, organisations: Sequence[Organisation]
) -> list[list[str]]:
    """Draw the manual yearly counts of 2021 and 2022.

    IKU-2's penyebut agrees with organisasi.csv. The other counts are drawn in
    the same ranges as the registers of 2023-2025.
    """
    rows: list[list[str]] = []
    for year in REKAP_YEARS:
        note = f"Rekap manual LKjIP {year}"
        cases = rng.randint(14, 20)
        resolved = cases - rng.randint(1, 3)
        sara_cases = rng.randint(2, 4)
        sara_resolved = sara_cases - rng.randint(0, 1)
        active = count_active_organisations(organisations, year)
        participating = round(active * rng.uniform(0.60, 0.72))
        rows.append(["IKU-1", str(year), "", str(resolved), str(cases), note])
        rows.append(["IKU-2", str(year), "", str(participating), str(active), note])
        rows.append(["IKU-3", str(year), "", str(sara_resolved), str(sara_cases), note])
    return rows


# --- anggaran ----------------------------------------------------------------

# The office's programmes, with an invented 2021 pagu in rupiah. Each year's
# pagu grows by the percentage below, and realisasi is the share of pagu spent.
PROGRAMMES = (
    ("Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota", 2_310_000_000),
    ("Program Penguatan Ideologi Pancasila dan Karakter Kebangsaan", 245_000_000),
    ("Program Peningkatan Peran Partai Politik dan Lembaga Pendidikan melalui "
     "Pendidikan Politik dan Pengembangan Etika serta Budaya Politik", 310_000_000),
    ("Program Pemberdayaan dan Pengawasan Organisasi Kemasyarakatan", 185_000_000),
    ("Program Peningkatan Kewaspadaan Nasional dan Peningkatan Kualitas dan "
     "Fasilitasi Penanganan Konflik Sosial", 420_000_000),
)
PAGU_GROWTH = {2021: 0, 2022: 3, 2023: 5, 2024: 4, 2025: 6}
# Per mille of pagu spent, per year, one entry per programme.
SPENT = {
    2021: (951, 902, 887, 934, 918),
    2022: (962, 921, 944, 908, 931),
    2023: (958, 937, 912, 949, 965),
    2024: (967, 944, 958, 921, 952),
    2025: (971, 928, 949, 956, 962),
}


def anggaran_rows() -> list[list[str]]:
    """Return pagu and realisasi per programme and year, written as Excel shows rupiah."""
    rows = []
    for year in PAGU_GROWTH:
        for (programme, base), spent in zip(PROGRAMMES, SPENT[year], strict=True):
            factor = 1
            for earlier in range(2022, year + 1):
                factor *= 1 + PAGU_GROWTH[earlier] / 100
            pagu = int(round(base * factor, -6))
            realisasi = pagu * spent // 1000
            rows.append([str(year), programme, f"{pagu:,}".replace(",", "."),
                         f"{realisasi:,}".replace(",", "."), ""])
    return rows


# --- output ----------------------------------------------------------------


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    delimiter: str,
    excel_style: bool,
) -> None:
    """Write a CSV file, quoting fields that contain the delimiter.

    `excel_style` writes what Indonesian-locale Excel saves: a UTF-8 byte-order
    mark and CRLF line endings. Otherwise the file is plain UTF-8 with LF.
    """
    encoding = "utf-8-sig" if excel_style else "utf-8"
    line_end = "\r\n" if excel_style else "\n"
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator=line_end)
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(SEED)
    cases = build_cases(rng)
    organisations = build_organisations(rng)
    events = build_participation(rng, organisations)
    rekap = rekap_rows(rng, organisations)

    write_csv(
        DATA_DIR / "konflik.csv",
        [
            "id_konflik",
            "tanggal_kejadian",
            "jenis",
            "sara",
            "kecamatan",
            "kelurahan",
            "sumber",
            "status",
            "tanggal_selesai",
            "uraian",
        ],
        konflik_rows(cases),
        delimiter=";",
        excel_style=True,
    )
    write_csv(
        DATA_DIR / "organisasi.csv",
        ["id_organisasi", "nama", "jenis", "tanggal_terdaftar", "tanggal_nonaktif"],
        organisasi_rows(organisations),
        delimiter=",",
        excel_style=False,
    )
    write_csv(
        DATA_DIR / "partisipasi.csv",
        ["id_organisasi", "tanggal", "kegiatan"],
        partisipasi_rows(events),
        delimiter=",",
        excel_style=False,
    )
    write_csv(
        DATA_DIR / "target.csv",
        ["kode_indikator", "tahun", "target", "triwulan"],
        target_rows(),
        delimiter=";",
        excel_style=True,
    )
    write_csv(
        DATA_DIR / "rekap.csv",
        ["kode_indikator", "tahun", "triwulan", "pembilang", "penyebut", "keterangan"],
        rekap,
        delimiter=",",
        excel_style=False,
    )
    write_csv(
        DATA_DIR / "anggaran.csv",
        ["tahun", "program", "pagu", "realisasi", "keterangan"],
        anggaran_rows(),
        delimiter=";",
        excel_style=True,
    )


if __name__ == "__main__":
    main()
