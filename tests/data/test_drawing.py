"""Drawing preprocessing the MNIST way (crop, fit 20x20, centre by mass) and image file loading."""

import struct
import zlib

import numpy as np
import pytest

from nnviz.data import NothingDrawn, load_dataset, load_image_file, preprocess_drawing


def ink_box(image: np.ndarray) -> tuple[int, int]:
    """(height, width) of the bounding box of the nonzero pixels."""
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(image.shape)
    return (image * rows).sum() / image.sum(), (image * cols).sum() / image.sum()


def ring_canvas(centre=(70, 190), radii=(30, 48), shape=(280, 280)) -> np.ndarray:
    rows, cols = np.indices(shape)
    r = np.hypot(rows - centre[0], cols - centre[1])
    return np.where((r > radii[0]) & (r < radii[1]), 255, 0).astype(np.uint8)


def thick_stroke_canvas() -> np.ndarray:
    """A slanted 14-px-wide stroke, like a '1', drawn off-centre on a 280x280 canvas."""
    rows, cols = np.indices((280, 280))
    along = (rows - 40) / 180  # 0 at the top end, 1 at the bottom end
    distance = np.abs(cols - (200 - 50 * along))
    return ((distance < 7) & (along >= 0) & (along <= 1)).astype(np.float32)


@pytest.mark.parametrize("canvas", [ring_canvas(), thick_stroke_canvas()], ids=["ring", "stroke"])
def test_drawing_is_fitted_to_20x20_and_centred_by_mass(canvas):
    out = preprocess_drawing(canvas)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.min() >= 0 and out.max() == 1
    height, width = ink_box(out)
    assert max(height, width) == 20 and min(height, width) <= 20
    row, col = centre_of_mass(out)
    assert abs(row - 14) <= 0.5 + 1e-6 and abs(col - 14) <= 0.5 + 1e-6


def test_aspect_ratio_is_kept():
    canvas = np.zeros((300, 400), np.float32)
    canvas[100:140, 50:250] = 1  # a 40 x 200 bar
    out = preprocess_drawing(canvas)
    assert ink_box(out) == (4, 20)
    np.testing.assert_allclose(out[out > 0], 1)


def test_small_drawing_is_enlarged_to_the_box():
    canvas = np.zeros((28, 28), np.float32)
    canvas[3:8, 20:25] = 1  # 5 x 5 square
    out = preprocess_drawing(canvas)
    assert ink_box(out) == (20, 20)
    np.testing.assert_allclose(out[out > 0], 1)


def test_uint8_and_float_canvases_give_the_same_result():
    canvas = ring_canvas()
    np.testing.assert_allclose(preprocess_drawing(canvas), preprocess_drawing(canvas / 255.0), atol=1e-6)


def test_faint_noise_is_ignored():
    canvas = ring_canvas() / 255.0
    noisy = canvas + 0.03 * np.random.default_rng(0).random(canvas.shape)
    np.testing.assert_allclose(preprocess_drawing(np.clip(noisy, 0, 1)), preprocess_drawing(canvas), atol=0.05)


def test_upscaled_mnist_digits_come_back_as_themselves():
    # An MNIST digit is already cropped, fitted to 20x20 and centred by mass: drawing it 10x bigger,
    # off-centre, and preprocessing it must give the digit back.
    digits = load_dataset("mnist").X_test[:100].reshape(-1, 28, 28)
    similarity = []
    for digit in digits:
        canvas = np.zeros((320, 300), np.float32)
        canvas[30:310, 3:283] = np.kron(digit, np.ones((10, 10), np.float32))
        similarity.append(np.corrcoef(preprocess_drawing(canvas).ravel(), digit.ravel())[0, 1])
    assert np.mean(np.array(similarity) > 0.99) >= 0.95


def test_mass_centring_never_pushes_ink_off_the_field():
    canvas = np.zeros((100, 100), np.float32)
    canvas[10:90, 10:30] = 1  # a heavy upright block ...
    canvas[10:12, 30:90] = 1  # ... and a thin bar reaching far to the right
    out = preprocess_drawing(canvas)
    assert ink_box(out) == (20, 20)  # nothing cut off
    assert out[:, -1].any() and not out[:, :8].any()  # pushed right as far as the field allows
    assert centre_of_mass(out)[1] < 13


def test_size_8_for_the_8x8_digits():
    out = preprocess_drawing(ring_canvas(), size=8)
    assert out.shape == (8, 8) and max(ink_box(out)) == 8
    row, col = centre_of_mass(out)
    assert abs(row - 3.5) <= 0.5 + 1e-6 and abs(col - 3.5) <= 0.5 + 1e-6


