"""Indonesian messages for the schema errors of a YAML file checked by pydantic.

Each message names the place by key (a list item by its ``kode`` when it
has one, else by its 1-based position), shows the value written and gives
an example of what is expected.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from iku_nb.parse import closest
from iku_nb.yamlfile import describe_value

# Example values per key, used when a message shows what a key should hold.
EXAMPLES = {
    "versi": "1", "kode": "IKU-1", "singkatan": "Poldagri",
    "nilai_sah": "{konflik.jenis: [politik, sosial]}", "wilayah": "{Magersari: [Wates, Gedongan]}",
    "tahun": "2029", "nilai": "92.5", "metode": "kasus_selesai", "register": "konflik",
    "kolom": "jenis", "salah_satu": "[politik, sosial]", "terisi": "true",
    "judul": "Visi", "teks": "Terwujudnya ...", "kategori": "Tinggi", "batas_bawah": "90",
    "polaritas": "positif", "satuan": '"%"', "desimal": "2", "sasaran": "SS-1",
    "penanggung_jawab": "[hanbang]", "sumber": "[FKUB, FKDM]", "uraian": "Menguatnya ...",
    "awalan": "[Musrenbang]", "penyebut_nol": "kosong", "capaian_negatif": "2t-r",
    "batas_capaian": "120",
}
# Keys whose example differs with the mapping they are in, by "parent.key".
NESTED_EXAMPLES = {"standar_nasional.sumber": "Permendagri 86/2017"}

# Messages by pydantic error type. {example} is an example of the expected
# value or form; the other fields come from the error's context.
MESSAGES = {
    "decimal_type": "harus angka, misalnya 92.5",
    "decimal_parsing": "harus angka dengan titik desimal, misalnya 92.5",
    "decimal_max_digits": "memuat terlalu banyak angka",
    "decimal_max_places": "memuat terlalu banyak angka di belakang titik desimal",
    "int_type": "harus bilangan bulat, misalnya 2",
    "int_parsing": "harus bilangan bulat, misalnya 2",
    "int_from_float": "harus bilangan bulat tanpa pecahan, misalnya 2",
    "float_type": "harus angka, misalnya 75 atau 92.5",
    "float_parsing": "harus angka dengan titik desimal, misalnya 92.5",
    "bool_type": "harus true atau false",
    "bool_parsing": "harus true atau false",
    "string_type": "harus teks (apit dengan tanda kutip bila berupa angka, misalnya \"2025\")",
    "list_type": "harus daftar, misalnya {example}",
    "dict_type": "harus pemetaan kunci ke nilai, misalnya {example}",
    "model_type": "harus pemetaan kunci ke nilai, misalnya {example}",
    "model_attributes_type": "harus pemetaan kunci ke nilai, misalnya {example}",
    "too_short": "tidak boleh kosong",
    "string_too_short": "tidak boleh kosong",
    "finite_number": "harus angka biasa, bukan nan atau inf",
    "too_long": "terlalu panjang",
    "greater_than": "harus lebih dari {gt}",
    "greater_than_equal": "harus {ge} atau lebih",
    "less_than": "harus kurang dari {lt}",
    "less_than_equal": "harus {le} atau kurang",
    "literal_error": "harus salah satu dari {expected}",
    "enum": "harus salah satu dari {expected}",
    "string_pattern_mismatch": "hanya boleh memuat huruf kecil, angka, - dan _, misalnya poldagri",
}

def describe_errors(exc: ValidationError, raw: Any, root: type[BaseModel]) -> list[str]:
    """Return one Indonesian line per schema error of ``raw`` checked against ``root``."""
    return [_describe(error, raw, root) for error in exc.errors()]


def _describe(error: dict, raw: Any, root: type[BaseModel]) -> str:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = _field_names(_model_at(root, loc[:-1]))
        hint = closest(key, known) if known else None
        text = f"kunci {key!r} tidak dikenal."
        if hint:
            text += f" Maksudnya {hint!r}?"
        if known:
            text += f" Kunci yang dikenal di sini: {', '.join(known)}."
        return f"{place(loc[:-1], raw)}: {text}"
    if kind == "missing":
        key = str(loc[-1])
        parent = next((str(p) for p in reversed(loc[:-1]) if not isinstance(p, int)), "")
        example = _example_value(parent, key, None)
        text = f"isian {key!r} wajib ada" + (f", misalnya {key}: {example}" if example else "")
        return f"{place(loc[:-1], raw)}: {text}"
    if kind == "value_error":
        text = str(error.get("ctx", {}).get("error", error["msg"]))
        # The rules across the whole file name their own place ("IKU-1: ...").
        return f"{place(loc, raw)}: {text}" if loc else text
    text = _message(kind, error, _example(root, loc, kind))
    return f"{place(loc, raw)}: tertulis {describe_value(error.get('input'))}, padahal {text}"


def _message(kind: str, error: dict, example: str) -> str:
    template = MESSAGES.get(kind)
    if template is None:
        return f"nilai tidak sah (jenis kesalahan {kind})"
    context = {k: _alternatives(v) for k, v in error.get("ctx", {}).items()}
    if kind in ("literal_error", "enum") and " atau " not in context.get("expected", " atau "):
        return f"harus {context['expected']}"
    return template.format(example=example, **context)


def _alternatives(value: Any) -> str:
    """Write pydantic's "'a' or 'b'" lists as "a atau b", and "a, b or c" as "a, b atau c".

    A whole float bound loses its ".0" (``gt=0`` on a float field arrives as
    0.0). Other bounds keep the decimal point that YAML needs.
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("'", "").replace(" or ", " atau ")


