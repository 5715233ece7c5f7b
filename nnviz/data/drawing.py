"""Turn a drawn canvas or an image file into a network input, the way MNIST digits were prepared.

MNIST (LeCun et al.): each digit was scaled to fit a 20x20 box keeping its aspect ratio, with
anti-aliasing (grey levels), then placed in a 28x28 field so that its centre of mass sits at the
field's centre. Measured on the MNIST files, that centre is (14, 14) in pixel-index coordinates
(mean centre of mass of the training digits: row 13.99, column 14.00), so that is the target for
size 28; the integer placement leaves the centre of mass within half a pixel of it.

For the UCI 8x8 digits use ``size=8``: the default box is then 8, because every one of those 1,797
digits spans all 8 rows (and 2 to 7 columns), and the target centre is (3.5, 3.5), their mean
centre of mass. Other sizes use box round(size * 20 / 28) and centre size / 2.

An image file becomes a grey canvas here too (`decode_image`, then `image_to_grey`), so that nnviz and
the exported predict.py, which carries a copy of this file, read every image alike. This module
imports nothing of nnviz, and Pillow only inside `decode_image`.
"""

import math
import warnings

import numpy as np

MNIST_SIZE, MNIST_BOX, MNIST_CENTRE = 28, 20, 14.0
DIGITS8_SIZE, DIGITS8_BOX, DIGITS8_CENTRE = 8, 8, 3.5
INK_THRESHOLD = 0.05  # on the [0, 1] scale; fainter pixels are treated as background noise
MAX_SIDE = 512              # longest side of an image file kept before preprocessing (pixels)
MAX_PIXELS = 1 << 26        # 67 megapixels decoded at most (a 8192x8192 PNG; JPEGs count after draft)
_SIXTEEN_BIT = 65535.0
_LUMA = np.float32([0.299, 0.587, 0.114])      # ITU-R 601 weights of R, G, B


class NothingDrawn(ValueError):
    """The canvas holds no ink."""

    def __init__(self, message: str = "nothing drawn: the canvas is empty"):
        super().__init__(message)


