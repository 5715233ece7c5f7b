"""The PNG decoder, checked against PNGs encoded here with zlib + struct and every filter type."""

import struct
import zlib

import numpy as np
import pytest

from nnviz.data.png import decode_png

COLOUR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> PNG colour type


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def paeth(a: int, b: int, c: int) -> int:
    """The PNG spec's predictor, written as the spec states it."""
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filtered_scanlines(pixels: np.ndarray, filters: list[int]) -> bytes:
    """Encode (h, w, c) uint8 pixels row by row, row y using filters[y % len(filters)]."""
    h, w, bpp = pixels.shape
    out, prior = bytearray(), [0] * (w * bpp)
    for y in range(h):
        line = pixels[y].ravel().tolist()
        kind = filters[y % len(filters)]
        out.append(kind)
        for i, x in enumerate(line):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prior[i], (prior[i - bpp] if i >= bpp else 0)
            predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            out.append((x - predictor) % 256)
        prior = line
    return bytes(out)


def png_bytes(pixels: np.ndarray, filters=(0, 1, 2, 3, 4), depth=8, colour=None, interlace=0,
              idat_parts=1, data=None) -> bytes:
    h, w, c = pixels.shape
    colour = COLOUR_TYPES[c] if colour is None else colour
    header = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, interlace)
    compressed = zlib.compress(filtered_scanlines(pixels, list(filters)) if data is None else data)
    cut = np.linspace(0, len(compressed), idat_parts + 1).astype(int)
    idats = b"".join(chunk(b"IDAT", compressed[a:b]) for a, b in zip(cut[:-1], cut[1:]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idats + chunk(b"IEND", b"")


def random_pixels(h, w, c, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, c), dtype=np.uint8)


@pytest.mark.parametrize("channels", [1, 2, 3, 4], ids=["gray", "gray+alpha", "rgb", "rgba"])
@pytest.mark.parametrize("filters", [(0,), (1,), (2,), (3,), (4,), (0, 1, 2, 3, 4)],
                         ids=["none", "sub", "up", "average", "paeth", "all"])
def test_decodes_every_filter_type_exactly(channels, filters):
    pixels = random_pixels(11, 7, channels)
    np.testing.assert_array_equal(decode_png(png_bytes(pixels, filters)), pixels)


def test_smooth_image_with_paeth_and_average_decodes_exactly():
    rows, cols = np.indices((40, 30))
    pixels = np.stack([rows * 6, cols * 8, (rows + cols) * 3], axis=2).astype(np.uint8)
    np.testing.assert_array_equal(decode_png(png_bytes(pixels, (4, 3, 4, 1))), pixels)


def test_image_data_split_over_several_idat_chunks():
    pixels = random_pixels(9, 13, 3)
    np.testing.assert_array_equal(decode_png(png_bytes(pixels, idat_parts=4)), pixels)


def test_ancillary_chunks_are_skipped():
    pixels = random_pixels(3, 3, 1)
    data = png_bytes(pixels)
    data = data[:33] + chunk(b"tEXt", b"Comment\x00hello") + data[33:]  # after IHDR (8 + 25 bytes)
    np.testing.assert_array_equal(decode_png(data), pixels)


GOOD = png_bytes(random_pixels(4, 5, 1))


def corrupt_cases():
    pixels = random_pixels(4, 5, 1)
    flipped = bytearray(GOOD)
    flipped[40] ^= 0x01
    return {
        "bad signature": (b"GIF89a" + GOOD[6:], "not a PNG"),
        "crc mismatch": (bytes(flipped), "CRC mismatch"),
        "truncated": (GOOD[:-20], "truncated"),
        "16-bit": (png_bytes(pixels, depth=16), "16-bit"),
        "interlaced": (png_bytes(pixels, interlace=1), "interlaced"),
        "palette": (png_bytes(pixels, colour=3), "palette"),
        "unknown colour type": (png_bytes(pixels, colour=5), "colour type 5"),
        "bad filter byte": (png_bytes(pixels, data=b"\x07" + bytes(5) + bytes(18)), "filter type 7"),
        "short image data": (png_bytes(pixels, data=bytes(20)), "image data"),
        "long image data": (png_bytes(pixels, data=bytes(30)), "image data"),
        "broken zlib": (GOOD[:33] + chunk(b"IDAT", b"\x78\x9c garbage") + chunk(b"IEND", b""), "image data"),
        "no idat": (GOOD[:33] + chunk(b"IEND", b""), "no image data"),
        "ihdr not first": (GOOD[:8] + chunk(b"tEXt", b"a\x00b") + GOOD[8:], "first chunk"),
        "huge": (GOOD[:8] + chunk(b"IHDR", struct.pack(">IIBBBBB", 10**5, 10**5, 8, 0, 0, 0, 0)), "size"),
    }


@pytest.mark.parametrize("case", sorted(corrupt_cases()))
def test_unsupported_or_corrupt_png_raises_value_error_naming_the_file(case):
    data, reason = corrupt_cases()[case]
    with pytest.raises(ValueError) as caught:
        decode_png(data, "sketch.png")
    assert str(caught.value).startswith("sketch.png: ")
    assert reason in str(caught.value)
