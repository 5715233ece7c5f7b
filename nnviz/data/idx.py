"""Read and write IDX files (the MNIST format), raw or gzip-compressed, checking every header field.

An IDX file is a 4-byte magic number ``00 00 <dtype code> <ndim>``, then ``ndim`` big-endian
uint32 dimensions, then exactly ``prod(dims)`` big-endian items, row-major.
"""

import gzip
import zlib
from pathlib import Path

import numpy as np

from nnviz.guard import UserError, check_fits, open_regular

# IDX type code -> big-endian NumPy dtype.
_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dtype.newbyteorder("="): code for code, dtype in _DTYPES.items()}
_GZIP_MAGIC = b"\x1f\x8b"
MAX_DATA_BYTES = 2**31  # larger headers are rejected before anything is allocated
_CHUNK = 1 << 22  # bytes per read, so a lying header never makes us allocate more than we find


class IDXError(UserError):
    """A file is not a valid IDX file; the message names the file and what is wrong."""


def read_idx(path) -> np.ndarray:
    """Read an IDX file (gzip-compressed or not, decided by its first bytes) into a native-endian array.

    Returns a writable array whose shape is the header's dimensions (1 to 4 of them).
    Raises IDXError naming the file for anything unreadable: missing file, corrupt gzip,
    bad magic, unknown dtype, absurd dimensions, truncated data or trailing bytes.
    """
    return _read_file(path, _read_stream)


def read_idx_shape(path) -> tuple[int, ...]:
    """The dimensions an IDX file's header declares, read without its data (a form checks a network
    against the images' size with it); IDXError as read_idx for a header it would refuse."""
    return _read_file(path, lambda stream, path: _read_header(stream, path)[1])


def _read_file(path, read):
    """read(stream, path) on the file's bytes, gunzipped when they start as gzip; IDXError naming it."""
    path = Path(path)
    try:
        raw = open_regular(path)
    except UserError as error:
        raise IDXError(str(error)) from None
    try:
        with raw:
            is_gzip = raw.read(2) == _GZIP_MAGIC
            raw.seek(0)
            if is_gzip:
                with gzip.GzipFile(fileobj=raw) as stream:
                    return read(stream, path)
            return read(raw, path)
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise IDXError(f"{path}: corrupt gzip stream: {error}") from error
    except OSError as error:
        raise IDXError(f"{path}: cannot read: {error}") from error


def _read_stream(stream, path: Path) -> np.ndarray:
    """Parse header and data from a binary stream, validating sizes before reading the data."""
    dtype, shape = _read_header(stream, path)
    shape_text = "x".join(map(str, shape))
    nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    check_fits(f"{path}: {shape_text} {dtype.name} items", 2 * nbytes)   # the bytes read, then the array
    data = bytearray()
    while len(data) < nbytes:
        chunk = stream.read(min(_CHUNK, nbytes - len(data)))
        if not chunk:
            raise IDXError(f"{path}: truncated: header says {shape_text} = {nbytes} bytes, "
                           f"file has {len(data)}")
        data += chunk
    extra = _count_remaining(stream)
    if extra:
        raise IDXError(f"{path}: trailing bytes: header says {shape_text} = {nbytes} bytes, "
                       f"file has {nbytes + extra}")
    array = np.frombuffer(data, dtype=dtype).reshape(shape)
    return array if dtype.itemsize == 1 else array.astype(dtype.newbyteorder("="))


def _read_header(stream, path: Path) -> tuple[np.dtype, tuple[int, ...]]:
    """(big-endian dtype, dimensions) from the header at the stream's start, every field checked."""
    magic = stream.read(4)
    if len(magic) < 4:
        raise IDXError(f"{path}: truncated: {len(magic)} bytes, too short for an IDX header")
    if magic[0] != 0 or magic[1] != 0:
        raise IDXError(f"{path}: bad magic number {magic.hex()}: an IDX file starts with two zero bytes")
    code, ndim = magic[2], magic[3]
    if code not in _DTYPES:
        raise IDXError(f"{path}: unknown dtype code 0x{code:02X} (expected one of "
                       + ", ".join(f"0x{c:02X}" for c in _DTYPES) + ")")
    if not 1 <= ndim <= 4:
        raise IDXError(f"{path}: unsupported number of dimensions {ndim} (expected 1 to 4)")
    dims_bytes = stream.read(4 * ndim)
    if len(dims_bytes) < 4 * ndim:
        raise IDXError(f"{path}: truncated: header declares {ndim} dimensions but the file ends inside them")
    shape = tuple(int(d) for d in np.frombuffer(dims_bytes, dtype=">u4"))
    shape_text = "x".join(map(str, shape))
    if min(shape) == 0:
        raise IDXError(f"{path}: header has an empty dimension: {shape_text}")
    dtype = _DTYPES[code]
    nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if nbytes > MAX_DATA_BYTES:
        raise IDXError(f"{path}: absurd dimensions: header says {shape_text} = {nbytes} bytes, "
                       f"more than the {MAX_DATA_BYTES}-byte limit")
    return dtype, shape


def _count_remaining(stream) -> int:
    """Bytes left in the stream, read in chunks and discarded."""
    count = 0
    while chunk := stream.read(_CHUNK):
        count += len(chunk)
    return count


def write_idx(path, array) -> None:
    """Write ``array`` (1 to 4 dimensions, none empty) as an IDX file; gzip it if the name ends in ``.gz``.

    Supported dtypes: uint8, int8, int16, int32, float32, float64 (stored big-endian).
    """
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=")
    if native not in _CODES:
        raise ValueError(f"write_idx: dtype {array.dtype} not supported; use one of "
                         + ", ".join(str(d) for d in _CODES))
    if not 1 <= array.ndim <= 4 or array.size == 0:
        raise ValueError(f"write_idx: shape {array.shape} not supported; need 1 to 4 non-empty dimensions")
    code = _CODES[native]
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    payload = header + np.ascontiguousarray(array, dtype=_DTYPES[code]).tobytes()
    path = Path(path)
    if path.suffix == ".gz":
        # mtime=0 makes the output byte-for-byte reproducible.
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as out:
            out.write(payload)
    else:
        path.write_bytes(payload)
