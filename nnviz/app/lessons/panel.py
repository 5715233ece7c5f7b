"""The lesson panel: the lessons with their progress, and the current step — text, prediction,
what to do, the Check button, the explanation, hints and Next.

The panel knows the lesson and the student's progress; what it needs from the window (apply
settings, show a view, measure the run) it asks of its `coach` (coach.LessonCoach).
"""

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.dialog_folders import DialogFolders
from nnviz.app.lessons.choice_box import RIGHT_STYLE, WRONG_STYLE, ChoiceBox
from nnviz.app.lessons.progress import ProgressStore, summary
from nnviz.app.lessons.sketch import SketchBox
from nnviz.guard import UserError
from nnviz.io.atomic import atomic_write_text
from nnviz.lessons import Choice, Sketch
from nnviz.lessons.conditions import explain, holds

TEXT_POINTS = 11          # the step's text, a little larger than the form's


def _done_count(lesson, progress):
    return sum(label in progress.passed for label, _ in lesson.tasks())


class LessonPanel(QScrollArea):
    def __init__(self, coach, lessons, store: ProgressStore, parent=None, folders=None):
        super().__init__(parent)
        self.coach, self.store = coach, store
        self.folders = folders or DialogFolders()        # where "Export summary…" opens
        self.lessons = list(lessons)
        self.lesson = self.progress = None
        self.measured = None
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.column = QVBoxLayout(body)
        self._build()
        self.setWidget(body)
        self.refresh_list()
        self._show_nothing()

    # -- layout --------------------------------------------------------------------------------

    def _build(self):
        c = self.column
        self.list = QListWidget()
        self.list.setMaximumHeight(96)
        self.list.itemActivated.connect(lambda item: self.open_lesson(item.data(Qt.ItemDataRole.UserRole)))
        self.list.itemClicked.connect(lambda item: self.open_lesson(item.data(Qt.ItemDataRole.UserRole)))
        c.addWidget(self.list)
        self.title = QLabel(wordWrap=True)
        title_font = QFont(self.title.font())
        title_font.setBold(True)
        title_font.setPointSize(TEXT_POINTS + 1)
        self.title.setFont(title_font)
        c.addWidget(self.title)
        self.where = QLabel()
        c.addWidget(self.where)
        self.text = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        text_font = QFont(self.text.font())
        text_font.setPointSize(TEXT_POINTS)
        self.text.setFont(text_font)
        c.addWidget(self.text)

        self.predict_box = ChoiceBox("Predict")
        self.commit_button = QPushButton("Commit prediction")
        self.commit_button.clicked.connect(self.commit_prediction)
        self.predict_box.column.addWidget(self.commit_button)
        c.addWidget(self.predict_box)
        self.sketch_box = SketchBox()
        self.sketch, self.comparison = self.sketch_box.plot, self.sketch_box.comparison
        self.commit_sketch_button = self.sketch_box.commit_button
        self.commit_sketch_button.clicked.connect(self.commit_sketch)
        c.addWidget(self.sketch_box)

        self.todo = QLabel(wordWrap=True)
        c.addWidget(self.todo)
        self.run_button = QPushButton("Run this step here")
        self.run_button.clicked.connect(self.run_here)
        c.addWidget(self.run_button)
        row = QHBoxLayout()
        self.check_button = QPushButton("Check")
        self.check_button.clicked.connect(self.check)
        self.hint_button = QPushButton("Hint")
        self.hint_button.clicked.connect(self.show_hint)
        row.addWidget(self.check_button)
        row.addWidget(self.hint_button)
        c.addLayout(row)
        self.result = QLabel(wordWrap=True)
        c.addWidget(self.result)
        self.hints = QLabel(wordWrap=True)
        c.addWidget(self.hints)
        self.explain_box = ChoiceBox("Explain")
        self.explain_box.chosen.connect(self.answer)
        c.addWidget(self.explain_box)
        self.summary = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        c.addWidget(self.summary)
        row = QHBoxLayout()
        self.back_button = QPushButton("◀ Back")
        self.back_button.clicked.connect(self.previous_task)
        self.next_button = QPushButton("Next ▶")
        self.next_button.clicked.connect(self.next_task)
        row.addWidget(self.back_button)
        row.addWidget(self.next_button, 1)
        c.addLayout(row)
        row = QHBoxLayout()
        self.reset_button = QPushButton("Reset lesson")
        self.reset_button.clicked.connect(self.reset_lesson)
        self.export_button = QPushButton("Export summary…")
        self.export_button.clicked.connect(self.ask_export)
        for w in (self.reset_button, self.export_button):
            row.addWidget(w)
        c.addLayout(row)
        c.addStretch(1)

    def refresh_list(self):
        """The lessons with their progress ("2/4 ✓" when finished)."""
        current = self.lesson.name if self.lesson else None
        self.list.clear()
        for lesson in self.lessons:
            progress = self.store.load(lesson.name)
            done = f"{_done_count(lesson, progress)}/{len(lesson.tasks())}" + (" ✓" if progress.finished else "")
            item = QListWidgetItem(f"{lesson.title} · {lesson.minutes} min · {done}")
            item.setData(Qt.ItemDataRole.UserRole, lesson.name)
            self.list.addItem(item)
            if lesson.name == current:
                self.list.setCurrentItem(item)

    def _show_nothing(self):
        self.title.setText("Choose a lesson")
        for w in (self.where, self.text, self.predict_box, self.sketch_box, self.todo, self.run_button,
                  self.check_button, self.hint_button, self.result, self.hints, self.explain_box,
                  self.summary, self.next_button, self.back_button, self.reset_button, self.export_button):
            w.hide()

    # -- a lesson ------------------------------------------------------------------------------

    def add_lesson(self, lesson):
        """Add (or replace) a lesson in the list, e.g. a teacher's file."""
        self.lessons = [x for x in self.lessons if x.name != lesson.name] + [lesson]
        self.refresh_list()

    def open_lesson(self, name):
        """Open lesson `name` where the student left it (its start experiment applied)."""
        lesson = next(x for x in self.lessons if x.name == name)
        self.lesson, self.progress = lesson, self.store.load(name)
        self.coach.begin(lesson)
        self.refresh_list()
        self._show_task(apply=True)

    def reset_lesson(self):
        self.progress = self.store.reset(self.lesson.name)
        self.coach.begin(self.lesson)
        self.refresh_list()
        self._show_task(apply=True)

    @property
    def label(self):
        return self.lesson.tasks()[self.progress.step][0]

    @property
    def task(self):
        return self.lesson.tasks()[self.progress.step][1]

    def _save(self):
        self.store.save(self.progress)
        self.refresh_list()

    def _show_task(self, apply):
        lesson, progress = self.lesson, self.progress
        self.title.setText(lesson.title)
        self.title.setToolTip(lesson.objective)
        self.summary.hide()
        self.export_button.setVisible(True)
        self.reset_button.show()
        if progress.step >= len(lesson.tasks()):
            return self._show_summary()
        label, task = self.label, self.task
        self.measured = None
        self.where.setText(f"{label.capitalize()} of {len(lesson.steps)}" if label.startswith("step")
                           else "Challenge")
        self.text.setText(task.text)
        for w in (self.where, self.text, self.todo, self.check_button, self.hint_button, self.result,
                  self.hints, self.next_button, self.back_button):
            w.show()
        self.back_button.setEnabled(progress.step > 0)
        if apply:
            self.coach.apply(getattr(task, "do_settings", {}), fresh=getattr(task, "train", False))
        self.coach.look_for(task)
        self._show_prediction(label, getattr(task, "predict", None))
        self._show_explain(label, getattr(task, "explain", None))
        self.todo.setText(self._todo_text(task))
        self.run_button.setVisible(self.coach.runs_here(task))
        self.check_button.setVisible(task.check is not None)
        self.check_button.setToolTip(task.check.source if task.check is not None else "")
        self.result.setText("" if label not in progress.passed else "✓ passed")
        self.result.setStyleSheet(RIGHT_STYLE)
        self._show_hints()
        self._update_next()

    def _show_hints(self):
        shown, hints = self.progress.hints.get(self.label, 0), self.task.hints
        self.hints.setText("\n".join(f"Hint {i + 1}: {h}" for i, h in enumerate(hints[:shown])))
        self.hint_button.setText(f"Hint ({shown}/{len(hints)})")
        self.hint_button.setEnabled(shown < len(hints))

    def _todo_text(self, task):
        what = []
        if getattr(task, "train", False):
            what.append("Run it here (the button below)" if self.coach.runs_here(task)
                        else "Press Train (F5; Reset, Ctrl+R, first to start again from fresh weights)")
        if getattr(task, "knock_out", False):
            what.append("knock out a unit in the Network view (Shift+click)")
        if task.check is not None:
            what.append("then press Check")
        return ("To do: " + ", ".join(what) + ".") if what else ""

    def _show_prediction(self, label, predict):
        made = self.progress.predictions.get(label)
        self.predict_box.setVisible(isinstance(predict, Choice))
        self.sketch_box.setVisible(isinstance(predict, Sketch))
        if isinstance(predict, Choice):
            self.predict_box.set_choice_question(predict, show_feedback=False)
            self.commit_button.setEnabled(made is None)
            if made is not None:
                self.predict_box.restore(made["choice"], locked=True)
        elif isinstance(predict, Sketch):
            self.sketch_box.ask(predict, self.coach.planned_epochs(), made)

    def _show_explain(self, label, question):
        self.explain_box.setVisible(question is not None)
        if question is not None:
            self.explain_box.set_choice_question(question)
            made = self.progress.answers.get(label)
            if made is not None:
                self.explain_box.restore(made["choice"], locked=False)

    def _predicted(self):
        predict = getattr(self.task, "predict", None)
        return predict is None or self.label in self.progress.predictions

    def _update_next(self):
        passed = self.label in self.progress.passed or self.task.check is None
        self.next_button.setEnabled(passed and self._predicted())
        self.next_button.setText("Finish ✓" if self.progress.step == len(self.lesson.tasks()) - 1 else "Next ▶")

    # -- the student's actions -----------------------------------------------------------------

    def commit_prediction(self):
        index = self.predict_box.picked()
        if index is None:
            self.predict_box.feedback.setText("Pick an option first.")
            return
        choice = self.task.predict
        self.progress.predictions[self.label] = {"choice": index, "text": choice.options[index],
                                                 "right": index == choice.answer}
        self.predict_box.lock()
        self.predict_box.reveal()
        self.commit_button.setEnabled(False)
        self._save()
        self._update_next()

    def commit_sketch(self):
        if len(self.sketch.points) < 2:
            self.comparison.setText("Drag on the plot to draw the curve you expect first.")
            return
        self.progress.predictions[self.label] = {"sketch": [list(p) for p in self.sketch.points], "comparison": ""}
        self.sketch.locked = True
        self.commit_sketch_button.setEnabled(False)
        self._save()
        self._update_next()

    def answer(self, index):
        question = self.task.explain
        self.progress.answers[self.label] = {"choice": index, "text": question.options[index],
                                             "right": index == question.answer}
        self._save()

    def show_hint(self):
        self.progress.hints[self.label] = min(len(self.task.hints), self.progress.hints.get(self.label, 0) + 1)
        self._save()
        self._show_hints()

    def run_here(self):
        """Train this step in the panel (a lesson's hand-made data or weights), in the background."""
        self.run_button.setEnabled(False)
        self.result.setText("Running…")
        self.coach.run_here(self.task, self._ran_here)

    def _ran_here(self, measured, error):
        self.run_button.setEnabled(True)
        if error:
            self._fail(error)
            return
        self.measured = measured
        self.result.setText(f"Done: {len(measured.losses)} epochs, final loss {measured.losses[-1]:.4g}. "
                            f"Press Check." if measured.losses else "Done.")
        self.result.setStyleSheet("")
        if not isinstance(getattr(self.task, "predict", None), Sketch):    # the run's curve, drawn here
            self.sketch_box.show_run(measured.losses)
        self._compare_sketch(measured)

    def check(self):
        """Measure the run and evaluate the step's check; Next unlocks when it holds."""
        if not self._predicted():
            self._fail("Commit your prediction first: predict, then run.")
            return
        try:
            measured = self.measured if self.coach.runs_here(self.task) else self.coach.measure()
            if measured is None:
                raise UserError("Run this step first (the button above).")
            held = holds(self.task.check, measured)
            detail = explain(self.task.check, measured)
        except UserError as error:
            self._fail(str(error))
            return
        self._compare_sketch(measured)
        self.result.setStyleSheet(RIGHT_STYLE if held else WRONG_STYLE)
        self.result.setText(("✓ The check holds: " if held else "✗ Not yet: ") + detail)
        self.ensureWidgetVisible(self.result)
        if held and self.label not in self.progress.passed:
            self.progress.passed.append(self.label)
            self._save()
        self._update_next()

    def _compare_sketch(self, measured):
        predict = getattr(self.task, "predict", None)
        made = self.progress.predictions.get(self.label)
        if isinstance(predict, Sketch) and made is not None:
            real = measured.losses if predict.curve == "loss" else measured.accuracies
            made["comparison"] = self.sketch.show_real(real)
            self.comparison.setText(made["comparison"])
            self._save()

    def _fail(self, message):
        self.result.setStyleSheet(WRONG_STYLE)
        self.result.setText(message)

    def previous_task(self):
        """Go back a step to read it again (the settings stay as they are)."""
        self.progress.step = max(0, self.progress.step - 1)
        self._save()
        self._show_task(apply=False)

    def next_task(self):
        if self.task.check is None and self.label not in self.progress.passed:
            self.progress.passed.append(self.label)
        self.progress.step += 1
        if self.progress.step >= len(self.lesson.tasks()):
            self.progress.finished = time.time()
        self._save()
        self._show_task(apply=True)

    # -- the end -------------------------------------------------------------------------------

    def _show_summary(self):
        for w in (self.predict_box, self.sketch_box, self.todo, self.run_button, self.check_button,
                  self.hint_button, self.result, self.hints, self.explain_box, self.next_button):
            w.hide()
        self.back_button.setEnabled(True)
        self.where.setText("Lesson complete")
        self.text.setText(self.lesson.objective)
        self.summary.setText(summary(self.lesson, self.progress))
        self.summary.show()
        self.coach.look(None)

    def export_summary(self, path):
        atomic_write_text(path, summary(self.lesson, self.progress))

    def ask_export(self):
        path = self.folders.save_file(self, "export", "Export lesson summary", f"{self.lesson.name}-summary.txt",
                                      "Text files (*.txt)")
        if path:
            try:
                self.export_summary(path)
            except OSError as error:
                self._fail(f"{path}: {error.strerror or error}")
