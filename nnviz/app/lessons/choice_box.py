"""A multiple-choice question (a prediction or an explanation): options as radio buttons, and the
chosen option's own feedback under them."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QGroupBox, QHBoxLayout, QLabel, QRadioButton, QVBoxLayout, QWidget

RIGHT_STYLE = "color: #2a7d2e;"
WRONG_STYLE = "color: #b3261e;"


class _ClickableLabel(QLabel):
    """An option's text, wrapped to the panel's width; a click on it picks its radio button."""

    def __init__(self, text, button):
        super().__init__(text, wordWrap=True)
        self.button = button

    def mousePressEvent(self, event):
        if self.button.isEnabled():
            self.button.click()


class ChoiceBox(QGroupBox):
    """chosen(index) when the student picks an option; `lock()` keeps the choice (a committed prediction)."""

    chosen = Signal(int)

    def __init__(self, title, parent=None):
        super().__init__(title, parent)
        self.column = QVBoxLayout(self)
        self.question = QLabel(wordWrap=True)
        self.column.addWidget(self.question)
        self.group = QButtonGroup(self)
        self.group.idClicked.connect(self._clicked)
        self.buttons, self.rows = [], []
        self.feedback = QLabel(wordWrap=True)
        self.column.addWidget(self.feedback)
        self.choice = None
        self._show_feedback = True

    def set_choice_question(self, choice, show_feedback=True):
        """Show `choice` (nnviz.lessons.Choice) with no option picked; feedback at once when
        show_feedback, else only after `reveal()`."""
        self.choice, self._show_feedback = choice, show_feedback
        self.question.setText(choice.question)
        for button in self.buttons:
            self.group.removeButton(button)
            button.deleteLater()
        self.buttons = []
        for row in self.rows:          # gone at once, deleted when the event loop next runs
            self.column.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.rows = []
        for i, option in enumerate(choice.options):
            button, row = QRadioButton(), QWidget()
            button.setAccessibleName(option)
            text = _ClickableLabel(option, button)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            line.addWidget(text, 1)
            self.group.addButton(button, i)
            self.column.insertWidget(1 + i, row)
            self.buttons.append(button)
            self.rows.append(row)
            row.show()
        self.feedback.clear()
        self.setEnabled(True)

    def picked(self):
        return self.group.checkedId() if self.group.checkedId() >= 0 else None

    def restore(self, index, locked):
        """Pick option `index` again (from saved progress), with its feedback."""
        self.buttons[index].setChecked(True)
        self.reveal()
        if locked:
            self.lock()

    def lock(self):
        for button in self.buttons:
            button.setEnabled(False)

    def reveal(self):
        index = self.picked()
        if index is None:
            return
        right = index == self.choice.answer
        self.feedback.setStyleSheet(RIGHT_STYLE if right else WRONG_STYLE)
        self.feedback.setText(("✓ " if right else "✗ ") + self.choice.feedback[index])

    def _clicked(self, index):
        if self._show_feedback:
            self.reveal()
        self.chosen.emit(index)
