"""Image files through Pillow: every common format, bit depth and palette, EXIF orientation, animations, huge images."""

import numpy as np
import pytest
from PIL import Image

from nnviz.data import drawing, load_dataset, load_image_file, preprocess_drawing


@pytest.fixture(scope="module")
def digit():
    """An MNIST test digit, enlarged 4x (112x112 uint8, white ink on black)."""
    pixels = (load_dataset("mnist").X_test[0].reshape(28, 28) * 255).round().astype(np.uint8)
    return np.kron(pixels, np.ones((4, 4), np.uint8))


@pytest.mark.parametrize("suffix, options", [
    (".png", {}), (".jpg", {"quality": 90}), (".bmp", {}), (".gif", {}), (".webp", {"quality": 90}),
    (".tif", {}), (".tiff", {"compression": "tiff_lzw"})])
def test_every_format_reads_as_the_same_digit(tmp_path, digit, suffix, options):
    path = tmp_path / f"digit{suffix}"
    Image.fromarray(255 - digit).convert("RGB").save(path, **options)     # dark ink on white, in colour
    image = load_image_file(path)
    assert image.shape == digit.shape
    expected = preprocess_drawing(digit)
    error = np.abs(preprocess_drawing(image) - expected).mean()
    assert error < (0.02 if suffix in (".jpg", ".webp") else 1e-6)


def test_sixteen_bit_png_is_scaled_from_65535(tmp_path):
    values = np.zeros((6, 7), np.uint16)
    values[2:4, 1:5] = [[65535, 32768, 1000, 0], [257, 12850, 65535, 40000]]
    Image.fromarray(values).save(tmp_path / "deep.png")
    assert Image.open(tmp_path / "deep.png").mode.startswith("I;16")
    np.testing.assert_allclose(load_image_file(tmp_path / "deep.png"), values / 65535, atol=1e-6)


def test_palette_png_with_a_transparent_colour_is_composited_over_white(tmp_path):
    indices = np.zeros((5, 6), np.uint8)          # index 0: transparent; 1: black; 2: mid grey
    indices[1, :] = 1
    indices[3, 2:4] = 2
    image = Image.fromarray(indices, mode="P")
    image.putpalette([255, 0, 0, 0, 0, 0, 102, 102, 102] + [0] * 759)
    image.save(tmp_path / "palette.png", transparency=0)
    expected = np.zeros((5, 6), np.float32)       # white background -> inverted: ink high
    expected[1, :] = 1
    expected[3, 2:4] = 1 - 102 / 255
    np.testing.assert_allclose(load_image_file(tmp_path / "palette.png"), expected, atol=1e-6)


def test_exif_orientation_is_applied(tmp_path):
    pixels = np.zeros((4, 6), np.uint8)
    pixels[0, 0:2] = 255                            # a mark in the top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6                                # "rotate 90° clockwise to display"
    Image.fromarray(pixels).save(tmp_path / "phone.png", exif=exif)
    shown = load_image_file(tmp_path / "phone.png")
    np.testing.assert_allclose(shown, np.rot90(pixels, k=-1) / 255, atol=1e-6)


def test_an_animation_is_read_from_its_first_frame(tmp_path):
    first, second = np.zeros((8, 8), np.uint8), np.zeros((8, 8), np.uint8)
    first[1, :], second[6, :] = 255, 255
    frames = [Image.fromarray(f) for f in (first, second)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(tmp_path / "anim.gif").n_frames == 2
    np.testing.assert_allclose(load_image_file(tmp_path / "anim.gif"), first / 255, atol=1e-6)


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_a_huge_image_is_reduced_before_conversion_keeping_the_digit(tmp_path, digit, suffix):
    big = np.kron(digit, np.ones((25, 25), np.uint8))[:2600, :2800]          # 2600x2800, enlarged 100x
    Image.fromarray(big).save(tmp_path / f"big{suffix}")
    image = load_image_file(tmp_path / f"big{suffix}")
    assert max(image.shape) <= drawing.MAX_SIDE and image.shape[0] < image.shape[1]
    assert np.abs(preprocess_drawing(image) - preprocess_drawing(digit)).mean() < 0.03


def test_an_image_over_the_pixel_limit_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    Image.new("L", (300, 200)).save(tmp_path / "bomb.png")
    monkeypatch.setattr(drawing, "MAX_PIXELS", 50_000)
    with pytest.raises(ValueError, match=r"bomb.png: the image is too large .*300x200 pixels.*at most 50,000"):
        load_image_file(tmp_path / "bomb.png")


def test_files_that_are_not_images_raise_value_error_naming_the_file(tmp_path):
    (tmp_path / "notes.jpg").write_text("not an image")
    with pytest.raises(ValueError, match="notes.jpg: not an image file"):
        load_image_file(tmp_path / "notes.jpg")
    good = tmp_path / "good.jpg"
    Image.new("L", (64, 64), 255).save(good)
    (tmp_path / "cut.jpg").write_bytes(good.read_bytes()[:200])
    with pytest.raises(ValueError, match="cut.jpg: damaged or unsupported image"):
        load_image_file(tmp_path / "cut.jpg")
    with pytest.raises(ValueError, match="not a regular file"):
        load_image_file(tmp_path)
    with pytest.raises(ValueError, match="missing.png: no such file"):
        load_image_file(tmp_path / "missing.png")
