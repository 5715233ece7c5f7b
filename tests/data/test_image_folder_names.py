"""Class folders that once gave wrong answers or crashes: a link back to the dataset, an empty one, a non-UTF-8 name."""

import os
import subprocess
import sys

import pytest

from nnviz.data import load_image_folder
from nnviz.guard import UserError
from nnviz.io import ExperimentConfig
from tests.data.test_image_folder import make_folder


def test_a_class_folder_linking_to_the_dataset_itself_is_refused(tmp_path):
    folder = make_folder(tmp_path / "shapes")
    (folder / "dot").symlink_to(".")
    with pytest.raises(UserError) as caught:
        load_image_folder(folder)
    assert str(caught.value) == (f"{folder / 'dot'}: the class folder is a link to {folder.resolve()}, which holds "
                                 f"the dataset itself; a class folder must hold that class's images")


def test_an_empty_class_folder_is_refused_not_made_an_empty_class(tmp_path):
    folder = make_folder(tmp_path / "shapes")
    (folder / "empty").mkdir()
    with pytest.raises(UserError, match=r"shapes/empty: the class folder 'empty' holds no image files \(\.bmp, "):
        load_image_folder(folder)


def test_a_non_utf8_class_folder_prints_in_predict_and_evaluate(tmp_path):
    """Folder b'caf\\xe9' is the class 'caf\\udce9'; a strict UTF-8 terminal once raised UnicodeEncodeError."""
    folder = make_folder(tmp_path / "shapes", per_class=4)
    os.rename(folder / "ring", os.fsencode(folder) + b"/caf\xe9")
    experiment = tmp_path / "shapes.json"
    experiment.write_text(ExperimentConfig(dataset=f"images:{folder}", image_size=8, hidden_layers=[8], epochs=2,
                                           validation_split=0.0, test_fraction=0.25).to_json())
    model = tmp_path / "shapes.npz"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}

    def nnviz(*args):
        return subprocess.run([sys.executable, "-m", "nnviz", *map(str, args)], capture_output=True, text=True,
                              env=env, timeout=120, encoding="utf-8", errors="surrogateescape", cwd=tmp_path)

    assert nnviz("train", "--config", experiment, "--save", model, "--quiet").returncode == 0
    image = next((folder / "bar").iterdir())
    predicted = nnviz("predict", model, image)
    assert predicted.returncode == 0, predicted.stderr
    assert sorted(line.split()[0] for line in predicted.stdout.splitlines()) == ["bar", "caf\\udce9", "pole"]
    evaluated = nnviz("evaluate", model)
    assert evaluated.returncode == 0, evaluated.stderr
    assert any(line.split()[:1] == ["caf\\udce9"] for line in evaluated.stdout.splitlines())     # its matrix row
