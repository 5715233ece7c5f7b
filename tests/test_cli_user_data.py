"""Your own data on the command line: a CSV table and an image folder train, save and predict with class names."""

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnviz.cli import commands as cli
from nnviz.io import load_experiment, load_model
from nnviz.resources import resource_path
from tests.data.test_image_folder import make_folder, shape_image

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "iris.json"


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def iris_model(tmp_path_factory):
    """The example experiment trained from a copy of iris.csv next to a copied experiment file, saved."""
    root = tmp_path_factory.mktemp("iris")
    (root / "data").mkdir()
    shutil.copy(resource_path("datasets", "iris", "iris.csv"), root / "data" / "flowers.csv")
    text = EXAMPLE.read_text(encoding="utf-8").replace("../../resources/datasets/iris/iris.csv", "../data/flowers.csv")
    (root / "experiments").mkdir()
    (root / "experiments" / "iris.json").write_text(text, encoding="utf-8")
    return root


def test_the_example_experiment_reads_the_bundled_iris_table():
    assert load_experiment(EXAMPLE).dataset == f"csv:{resource_path('datasets', 'iris', 'iris.csv')}"


def test_a_csv_trains_from_any_directory_and_predicts_rows_by_class_name(capsys, iris_model, monkeypatch):
    monkeypatch.chdir(iris_model / "data")         # the experiment's path is relative to the experiment file
    model = iris_model / "iris.npz"
    code, out, err = run(capsys, "train", "--config", iris_model / "experiments" / "iris.json", "--seed", "4",
                         "--save", model, "--quiet")
    assert code == 0 and err == "" and "test accuracy 100.00% on 30 flowers test samples" in out
    loaded = load_model(model)
    assert loaded.class_names == ("setosa", "versicolor", "virginica")
    assert loaded.input_mean.shape == (4,) and loaded.input_std.shape == (4,)
    for row, species in (("5.1,3.5,1.4,0.2", "setosa"), ("6.4,3.2,4.5,1.5", "versicolor"),
                         ("6.7,3.0,5.2,2.3", "virginica")):
        code, out, err = run(capsys, "predict", model, "--row", row)
        assert code == 0 and err == "" and out.split()[0] == species
        x = (np.array([[float(v) for v in row.split(",")]]) - loaded.input_mean) / loaded.input_std
        assert float(out.split()[1]) == pytest.approx(loaded.network.predict_proba(x).max(), abs=1e-4)
    code, out, _ = run(capsys, "evaluate", model)
    assert code == 0 and "versicolor" in out and "test accuracy 100.00% (30 of 30)" in out


@pytest.mark.parametrize("argv, message", [
    (["--row", "1,2,3"], "--row: the model takes 4 values, got 3"),
    (["--row", "1,x,3,4"], "--row: '1,x,3,4' is not a comma-separated list of numbers"),
    (["--row", "1,2,3,4", "--point", "1", "2"], "give one of an IMAGE, --point X Y or --row VALUES"),
    ([], "the model takes 4 inputs: give --row with 4 comma-separated values"),
])
def test_bad_rows_are_one_line_errors(capsys, iris_model, argv, message):
    model = iris_model / "iris.npz"
    if not model.exists():
        run(capsys, "train", "--config", iris_model / "experiments" / "iris.json", "--save", model, "--quiet")
    code, out, err = run(capsys, "predict", model, *argv)
    assert code == 2 and out == "" and message in err


def test_an_image_folder_trains_and_predicts_with_its_folder_names(capsys, tmp_path):
    make_folder(tmp_path / "shapes", per_class=8)
    config = tmp_path / "shapes.json"
    config.write_text('{"dataset": "images:shapes", "hidden_layers": [16], "epochs": 30, "batch_size": 4, '
                      '"validation_split": 0.0}', encoding="utf-8")
    code, out, err = run(capsys, "train", "--config", config, "--save", tmp_path / "shapes.npz", "--quiet")
    assert code == 0 and err == "" and "on 4 shapes test samples" in out
    Image.fromarray(shape_image("ring", 90, 7)).save(tmp_path / "ring.jpg")
    code, out, err = run(capsys, "predict", tmp_path / "shapes.npz", tmp_path / "ring.jpg")
    assert code == 0 and out.split()[0] == "ring"


def test_a_csv_with_close_numeric_labels_learns_and_predicts_both(capsys, tmp_path):
    # x < 0 is 1234567, x > 0 is 1234568: two classes, though they print alike with %g.
    rows = "".join(f"{x:.3f},{1234567 if x < 0 else 1234568}\n" for x in np.linspace(-1, 1, 40))
    (tmp_path / "ids.csv").write_text("x,id\n" + rows, encoding="utf-8")
    config = tmp_path / "ids.json"
    config.write_text('{"dataset": "csv:ids.csv", "hidden_layers": [4], "epochs": 100, "batch_size": 8, '
                      '"learning_rate": 0.5, "validation_split": 0.0}', encoding="utf-8")
    code, out, err = run(capsys, "train", "--config", config, "--save", tmp_path / "ids.npz", "--quiet")
    assert code == 0 and err == "" and "test accuracy 100.00% on 8 ids test samples" in out
    assert load_model(tmp_path / "ids.npz").class_names == ("1234567", "1234568")
    for x, label in (("-0.8", "1234567"), ("0.8", "1234568")):
        code, out, err = run(capsys, "predict", tmp_path / "ids.npz", "--row", x)
        assert code == 0 and out.split()[0] == label
