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
