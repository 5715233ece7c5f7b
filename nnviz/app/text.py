"""Text helpers the views share for writing the math: superscript layer indices."""

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def superscript(n):
    """The superscript digits of n, for layer indices in equations: superscript(12) == "¹²"."""
    return str(n).translate(_SUPERSCRIPT)
