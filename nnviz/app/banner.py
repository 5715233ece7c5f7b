"""The window's message line: a dismissable banner under the toolbar, and non-modal message boxes."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QToolBar, QToolButton, QWidget

from nnviz.guard import one_line

BANNER_COLORS = {"error": "#fdecea", "warning": "#fff4e5", "info": "#e8f4fd"}
ICONS = {"error": QMessageBox.Icon.Critical, "warning": QMessageBox.Icon.Warning}


class MessageBanner(QWidget):
    """`show_message(text, level, box)`: the text in the banner (hidden until then; ✕ dismisses it) and,
    with box, in a non-modal message box too. `label` holds the text; `boxes` the open boxes, newest last.

    The text is shown as plain text on one line of at most MAX_MESSAGE_CHARS characters (word-wrapped
    in the banner): a message quoting a huge value can neither render as HTML nor lay out for seconds.
    `bar` is the tool bar the window shows it in, across the window whatever the docks' layout; it is
    shown exactly while the banner is."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.boxes = []
        self.bar = QToolBar("Messages", objectName="messages_bar", movable=False, floatable=False)
        self.bar.toggleViewAction().setVisible(False)       # not a tool bar the user puts away
        self.bar.addWidget(self)
        self.label = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(text="✕", toolTip="Dismiss", autoRaise=True)
        close.clicked.connect(self.hide)
        line = QHBoxLayout(self)
        line.setContentsMargins(8, 4, 4, 4)
        line.addWidget(self.label, 1)
        line.addWidget(close)

    def show(self):
        self.bar.show()
        super().show()

    def hide(self):
        """Put the banner (its bar) away."""
        self.bar.hide()

    def show_message(self, text, level="error", box=False):
        text = one_line(text)
        self.label.setText(text)
        self.setStyleSheet(f"background: {BANNER_COLORS[level]};")
        self.show()
        if box:
            message = QMessageBox(ICONS.get(level, QMessageBox.Icon.Information), "nnviz", text,
                                  QMessageBox.StandardButton.Ok, self.window())
            message.setTextFormat(Qt.TextFormat.PlainText)
            message.setModal(False)
            message.finished.connect(lambda _: self.boxes.remove(message) if message in self.boxes else None)
            self.boxes.append(message)
            message.show()

    def close_boxes(self):
        for message in list(self.boxes):
            message.close()
