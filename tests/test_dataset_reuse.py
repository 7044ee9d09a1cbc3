"""The dataset a process keeps between loads of the same folder."""

import gc
import os
import weakref
from pathlib import Path

import pytest
from conftest import report, write_table

from iku_nb import dataset as dataset_module
from iku_nb.api import hitung
from iku_nb.catalogue import SHIPPED_CATALOGUE
from iku_nb.dataset import forget, inspect, load
from iku_nb.errors import CatalogueError


@pytest.fixture
def reads(monkeypatch):
    """Count the times the files of a folder are read."""
    calls = []
    real = dataset_module.read_tables

    def counting(data_dir):
        calls.append(data_dir)
        return real(data_dir)

    forget()
    monkeypatch.setattr(dataset_module, "read_tables", counting)
    yield calls
    forget()


def test_same_folder_read_once(make_data, reads):
    data = make_data()
    first = load(data)
    second = load(data)
    assert len(reads) == 1
    assert second.fingerprints == first.fingerprints
    assert second.tables["konflik"].equals(first.tables["konflik"])


def test_changed_file_read_again(make_data, reads):
    data = make_data(konflik=[report("K-1", "2025-01-10", selesai="2025-01-20")])
    assert len(load(data).tables["konflik"]) == 1
    write_table(data, "konflik", [report("K-1", "2025-01-10", selesai="2025-01-20"),
                                  report("K-2", "2025-02-10", status="proses")])
    assert len(load(data).tables["konflik"]) == 2
    assert len(reads) == 2


def test_same_size_and_time_still_hashed(make_data, reads):
    data = make_data(konflik=[report("K-1", "2025-01-10", selesai="2025-01-20")])
    konflik = data / "konflik.csv"
    load(data)
    info = konflik.stat()
    # Same length, other content, and the old modification time put back.
    konflik.write_bytes(konflik.read_bytes().replace(b"K-1", b"K-9"))
    os.utime(konflik, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert konflik.stat().st_size == info.st_size
    again = load(data)
    assert len(reads) == 2
    assert list(again.tables["konflik"]["id_konflik"]) == ["K-9"]


def test_new_table_read_again(make_data, reads):
    data = make_data()
    assert "rekap" not in load(data).tables
    (data / "rekap.csv").write_text("kode_indikator;tahun;triwulan;pembilang;penyebut\n",
                                    encoding="utf-8")
    inspect(data)
    assert len(reads) == 2


def test_changed_catalogue_read_again(make_data, reads):
    data = make_data()
    katalog = data / "katalog.yaml"
    katalog.write_text(SHIPPED_CATALOGUE.read_text(encoding="utf-8"), encoding="utf-8")
    first = load(data)
    katalog.write_text(katalog.read_text(encoding="utf-8") + "\n# catatan\n", encoding="utf-8")
    second = load(data)
    assert len(reads) == 2
    assert second.katalog_sha256 != first.katalog_sha256


def test_changes_to_copy_stay_in_copy(make_data, reads):
    data = make_data()
    first = load(data)
    first.tables["konflik"].loc[0, "jenis"] = "diubah"
    first.tables["konflik"]["kolom_baru"] = 1
    first.tables["organisasi"] = first.tables["organisasi"].iloc[0:0]
    first.problems.append("masalah palsu")
    first.fingerprints["konflik.csv"] = "palsu"
    second = load(data)
    assert len(reads) == 1
    assert second.tables["konflik"].loc[0, "jenis"] != "diubah"
    assert "kolom_baru" not in second.tables["konflik"]
    assert len(second.tables["organisasi"]) == 1
    assert "masalah palsu" not in second.problems
    assert second.fingerprints["konflik.csv"] != "palsu"


def test_forget_reads_again(make_data, reads):
    data = make_data()
    load(data)
    forget()
    load(data)
    assert len(reads) == 2


def test_missing_folder_reported_as_problem(tmp_path, reads):
    missing = inspect(tmp_path / "tidak-ada")
    assert [p.code for p in missing.errors] == ["folder-tidak-ada"]


def test_missing_catalogue_rejected(make_data, reads):
    data = make_data()
    with pytest.raises(CatalogueError, match="tidak ditemukan"):
        inspect(data, data / "tidak-ada.yaml")


def test_kept_dataset_found_from_other_folder(make_data, reads, monkeypatch):
    data = make_data()
    monkeypatch.chdir(data.parent)
    first = load(data.name)
    monkeypatch.chdir(data)
    second = load(data)
    assert len(reads) == 1
    assert first.data_dir == Path(data.name)
    assert second.data_dir == data


def test_counted_tables_freed(make_data, reads):
    data = make_data()
    dataset = load(data)
    hitung(dataset, 2025)
    table = weakref.ref(dataset.tables["konflik"])
    del dataset
    gc.collect()
    assert table() is None, "a result kept for the table must not keep the table alive"
