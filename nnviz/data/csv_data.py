"""CSV datasets: numeric feature columns and one label column, standardised on the training split.

    sepal_length,sepal_width,petal_length,petal_width,species      <- optional header
    5.1,3.5,1.4,0.2,setosa

The first row is a header when it holds fewer numbers than the second. Labels may be numbers or
strings, kept exactly as written; numbers are compared as numbers (nnviz.data.labels). A label
column with fewer than MIN_ROWS_PER_CLASS rows per distinct value on average (an id or a
measurement, not a class) is refused before the rows are split.
Rows are split into train/test by a seeded permutation; each feature is then standardised,
x' = (x − μ) / σ, with μ and σ of the training part (σ = 1 for a constant column), and μ, σ
travel with the dataset so a model can apply them to new rows.
"""

import csv
import math
import re
from pathlib import Path

import numpy as np

from nnviz.data.datasets import Dataset, _check_test_fraction, _frozen, split_validation
from nnviz.data.labels import class_indices, class_names_of
from nnviz.guard import UserError, read_capped
from nnviz.seeds import stream

MAX_BYTES = 256 << 20          # a CSV larger than this is refused before reading
MIN_ROWS_PER_CLASS = 2         # fewer rows per distinct label: the column is not a class label
_DELIMITERS = ",;\t"
_DECIMAL_COMMA = re.compile(r"\s*[-+]?\d*,\d+\s*")
F32_MAX = float(np.finfo(np.float32).max)     # μ, σ and the network are float32: a larger value is infinite


def load_csv_dataset(path, label_column=None, seed=0, test_fraction: float = 0.2) -> Dataset:
    """A CSV file as a Dataset: split by `seed` into (1 - test_fraction) / test_fraction, features
    standardised with the training part's μ and σ (kept as input_mean / input_std), class names
    the original labels. See `read_csv_table` for the format and label_column."""
    _check_test_fraction(test_fraction)
    X, labels, _, label_name = read_csv_table(path, label_column)
    names = class_names_of(labels)
    if len(names) < 2:
        raise UserError(f"{path}: every row has the label {names[0]!r}; a classifier needs at least two classes")
    if len(names) * MIN_ROWS_PER_CLASS > len(labels):
        raise UserError(f"{path}: the label column ({label_name}) has {len(names):,} distinct values in "
                        f"{len(labels):,} rows; a class needs at least {MIN_ROWS_PER_CLASS} rows on average "
                        f"(is it the label? choose another with label_column)")
    y = class_indices(labels, names)
    X_train, y_train, X_test, y_test = split_validation(X, y, test_fraction, stream(seed, "dataset"))
    if len(X_test) == 0:
        raise UserError(f"{path}: {len(X)} rows leave no test rows; give at least {math.ceil(1 / test_fraction)}")
    mean, std = standardize(X_train)
    X_train, X_test = ((part - mean) / std for part in (X_train, X_test))
    return _frozen(Path(path).stem, X_train.astype(np.float32), y_train, X_test.astype(np.float32), y_test,
                   len(names), None, names, input_mean=mean, input_std=std)


def read_csv_table(path, label_column=None):
    """Read `path` -> (X (n, d) float64, labels: list[str], feature names, label name).

    label_column: the label's header name or column index (negative counts from the end; None =
    the last column). Raises UserError naming the file (and the line) for anything wrong.
    """
    path = Path(path)
    rows = _rows(path)
    if len(rows) < 2:
        raise UserError(f"{path}: a CSV dataset needs at least two rows, got {len(rows)}")
    (_, first), (_, second) = rows[0], rows[1]
    header = _count_numbers(first) < _count_numbers(second)
    width = len(first)
    names = [c.strip() for c in first] if header else [f"column {i}" for i in range(width)]
    label = _label_index(label_column, names if header else None, width, path)
    body = rows[1:] if header else rows
    X = np.empty((len(body), width - 1))
    labels = []
    features = [i for i in range(width) if i != label]
    for r, (line, cells) in enumerate(body):
        if len(cells) != width:
            raise UserError(f"{path}: line {line}: expected {width} values, got {len(cells)}")
        for j, i in enumerate(features):
            X[r, j] = _number(cells[i], path, line, names[i] if header else i)
        text = cells[label].strip()
        if not text:
            raise UserError(f"{path}: line {line}: the label ({names[label]}) is empty")
        labels.append(text)
    return X, labels, [names[i] for i in features], names[label]


def standardize(X_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(μ, σ), each (d,) float32, of the training features; σ = 1 where a column is constant."""
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std[std == 0] = 1.0
    return mean.astype(np.float32), std.astype(np.float32)


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank row."""
    try:
        text = read_capped(path, MAX_BYTES, "CSV file").decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not a text (UTF-8) file: {error.reason} at byte {error.start}") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=_DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text.splitlines(), dialect)
    rows, end = [], 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if end > start:         # a quote opened a value that ran on over the following lines
                raise UserError(f"{path}: line {start}: a quote (\") opens a value that is not closed on that "
                                f"line (it takes in lines {start}-{end}); close or remove the quote")
            if any(c.strip() for c in cells):
                rows.append((end, cells))
    except csv.Error as error:
        raise UserError(f"{path}: line {reader.line_num}: {error}") from None
    for line, cells in rows[:20]:
        comma = next((c for c in cells if _DECIMAL_COMMA.fullmatch(c)), None)
        if comma is not None and dialect.delimiter != ",":
            raise UserError(f"{path}: line {line}: {comma.strip()!r} has a decimal comma; nnviz reads numbers with "
                            f"a decimal point ({comma.strip().replace(',', '.')}): save the CSV with '.' decimals")
    if rows and all(len(cells) > 1 and not cells[-1].strip() for _, cells in rows):
        rows = [(line, cells[:-1]) for line, cells in rows]      # every row ends in a delimiter: no column
    return rows


def _label_index(label_column, names, width, path) -> int:
    if width < 2:
        raise UserError(f"{path}: a CSV dataset needs at least one feature column and a label column")
    if label_column is None:
        return width - 1
    if isinstance(label_column, str):
        if names is not None and label_column in names:
            return names.index(label_column)
        if label_column.lstrip("-").isdigit():
            label_column = int(label_column)
        else:
            known = ", ".join(names) if names is not None else "none: the file has no header"
            raise UserError(f"{path}: label_column {label_column!r} is not a column; columns: {known}")
    if not -width <= label_column < width:
        raise UserError(f"{path}: label_column {label_column} is out of range: the file has {width} columns")
    return label_column % width


def _as_float(text: str):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _count_numbers(cells) -> int:
    return sum(_as_float(c) is not None for c in cells)


def _number(text: str, path, line, column) -> float:
    value = _as_float(text)
    if value is None:
        raise UserError(f"{path}: line {line}, column {column}: {text.strip()!r} is not a finite number")
    if abs(value) > F32_MAX:
        raise UserError(f"{path}: line {line}, column {column}: {text.strip()} is too large; the network computes "
                        f"in float32, at most ±{F32_MAX:.3g}")
    return value
