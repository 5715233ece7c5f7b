"""Turn a drawn canvas or an image file into a network input, the way MNIST digits were prepared.

MNIST (LeCun et al.): each digit was scaled to fit a 20x20 box keeping its aspect ratio, with
anti-aliasing (grey levels), then placed in a 28x28 field so that its centre of mass sits at the
field's centre. Measured on the MNIST files, that centre is (14, 14) in pixel-index coordinates
(mean centre of mass of the training digits: row 13.99, column 14.00), so that is the target for
size 28; the integer placement leaves the centre of mass within half a pixel of it.

For the UCI 8x8 digits use ``size=8``: the default box is then 8, because every one of those 1,797
digits spans all 8 rows (and 2 to 7 columns), and the target centre is (3.5, 3.5), their mean
centre of mass. Other sizes use box round(size * 20 / 28) and centre size / 2.
"""

import numpy as np

MNIST_SIZE, MNIST_BOX, MNIST_CENTRE = 28, 20, 14.0
DIGITS8_SIZE, DIGITS8_BOX, DIGITS8_CENTRE = 8, 8, 3.5
INK_THRESHOLD = 0.05  # on the [0, 1] scale; fainter pixels are treated as background noise


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
