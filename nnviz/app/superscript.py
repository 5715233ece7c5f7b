"""Superscript digits, for the layer indices the views write in equations (zˡ, δ¹²)."""

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def superscript(n):
    """The superscript digits of n, for layer indices in equations: superscript(12) == "¹²"."""
    return str(n).translate(_SUPERSCRIPT)
