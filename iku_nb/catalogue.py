"""Load and validate the indicator catalogue (``katalog.yaml``)."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)

from iku_nb.errors import CatalogueError
from iku_nb.parse import closest, fold, without_invisible
from iku_nb.validation import describe_errors
from iku_nb.yamlfile import describe_value, parse_mapping, read_text

CATALOGUE_NAME = "katalog.yaml"
SHIPPED_CATALOGUE = (
    Path(__file__).parent / "katalog" / "bakesbangpol-kota-mojokerto.yaml"
)


# Catalogues validated in this process, keyed by the file's text (oldest first).
CACHED_CATALOGUES = 8
_CACHE: dict[str, Katalog] = {}
_CACHE_LOCK = threading.Lock()

# Lists of allowed values that the checks read.
REQUIRED_VALUE_LISTS = ("konflik.jenis", "konflik.sara", "konflik.status", "organisasi.jenis")

# Columns an indicator may filter on: case attributes, or organisation columns.
FILTER_COLUMNS = {
    "kasus_selesai": ("jenis", "sara", "kecamatan", "kelurahan"),
    "organisasi_berpartisipasi": ("jenis", "nama"),
}

# Units an indicator may have. Every counting method gives a share of cases
# or organisations in percent, and the reports print realisasi and targets
# with "%".
UNITS = ("%",)

# Bidang codes that cannot name a bidang, with the reason. A bidang's report
# goes to output/<tahun>[/tw<n>]/<kode>/ (ReportSpec.folder), so a code tw1
# to tw4 would put the yearly bidang report in the quarterly report's folder.
RESERVED_BIDANG_CODES = {
    **{f"tw{n}": f"sebagai nama folder laporan triwulan {n} (output/<tahun>/tw{n}/), "
                 "sehingga laporan tahunan bidang ini akan tertulis di folder itu"
       for n in range(1, 5)},
    "semua": "untuk `--bidang semua`",
    # Run parameters read these words as "no bidang" (iku_nb.params, iku_nb.matrix).
    **{word: f"karena parameter `bidang: {word}` berarti laporan seluruh badan"
       for word in ("none", "null")},
    # Windows cannot create a folder with a device name.
    **{name: "karena Windows tidak dapat membuat folder bernama itu"
       for name in ("con", "prn", "aux", "nul",
                    *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10)))},
}


def _filled(reason: str) -> AfterValidator:
    """Return a validator that rejects a text that reads as empty, saying ``reason``.

    Spaces alone, and invisible characters such as a zero-width space, print
    as nothing in the report, so both count as empty.
    """
    def check(value: str) -> str:
        if not without_invisible(value).strip():
            raise ValueError(f"tertulis teks kosong, padahal {reason}")
        return value
    return AfterValidator(check)


def _require_items(values: list | None, reason: str) -> None:
    """Reject an empty list, saying ``reason``. None, the value of a key not written, passes."""
    if values is not None and not values:
        raise ValueError(f"tertulis daftar kosong, padahal {reason}")


# Items of the lists that pick rows or events. A blank item would pick no row,
# or, as an awalan, every event.
FilterValue = Annotated[str, _filled(
    "sel kosong tidak pernah cocok dengan salah_satu, jadi nilai kosong tidak memilih "
    "baris mana pun; hapus nilai itu (untuk memilih baris menurut terisi atau kosongnya "
    "sel, pakai terisi: true atau terisi: false)")]
SourceName = Annotated[str, _filled(
    "setiap sumber harus berisi nama pelapor seperti tertulis di kolom sumber tabel "
    "konflik, misalnya FKUB; hapus nilai kosong itu")]
ListedValue = Annotated[str, _filled(
    "setiap nilai sah dan setiap nama wilayah harus berisi teks seperti tertulis di tabel; "
    "hapus nilai kosong itu")]
EventPrefix = Annotated[str, _filled(
    "awalan kosong cocok dengan setiap kegiatan, sehingga semua kegiatan masuk jenis ini; "
    "hapus awalan kosong itu atau tulis awal teks kegiatannya, misalnya Musrenbang Kota")]
# A blank category would print as if no category could be computed.
CategoryName = Annotated[str, _filled(
    "setiap pita harus bernama kategori yang dicetak di laporan, misalnya Sangat Tinggi; "
    "tulis nama kategorinya")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Teks(_Model):
    judul: str
    teks: str


class Instansi(_Model):
    nama_skpd: str
    nama_singkat: str
    pemerintah_daerah: str
    visi: Teks
    misi: Teks
    tugas_pokok: str
    fungsi: list[str]


class Sasaran(_Model):
    kode: str
    uraian: str


class Bidang(_Model):
    # The pattern keeps the code usable as a folder name: not empty, no '/',
    # no leading dot.
    kode: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    nama: str
    singkatan: str
    # An empty list is allowed: the bidang's report then lists no cases.
    sumber: list[SourceName] = []

    @field_validator("kode")
    @classmethod
    def _code_not_reserved(cls, kode: str) -> str:
        reason = RESERVED_BIDANG_CODES.get(kode.casefold())
        if reason is not None:
            raise ValueError(f"kode bidang {kode!r} dicadangkan {reason}; pilih kode lain, "
                             "misalnya singkatan bidangnya seperti poldagri")
        return kode


class Pita(_Model):
    batas_bawah: float | None
    kategori: CategoryName


class Skala(_Model):
    nama: str
    pita: list[Pita] = Field(min_length=1)

    @model_validator(mode="after")
    def _bands_descend(self) -> Skala:
        limits = [p.batas_bawah for p in self.pita]
        if limits[-1] is not None or any(x is None for x in limits[:-1]):
            raise ValueError("hanya pita terakhir yang boleh tanpa batas_bawah")
        bounded = [x for x in limits if x is not None]
        if bounded != sorted(bounded, reverse=True) or len(set(bounded)) != len(bounded):
            raise ValueError("batas_bawah pita harus menurun dari atas ke bawah")
        return self


class Kebijakan(_Model):
    penyebut_nol: Literal["kosong", "seratus"] = "kosong"
    capaian_negatif: Literal["2t-r", "t/r", "t-r"] = "2t-r"
    batas_capaian: float | None = Field(default=None, gt=0)


class Saringan(_Model):
    """A column filter: the column's value is one of a list, or is filled."""

    kolom: str
    salah_satu: list[FilterValue] | None = None
    terisi: bool | None = None

    @field_validator("salah_satu")
    @classmethod
    def _values_given(cls, values: list[str] | None) -> list[str] | None:
        _require_items(values, "saringan tanpa nilai tidak meloloskan baris mana pun, "
                               "sehingga indikator selalu 0 dari 0; tulis paling sedikit satu "
                               "nilai, misalnya salah_satu: [politik, sosial], atau hapus "
                               "saringan ini")
        return values

    @model_validator(mode="after")
    def _one_rule(self) -> Saringan:
        if (self.salah_satu is None) == (self.terisi is None):
            raise ValueError("saringan memerlukan tepat satu dari salah_satu, terisi")
        return self


