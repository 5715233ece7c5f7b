"""Checked .npz reads: the sizes an archive declares are judged before anything is unpacked."""

import tracemalloc
import zipfile

import numpy as np
import pytest

from nnviz.guard import UserError, read_npz
from nnviz.io import load_model
from nnviz.io.model_file import ModelFileError
from nnviz.io.run_store import RunStore, snapshot_arrays

MB = 2**20


def write_member(archive, name, array_header, chunks):
    """Stream a .npy member (header, then `chunks`) into `archive`: the whole array is never in memory."""
    with archive.open(name, "w", force_zip64=True) as member:
        np.lib.format.write_array_header_1_0(member, array_header)
        for chunk in chunks:
            member.write(chunk)


def zip_bomb(path, name="W0.npy", megabytes=16):
    """A deflated archive of a float32 zero array of `megabytes` MB: ~16 KB on disk per 16 MB."""
    header = {"descr": "<f4", "fortran_order": False, "shape": (megabytes * MB // 4,)}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        write_member(archive, name, header, (bytes(MB) for _ in range(megabytes)))
    return path


def peak_bytes_while(fn):
    tracemalloc.start()
    try:
        with pytest.raises(UserError) as error:
            fn()
        return tracemalloc.get_traced_memory()[1], str(error.value)
    finally:
        tracemalloc.stop()


def test_a_zip_bomb_model_is_refused_before_it_is_unpacked(tmp_path):
    path = zip_bomb(tmp_path / "bomb.npz")
    assert path.stat().st_size < MB // 8
    peak, message = peak_bytes_while(lambda: load_model(path))
    info = zipfile.ZipFile(path).getinfo("W0.npy")
    assert message == (f"{path}: 'W0.npy' would expand from {info.compress_size:,} to {16 * MB + 128:,} bytes "
                       f"(more than 32 times): not a model file nnviz wrote")
    assert peak < MB                # nothing near the 16 MB the archive promises was allocated
    with pytest.raises(ModelFileError):
        load_model(path)


def test_a_snapshot_bomb_is_refused_before_it_is_unpacked(tmp_path):
    store = RunStore(tmp_path)
    zip_bomb(tmp_path / "run1.npz", "params.npy")
    peak, message = peak_bytes_while(lambda: store.snapshots("run1"))
    assert "'params.npy' would expand from" in message and "not a run snapshot file nnviz wrote" in message
    assert peak < MB


def test_members_that_unpack_beyond_the_cap_are_refused_though_the_file_is_under_it(tmp_path):
    """Two bits of entropy a byte deflate about 3.5x: within the expansion ratio, over the size cap."""
    path = tmp_path / "snapshots.npz"
    data = np.random.default_rng(0).integers(0, 4, 2 * MB, dtype=np.uint8)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        write_member(archive, "params.npy", np.lib.format.header_data_from_array_1_0(data), [data.tobytes()])
    assert path.stat().st_size < MB
    peak, message = peak_bytes_while(lambda: read_npz(path, "run snapshot file", limit=MB))
    assert message == (f"{path}: too large for a run snapshot file once unpacked ({2 * MB + 128:,} bytes; "
                       f"at most {MB:,})")
    assert peak < MB


def test_an_archive_nnviz_writes_is_read_back(tmp_path):
    params = np.random.default_rng(1).standard_normal((3, 9)).astype(np.float32)
    arrays = snapshot_arrays([2, 2, 1], [0, 5, 9], [0, 1, 2], params)
    np.savez(tmp_path / "plain.npz", **arrays)
    got = read_npz(tmp_path / "plain.npz", "run snapshot file", limit=4096)
    np.testing.assert_array_equal(got["params"], params)
