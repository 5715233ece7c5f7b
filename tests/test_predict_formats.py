"""`nnviz predict` on a real MNIST test digit saved in every common format gives the PNG's top class."""

import numpy as np
import pytest
from PIL import Image

from nnviz.cli import commands as cli
from nnviz.data import load_dataset
from nnviz.io import load_model


def top_class(capsys, model, image):
    code = cli.main(["predict", str(model), str(image)])
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    return int(out.split()[0]), float(out.split()[1])


@pytest.fixture(scope="module")
def digit(mnist_model):
    """The first MNIST test digit the model gets right with probability > 0.9, as 0-255 ink on black."""
    test = load_dataset("mnist")
    P = load_model(mnist_model).network.predict_proba(test.X_test[:200])
    i = next(i for i in range(200) if P[i].argmax() == test.y_test[i] and P[i].max() > 0.9)
    return (test.X_test[i].reshape(28, 28) * 255).round().astype(np.uint8), int(test.y_test[i])


def save_as(path, pixels):
    """Save the digit as `path` says: dark ink on white in colour, 16-bit gray, or palette."""
    enlarged = np.kron(pixels, np.ones((6, 6), np.uint8))             # 168x168, as a scan would be
    if path.stem == "deep":
        Image.fromarray(enlarged.astype(np.uint16) * 257).save(path)
    elif path.stem == "palette":
        Image.fromarray(255 - enlarged).convert("RGB").quantize(16).save(path)
    else:
        Image.fromarray(255 - enlarged).convert("RGB").save(path)


@pytest.mark.parametrize("name", ["digit.jpg", "digit.bmp", "digit.gif", "digit.webp", "digit.tif",
                                  "deep.png", "palette.png"])
def test_every_format_predicts_the_pngs_top_class(capsys, tmp_path, mnist_model, digit, name):
    pixels, label = digit
    save_as(tmp_path / "digit.png", pixels)
    save_as(tmp_path / name, pixels)
    if name == "deep.png":
        assert Image.open(tmp_path / name).mode.startswith("I;16")
    if name == "palette.png":
        assert Image.open(tmp_path / name).mode == "P"
    png_class, _ = top_class(capsys, mnist_model, tmp_path / "digit.png")
    assert png_class == label
    assert top_class(capsys, mnist_model, tmp_path / name)[0] == png_class
