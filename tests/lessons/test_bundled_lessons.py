"""Every bundled lesson teaches what it says, on seeds 0-4: each checked step's intended settings pass
its check and its naive settings fail it (the same runs `nnviz lesson check --all --seed N` makes).
The lessons are sized for this: all ten take ~8 s of CPU per seed."""

from pathlib import Path

import pytest

from nnviz.lessons import bundled_lessons, lesson_folder, load_lesson_file, verify_lesson

LESSONS = {lesson.name: lesson for lesson in bundled_lessons()}


def test_there_are_at_least_ten_lessons_each_with_a_check_per_promise():
    assert len(LESSONS) >= 10
    assert sorted(LESSONS) == sorted(p.stem for p in lesson_folder().glob("*.toml"))
    for lesson in LESSONS.values():
        assert 3 <= len(lesson.steps) <= 6 and 5 <= lesson.minutes <= 10
        assert any(step.check is not None for step in lesson.steps), lesson.name


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("name", sorted(LESSONS))
def test_intended_settings_pass_and_naive_ones_fail(name, seed):
    results = verify_lesson(LESSONS[name], seed=seed)
    wrong = [f"{r.task} {r.variant}: {r.detail}" for r in results if not r.ok]
    assert results and wrong == []


def test_the_example_in_docs_lessons_md_reads_and_keeps_its_promises(tmp_path):
    doc = (Path(__file__).resolve().parents[2] / "docs" / "lessons.md").read_text(encoding="utf-8")
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.toml"
    path.write_text(example, encoding="utf-8")
    lesson = load_lesson_file(path)
    assert [step.look for step in lesson.steps] == ["boundary", "network", "network"]
    results = verify_lesson(lesson)
    assert len(results) == 8 and [r for r in results if not r.ok] == []
