"""Short messages: values are cut with their length said, whole messages stay on one line."""

from nnviz.guard import UserError, one_line, shorten


def test_a_user_error_is_a_value_error():
    assert issubclass(UserError, ValueError)


def test_a_long_value_is_cut():
    assert shorten("abc") == "'abc'"
    assert shorten("x" * 200_000) == "'" + "x" * 58 + "…"


def test_an_int_too_long_to_print_is_described_by_its_size():
    assert shorten(10**5000) == "<a whole number of about 5,000 digits>"


def test_a_message_is_one_line_of_bounded_length():
    assert one_line("a\n  b\tc") == "a b c"
    assert one_line("x" * 1000, limit=10) == "x" * 9 + "…"
