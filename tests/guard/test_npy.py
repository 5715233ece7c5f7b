"""Checked .npy reads: the header is judged (size present, memory) before the data is allocated."""

import io

import numpy as np
import pytest

from nnviz.guard import UserError, memory, read_npy


def npy_bytes(array):
    out = io.BytesIO()
    np.save(out, array)
    return out.getvalue()


@pytest.mark.parametrize("array", [np.arange(12, dtype=np.float32).reshape(3, 4),
                                   np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.array(3, np.int16)])
def test_an_array_round_trips(array):
    data = npy_bytes(array)
    np.testing.assert_array_equal(read_npy(io.BytesIO(data), "a.npy", len(data)), array)


def test_a_header_claiming_more_than_the_file_holds_is_refused_before_allocating():
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, {"descr": "<f8", "fortran_order": False, "shape": (100_000, 100_000)})
    with pytest.raises(UserError, match=r"a\.npy: truncated or corrupt: the header claims a 100000x100000 float64 "
                                        r"array \(80,000,000,000 bytes\), the file holds \d+ bytes"):
        read_npy(io.BytesIO(out.getvalue()), "a.npy", len(out.getvalue()))


def test_an_array_beyond_the_available_memory_is_refused(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 1000)
    data = npy_bytes(np.zeros(1000))
    with pytest.raises(UserError, match="needs about 8 KB of memory; 1 KB is available"):
        read_npy(io.BytesIO(data), "a.npy", len(data))


def test_object_arrays_and_truncated_data_are_refused():
    data = npy_bytes(np.array([None, 1], dtype=object))
    with pytest.raises(UserError, match="holds Python objects"):
        read_npy(io.BytesIO(data), "a.npy")
    data = npy_bytes(np.zeros(10))[:-8]
    with pytest.raises(UserError, match="truncated: .* the file ends after 72"):
        read_npy(io.BytesIO(data), "a.npy")


def test_a_large_npy_image_is_refused_from_its_header_before_reading(tmp_path):
    """A 64 MB array (a sparse file: tiny on disk) once peaked at 600 MB converting to an image."""
    import tracemalloc

    from nnviz.data import load_image_file

    path = tmp_path / "huge.npy"
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, {"descr": "|u1", "fortran_order": False, "shape": (8192, 8192)})
        f.truncate(f.tell() + 8192 * 8192)
    tracemalloc.start()
    try:
        with pytest.raises(UserError) as error:
            load_image_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(error.value) == (f"{path}: too large for an image: the header claims a 8192x8192 uint8 array "
                                f"(67,108,864 bytes); at most 16,777,216 bytes")
    assert peak < 2**20


def test_an_array_over_the_callers_limit_is_refused_naming_what_it_is_for():
    data = npy_bytes(np.zeros((4, 4), np.float32))
    with pytest.raises(UserError, match=r"^a\.npy: too large for an image: the header claims a 4x4 float32 array "
                                        r"\(64 bytes\); at most 63 bytes$"):
        read_npy(io.BytesIO(data), "a.npy", len(data), limit=63, what="an image")
    assert read_npy(io.BytesIO(data), "a.npy", len(data), limit=64).shape == (4, 4)
