"""The NumPy export's predict.py runs in a Python that has only NumPy and Pillow, and agrees with nnviz."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnviz.cli import commands as cli
from nnviz.data import load_dataset
from nnviz.io import ExperimentConfig
from nnviz.resources import resource_path

PACKAGES = ("numpy", "numpy.libs", "PIL", "pillow.libs")      # what the bare Python may import


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory):
    """argv and environment of this interpreter without site-packages (-S), seeing only NumPy and Pillow."""
    site = tmp_path_factory.mktemp("site")
    installed = Path(np.__file__).resolve().parents[1]
    for name in PACKAGES:
        if (installed / name).exists():
            (site / name).symlink_to(installed / name)
    return [sys.executable, "-S"], {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}


def run_bare(bare_python, *args, cwd):
    argv, env = bare_python
    return subprocess.run([*argv, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60)


def nnviz_predict(capsys, *argv):
    assert cli.main([str(a) for a in argv]) == 0
    return capsys.readouterr().out


def test_the_bare_python_cannot_import_nnviz_but_has_numpy(bare_python, tmp_path):
    assert run_bare(bare_python, "-c", "import nnviz", cwd=tmp_path).returncode != 0
    assert run_bare(bare_python, "-c", "import numpy, PIL", cwd=tmp_path).returncode == 0


def test_predict_py_classifies_mnist_images_as_nnviz_does(capsys, tmp_path, mnist_model, bare_python):
    folder = tmp_path / "export"
    nnviz_predict(capsys, "export", mnist_model, folder, "--format", "numpy")
    assert sorted(p.name for p in folder.iterdir()) == [".nnviz-export", "drawing.py", "predict.py", "weights.npz"]
    test = load_dataset("mnist")
    for i in range(5):
        pixels = (test.X_test[i].reshape(28, 28) * 255).round().astype(np.uint8)
        image = tmp_path / f"digit{i}.png"
        Image.fromarray(255 - np.kron(pixels, np.ones((3, 3), np.uint8))).convert("RGB").save(image)
        result = run_bare(bare_python, "predict.py", str(image), cwd=folder)
        assert result.returncode == 0, result.stderr
        assert result.stdout == nnviz_predict(capsys, "predict", mnist_model, image)


def save_in_format(path, ink):
    """The digit `ink` ((h, w) uint8, ink high) saved as `path` names: dark on white in colour (the file's
    format from its suffix), 16-bit grey either way round, a palette, grey + alpha, RGBA with a
    transparent background, or a NumPy array (uint8, or float in [0, 1])."""
    paper = 255 - ink
    if path.stem == "deep-dark-on-white":
        Image.fromarray(paper.astype(np.uint16) * 257).save(path)
    elif path.stem == "deep-light-on-black":
        Image.fromarray(ink.astype(np.uint16) * 257).save(path)
    elif path.stem == "palette":
        Image.fromarray(paper).convert("RGB").quantize(16).save(path)
    elif path.stem == "grey-alpha":
        Image.fromarray(np.dstack([np.zeros_like(ink), ink])).save(path)          # black ink, opaque where drawn
    elif path.stem == "transparent":
        Image.fromarray(np.dstack([np.zeros((*ink.shape, 3), np.uint8), ink])).save(path)
    elif path.suffix == ".npy":
        np.save(path, ink / np.float32(255) if path.stem == "float" else ink)
    else:
        Image.fromarray(paper).convert("RGB").save(path)


FORMATS = ["digit.png", "digit.jpg", "digit.bmp", "digit.gif", "digit.webp", "digit.tif", "deep-dark-on-white.png",
           "deep-light-on-black.png", "palette.png", "grey-alpha.png", "transparent.png", "digit.npy", "float.npy"]


@pytest.fixture(scope="module")
def mnist_export(tmp_path_factory, mnist_model):
    """The MNIST model exported as a NumPy folder."""
    folder = tmp_path_factory.mktemp("mnist_export") / "export"
    assert cli.main(["export", str(mnist_model), str(folder), "--format", "numpy"]) == 0
    return folder


@pytest.mark.parametrize("name", FORMATS)
def test_predict_py_reads_every_format_nnviz_predict_reads_as_it_does(capsys, tmp_path, mnist_model, mnist_export,
                                                                      bare_python, name):
    test = load_dataset("mnist")
    ink = np.kron((test.X_test[0].reshape(28, 28) * 255).round().astype(np.uint8), np.ones((4, 4), np.uint8))
    save_in_format(tmp_path / name, ink)
    if name.startswith("deep"):
        assert Image.open(tmp_path / name).mode == "I;16"
    result = run_bare(bare_python, "predict.py", str(tmp_path / name), cwd=mnist_export)
    assert result.returncode == 0, result.stderr
    assert result.stdout == nnviz_predict(capsys, "predict", mnist_model, tmp_path / name)
    assert result.stdout.split()[0] == str(test.y_test[0])          # a 7, read right


def test_predict_py_says_in_one_line_that_a_file_is_not_an_image(tmp_path, mnist_export, bare_python):
    (tmp_path / "notes.png").write_text("not an image")
    result = run_bare(bare_python, "predict.py", str(tmp_path / "notes.png"), cwd=mnist_export)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"predict.py: {tmp_path / 'notes.png'}: cannot read the image: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_predict_py_classifies_csv_rows_with_the_class_names(capsys, tmp_path, bare_python):
    experiment = tmp_path / "iris.json"
    config = ExperimentConfig(dataset=f"csv:{resource_path('datasets', 'iris', 'iris.csv')}", hidden_layers=[8],
                              epochs=60, batch_size=8, validation_split=0.0)
    experiment.write_text(config.to_json(), encoding="utf-8")
    nnviz_predict(capsys, "train", "--config", experiment, "--save", tmp_path / "iris.npz", "--quiet")
    nnviz_predict(capsys, "export", tmp_path / "iris.npz", tmp_path / "out", "--format", "numpy")
    for row in ("5.1,3.5,1.4,0.2", "6.4,3.2,4.5,1.5", "6.7,3.0,5.2,2.3", "5.9,3.0,4.2,1.5"):
        result = run_bare(bare_python, "predict.py", row, cwd=tmp_path / "out")
        assert result.returncode == 0, result.stderr
        assert result.stdout == nnviz_predict(capsys, "predict", tmp_path / "iris.npz", "--row", row)
    assert result.stdout.split()[0] in ("setosa", "versicolor", "virginica")


def test_export_errors_are_one_line(capsys, tmp_path, mnist_model):
    assert cli.main(["export", str(mnist_model), str(tmp_path / "model.txt")]) == 2
    assert "must end in .onnx (or give --format numpy for a folder)" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert cli.main(["export", str(mnist_model), str(tmp_path / "file"), "--format", "numpy"]) == 2
    assert "file: not a folder" in capsys.readouterr().err


def test_a_folder_holding_the_users_own_files_is_refused_and_left_as_it_was(capsys, tmp_path, mnist_model):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "predict.py").write_text("my own work\n")
    (folder / "drawing.py").write_text("my drawing code\n")
    assert cli.main(["export", str(mnist_model), str(folder), "--format", "numpy"]) == 2
    err = capsys.readouterr().err
    assert f"{folder}: the folder is not empty (drawing.py, predict.py) and is not an nnviz export" in err
    assert len(err.strip().splitlines()) == 1
    assert (folder / "predict.py").read_text() == "my own work\n"
    assert sorted(p.name for p in folder.iterdir()) == ["drawing.py", "predict.py"]
    nnviz_predict(capsys, "export", mnist_model, folder, "--format", "numpy", "--force")
    assert (folder / "predict.py").read_bytes() == (Path(cli.__file__).parents[1] / "export" /
                                                    "predict_template.py").read_bytes()


def test_a_previous_export_is_replaced_and_an_empty_folder_is_used(capsys, tmp_path, mnist_model):
    folder = tmp_path / "empty"
    folder.mkdir()
    nnviz_predict(capsys, "export", mnist_model, folder, "--format", "numpy")
    (folder / "weights.npz").write_bytes(b"old")
    nnviz_predict(capsys, "export", mnist_model, folder, "--format", "numpy")     # a previous export: replaced
    assert sorted(p.name for p in folder.iterdir()) == [".nnviz-export", "drawing.py", "predict.py", "weights.npz"]
    with np.load(folder / "weights.npz") as archive:
        assert archive["W1"].shape == (784, 64)


def test_predict_py_says_in_one_line_what_is_missing(capsys, tmp_path, mnist_model, bare_python):
    folder = tmp_path / "out"
    nnviz_predict(capsys, "export", mnist_model, folder, "--format", "numpy")
    result = run_bare(bare_python, "predict.py", "missing.png", cwd=folder)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "predict.py: missing.png: no such file, nor a row of comma-separated numbers\n"
    result = run_bare(bare_python, "predict.py", cwd=folder)
    assert result.returncode == 1 and result.stderr.startswith("usage: python predict.py IMAGE_FILE_OR_ROW")
    (folder / "weights.npz").unlink()
    result = run_bare(bare_python, "predict.py", "1,2", cwd=folder)
    assert result.returncode == 1
    assert result.stderr == f"predict.py: cannot read {folder.resolve() / 'weights.npz'}: No such file or directory\n"


def test_predict_py_runs_a_conv_network_as_nnviz_does(capsys, tmp_path, bare_python):
    from nnviz.core import Network
    from nnviz.io import save_model
    layers = [{"conv": 4, "kernel": 5, "padding": "same"}, {"maxpool": 2}, {"conv": 6, "kernel": 3, "stride": 2},
              {"avgpool": 2, "stride": 1}, {"flatten": True}, {"dense": 16}]
    net = Network([784, 10], layers=layers, image_shape=(28, 28), hidden="tanh", seed=5)
    net.flat_params()[...] *= 3                         # distinct, confident classes to compare
    save_model(tmp_path / "conv.npz", net)
    folder = tmp_path / "export"
    nnviz_predict(capsys, "export", tmp_path / "conv.npz", folder, "--format", "numpy")
    test = load_dataset("mnist")
    for i in range(3):
        pixels = (test.X_test[i].reshape(28, 28) * 255).round().astype(np.uint8)
        image = tmp_path / f"digit{i}.png"
        Image.fromarray(255 - pixels).save(image)
        result = run_bare(bare_python, "predict.py", str(image), cwd=folder)
        assert result.returncode == 0, result.stderr
        assert result.stdout == nnviz_predict(capsys, "predict", tmp_path / "conv.npz", image)
