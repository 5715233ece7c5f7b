"""A label's class: the one place a label as written in a file becomes a class name and a class index.

Labels are kept exactly as written: the class names are label texts, never reformatted (1234567
stays "1234567", not "1.23457e+06"). When every label is a finite number, labels are compared as
numbers, exactly (as decimals, so 1234567 and 1234568, or two 20-digit ids, stay two classes):
"1", "1.0" and "1e0" are one class, named by its first spelling in the data, and the classes are
sorted by value. Otherwise labels are compared and sorted as text.
"""

from decimal import Decimal, InvalidOperation

import numpy as np

from nnviz.guard import UserError

_SHOWN_NAMES = 10      # class names an unknown label's message lists


def number_key(text: str) -> Decimal | None:
    """The exact value of a label that is a finite number ("1.0" and "1" give equal keys), else None."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def class_names_of(labels) -> tuple[str, ...]:
    """The classes of `labels` (texts), one name each (the first spelling met), sorted (see the module)."""
    distinct = list(dict.fromkeys(labels))
    keys = _numeric_keys(distinct)
    if keys is None:
        return tuple(sorted(distinct))
    first_spelling = {}
    for text, key in zip(distinct, keys):
        first_spelling.setdefault(key, text)
    return tuple(first_spelling[key] for key in sorted(first_spelling))


def class_indices(labels, class_names) -> np.ndarray:
    """(n,) int64: the index in `class_names` of each label's class, by value when every class name is a
    number, else by text. A label of no class raises UserError naming it."""
    keys = _numeric_keys(class_names)
    key_of = (lambda text: text) if keys is None else number_key
    index = {key: i for i, key in enumerate(class_names if keys is None else keys)}
    distinct = {}
    for text in dict.fromkeys(labels):
        k = index.get(key_of(text))
        if k is None:
            shown = ", ".join(class_names[:_SHOWN_NAMES]) + (", …" if len(class_names) > _SHOWN_NAMES else "")
            raise UserError(f"the label {text!r} is not one of the {len(class_names)} classes ({shown})")
        distinct[text] = k
    return np.fromiter((distinct[text] for text in labels), dtype=np.int64, count=len(labels))


def _numeric_keys(texts):
    """Every text's `number_key`, or None when one of them is not a number."""
    keys = []
    for text in texts:
        key = number_key(text)
        if key is None:
            return None
        keys.append(key)
    return keys