class AturanHitung(_Model):
    metode: Literal["kasus_selesai", "organisasi_berpartisipasi"]
    register_name: Literal["konflik", "partisipasi"] = Field(alias="register")
    saringan: list[Saringan] = []

    @model_validator(mode="after")
    def _register_fits_method(self) -> AturanHitung:
        expected = {"kasus_selesai": "konflik", "organisasi_berpartisipasi": "partisipasi"}
        if self.register_name != expected[self.metode]:
            raise ValueError(
                f"metode {self.metode} memakai register {expected[self.metode]}"
            )
        return self


class TargetRenstra(_Model):
    """The Renstra's end-of-period target: the value to reach in the plan's last year.

    ``perkiraan`` marks a value not yet confirmed with the Renstra document.
    Reports then call it an estimate, and ``iku-nb laporan`` warns about it.
    """

    tahun: int = Field(ge=1945, le=2100)
    nilai: Decimal = Field(ge=0)
    perkiraan: StrictBool = False


class StandarNasional(_Model):
    """A national standard for an indicator: its value and the regulation that sets it."""

    nilai: Decimal = Field(ge=0)
    sumber: str = Field(min_length=1)


class JenisKegiatan(_Model):
    """A kind of participation event, recognised by how the ``kegiatan`` text starts."""

    nama: str
    awalan: list[EventPrefix]

    @field_validator("awalan")
    @classmethod
    def _prefixes_given(cls, prefixes: list[str]) -> list[str]:
        _require_items(prefixes, "jenis tanpa awalan tidak cocok dengan kegiatan mana pun; "
                                 "tulis paling sedikit satu awalan, misalnya awalan: "
                                 "[Musrenbang], atau hapus jenis ini")
        return prefixes