def place(loc: tuple, raw: Any) -> str:
    """Name a place in the file: ``indikator IKU-1, target_renstra.nilai``.

    A list item is named by its ``kode`` when it has one, else by its
    position counted from 1 (``skala.pita ke-2``).
    """
    pieces: list[str] = []
    path: list[str] = []
    node = raw
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            kode = item.get("kode") if isinstance(item, dict) else None
            label = str(kode) if isinstance(kode, str) and kode else f"ke-{part + 1}"
            pieces.append(f"{'.'.join(path)} {label}".strip())
            path = []
            node = item
        else:
            path.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    if path:
        pieces.append(".".join(path))
    return ", ".join(pieces) or "tingkat teratas berkas"


def _example(root: type[BaseModel], loc: tuple, kind: str) -> str:
    names = [str(p) for p in loc if not isinstance(p, int)]
    key = names[-1] if names else ""
    nested = NESTED_EXAMPLES.get(".".join(names[-2:]))
    if nested is not None:
        return f"{key}: {nested}"
    if kind == "list_type":
        example = EXAMPLES.get(key, "")
        if example.startswith("["):
            return f"{key}: {example}"
        return f"baris-baris berawalan \"- \" di bawah {key}:"
    model = _model_at(root, loc)
    if model is not None:
        required = [name for name, info in _fields(model) if info.is_required()]
        body = ", ".join(f"{name}: {_example_value(key, name)}" for name in required[:3])
        if len(required) > 3:
            body += ", ..."
        return f"{key}: {{{body}}}" if key else f"{{{body}}}"
    if key in EXAMPLES:
        return f"{key}: {EXAMPLES[key]}"
    return f"{key}: {{kunci: nilai}}" if key else "kunci: nilai"


def _example_value(parent: str, key: str, default: str | None = "...") -> str | None:
    """Return the example value of ``key`` inside the mapping ``parent``."""
    return NESTED_EXAMPLES.get(f"{parent}.{key}", EXAMPLES.get(key, default))


def _fields(model: type[BaseModel]) -> list[tuple[str, Any]]:
    """Return the keys of a model as written in YAML (alias first) with their field info."""
    return [(info.alias or name, info) for name, info in model.model_fields.items()]


def _field_names(model: type[BaseModel] | None) -> list[str]:
    return [] if model is None else [name for name, _ in _fields(model)]


def _model_at(root: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """Return the model that the value at ``loc`` must match, or None when it is no model."""
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None:
            return None
        info = dict(_fields(model)).get(str(part))
        if info is None:
            return None
        model = _model_in(info.annotation)
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """Find the model inside a type such as ``list[Pita]`` or ``TargetRenstra | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType):
        for argument in typing.get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None
