"""IDX reading and writing: round trips, and every malformed file rejected with IDXError naming it."""

import gzip
import struct
import tracemalloc

import numpy as np
import pytest

from nnviz.data.idx import IDXError, read_idx, read_idx_shape, write_idx


def idx_bytes(code: int, shape: tuple[int, ...], payload: bytes) -> bytes:
    """An IDX file built by hand (independently of write_idx)."""
    return bytes([0, 0, code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape) + payload


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip_preserves_values_shape_and_dtype(tmp_path, dtype, suffix):
    rng = np.random.default_rng(0)
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else np.finfo(dtype)
    array = rng.uniform(max(info.min, -1e6), min(info.max, 1e6), size=(3, 4, 5)).astype(dtype)
    path = tmp_path / f"a-idx3{suffix}"
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    assert back.shape == (3, 4, 5)
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable


def test_written_file_is_big_endian_idx(tmp_path):
    write_idx(tmp_path / "a", np.array([[1, 256]], dtype=np.int16))
    assert (tmp_path / "a").read_bytes() == idx_bytes(0x0B, (1, 2), b"\x00\x01\x01\x00")


def test_gzip_is_detected_by_magic_bytes_not_by_name(tmp_path):
    payload = idx_bytes(0x08, (2, 3), bytes(range(6)))
    (tmp_path / "compressed-but-no-suffix").write_bytes(gzip.compress(payload))
    (tmp_path / "raw-with-suffix.gz").write_bytes(payload)
    expected = np.arange(6, dtype=np.uint8).reshape(2, 3)
    np.testing.assert_array_equal(read_idx(tmp_path / "compressed-but-no-suffix"), expected)
    np.testing.assert_array_equal(read_idx(tmp_path / "raw-with-suffix.gz"), expected)


def test_written_gzip_has_no_timestamp_so_output_is_reproducible(tmp_path):
    write_idx(tmp_path / "a.gz", np.arange(100, dtype=np.uint8))
    assert (tmp_path / "a.gz").read_bytes()[4:8] == bytes(4)  # gzip MTIME field


@pytest.mark.parametrize("array", [np.zeros(3, dtype=np.int64), np.zeros((0, 2), np.uint8),
                                   np.zeros((1,) * 5, np.uint8), np.uint8(3)])
def test_write_rejects_unsupported_dtype_or_shape(tmp_path, array):
    with pytest.raises(ValueError):
        write_idx(tmp_path / "x", array)


BAD_FILES = {
    "truncated": (idx_bytes(0x08, (10, 28, 28), bytes(1234)),
                  "truncated: header says 10x28x28 = 7840 bytes, file has 1234"),
    "trailing": (idx_bytes(0x08, (2, 2), bytes(5)), "trailing bytes: header says 2x2 = 4 bytes, file has 5"),
    "bad-magic": (b"\x01\x00\x08\x01" + struct.pack(">I", 1) + b"\x00", "bad magic"),
    "bad-dtype": (idx_bytes(0x0A, (1,), b"\x00"), "unknown dtype code 0x0A"),
    "zero-dims": (bytes([0, 0, 8, 0]), "number of dimensions 0"),
    "five-dims": (idx_bytes(0x08, (1,) * 5, b"\x00"), "number of dimensions 5"),
    "empty-dim": (idx_bytes(0x08, (3, 0), b""), "empty dimension"),
    "absurd": (idx_bytes(0x0E, (10**6, 10**6), b"\x00" * 8), "absurd dimensions"),
    "short-header": (b"\x00\x00", "too short"),
    "cut-in-dims": (bytes([0, 0, 8, 3]) + struct.pack(">I", 5), "ends inside them"),
    "empty-file": (b"", "too short"),
}


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_malformed_file_raises_idx_error_naming_file_and_problem(tmp_path, case, compress):
    content, problem = BAD_FILES[case]
    path = tmp_path / f"{case}-idx-ubyte"
    path.write_bytes(gzip.compress(content) if compress else content)
    with pytest.raises(IDXError) as caught:
        read_idx(path)
    assert path.name in str(caught.value)
    assert problem in str(caught.value)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_the_shape_is_read_from_the_header_alone(tmp_path, suffix):
    path = tmp_path / f"images-idx3-ubyte{suffix}"
    write_idx(path, np.zeros((4, 5, 7), np.uint8))
    assert read_idx_shape(path) == (4, 5, 7)
    content = path.read_bytes() if not suffix else gzip.decompress(path.read_bytes())
    (tmp_path / "cut-idx3-ubyte").write_bytes(content[:16])          # the header, then no data
    assert read_idx_shape(tmp_path / "cut-idx3-ubyte") == (4, 5, 7)


@pytest.mark.parametrize("case", ["bad-magic", "bad-dtype", "empty-dim", "absurd", "cut-in-dims"])
def test_a_header_read_idx_refuses_is_refused_by_read_idx_shape_too(tmp_path, case):
    content, problem = BAD_FILES[case]
    path = tmp_path / f"{case}-idx-ubyte"
    path.write_bytes(content)
    with pytest.raises(IDXError, match=problem):
        read_idx_shape(path)


def test_absurd_header_is_rejected_before_allocating(tmp_path):
    path = tmp_path / "huge-idx3-ubyte.gz"  # claims 10^12 bytes
    path.write_bytes(gzip.compress(idx_bytes(0x08, (10**4, 10**4, 10**4), bytes(100))))
    tracemalloc.start()
    try:
        with pytest.raises(IDXError, match="absurd"):
            read_idx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10**7


def test_lying_gzip_header_reads_only_what_is_there(tmp_path):
    path = tmp_path / "liar.gz"  # claims 1.9 GB, holds 10 bytes
    path.write_bytes(gzip.compress(idx_bytes(0x08, (1900, 1000, 1000), bytes(10))))
    tracemalloc.start()
    try:
        with pytest.raises(IDXError, match="truncated: header says 1900x1000x1000 = 1900000000 bytes, file has 10"):
            read_idx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10**8


@pytest.mark.parametrize("damage", ["cut", "flip"])
def test_corrupt_gzip_stream_raises_idx_error(tmp_path, damage):
    data = bytearray(gzip.compress(idx_bytes(0x08, (1000,), np.arange(1000, dtype=np.uint8).tobytes())))
    if damage == "cut":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 2] ^= 0xFF
        data[-8] ^= 0xFF  # and the CRC, so a lucky flip cannot pass
    path = tmp_path / "broken-idx1-ubyte.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(IDXError, match="broken-idx1-ubyte.gz"):
        read_idx(path)


def test_missing_file_raises_idx_error(tmp_path):
    with pytest.raises(IDXError, match="nope-idx1-ubyte: no such file"):
        read_idx(tmp_path / "nope-idx1-ubyte")
