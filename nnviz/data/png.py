"""A small PNG decoder (zlib + NumPy, no PIL) for 8-bit, non-interlaced grayscale, RGB and RGBA images.

Anything else — palette, 16-bit, interlaced, a bad CRC or a broken zlib stream — is rejected with
a ValueError naming the file and the reason (PNG spec: https://www.w3.org/TR/png/).
"""

import struct
import zlib

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel (gray, RGB, gray+alpha, RGBA)
MAX_PIXELS = 1 << 24  # refuse larger images before decompressing anything


def decode_png(data: bytes, name: str = "<png>") -> np.ndarray:
    """Decode PNG bytes into an (h, w, channels) uint8 array; channels 1, 2 (gray+alpha), 3 or 4.

    ``name`` (usually the file path) starts every error message.
    """
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{name}: not a PNG file (bad signature)")
    header, idat = None, []
    pos = len(SIGNATURE)
    while True:
        if pos + 12 > len(data):
            raise ValueError(f"{name}: truncated PNG: the file ends before the IEND chunk")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body, crc = data[pos + 8:pos + 8 + length], data[pos + 8 + length:pos + 12 + length]
        if len(crc) < 4:
            raise ValueError(f"{name}: truncated PNG: the {kind!r} chunk is cut short")
        if zlib.crc32(kind + body) != int.from_bytes(crc, "big"):
            raise ValueError(f"{name}: corrupt PNG: CRC mismatch in the {kind.decode('latin-1')} chunk")
        if header is None and kind != b"IHDR":
            raise ValueError(f"{name}: corrupt PNG: the first chunk must be IHDR")
        pos += 12 + length
        if kind == b"IHDR":
            header = _parse_header(body, name)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if not idat:
        raise ValueError(f"{name}: corrupt PNG: no image data (IDAT chunk)")
    height, width, channels = header
    stride = width * channels
    expected = height * (stride + 1)  # each scanline is a filter-type byte then the samples
    decompressor = zlib.decompressobj()
    try:
        raw = decompressor.decompress(b"".join(idat), expected + 1)
    except zlib.error as error:
        raise ValueError(f"{name}: corrupt PNG image data: {error}") from error
    if len(raw) != expected or not decompressor.eof:
        raise ValueError(f"{name}: corrupt PNG image data: expected {expected} bytes for "
                         f"{width}x{height}x{channels}, the zlib stream "
                         + ("holds more" if len(raw) > expected else f"ends after {len(raw)}"))
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(height, stride + 1)
    return _unfilter(rows, channels, name).reshape(height, width, channels)


def _parse_header(body: bytes, name: str) -> tuple[int, int, int]:
    """IHDR -> (height, width, channels), rejecting what this decoder does not support."""
    if len(body) != 13:
        raise ValueError(f"{name}: corrupt PNG: IHDR has {len(body)} bytes, not 13")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", body)
    if width == 0 or height == 0 or width * height > MAX_PIXELS:
        raise ValueError(f"{name}: unsupported PNG size {width}x{height} (at most {MAX_PIXELS} pixels)")
    if colour == 3:
        raise ValueError(f"{name}: palette PNG images are not supported (use grayscale, RGB or RGBA)")
    if colour not in _CHANNELS:
        raise ValueError(f"{name}: corrupt PNG: unknown colour type {colour}")
    if depth != 8:
        raise ValueError(f"{name}: {depth}-bit PNG images are not supported (only 8-bit)")
    if compression != 0 or filtering != 0:
        raise ValueError(f"{name}: corrupt PNG: unknown compression or filter method")
    if interlace != 0:
        raise ValueError(f"{name}: interlaced PNG images are not supported")
    return height, width, _CHANNELS[colour]


def _unfilter(rows: np.ndarray, bpp: int, name: str) -> np.ndarray:
    """Undo the per-scanline filters. rows: (h, 1 + stride) uint8 -> (h, stride) uint8.

    bpp is the byte distance to the pixel on the left (1 to 4 for 8-bit images).
    """
    height, stride = rows.shape[0], rows.shape[1] - 1
    out = np.empty((height, stride), dtype=np.uint8)
    prior = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = rows[y, 0], rows[y, 1:]
        if kind == 0:  # None
            out[y] = line
        elif kind == 1:  # Sub: add the byte bpp to the left, i.e. a running sum per channel
            out[y] = np.cumsum(line.reshape(-1, bpp), axis=0, dtype=np.uint8).ravel()
        elif kind == 2:  # Up: add the byte above
            out[y] = line + prior
        elif kind == 3:
            out[y] = _average(line.tolist(), prior.tolist(), bpp)
        elif kind == 4:
            out[y] = _paeth(line.tolist(), prior.tolist(), bpp)
        else:
            raise ValueError(f"{name}: corrupt PNG: unknown filter type {kind} on row {y}")
        prior = out[y]
    return out


def _average(line: list[int], prior: list[int], bpp: int) -> list[int]:
    """Average filter: add floor((left + above) / 2). Sequential along the row, so plain Python."""
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        line[i] = (line[i] + ((left + prior[i]) >> 1)) & 0xFF
    return line


def _paeth(line: list[int], prior: list[int], bpp: int) -> list[int]:
    """Paeth filter: add whichever of left, above, upper-left is closest to left + above - upper-left."""
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
        predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        line[i] = (line[i] + predictor) & 0xFF
    return line
