"""`nnviz lesson list` and `nnviz lesson check`, run in-process through main([...])."""

import pytest

from nnviz.cli import commands as cli
from nnviz.lessons import bundled_lessons

TINY = '''\
title = "Tiny"
objective = "Check the checker."
minutes = 1

[start]
preset = "xor"
settings = {{ epochs = 300, learning_rate = 1.0 }}

[[steps]]
text = "A"
check = "{check}"
hints = ["a", "b", "c"]
intended = {{ hidden_layers = [2] }}
naive = {{ hidden_layers = [] }}

[[steps]]
text = "B"
hints = ["a", "b", "c"]

[[steps]]
text = "C"
hints = ["a", "b", "c"]
'''


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_shows_each_lesson_on_one_line_name_first(capsys):
    code, out, _ = run(capsys, "lesson", "list")
    lines = out.splitlines()
    lessons = bundled_lessons()
    assert code == 0 and len(lines) == len(lessons) >= 10
    assert lines[0] == "01-xor-hidden-layer  XOR needs a hidden layer (6 min)"
    assert [line.split()[0] for line in lines] == [lesson.name for lesson in lessons]


def test_check_passes_when_intended_holds_and_naive_fails(capsys, tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY.format(check="not diverged and epochs == 300"), encoding="utf-8")
    # This check holds for both variants: naive does not fail as promised.
    code, out, err = run(capsys, "lesson", "check", path)
    assert code == 1
    assert "ok   tiny step 1 intended (check holds): diverged = 0 (needs == 0 ✓); epochs = 300 (needs == 300 ✓)" in out
    assert "FAIL tiny step 1 naive (check fails)" in out
    assert "tiny: 1/2 as promised" in out and "1 lesson check(s) did not come out" in err


def test_check_exit_zero_when_every_step_keeps_its_promise(capsys, tmp_path):
    path = tmp_path / "tiny.toml"
    # XOR at η = 1 for 300 epochs: 2 hidden units get the loss under 0.5 (0.18 with seed 5; 4 of seeds
    # 0-9 get there), no hidden layer stays at ln 2.
    path.write_text(TINY.format(check="loss < 0.5"), encoding="utf-8")
    code, out, _ = run(capsys, "lesson", "check", path, "--seed", 5)
    assert code == 0 and "tiny: 2/2 as promised" in out


def test_a_bad_lesson_file_is_one_line_naming_file_line_and_field(capsys, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(TINY.format(check="loss < banana"), encoding="utf-8")
    code, out, err = run(capsys, "lesson", "check", path)
    assert code == 2 and out == ""
    assert err == (f"nnviz: error: {path}: line 11: steps[1].check: 'loss < banana' is not METRIC OP NUMBER "
                   f"(e.g. test_accuracy >= 0.95)\n")


@pytest.mark.parametrize("argv, words", [
    (("lesson", "check"), "name one or more lessons, or --all"),
    (("lesson", "check", "no-such-lesson"), "unknown lesson 'no-such-lesson'; lessons: 01-xor-hidden-layer"),
])
def test_check_usage_errors(capsys, argv, words):
    code, _, err = run(capsys, *argv)
    assert code == 2 and words in err