class Indikator(_Model):
    kode: str
    nama: str
    sasaran: str
    pembilang: str
    penyebut: str
    sumber_data: str
    penanggung_jawab: list[str] = Field(min_length=1)
    polaritas: Literal["positif", "negatif"]
    satuan: str
    desimal: int = Field(ge=0, le=6)
    hitung: AturanHitung
    target_renstra: TargetRenstra | None = None
    standar_nasional: StandarNasional | None = None

    @field_validator("satuan")
    @classmethod
    def _unit_known(cls, satuan: str) -> str:
        unit = satuan.strip()
        if unit not in UNITS:
            accepted = ", ".join(f'"{u}"' for u in UNITS)
            raise ValueError(
                f"tertulis {describe_value(satuan)}, padahal satuan yang dikenal hanya "
                f"{accepted}, karena setiap metode hitung menghasilkan persentase (pembilang "
                'dibagi penyebut × 100); tulis satuan: "%" dengan tanda kutipnya')
        return unit


class Katalog(_Model):
    """The office, its indicators, bidang, scale, policies and reference lists."""

    versi: Literal[1]
    instansi: Instansi
    sasaran: list[Sasaran] = Field(min_length=1)
    bidang: list[Bidang] = Field(min_length=1)
    skala: Skala
    kebijakan: Kebijakan
    nilai_sah: dict[str, list[ListedValue]]
    wilayah: dict[str, list[ListedValue]] = Field(min_length=1)
    indikator: list[Indikator] = Field(min_length=1)
    jenis_kegiatan: list[JenisKegiatan] = []

    @field_validator("nilai_sah", "wilayah")
    @classmethod
    def _lists_filled(cls, lists: dict[str, list[str]], info) -> dict[str, list[str]]:
        # An empty list would make every cell of that column (or every
        # kelurahan of that kecamatan) invalid.
        empty = [key for key, values in lists.items() if not values]
        if empty:
            example = ("konflik.jenis: [politik, sosial]" if info.field_name == "nilai_sah"
                       else "Kranggan: [Jagalan, Kranggan]")
            raise ValueError(f"{', '.join(empty)} tertulis daftar kosong, sehingga setiap sel "
                             f"yang memakainya ditolak; tulis paling sedikit satu nilai, "
                             f"misalnya {example}")
        return lists

    @model_validator(mode="after")
    def _references_resolve(self) -> Katalog:
        problems = []
        for kind, codes in (("indikator", [i.kode for i in self.indikator]),
                            ("bidang", [b.kode for b in self.bidang])):
            twice = sorted({c for c in codes if codes.count(c) > 1})
            if twice:
                problems.append(f"kode {kind} ganda: {', '.join(twice)}")
        for key in REQUIRED_VALUE_LISTS:
            if key not in self.nilai_sah:
                problems.append(f"nilai_sah tidak memuat {key}")
        statuses = [s.casefold() for s in self.nilai_sah.get("konflik.status", [])]
        if statuses and "selesai" not in statuses:
            problems.append("nilai_sah konflik.status harus memuat 'selesai', status yang "
                            "menandai kasus selesai dalam aturan hitung")
        bidang_codes = {b.kode for b in self.bidang}
        sasaran_codes = {s.kode for s in self.sasaran}
        for ind in self.indikator:
            for kode in ind.penanggung_jawab:
                if kode not in bidang_codes:
                    problems.append(
                        f"{ind.kode}: penanggung_jawab {kode!r} bukan kode bidang "
                        f"({', '.join(sorted(bidang_codes))})"
                    )
            if ind.sasaran not in sasaran_codes:
                problems.append(f"{ind.kode}: sasaran {ind.sasaran!r} tidak ada")
            columns = FILTER_COLUMNS[ind.hitung.metode]
            for rule in ind.hitung.saringan:
                if rule.kolom not in columns:
                    problems.append(
                        f"{ind.kode}: kolom saringan {rule.kolom!r} tidak dapat dipakai "
                        f"(pilihan: {', '.join(columns)})")
                else:
                    problems += self._unknown_filter_values(ind, rule)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _unknown_filter_values(self, ind: Indikator, rule: Saringan) -> list[str]:
        """Return a problem for each salah_satu value that no valid cell can have.

        A misspelt value, such as "politk", would otherwise match no row, and
        the indicator would drop those cases without any message.
        """
        allowed = self.filter_values(ind.hitung.metode, rule.kolom)
        if allowed is None or rule.salah_satu is None:
            return []
        folded = {fold(value) for value in allowed}
        problems = []
        for value in rule.salah_satu:
            if fold(value) in folded:
                continue
            guess = closest(value, allowed)
            hint = f"maksudnya {guess!r}? " if guess else ""
            problems.append(f"{ind.kode}: saringan {rule.kolom} memuat {value!r}, yang bukan "
                            f"nilai sah kolom itu ({hint}pilihan: {', '.join(allowed)})")
        return problems

    def filter_values(self, metode: str, kolom: str) -> list[str] | None:
        """Return the valid values of a filter column, or None when it is free text (nama)."""
        if kolom == "kecamatan":
            return list(self.wilayah)
        if kolom == "kelurahan":
            return [kelurahan for names in self.wilayah.values() for kelurahan in names]
        table = "konflik" if metode == "kasus_selesai" else "organisasi"
        return self.nilai_sah.get(f"{table}.{kolom}") if kolom != "nama" else None

    def bidang_by_kode(self, kode: str) -> Bidang:
        for b in self.bidang:
            if b.kode == kode:
                return b
        raise KeyError(kode)

    @property
    def indikator_codes(self) -> list[str]:
        return [i.kode for i in self.indikator]

    def jenis_kegiatan_of(self, kegiatan: str) -> str:
        """Return the kind of a participation event, by the first matching ``awalan``.

        Text is compared case-insensitively; an event that matches no kind is
        ``Lainnya``, and without ``jenis_kegiatan`` the text itself is the kind.
        """
        if not self.jenis_kegiatan:
            return kegiatan
        text = " ".join(str(kegiatan).split()).casefold()
        for kind in self.jenis_kegiatan:
            if any(text.startswith(prefix.casefold()) for prefix in kind.awalan):
                return kind.nama
        return "Lainnya"

    def indikator_of_bidang(self, kode: str) -> list[Indikator]:
        """Return the indicators for which bidang ``kode`` is penanggung jawab."""
        return [i for i in self.indikator if kode in i.penanggung_jawab]

    def penanggung_jawab_text(self, ind: Indikator) -> str:
        return ", ".join(self.bidang_by_kode(k).nama for k in ind.penanggung_jawab)


