"""CSV datasets: header detection, label column, class names, standardisation on the training split, bad rows."""

import numpy as np
import pytest

from nnviz.data import load_csv_dataset, split_validation
from nnviz.data.csv_data import read_csv_table
from nnviz.resources import resource_path
from tests.data.test_labels import encode_labels

IRIS = resource_path("datasets", "iris", "iris.csv")


def write(tmp_path, text, name="table.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_iris_table_has_150_flowers_of_3_species():
    X, labels, features, label = read_csv_table(IRIS)
    assert X.shape == (150, 4) and label == "species"
    assert features == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    assert {name: labels.count(name) for name in set(labels)} == {"setosa": 50, "versicolor": 50, "virginica": 50}
    np.testing.assert_allclose(X[0], [5.1, 3.5, 1.4, 0.2])


def test_iris_dataset_is_split_by_the_seed_and_standardised_with_the_training_statistics():
    dataset = load_csv_dataset(IRIS, seed=3)
    X, labels, _, _ = read_csv_table(IRIS)
    y, names = encode_labels(labels)
    dataset_stream = np.random.default_rng(np.random.SeedSequence(3).spawn(1)[0])   # seed 3's first child
    X_train, y_train, X_test, y_test = split_validation(X, y, 0.2, dataset_stream)  # the same split, independently
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    assert dataset.class_names == ("setosa", "versicolor", "virginica") == names
    assert dataset.X_train.shape == (120, 4) and dataset.X_test.shape == (30, 4) and dataset.image_shape is None
    np.testing.assert_array_equal(dataset.y_test, y_test)
    np.testing.assert_allclose(dataset.input_mean, mean, rtol=1e-6)
    np.testing.assert_allclose(dataset.input_std, std, rtol=1e-6)
    np.testing.assert_allclose(dataset.X_test, (X_test - mean) / std, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dataset.X_train.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(dataset.X_train.std(axis=0), 1, atol=1e-5)


def test_no_header_label_chosen_by_index_semicolons_and_numeric_labels_sorted_as_numbers(tmp_path):
    path = write(tmp_path, "10;1.0;7\n2;2.0;8\n10;3.0;9\n2.5;4.0;10\n10;5.0;11\n")
    X, labels, features, label = read_csv_table(path, label_column=0)
    assert features == ["column 1", "column 2"] and label == "column 0"
    np.testing.assert_allclose(X[:, 1], [7, 8, 9, 10, 11])
    y, names = encode_labels(labels)
    assert names == ("2", "2.5", "10")
    np.testing.assert_array_equal(y, [2, 0, 2, 1, 2])


def test_label_column_by_name_and_by_negative_index_and_a_constant_column(tmp_path):
    path = write(tmp_path, "kind,a,b\ncat,1,5\ndog,2,5\ncat,3,5\ndog,4,5\ncat,5,5\n")
    _, labels, features, _ = read_csv_table(path, label_column="kind")
    assert labels[:2] == ["cat", "dog"] and features == ["a", "b"]
    assert read_csv_table(path, label_column=-3)[1] == labels
    dataset = load_csv_dataset(path, label_column="kind", test_fraction=0.4)
    assert dataset.input_std[1] == 1 and np.all(dataset.X_train[:, 1] == 0)     # constant: σ taken as 1


@pytest.mark.parametrize("text, options, message", [
    ("a,b,c\n1,2,x\n3,4\n", {}, "line 3: expected 3 values, got 2"),
    ("a,b,c\n1,2,x\n\n3,oops,y\n", {}, "line 4, column b: 'oops' is not a finite number"),
    ("1,2,x\n3,nan,y\n", {}, "line 2, column 1: 'nan' is not a finite number"),
    ("a,b,c\n1,2,x\n3,4, \n", {}, "line 3: the label (c) is empty"),
    ("a,b,c\n1,2,x\n3,4,y\n", {"label_column": "d"}, "label_column 'd' is not a column; columns: a, b, c"),
    ("1,2,x\n3,4,y\n", {"label_column": 5}, "label_column 5 is out of range: the file has 3 columns"),
    ("a,b\n", {}, "needs at least two rows"),
    ("a,b\n1,x\n2,x\n3,x\n4,x\n5,x\n", {}, "every row has the label 'x'"),
    ("a,id\n1,7\n2,8\n3,9\n4,9\n5,10\n", {}, "the label column (id) has 4 distinct values in 5 rows"),
])
def test_bad_tables_are_reported_with_the_file_and_the_line(tmp_path, text, options, message):
    path = write(tmp_path, text)
    with pytest.raises(ValueError) as caught:
        load_csv_dataset(path, **options)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def test_a_missing_file_a_folder_and_binary_data_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="missing.csv: no such file"):
        load_csv_dataset(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="not a regular file"):
        load_csv_dataset(tmp_path)
    (tmp_path / "blob.csv").write_bytes(b"\xff\xfe\x00\x81" * 10)
    with pytest.raises(ValueError, match="blob.csv: not a text"):
        load_csv_dataset(tmp_path / "blob.csv")


def test_labels_are_kept_exactly_and_compared_as_numbers(tmp_path):
    rows = [("0.1", "1234567"), ("0.2", "1234568"), ("0.3", "1234567"), ("0.4", "1234568")] * 3
    dataset = load_csv_dataset(write(tmp_path, "x,id\n" + "".join(f"{x},{k}\n" for x, k in rows)), test_fraction=0.25)
    assert dataset.class_names == ("1234567", "1234568") and dataset.n_classes == 2
    X, labels, _, _ = read_csv_table(tmp_path / "table.csv")
    # Every row's class, from its x (0.1 and 0.3 are 1234567): the standardised x maps back to the row.
    x_of = {round(float(v), 6): k for v, k in rows}
    for part_X, part_y in ((dataset.X_train, dataset.y_train), (dataset.X_test, dataset.y_test)):
        x = part_X[:, 0] * dataset.input_std[0] + dataset.input_mean[0]
        assert [dataset.class_names[c] for c in part_y] == [x_of[round(float(v), 6)] for v in x]

    dataset = load_csv_dataset(write(tmp_path, "x,y\n" + "".join(f"{i},{k}\n" for i, k in
                                                                  enumerate(["1", "1.0", "2", "2", "1"] * 2))))
    assert dataset.class_names == ("1", "2")
    assert sorted(np.concatenate([dataset.y_train, dataset.y_test]).tolist()) == [0] * 6 + [1] * 4


def test_a_label_column_of_ids_is_refused_with_the_counts(tmp_path):
    ids = list(range(99_862)) + list(range(138))      # 99,862 distinct values in 100,000 rows
    path = write(tmp_path, "x,id\n" + "".join(f"{i % 7},{v}\n" for i, v in enumerate(ids)))
    with pytest.raises(ValueError) as caught:
        load_csv_dataset(path)
    assert str(caught.value).startswith(f"{path}: the label column (id) has 99,862 distinct values in 100,000 rows")
