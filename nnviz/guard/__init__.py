"""Guards at the input boundary, importable from every layer: user errors, safe file reads, memory checks."""

from .errors import UserError, describe, one_line, shorten
from .files import MAX_JSON_BYTES, open_regular, path_component, read_capped, read_json
from .memory import MemoryLimitError, available_bytes, check_fits, format_bytes
from .npy import read_npy
from .npz import read_npz

__all__ = [
    "UserError", "describe", "one_line", "shorten", "MAX_JSON_BYTES", "open_regular", "path_component",
    "read_capped", "read_json",
    "MemoryLimitError", "available_bytes", "check_fits", "format_bytes", "read_npy", "read_npz",
]
