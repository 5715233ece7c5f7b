"""A label's class: labels kept exactly, numbers compared as numbers (exactly), text as text, in linear time."""

import numpy as np
import pytest

from nnviz.data.labels import class_indices, class_names_of
from nnviz.guard import UserError


def encode_labels(labels):
    """(class indices, class names) of `labels`, as load_csv_dataset computes them."""
    names = class_names_of(labels)
    return class_indices(labels, names), names


def test_close_large_numbers_are_two_classes_named_as_written():
    y, names = encode_labels(["1234567", "1234568", "1234568", "1234567"])
    assert names == ("1234567", "1234568")
    np.testing.assert_array_equal(y, [0, 1, 1, 0])


def test_numbers_are_compared_as_numbers_one_class_per_value_named_by_its_first_spelling():
    y, names = encode_labels(["1.0", "2", "1", "1e0", "0.5"])
    assert names == ("0.5", "1.0", "2")
    np.testing.assert_array_equal(y, [1, 2, 1, 1, 0])


def test_numbers_are_compared_exactly_not_as_floats():
    # 20-digit ids: equal as float64 (2**-52 relative precision), different as numbers.
    a, b = "12345678901234567890", "12345678901234567891"
    assert float(a) == float(b)
    y, names = encode_labels([b, a, b])
    assert names == (a, b)
    np.testing.assert_array_equal(y, [1, 0, 1])


def test_labels_that_are_not_all_numbers_are_text():
    y, names = encode_labels(["cat", "1", "1.0", "dog", "1"])
    assert names == ("1", "1.0", "cat", "dog")
    np.testing.assert_array_equal(y, [2, 0, 1, 3, 0])


def test_an_infinite_or_nan_label_is_text():
    assert class_names_of(["inf", "2", "10"]) == ("10", "2", "inf")
    assert class_names_of(["nan", "2"]) == ("2", "nan")


def test_labels_read_later_find_the_class_of_their_value_or_are_refused():
    np.testing.assert_array_equal(class_indices(["2.0", "10", "2"], ("2", "10")), [0, 1, 0])
    np.testing.assert_array_equal(class_indices(["b", "a"], ("a", "b")), [1, 0])
    with pytest.raises(UserError, match=r"the label '3' is not one of the 2 classes \(2, 10\)"):
        class_indices(["2", "3"], ("2", "10"))
    with pytest.raises(UserError, match="the label 'A' is not one of the 2 classes"):
        class_indices(["A"], ("a", "b"))


def test_a_hundred_thousand_distinct_labels_are_encoded_in_order():
    values = np.random.default_rng(0).permutation(100_000)
    labels = [str(v) for v in values]
    y, names = encode_labels(labels)
    assert names == tuple(str(v) for v in range(100_000))
    np.testing.assert_array_equal(y, values)
