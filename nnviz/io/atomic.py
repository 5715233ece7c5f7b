"""Atomic file saves: write a temporary file next to the target, fsync it, then os.replace it.

A reader (or a crash) sees either the old file or the complete new one, never half of each.
"""

import contextlib
import os
import tempfile
from pathlib import Path

NEW_FILE_MODE = 0o644


def atomic_write(path, write_fn):
    """Create or replace `path` with what `write_fn(f)` writes to a binary file object `f`.

    If `write_fn` raises (or the process dies), the file at `path` is left as it was and the
    temporary file is removed. An existing file keeps its permission bits.
    """
    path = Path(path)
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:    # name the file the caller asked for, not the temporary one
        raise type(error)(error.errno, error.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            write_fn(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else NEW_FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def atomic_write_text(path, text):
    """atomic_write for a UTF-8 text file."""
    atomic_write(path, lambda f: f.write(text.encode("utf-8")))


def _fsync_folder(folder):
    """Make the rename itself durable where the platform allows opening a folder (POSIX)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
