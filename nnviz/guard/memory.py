"""Refuse work that cannot fit in memory before allocating it, with the size, the estimate and what is free.

`available_bytes()` reads MemAvailable from /proc/meminfo (Linux), else the free physical pages
(os.sysconf); tests replace it (monkeypatch `nnviz.guard.memory.available_bytes`).
"""

import os

from .errors import UserError

# Use at most this share of the memory available now: the rest is for Python, Qt, the OS and copies
# the estimates leave out.
MAX_SHARE = 0.8


class MemoryLimitError(UserError):
    """The work asked for needs more memory than the machine has available."""


def available_bytes() -> int | None:
    """Memory available to a new allocation without swapping, in bytes (None when unknown)."""
    try:
        with open("/proc/meminfo", "rb") as f:
            for line in f:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def check_fits(what, needed) -> None:
    """Raise MemoryLimitError when `needed` bytes exceed MAX_SHARE of the available memory.

    `what` names the size asked for, e.g. "hidden_layers [100000, 100000]"; the message adds
    the estimate and the memory available. Unknown available memory allows everything.
    """
    available = available_bytes()
    if available is not None and needed > MAX_SHARE * available:
        raise MemoryLimitError(f"{what} needs about {format_bytes(needed)} of memory; "
                               f"{format_bytes(available)} is available")


def format_bytes(n) -> str:
    """A byte count for people: 512 B, 3.2 MB, 80 GB, 1.2e+06 TB."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} TB"
