"""`UserError`, the one type for "the input is wrong" (a file, a setting, an argument), and short messages.

The front ends show a UserError's message as one line (the CLI exits with status 2); any other
exception is a bug in nnviz. UserError subclasses ValueError so the core's contract (a bad name,
shape or value raises ValueError) holds for callers that catch ValueError.
"""

MAX_VALUE_CHARS = 60        # a value echoed in a message: enough to recognise it, never a wall of text
MAX_MESSAGE_CHARS = 400     # a whole message: one line in a terminal or the window's banner


class UserError(ValueError):
    """Bad input; the message names what is wrong (the file, the field, the value) and what is allowed."""


def describe(error) -> str:
    """An exception as the text of a one-line message: "FILE: reason" for an OSError about a file
    (not "[Errno 13] …: 'FILE'"), else its own text."""
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror or error}"
    return str(error)


def shorten(value, limit=MAX_VALUE_CHARS) -> str:
    """repr(value) (one line: repr escapes newlines), cut to `limit` characters ending in '…'.

    A whole number too long for Python to print (int_max_str_digits) is described by its size.
    """
    try:
        text = repr(value)
    except (ValueError, RecursionError):        # a huge int, or a structure nested too deeply
        if isinstance(value, int):
            return f"<a whole number of about {value.bit_length() * 0.30103:,.0f} digits>"
        return f"<a {type(value).__name__} nested too deeply to show>"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def one_line(text, limit=MAX_MESSAGE_CHARS) -> str:
    """`text` with its whitespace collapsed to single spaces, cut to `limit` characters with '…'."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else f"{text[:limit - 1]}…"
