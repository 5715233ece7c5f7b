"""Read a .npz archive of arrays safely: a regular file of bounded size, every member's header checked.

The sizes the archive declares are judged before anything is unpacked: zipfile never yields more
than a member's declared size, so refusing large declarations is refusing large reads. nnviz
writes stored (uncompressed) archives, and float weights deflate by less than 2x, while a zip bomb
expands a thousandfold; a member may expand at most MAX_EXPANSION times.
"""

import zipfile
import zlib

from .errors import UserError
from .files import open_regular
from .memory import check_fits, format_bytes
from .npy import read_npy

ZIP_MAGIC = b"PK\x03\x04"
MAX_EXPANSION = 32
_SLACK = 1 << 16        # small members (headers, a class-name list) may deflate well: never judged by ratio


def read_npz(path, what="archive", limit=None) -> dict:
    """Every array of the .npz archive `path` ({name without .npy: array}), read eagerly, never unpickling.

    Refuses (UserError "path: …" naming `what`): anything but a regular file, a file over `limit`
    bytes or whose members unpack to more than `limit` bytes together, a member that would expand
    more than MAX_EXPANSION times, members that together exceed the available memory (all judged
    before unpacking), a file that is not a zip archive, a damaged or truncated archive, a member
    that is not a NumPy array, and any member read_npy refuses (bad header, objects, truncated data).
    """
    f = open_regular(path)
    with f:
        try:
            size = f.seek(0, 2)
            if limit is not None and size > limit:
                raise UserError(f"too large for a {what} ({size:,} bytes; at most {limit:,})")
            f.seek(0)
            if f.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
                raise UserError(f"not an nnviz {what} (not a .npz archive)")
            if not zipfile.is_zipfile(f):
                raise UserError(f"damaged or truncated {what} (the archive's directory is missing)")
            with zipfile.ZipFile(f) as archive:
                _check_declared_sizes(archive.infolist(), what, limit)
                return {info.filename.removesuffix(".npy"): _member(archive, info, what)
                        for info in archive.infolist()}
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError) as error:
            raise UserError(f"{path}: damaged or truncated {what} ({error})") from None
        except UserError as error:
            raise UserError(f"{path}: {error}") from None


def _check_declared_sizes(infos, what, limit):
    """UserError when the members' declared sizes promise a zip bomb or more than `limit` or memory allows."""
    for info in infos:
        if info.file_size > MAX_EXPANSION * info.compress_size + _SLACK:
            raise UserError(f"'{info.filename}' would expand from {info.compress_size:,} to {info.file_size:,} "
                            f"bytes (more than {MAX_EXPANSION} times): not a {what} nnviz wrote")
    total = sum(info.file_size for info in infos)
    if limit is not None and total > limit:
        raise UserError(f"too large for a {what} once unpacked ({total:,} bytes; at most {limit:,})")
    check_fits(f"the {what}'s arrays ({format_bytes(total)} unpacked)", total)


def _member(archive, info, what):
    if not info.filename.endswith(".npy"):
        raise UserError(f"not an nnviz {what} ('{info.filename}' is not a NumPy array)")
    with archive.open(info) as member:
        try:
            return read_npy(member, f"'{info.filename}'", info.file_size)
        except UserError as error:
            raise UserError(f"damaged {what}: {error}") from None