def preprocess_drawing(canvas: np.ndarray, size: int = MNIST_SIZE, box: int | None = None) -> np.ndarray:
    """Canvas (H, W) grayscale, ink high, uint8 0-255 or float 0-1 -> (size, size) float32 in [0, 1].

    Pixels below INK_THRESHOLD are cleared; the ink's bounding box is cropped and resampled
    (area-averaging when shrinking, bilinear when enlarging) so its longer side is ``box`` pixels,
    intensities are rescaled so the brightest pixel is 1, and the result is placed so that its
    centre of mass is at the field's centre (14, 14) for size 28 — or, if that would push ink off
    the field, as close to it as the field allows. ``box`` defaults to 20 for size 28 and 8 for
    size 8 (see the module docstring for both and for other sizes). Raises NothingDrawn for an
    empty canvas.
    """
    if box is None:
        box = {MNIST_SIZE: MNIST_BOX, DIGITS8_SIZE: DIGITS8_BOX}.get(size, round(size * MNIST_BOX / MNIST_SIZE))
    centre = {MNIST_SIZE: MNIST_CENTRE, DIGITS8_SIZE: DIGITS8_CENTRE}.get(size, size / 2)
    if not 1 <= box <= size:
        raise ValueError(f"box must be between 1 and size={size}, got {box}")
    image = to_unit_range(canvas, "canvas")
    if image.ndim != 2:
        raise ValueError(f"canvas must be a 2-D grayscale array, got shape {image.shape}")
    ink = image >= INK_THRESHOLD
    if not ink.any():
        raise NothingDrawn()
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = np.where(ink, image, 0)[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    scale = box / max(crop.shape)
    height, width = (max(1, round(n * scale)) for n in crop.shape)
    glyph = _resampling_matrix(crop.shape[0], height) @ crop @ _resampling_matrix(crop.shape[1], width).T
    glyph /= glyph.max()
    top = _placement(glyph.sum(axis=1), size, centre)
    left = _placement(glyph.sum(axis=0), size, centre)
    out = np.zeros((size, size), dtype=np.float32)
    out[top:top + height, left:left + width] = glyph
    return out


def _placement(profile: np.ndarray, size: int, centre: float) -> int:
    """Offset putting the centre of mass of a 1-D ink profile at ``centre``, kept inside the field."""
    centre_of_mass = profile @ np.arange(len(profile)) / profile.sum()
    offset = round(centre - centre_of_mass)
    return min(max(offset, 0), size - len(profile))


def _resampling_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) matrix resampling a 1-D signal; rows sum to 1.

    Shrinking: output pixel o averages the input interval [o*r, (o+1)*r), r = n_in/n_out, each
    input pixel weighted by its overlap. Enlarging: linear interpolation at the output pixel
    centres mapped into the input, (o + 0.5) * r - 0.5, clamped to the edge pixels.
    """
    ratio = n_in / n_out
    i = np.arange(n_in)[None, :]
    o = np.arange(n_out)[:, None]
    if n_out < n_in:
        overlap = np.minimum(i + 1, (o + 1) * ratio) - np.maximum(i, o * ratio)
        return np.clip(overlap, 0, None) / ratio
    position = np.clip((o + 0.5) * ratio - 0.5, 0, n_in - 1)
    return np.clip(1 - np.abs(position - i), 0, None)


def to_unit_range(image, what: str = "image") -> np.ndarray:
    """Any numeric array -> float32 in [0, 1]: uint8, or anything with values above 1, is taken as 0-255."""
    image = np.asarray(image)
    if image.dtype.kind not in "biuf":
        raise ValueError(f"{what} must be numeric, got dtype {image.dtype}")
    is_bytes = image.dtype == np.uint8
    image = image.astype(np.float32)
    if not np.isfinite(image).all():
        raise ValueError(f"{what} contains NaN or infinite values")
    if is_bytes or (image.size and image.max() > 1):
        image /= 255
    return np.clip(image, 0, 1)


def decode_image(file, max_side: int = MAX_SIDE) -> np.ndarray:
    """Decode an image file (a path or a binary file object) with Pillow -> its pixels, uint8 (h, w[, c])
    for 8-bit modes, float32 (h, w) in [0, 1] for 16-bit (scaled from 0-65535) and float grey.

    Whatever Pillow reads: PNG of any bit depth or palette, JPEG, BMP, GIF, WebP, TIFF, … The first
    frame of an animation is used; the EXIF orientation is applied. A JPEG larger than ``max_side``
    decodes at 1/2, 1/4 or 1/8 scale (``Image.draft``), other formats are box-averaged
    (``Image.reduce``) to at most ``max_side`` a side, which keeps far more detail than the 20-pixel
    box a digit ends up in. Raises Pillow's DecompressionBombError over MAX_PIXELS pixels, and
    Pillow's own errors for a file it cannot read.
    """
    from PIL import Image, ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(file) as image:
            image.draft(None, (max_side, max_side))          # JPEG only: decode at a reduced scale
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise Image.DecompressionBombError(f"{width}x{height} pixels")
            ImageOps.exif_transpose(image, in_place=True)     # loads the (first) frame; no copy
            return _to_array(_reduce(_standard_mode(image), max_side))


def image_to_grey(pixels, what: str = "image") -> np.ndarray:
    """Pixels (h, w) or (h, w, c), 0-1 or 0-255 (`to_unit_range`) -> (h, w) float32 in [0, 1], ink high.

    c = 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. Colour becomes luma, 0.299 R + 0.587 G + 0.114 B;
    transparency is composited over white, as a viewer shows it: g' = g·α + (1 − α). An image with a
    light background (mean > 0.5) is inverted so that the ink is high. Raises ValueError naming `what`.
    """
    image = to_unit_range(pixels, what)
    if image.ndim == 3:
        channels = image.shape[2]
        if channels not in (1, 2, 3, 4):
            raise ValueError(f"{what}: expected 1 to 4 channels, got {channels}")
        colour = image[..., : 1 if channels <= 2 else 3]
        grey = colour[..., 0] if colour.shape[2] == 1 else colour @ _LUMA
        if channels in (2, 4):
            alpha = image[..., -1]
            grey = grey * alpha + (1 - alpha)
        image = grey.astype(np.float32)
    if image.ndim != 2 or image.size == 0:
        raise ValueError(f"{what}: expected a (height, width) image, got shape {image.shape}")
    return 1 - image if image.mean() > 0.5 else image


def _standard_mode(image):
    """L, LA, RGB, RGBA (8-bit), I (16-bit grey) or F (float grey) from any Pillow mode."""
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
