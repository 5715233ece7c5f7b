"""Read one .npy array from an open file with its header checked before anything is allocated."""

import math

import numpy as np

from .errors import UserError
from .memory import check_fits


def read_npy(f, name, size=None, limit=None, what="array") -> np.ndarray:
    """The array stored in the .npy stream `f` (a file or a zip member), never unpickling.

    name: the file (or archive member) for messages; size: the stream's length in bytes, when
    known; limit: the most data bytes accepted for `what`. Refuses (UserError) a bad header, object
    arrays, a header that claims (checked before allocating) more data than the stream holds, than
    `limit` or than memory allows, and truncated data.
    """
    try:
        version = np.lib.format.read_magic(f)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran_order, dtype = read_header(f)
    except (ValueError, EOFError, OSError) as error:
        raise UserError(f"{name}: not a valid .npy array ({error})") from None
    if dtype.hasobject:
        raise UserError(f"{name}: holds Python objects, which nnviz never loads")
    nbytes = math.prod(shape) * dtype.itemsize
    claim = f"the header claims a {'x'.join(map(str, shape)) or 'scalar'} {dtype} array ({nbytes:,} bytes)"
    if size is not None and nbytes > size:
        raise UserError(f"{name}: truncated or corrupt: {claim}, the file holds {size:,} bytes")
    if limit is not None and nbytes > limit:
        raise UserError(f"{name}: too large for {what}: {claim}; at most {limit:,} bytes")
    check_fits(f"{name}: {claim}", nbytes)
    buffer = bytearray(nbytes)
    try:
        got = f.readinto(buffer)
    except (OSError, ValueError, EOFError) as error:
        raise UserError(f"{name}: cannot read the array data ({error})") from None
    if got != nbytes:
        raise UserError(f"{name}: truncated: {claim}, the file ends after {got:,}")
    return np.frombuffer(buffer, dtype=dtype).reshape(shape, order="F" if fortran_order else "C")