def find_catalogue(data_dir: Path, katalog: Path | None = None) -> Path:
    """Return the catalogue to use: ``katalog``, else one in ``data_dir``, else the shipped one."""
    if katalog is not None:
        return Path(katalog)
    local = Path(data_dir) / CATALOGUE_NAME
    if local.is_symlink() and not local.exists():
        raise CatalogueError(f"{local} adalah tautan ke berkas yang tidak ada; salin berkas "
                             "katalognya ke folder data.", local)
    if local.exists() and not local.is_file():
        raise CatalogueError(f"{local} bukan berkas katalog (mungkin folder); hapus atau "
                             "ganti dengan berkas YAML.", local)
    return local if local.is_file() else SHIPPED_CATALOGUE


def load_catalogue(path: Path) -> Katalog:
    """Read and validate a catalogue file.

    A text validated before in this process is not parsed again. Every call
    returns its own deep copy, so a caller that changes its catalogue leaves
    the others unchanged. For the shipped catalogue, parsing and validating
    took about 10 ms and a copy about 0.2 ms (PyYAML 6.0, pydantic 2.14, 2-core
    AMD EPYC).

    Raises
    ------
    CatalogueError
        When the file is missing, is not YAML, or breaks the catalogue schema.
    """
    path = Path(path)
    try:
        text = read_text(path, CatalogueError, "Katalog")
        with _CACHE_LOCK:
            cached = _CACHE.get(text)
        if cached is not None:
            return cached.model_copy(deep=True)
        katalog = _validate(path, text)
    except CatalogueError as exc:
        # The problem list of `periksa --format json` names the catalogue as the file.
        exc.path = exc.path or path
        raise
    with _CACHE_LOCK:
        _CACHE[text] = katalog
        while len(_CACHE) > CACHED_CATALOGUES:
            del _CACHE[next(iter(_CACHE))]
    return katalog.model_copy(deep=True)


def _validate(path: Path, text: str) -> Katalog:
    raw = parse_mapping(text, path, CatalogueError, "Katalog",
                        example="`instansi:` dengan isiannya di bawahnya")
    if raw is None:
        raise CatalogueError(f"Katalog {path} kosong.")
    try:
        return Katalog.model_validate(raw)
    except ValidationError as exc:
        lines = [f"  - {line}" for line in describe_errors(exc, raw, Katalog)]
        raise CatalogueError(
            f"Katalog {path} tidak sah:\n" + "\n".join(lines)
        ) from exc