def test_explicit_box():
    assert max(ink_box(preprocess_drawing(ring_canvas(), size=28, box=10))) == 10
    with pytest.raises(ValueError, match="box"):
        preprocess_drawing(ring_canvas(), size=8, box=20)


@pytest.mark.parametrize("canvas", [np.zeros((280, 280), np.uint8), np.full((50, 50), 0.01)],
                         ids=["blank", "faint-noise"])
def test_empty_canvas_raises_nothing_drawn(canvas):
    with pytest.raises(NothingDrawn, match="nothing drawn: the canvas is empty"):
        preprocess_drawing(canvas)
    assert issubclass(NothingDrawn, ValueError)


@pytest.mark.parametrize("canvas", [np.ones((4, 4, 3)), np.array([[np.nan, 1.0]]), np.array([["a"]])])
def test_bad_canvas_is_rejected(canvas):
    with pytest.raises(ValueError):
        preprocess_drawing(canvas)


# --- load_image_file ---

def write_png(path, pixels: np.ndarray) -> None:
    """Minimal 8-bit PNG writer (filter 0), enough to feed load_image_file."""
    h, w, c = pixels.shape
    colour = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    raw = b"".join(b"\x00" + row.tobytes() for row in pixels)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_grayscale_png_with_light_ink_on_black_is_read_as_is(tmp_path):
    pixels = np.zeros((6, 5, 1), np.uint8)
    pixels[2:4, 1:3] = 204
    write_png(tmp_path / "a.png", pixels)
    image = load_image_file(tmp_path / "a.png")
    assert image.shape == (6, 5) and image.dtype == np.float32
    np.testing.assert_allclose(image, pixels[..., 0] / 255, atol=1e-6)


def test_rgb_png_with_dark_ink_on_white_is_converted_to_gray_and_inverted(tmp_path):
    pixels = np.full((6, 6, 3), 255, np.uint8)
    pixels[1:3, 1:3] = (255, 0, 0)  # red ink: luma 0.299
    pixels[4, :] = 0  # black ink
    write_png(tmp_path / "b.png", pixels)
    image = load_image_file(tmp_path / "b.png")
    assert image[0, 0] == pytest.approx(0) and image[4, 2] == pytest.approx(1)
    assert image[1, 1] == pytest.approx(1 - 0.299, abs=1e-3)


def test_transparent_png_is_composited_over_white(tmp_path):
    pixels = np.zeros((5, 5, 4), np.uint8)  # fully transparent black background ...
    pixels[2, :] = (0, 0, 0, 255)  # ... with an opaque black stroke
    write_png(tmp_path / "c.png", pixels)
    image = load_image_file(tmp_path / "c.png")
    np.testing.assert_allclose(image[2], 1, atol=1e-6)
    np.testing.assert_allclose(np.delete(image, 2, axis=0), 0, atol=1e-6)


def test_npy_images_uint8_float_and_rgb(tmp_path):
    ink = np.zeros((4, 4), np.uint8)
    ink[1, 1:3] = 255
    np.save(tmp_path / "u8.npy", ink)
    np.save(tmp_path / "f.npy", ink / 255.0)
    np.save(tmp_path / "rgb.npy", np.repeat(255 - ink[..., None], 3, axis=2))
    for name in ("u8.npy", "f.npy", "rgb.npy"):
        np.testing.assert_allclose(load_image_file(tmp_path / name), ink / 255, atol=1e-6)


def test_unsupported_files_raise_value_error_naming_the_file(tmp_path):
    (tmp_path / "notes.png").write_text("not an image")
    with pytest.raises(ValueError, match="notes.png"):
        load_image_file(tmp_path / "notes.png")
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="objects.npy"):
        load_image_file(tmp_path / "objects.npy")
    np.save(tmp_path / "cube.npy", np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValueError, match="cube.npy"):
        load_image_file(tmp_path / "cube.npy")
    write_png(tmp_path / "broken.png", np.zeros((3, 3, 1), np.uint8))
    data = bytearray((tmp_path / "broken.png").read_bytes())
    data[-20] ^= 0xFF
    (tmp_path / "broken.png").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="broken.png"):
        load_image_file(tmp_path / "broken.png")


def test_loaded_file_feeds_preprocess_drawing(tmp_path):
    write_png(tmp_path / "ring.png", (255 - ring_canvas())[..., None])  # dark ring on white
    out = preprocess_drawing(load_image_file(tmp_path / "ring.png"))
    np.testing.assert_allclose(out, preprocess_drawing(ring_canvas()), atol=1e-5)
