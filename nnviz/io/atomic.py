"""Atomic file saves: write a temporary file next to the target, fsync it, then os.replace it.

A reader (or a crash) sees either the old file or the complete new one, never half of each. The
temporary file `.NAME.PID.xxxx.tmp` is removed when the save fails, is interrupted (Ctrl-C) or
terminated (SIGTERM, SIGHUP); one left by a process that was killed outright (SIGKILL) is removed
by the next save of the same file.

Saving through a symlink replaces the file it points to (the link stays a link); a read-only file
is refused, never replaced; a new file gets the permissions the user's umask allows (as open()
would give it), an existing one keeps its own.
"""

import contextlib
import errno
import os
import re
import signal
import tempfile
import threading
from pathlib import Path

NEW_FILE_MODE = 0o666       # before the umask, as open() creates a file
# Signals whose default action ends the process: during a save they first remove the temporary file.
CLEANUP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def atomic_write(path, write_fn):
    """Create or replace `path` with what `write_fn(f)` writes to a binary file object `f`.

    If `write_fn` raises (or the process is interrupted or terminated), the file at `path` is left
    as it was and the temporary file is removed. A symlink is followed to the file it names, which
    is replaced. An existing file keeps its permission bits; a new one gets NEW_FILE_MODE less the
    umask. A read-only file (no write permission bit, or not writable by this user) is refused
    with PermissionError. Every OSError names `path`, never the temporary file.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder; choose a file name", str(path))
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    mode = check_replaceable(path)
    folder = target.parent
    remove_stale_temporaries(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as error:    # name the file the caller asked for, not the temporary one
        raise type(error)(error.errno, error.strerror, str(path)) from None
    try:
        with _terminations_raise():
            with os.fdopen(fd, "wb") as f:
                write_fn(f)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode if mode is not None else NEW_FILE_MODE & ~_umask())
            os.replace(tmp, target)
    except _Terminated as terminated:
        _remove(tmp)
        os.kill(os.getpid(), terminated.signum)     # the handler is restored: the signal's own action
        raise SystemExit(128 + terminated.signum) from None
    except OSError as error:
        _remove(tmp)
        if error.filename == tmp:
            raise type(error)(error.errno, error.strerror, str(path)) from None
        raise
    except BaseException:
        _remove(tmp)
        raise
    _fsync_folder(folder)


def atomic_write_text(path, text):
    """atomic_write for a UTF-8 text file."""
    atomic_write(path, lambda f: f.write(text.encode("utf-8")))


def remove_stale_temporaries(path):
    """Remove `.NAME.PID.*.tmp` files next to `path` whose process no longer runs (a save killed outright)."""
    path = Path(path)
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(\d+)\.[^.]+\.tmp")
    with contextlib.suppress(OSError):
        for sibling in path.parent.iterdir():
            match = pattern.fullmatch(sibling.name)
            if match and not _running(int(match.group(1))):
                _remove(sibling)


def check_replaceable(path) -> int | None:
    """The permission bits of the file `path` names (through symlinks; None when there is none yet).

    Raises PermissionError naming `path` when the file is read-only: no write permission bit (so
    also for root), or not writable by this user.
    """
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        return None
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only; nnviz does not overwrite it (make it "
                                            "writable, or choose another name)", str(path))
    return mode


def _umask() -> int:
    """The process's umask, read without changing it where Linux shows it, else by setting it back at once."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _Terminated(BaseException):
    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _terminations_raise():
    """In the main thread, turn CLEANUP_SIGNALS that would end the process into _Terminated."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for signum in CLEANUP_SIGNALS:
        if signal.getsignal(signum) == signal.SIG_DFL:
            previous[signum] = signal.signal(signum, _raise_terminated)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _raise_terminated(signum, frame):
    raise _Terminated(signum)


def _running(pid) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:          # exists, owned by someone else
        return True
    return True


def _remove(file):
    """Delete `file`; a further Ctrl-C meanwhile is ignored and the deletion retried (it must not survive)."""
    while True:
        try:
            os.unlink(file)
            return
        except OSError:
            return
        except KeyboardInterrupt:
            continue


def _fsync_folder(folder):
    """Make the rename itself durable where the platform allows opening a folder (POSIX)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
