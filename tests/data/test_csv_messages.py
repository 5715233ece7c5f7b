"""CSV files that once gave a wrong or puzzling message: each now says what is wrong, where, in one line."""

import pytest

from nnviz.data import load_csv_dataset
from nnviz.data.csv_data import read_csv_table
from nnviz.guard import UserError

IRIS_ROWS = ["5.1,3.5,1.4,0.2,setosa", "7.0,3.2,4.7,1.4,versicolor", "6.3,3.3,6.0,2.5,virginica"] * 4


def write(tmp_path, lines, name="data.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def refused(path):
    with pytest.raises(UserError) as error:
        load_csv_dataset(path)
    message = str(error.value)
    assert "\n" not in message
    return message


def test_decimal_commas_are_named_as_such(tmp_path):
    path = write(tmp_path, ["f0;f1;label"] + [f"0,{i}5;1,25;{'ab'[i % 2]}" for i in range(10)])
    assert refused(path) == (f"{path}: line 2: '0,05' has a decimal comma; nnviz reads numbers with a decimal "
                             f"point (0.05): save the CSV with '.' decimals")


def test_one_unbalanced_quote_is_named_with_its_line(tmp_path):
    lines = ["sepal_length,sepal_width,petal_length,petal_width,species", *IRIS_ROWS]
    lines[3] = lines[3].replace("virginica", '"virginica')
    path = write(tmp_path, lines)
    assert refused(path) == (f'{path}: line 4: a quote (") opens a value that is not closed on that line '
                             f"(it takes in lines 4-13); close or remove the quote")


def test_rows_ending_in_a_comma_have_no_extra_empty_column(tmp_path):
    path = write(tmp_path, ["sepal_length,sepal_width,petal_length,petal_width,species,"] +
                 [row + "," for row in IRIS_ROWS])
    X, labels, features, label = read_csv_table(path)
    assert X.shape == (12, 4) and labels[:3] == ["setosa", "versicolor", "virginica"] and label == "species"
    assert features == ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def test_a_value_beyond_float32_is_refused_naming_its_line_and_column(tmp_path):
    path = write(tmp_path, ["a,b,label"] + [f"{i},{1e300 if i == 3 else i},{'xy'[i % 2]}" for i in range(10)])
    assert refused(path) == (f"{path}: line 5, column b: 1e+300 is too large; the network computes in float32, "
                             f"at most ±3.4e+38")


def test_a_bad_value_without_a_header_names_the_column_once(tmp_path):
    path = write(tmp_path, [f"{i},{'oops' if i == 2 else i},{'xy'[i % 2]}" for i in range(10)])
    assert refused(path) == f"{path}: line 3, column 1: 'oops' is not a finite number"
