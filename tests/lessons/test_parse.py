"""Lesson files: a good one reads into a Lesson; each mistake is one message naming the file, the line and the field."""

import textwrap

import pytest

from nnviz.lessons import Choice, LessonError, Sketch, load_lesson_file, parse_lesson

GOOD = textwrap.dedent('''\
    title = "XOR"
    objective = "One line is not enough."
    minutes = 5
    show = ["hidden_layers"]

    [start]
    preset = "xor"
    settings = { epochs = 10 }

    [[steps]]
    text = "No hidden layer."
    check = "train_accuracy <= 0.75"
    hints = ["a", "b", "c"]
    intended = { hidden_layers = [] }
    naive = { hidden_layers = [2] }

    [steps.predict]
    question = "How far?"
    options = ["100%", "75%"]
    answer = 2
    feedback = ["no", "yes"]

    [[steps]]
    text = "Sketch."
    look = "loss"
    hints = ["a", "b", "c"]

    [steps.predict]
    sketch = "loss"
    question = "Draw it"

    [steps.do]
    set = { hidden_layers = [2] }
    train = true

    [[steps]]
    text = "Knock out."
    check = "knockout_share >= 0.5"
    hints = ["a", "b", "c"]
    intended = { knock_out = "most" }
    naive = { knock_out = "least" }
    ''')


def lines_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_good_file_reads_into_its_steps(tmp_path):
    path = tmp_path / "xor-lesson.toml"
    path.write_text(GOOD, encoding="utf-8")
    lesson = load_lesson_file(path)
    assert (lesson.name, lesson.title, lesson.minutes, lesson.show) == ("xor-lesson", "XOR", 5, ("hidden_layers",))
    assert lesson.start.preset == "xor" and lesson.start.settings == {"epochs": 10}
    first, second, third = lesson.steps
    assert first.predict == Choice("How far?", ("100%", "75%"), 1, ("no", "yes"))
    assert first.check.clauses[0].text() == "train_accuracy <= 0.75"
    assert (first.intended, first.naive) == ({"hidden_layers": []}, {"hidden_layers": [2]})
    assert second.predict == Sketch("Draw it", "loss") and second.check is None
    assert (second.do_settings, second.train, second.look) == ({"hidden_layers": [2]}, True, "loss")
    assert third.check.needs_knock_out and third.intended == {"knock_out": "most"}


@pytest.mark.parametrize("old, new, needle, field, words", [
    ('check = "train_accuracy <= 0.75"', 'check = "train_acuracy <= 0.75"', "train_acuracy",
     "steps[1].check", "unknown metric 'train_acuracy'"),
    ('answer = 2', 'answer = 3', "answer = 3", "steps[1].predict.answer", "whole number 1-2"),
    ('naive = { hidden_layers = [2] }', 'naive = { hiden_layers = [2] }', "hiden_layers",
     "steps[1].naive", "unknown setting 'hiden_layers'"),
    ('look = "loss"', 'look = "loss curve"', 'look = "loss curve"', "steps[2].look", "is not a view"),
    ('naive = { knock_out = "least" }', 'naive = { }', "naive = { }", "steps[3].naive", "knock_out"),
    ('hints = ["a", "b", "c"]\nintended = { knock_out', 'hints = ["a", "b"]\nintended = { knock_out',
     'hints = ["a", "b"]', "steps[3].hints", "give 3 hints"),
    ('preset = "xor"', 'preset = "xxor"', 'preset = "xxor"', "start.preset", "unknown preset 'xxor'"),
    ('settings = { epochs = 10 }', 'settings = { epochs = -1 }', "epochs = -1", "start.settings.epochs", "-1"),
    ('[steps.do]', '[steps.doo]', "[steps.doo]", "steps[2].doo", "unknown field"),
])
def test_a_mistake_names_the_file_the_line_and_the_field(tmp_path, old, new, needle, field, words):
    text = GOOD.replace(textwrap.dedent(old), textwrap.dedent(new), 1)
    assert text != GOOD
    with pytest.raises(LessonError) as caught:
        parse_lesson(text, tmp_path / "bad.toml")
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'bad.toml'}: line {lines_of(text, needle)}: {field}: ")
    assert words in message and "\n" not in message


def test_broken_toml_names_its_line(tmp_path):
    text = GOOD.replace('minutes = 5', 'minutes = ')
    with pytest.raises(LessonError, match=r"bad.toml: line 3: not valid TOML"):
        parse_lesson(text, tmp_path / "bad.toml")


def test_too_few_steps_is_refused(tmp_path):
    text = GOOD[:GOOD.index("[[steps]]\ntext = \"Sketch")]
    with pytest.raises(LessonError, match=r"steps: a lesson has 3-6 \[\[steps\]\], this one has 1"):
        parse_lesson(text, tmp_path / "short.toml")


def test_a_file_that_is_not_text_is_refused(tmp_path):
    path = tmp_path / "binary.toml"
    path.write_bytes(b"title = \"\xff\xfe\"\n")
    with pytest.raises(LessonError, match=r"binary.toml: not a UTF-8 text file"):
        load_lesson_file(path)
