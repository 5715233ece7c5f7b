"""Open user files safely: regular files only (never a FIFO, a device or a folder), bounded reads, strict JSON.

Every problem is a UserError whose message starts with the file's path.
"""

import codecs
import json
import os
import re
import stat
from pathlib import Path

from .errors import UserError, shorten

MAX_JSON_BYTES = 16 * 2**20     # an experiment is ~2 KB, a runs file of a long session a few MB
MAX_DEPTH = 32                  # nnviz's own files nest 4 levels at most
MAX_INT_DIGITS = 20             # beyond any 64-bit count or seed
MAX_NAME_BYTES = 255            # the longest file name ext4, APFS and NTFS all accept
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def open_regular(path):
    """A binary file object for `path`, refusing anything but a regular file (symlinks are followed).

    Opens without blocking first, so a FIFO with no writer is refused at once instead of hanging.
    Raises UserError for a missing, unreadable or non-regular file.
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise UserError(f"{path}: cannot open the file: {error.strerror or error}") from None
    except ValueError:          # "embedded null byte"
        raise UserError(f"{shorten(str(path))}: not a usable file name (it holds a NUL byte)") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise UserError(f"{path}: is {kind}, not a regular file")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def path_component(name, what="name") -> str:
    """`name` unchanged when it is safe as one file or folder name inside a folder nnviz writes to.

    Refuses (UserError naming `what` and the value): an empty name, "." and "..", a name holding a
    path separator (/ or \\, so also every absolute path), a NUL or other control character,
    a name the file system cannot encode, and more than MAX_NAME_BYTES bytes once encoded.
    Every name that becomes a path component (a label's folder, …) goes through here.
    """
    name = str(name)
    problem = None
    if name in ("", ".", ".."):
        problem = "is not a usable folder or file name"
    elif "/" in name or "\\" in name:
        problem = "holds '/' or '\\', so it is not a single folder or file name"
    elif any(ord(c) < 32 or ord(c) == 127 for c in name):
        problem = "holds a NUL or another control character"
    else:
        try:
            size = len(os.fsencode(name))
        except UnicodeEncodeError:
            problem = "holds characters the file system cannot store"
        else:
            if size > MAX_NAME_BYTES:
                problem = f"is {size} bytes long; a file or folder name has at most {MAX_NAME_BYTES}"
    if problem:
        raise UserError(f"the {what} {shorten(name)} {problem}")
    return name


def read_capped(path, limit, what="file") -> bytes:
    """The bytes of the regular file `path`; UserError when it holds more than `limit` bytes."""
    with open_regular(path) as f:
        try:
            data = f.read(limit + 1)
        except OSError as error:
            raise UserError(f"{path}: cannot read the file: {error.strerror or error}") from None
    if len(data) > limit:
        raise UserError(f"{path}: too large for a {what} (more than {limit:,} bytes)")
    return data


def read_json(path, limit=MAX_JSON_BYTES, what="JSON file"):
    """Parse the UTF-8 JSON file `path` with bounded size, depth and number length.

    Refuses (UserError naming the file, and the line and column where it applies): a non-regular
    file, more than `limit` bytes, a byte-order mark or any encoding but UTF-8, invalid JSON,
    nesting deeper than MAX_DEPTH, whole numbers longer than MAX_INT_DIGITS digits.
    """
    data = read_capped(path, limit, what)
    if data.startswith(_BOMS):
        raise UserError(f"{path}: not UTF-8 JSON (the file starts with a byte-order mark; save it as UTF-8 "
                        f"without BOM)")
    if b"\0" in data:
        raise UserError(f"{path}: not UTF-8 JSON (the file holds NUL bytes, as UTF-16 does; save it as UTF-8)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 JSON (byte {error.start} is not UTF-8; save the file as UTF-8)") from None
    try:
        value = json.loads(text, parse_int=_whole_number)
    except json.JSONDecodeError as error:
        raise UserError(f"{path}: line {error.lineno}, column {error.colno}: {error.msg}") from None
    except _TooLong:
        raise UserError(f"{path}: {_where_long_number(text)}a whole number of more than {MAX_INT_DIGITS} digits "
                        f"is not allowed") from None
    except RecursionError:
        value = _TOO_DEEP
    if value is _TOO_DEEP or _depth_exceeds(value, MAX_DEPTH):
        raise UserError(f"{path}: lists or objects nested more than {MAX_DEPTH} levels deep are not allowed")
    return value


_TOO_DEEP = object()


class _TooLong(Exception):
    pass


def _whole_number(digits):
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise _TooLong
    return int(digits)


def _where_long_number(text):
    """'line L, column C: ' of the first over-long whole number in `text` (with the key before it)."""
    match = re.search(rf"(?<![\d.eE+-])-?\d{{{MAX_INT_DIGITS + 1},}}(?![\d.eE])", text)
    if match is None:
        return ""
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    key = re.search(r'"((?:[^"\\]|\\.){1,200})"\s*:\s*\[?\s*$', text[max(0, match.start() - 300):match.start()])
    field = f"{shorten(key.group(1))}: " if key else ""
    return f"line {line}, column {column}: {field}"


def _depth_exceeds(value, limit) -> bool:
    """True when lists/dicts nest more than `limit` levels (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, (list, dict)):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False
