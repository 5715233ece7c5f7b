"""evaluate and predict judge data as the model sees it: its own scaling and class names, nothing beyond its reach.

`nnviz evaluate MODEL --dataset csv:FILE` scales with the model's μ, σ and matches labels by name;
`predict` refuses a value the network cannot hold (float32) or one far from all it was trained on.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from nnviz.cli import commands as cli
from nnviz.data import split_validation
from nnviz.io import load_model
from nnviz.resources import resource_path
from nnviz.seeds import stream

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "iris.json"
IRIS = resource_path("datasets", "iris", "iris.csv")


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def iris_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("iris") / "iris.npz"
    assert cli.main(["train", "--config", str(EXAMPLE), "--epochs", "40", "--save", str(path), "--quiet"]) == 0
    return path


def write_csv(path, rows):
    path.write_text("sepal_length,sepal_width,petal_length,petal_width,species\n" +
                    "".join(",".join(f"{v:g}" for v in x) + f",{label}\n" for x, label in rows))
    return path


def iris_rows(scale=1.0, keep=None):
    table = np.genfromtxt(IRIS, delimiter=",", skip_header=1, usecols=range(4))
    labels = np.genfromtxt(IRIS, delimiter=",", skip_header=1, usecols=4, dtype=str)
    return [(x * scale, label) for x, label in zip(table, labels) if keep is None or label in keep]


def expected_accuracy(model_path, rows):
    """The test split of `rows` (seed 0, a fifth), scaled with the model's stored μ, σ, labels by name."""
    model = load_model(model_path)
    X = np.array([x for x, _ in rows])
    y = np.array([model.class_names.index(label) for _, label in rows])
    _, _, X_test, y_test = split_validation(X, y, 0.2, stream(0, "dataset"))
    predicted = model.network.predict(((X_test - model.input_mean) / model.input_std).astype(np.float32))
    return float(np.mean(predicted == y_test)), len(y_test)


def test_iris_in_millimetres_is_judged_with_the_models_own_scaling(capsys, tmp_path, iris_model):
    data = write_csv(tmp_path / "mm.csv", iris_rows(scale=10.0))
    code, out, err = run(capsys, "evaluate", iris_model, "--dataset", f"csv:{data}", "--json")
    assert code == 0, err
    result = json.loads(out)
    accuracy, n = expected_accuracy(iris_model, iris_rows(scale=10.0))
    assert result["accuracy"] == pytest.approx(accuracy) and result["test_samples"] == n == 30
    # The model never saw flowers ten times larger: they must not look as good as real-size ones (which
    # they would if the file were standardised with its own μ, σ): 80.0% against 96.7% with seed 0.
    assert accuracy <= expected_accuracy(iris_model, iris_rows())[0] - 0.1


def test_labels_are_matched_by_name_not_by_position(capsys, tmp_path, iris_model):
    """Without versicolor, virginica is the file's second class; the model's second class is versicolor."""
    rows = iris_rows(keep=("setosa", "virginica"))
    data = write_csv(tmp_path / "two.csv", rows)
    code, out, err = run(capsys, "evaluate", iris_model, "--dataset", f"csv:{data}", "--json")
    assert code == 0, err
    result = json.loads(out)
    accuracy, _ = expected_accuracy(iris_model, rows)
    assert result["accuracy"] == pytest.approx(accuracy) and accuracy > 0.9
    assert result["class_names"] == ["setosa", "versicolor", "virginica"]


def test_a_label_the_model_does_not_know_is_an_error_naming_the_file(capsys, tmp_path, iris_model):
    data = write_csv(tmp_path / "roses.csv", iris_rows()[:40] + [(np.ones(4), "rose")] * 10)
    code, out, err = run(capsys, "evaluate", iris_model, "--dataset", f"csv:{data}")
    assert code == 2 and out == ""
    assert err.strip() == (f"nnviz: error: csv:{data}: label 'rose' is not one of the model's classes "
                           f"(setosa, versicolor, virginica)")


def test_a_row_far_from_the_training_data_is_refused_not_classified(capsys, iris_model):
    model = load_model(iris_model)
    mean, std = float(model.input_mean[0]), float(model.input_std[0])
    near = f"{mean + 999 * std!r},3.0,4.0,1.0"
    code, out, err = run(capsys, "predict", iris_model, "--row", near)
    assert code == 0 and err == "" and len(out.splitlines()) == 3
    far = mean + 1001 * std
    code, out, err = run(capsys, "predict", iris_model, "--row", f"{far!r},3.0,4.0,1.0")
    assert code == 2 and out == ""
    assert err.strip() == (f"nnviz: error: --row: value 1, {far:g}, is 1001 standard deviations from the training "
                           f"data's mean ({mean:g}); at most 1000, where the network has seen data")
    code, out, err = run(capsys, "predict", iris_model, "--row", "1e308,1,2,3")
    assert code == 2 and out == "" and err.strip() == ("nnviz: error: --row: value 1, 1e+308, is too large; the "
                                                       "network computes in float32, at most ±3.4e+38")


def test_a_point_beyond_float32_is_refused_not_printed_as_nan(capsys, tmp_path):
    model = tmp_path / "xor.npz"
    assert cli.main(["train", "--preset", "xor", "--epochs", "1", "--save", str(model), "--quiet"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "predict", model, "--point", "1e308", "1e308")
    assert code == 2 and out == "" and "nan" not in err
    assert err.strip() == "nnviz: error: --point: value 1, 1e+308, is too large; the network computes in float32, " \
                          "at most ±3.4e+38"


def test_a_nul_byte_in_the_dataset_path_is_a_message(capsys, iris_model):
    code, out, err = run(capsys, "evaluate", iris_model, "--dataset", "csv:/tmp/a\0b.csv")
    assert code == 2 and out == ""
    assert err.strip() == ("nnviz: error: dataset: 'csv:/tmp/a\\x00b.csv' is not allowed; a file path cannot hold "
                           "a NUL byte")
