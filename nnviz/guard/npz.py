"""Read a .npz archive of arrays safely: a regular file of bounded size, every member's header checked."""

import zipfile
import zlib

from .errors import UserError
from .files import open_regular
from .npy import read_npy

ZIP_MAGIC = b"PK\x03\x04"


def read_npz(path, what="archive", limit=None) -> dict:
    """Every array of the .npz archive `path` ({name without .npy: array}), read eagerly, never unpickling.

    Refuses (UserError "path: …" naming `what`): anything but a regular file, a file over `limit`
    bytes, a file that is not a zip archive, a damaged or truncated archive, a member that is not a
    NumPy array, and any member read_npy refuses (bad header, objects, truncated data, too large).
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
                return {info.filename.removesuffix(".npy"): _member(archive, info, what)
                        for info in archive.infolist()}
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError) as error:
            raise UserError(f"{path}: damaged or truncated {what} ({error})") from None
        except UserError as error:
            raise UserError(f"{path}: {error}") from None


def _member(archive, info, what):
    if not info.filename.endswith(".npy"):
        raise UserError(f"not an nnviz {what} ('{info.filename}' is not a NumPy array)")
    with archive.open(info) as member:
        try:
            return read_npy(member, f"'{info.filename}'", info.file_size)
        except UserError as error:
            raise UserError(f"damaged {what}: {error}") from None
