"""Read an image file (any format Pillow reads, or a ``.npy`` array) as a grayscale array, ink high.

Pillow is imported here only, and only when a file is read, so that ``import nnviz.data`` stays
NumPy-only. A huge image is reduced before it is converted: JPEG decodes at 1/2, 1/4 or 1/8 scale
(``Image.draft``), other formats are box-averaged (``Image.reduce``) to at most MAX_SIDE pixels a
side, which keeps far more detail than the 20-pixel box a digit ends up in.
"""

import math
import os
import warnings
from pathlib import Path

import numpy as np

from nnviz.data.drawing import to_unit_range
from nnviz.guard import UserError, open_regular, read_npy

MAX_SIDE = 512              # longest side kept before preprocessing (pixels)
MAX_PIXELS = 1 << 26        # 67 megapixels decoded at most (a 8192x8192 PNG; JPEGs count after draft)
# A .npy image is not reduced before conversion: its data is capped instead (a 4096x4096 uint8 or
# 2048x2048 float32 array; converting one peaks at ~150 MB, a 64 MB array at 600 MB).
MAX_NPY_BYTES = 16 * 2**20
_NPY_MAGIC = b"\x93NUMPY"
_SIXTEEN_BIT = 65535.0


def load_image_file(path, max_side: int = MAX_SIDE) -> np.ndarray:
    """Read an image file as a (h, w) float32 array in [0, 1], ink high.

    Formats: whatever Pillow reads (PNG of any bit depth or palette, JPEG, BMP, GIF, WebP, TIFF, …)
    and ``.npy`` ((h, w) or (h, w, 1..4), 0-1 or 0-255). The first frame of an animation is used;
    the EXIF orientation is applied; images larger than ``max_side`` are reduced (aspect kept).
    Colour becomes luma (0.299 R + 0.587 G + 0.114 B); transparency is composited over white, as
    a viewer shows it. An image with a light background (mean > 0.5) is inverted so the ink is
    high. Raises UserError naming the file for anything that is not a readable image, including a
    file that cannot be opened or is not a regular file (a FIFO, a device).
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
        image = to_unit_range(pixels, str(path))
    except ValueError as error:     # drawing.py stays free of nnviz imports (export copies it)
        raise UserError(str(error)) from None
    if image.ndim == 3:
        image = _to_gray(image, path)
    if image.ndim != 2 or image.size == 0:
        raise UserError(f"{path}: expected a (height, width) image, got shape {image.shape}")
    return 1 - image if image.mean() > 0.5 else image


def _decode(file, path: Path, max_side: int) -> np.ndarray:
    """Pillow: first frame, drafted, EXIF-rotated, in a standard mode, reduced -> uint8 or float32 array."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image.draft(None, (max_side, max_side))          # JPEG only: decode at a reduced scale
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise Image.DecompressionBombError(f"{width}x{height} pixels")
                ImageOps.exif_transpose(image, in_place=True)     # loads the (first) frame; no copy
                return _to_array(_reduce(_standard_mode(image), max_side))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UserError(f"{path}: the image is too large to read safely ({error}; at most "
                         f"{MAX_PIXELS:,} pixels)") from None
    except UnidentifiedImageError:
        raise UserError(f"{path}: not an image file (no format Pillow reads, nor .npy)") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as error:
        raise UserError(f"{path}: damaged or unsupported image: {error}") from None


def _standard_mode(image):
    """L, LA, RGB, RGBA (8-bit), I (16-bit gray) or F (float gray) from any Pillow mode."""
    mode = image.mode
    if mode in ("L", "LA", "RGB", "RGBA", "I", "F"):
        return image
    if mode.startswith("I;16"):
        return image.convert("I")
    if mode == "1":
        return image.convert("L")
    transparent = mode in ("PA", "La", "RGBa") or "transparency" in image.info
    return image.convert("RGBA" if transparent else "RGB")


def _reduce(image, max_side: int):
    """Box-average by a whole factor so that the longer side is at most max_side."""
    factor = math.ceil(max(image.size) / max_side)
    return image.reduce(factor) if factor > 1 else image


def _to_array(image) -> np.ndarray:
    """uint8 (h, w[, c]) for 8-bit modes; float32 (h, w) for I (scaled from 16 bits to [0, 1]) and F."""
    pixels = np.asarray(image)
    if image.mode == "I":
        return np.clip(pixels / _SIXTEEN_BIT, 0, 1).astype(np.float32)
    return pixels


def _to_gray(image: np.ndarray, path: Path) -> np.ndarray:
    """(h, w, c) in [0, 1] -> (h, w): c = 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA; alpha over white."""
    channels = image.shape[2]
    if channels not in (1, 2, 3, 4):
        raise UserError(f"{path}: expected 1 to 4 channels, got {channels}")
    colour = image[..., : 1 if channels <= 2 else 3]
    gray = colour[..., 0] if colour.shape[2] == 1 else colour @ np.float32([0.299, 0.587, 0.114])
    if channels in (2, 4):
        alpha = image[..., -1]
        gray = gray * alpha + (1 - alpha)
    return gray.astype(np.float32)
