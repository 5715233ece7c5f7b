"""Safe file reads: only regular files, bounded sizes, strict UTF-8 JSON with bounded depth and numbers."""

import os
import re

import pytest

from nnviz.guard import UserError, open_regular, path_component, read_capped, read_json
from nnviz.guard.files import MAX_DEPTH


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    with pytest.raises(UserError, match=r"pipe: is a pipe \(FIFO\), not a regular file"):
        open_regular(path)


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/null"])
def test_a_device_or_a_symlink_to_one_is_refused(tmp_path, target):
    link = tmp_path / "link.json"
    link.symlink_to(target)
    for path in (target, link):
        with pytest.raises(UserError, match="is a device, not a regular file"):
            read_capped(path, 100)


def test_a_folder_and_a_missing_file_are_named(tmp_path):
    with pytest.raises(UserError, match="is a folder"):
        open_regular(tmp_path)
    with pytest.raises(UserError, match=r"nope\.json: no such file"):
        open_regular(tmp_path / "nope.json")


def test_reading_stops_at_the_limit(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 101)
    assert read_capped(tmp_path / "big.json", 101) == b" " * 101
    with pytest.raises(UserError, match=r"big\.json: too large for a file \(more than 100 bytes\)"):
        read_capped(path, 100)


def write(tmp_path, data):
    path = tmp_path / "f.json"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("data", ['{"a": "é"}'.encode("utf-8-sig"), '{"a": 1}'.encode("utf-16"),
                                  '{"a": 1}'.encode("utf-16-le"), '{"a": "é"}'.encode("latin-1")])
def test_anything_but_plain_utf8_is_not_utf8_json(tmp_path, data):
    with pytest.raises(UserError, match=r"f\.json: not UTF-8 JSON"):
        read_json(write(tmp_path, data))


def test_deep_nesting_is_refused_however_deep(tmp_path):
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert read_json(write(tmp_path, ok.encode())) == eval(ok)
    for depth in (MAX_DEPTH + 1, 100_000):
        with pytest.raises(UserError, match=f"nested more than {MAX_DEPTH} levels"):
            read_json(write(tmp_path, ("[" * depth + "]" * depth).encode()))


def test_an_overlong_whole_number_is_located_and_named(tmp_path):
    path = write(tmp_path, b'{\n  "seed": ' + b"7" * 5000 + b"\n}")
    with pytest.raises(UserError, match=r"f\.json: line 2, column 11: 'seed': a whole number of more than 20 "):
        read_json(path)
    assert read_json(write(tmp_path, b'{"seed": 12345678901234567890, "x": 1e400}')) == {
        "seed": 12345678901234567890, "x": float("inf")}


def test_a_json_syntax_error_gives_line_and_column(tmp_path):
    with pytest.raises(UserError, match=r"f\.json: line 2, column 1: Expecting value"):
        read_json(write(tmp_path, b'[1,\n]'))


@pytest.mark.parametrize("name, problem", [
    ("..", "is not a usable folder or file name"), (".", "is not a usable folder or file name"),
    ("", "is not a usable folder or file name"),
    ("../../outside", "holds '/'"), ("/etc/cron.d", "holds '/'"), ("a\\b", "holds '/' or '\\'"),
    ("a\0b", "holds a NUL"), ("line\nbreak", "control character"),
    ("é" * 128, "is 256 bytes long; a file or folder name has at most 255"),
    ("\ud800", "characters the file system cannot store"),
])
def test_a_name_that_is_not_one_safe_path_component_is_refused(name, problem):
    with pytest.raises(UserError, match=f"^the label .* {re.escape(problem)}"):
        path_component(name, "label")


@pytest.mark.parametrize("name", ["7", "setosa", "é" * 127, "caf\udce9", "..hidden.", "a b"])
def test_an_ordinary_name_is_kept_as_it_is(name, tmp_path):
    """'caf\\udce9' is how Python names a non-UTF-8 folder (byte 0xE9): it is a real folder name."""
    assert path_component(name, "label") == name
    (tmp_path / name).mkdir()
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_nul_byte_in_a_file_name_is_a_user_error():
    with pytest.raises(UserError, match=r"^'/tmp/a\\x00b\.csv': not a usable file name \(it holds a NUL byte\)$"):
        open_regular("/tmp/a\0b.csv")
