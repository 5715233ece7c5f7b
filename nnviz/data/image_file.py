"""Read an image file (any format Pillow reads, or a ``.npy`` array) as a grayscale array, ink high.

The file is opened safely (a regular file only; a ``.npy`` header checked before its data is read)
and every problem becomes a UserError naming the file. Decoding and the conversion to grey are
drawing.py's (`decode_image`, `image_to_grey`), shared with the exported predict.py.
"""

import os
from pathlib import Path

import numpy as np

from nnviz.data import drawing
from nnviz.data.drawing import MAX_SIDE, decode_image, image_to_grey
from nnviz.guard import UserError, open_regular, read_npy

# A .npy image is not reduced before conversion: its data is capped instead (a 4096x4096 uint8 or
# 2048x2048 float32 array; converting one peaks at ~150 MB, a 64 MB array at 600 MB).
MAX_NPY_BYTES = 16 * 2**20
_NPY_MAGIC = b"\x93NUMPY"


def load_image_file(path, max_side: int = MAX_SIDE) -> np.ndarray:
    """Read an image file as a (h, w) float32 array in [0, 1], ink high (`image_to_grey`).

    Formats: whatever Pillow reads (`decode_image`; images larger than ``max_side`` are reduced,
    aspect kept) and ``.npy`` ((h, w) or (h, w, 1..4), 0-1 or 0-255). Raises UserError naming the
    file for anything that is not a readable image, including a file that cannot be opened or is
    not a regular file (a FIFO, a device).
    """
    path = Path(path)
    try:
        with open_regular(path) as f:
            if f.read(len(_NPY_MAGIC)) == _NPY_MAGIC:
                f.seek(0)
                pixels = read_npy(f, str(path), os.fstat(f.fileno()).st_size, MAX_NPY_BYTES, "an image")
            else:
                f.seek(0)
                pixels = _decode(f, path, max_side)
    except OSError as error:
        raise UserError(f"{path}: cannot read the file: {error.strerror or error}") from None
    try:
        return image_to_grey(pixels, str(path))
    except ValueError as error:     # drawing.py stays free of nnviz imports (export copies it)
        raise UserError(str(error)) from None


def _decode(file, path: Path, max_side: int) -> np.ndarray:
    """`decode_image`, its errors as UserError naming the file."""
    from PIL import Image, UnidentifiedImageError

    try:
        return decode_image(file, max_side)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UserError(f"{path}: the image is too large to read safely ({error}; at most "
                         f"{drawing.MAX_PIXELS:,} pixels)") from None
    except UnidentifiedImageError:
        raise UserError(f"{path}: not an image file (no format Pillow reads, nor .npy)") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as error:
        raise UserError(f"{path}: damaged or unsupported image: {error}") from None
