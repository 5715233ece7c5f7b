"""The Lessons menu, File → Open lesson… and the Lessons dock (left, above the experiment form)."""

import functools

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from nnviz.app.lessons.coach import LessonCoach
from nnviz.app.lessons.panel import LessonPanel
from nnviz.app.lessons.progress import ProgressStore
from nnviz.guard import UserError
from nnviz.lessons import bundled_lessons, load_lesson, load_lesson_file


@functools.cache
def _bundled():
    """The bundled lessons, read once per process (~0.1 s: every window would pay it)."""
    return tuple(bundled_lessons())


LEFT_WIDTH = 380        # px of the left column while a lesson is open: the step's text and options wrap in it


class LessonsDock:
    """Built by the window once its menus exist; `panel` is the lesson panel, `dock` its dock."""

    def __init__(self, window, progress_folder=None):
        self.window = window
        self.coach = LessonCoach(window)
        self.panel = LessonPanel(self.coach, _bundled(), ProgressStore(progress_folder), folders=window.folders)
        self.dock = QDockWidget("Lessons", window)
        self.dock.setObjectName("lessons_dock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.dock.hide()
        self.dock.toggleViewAction().toggled.connect(self._dock_toggled)
        self._build_menus()

    def _dock_toggled(self, shown):
        """Closing the dock gives the window all its controls back; showing it again, the lesson's."""
        lesson = self.panel.lesson
        if shown and lesson is not None:
            self.window.panel.set_lesson_fields(lesson.show, lesson.lock)
        elif not shown:
            self.coach.end()

    def _build_menus(self):
        w = self.window
        open_action = w.file_menu.addAction("Open &lesson…", self.ask_open)
        menu = w.menuBar().addMenu("&Lessons")
        menu.addAction(self.dock.toggleViewAction())
        menu.addSeparator()
        for lesson in self.panel.lessons:
            menu.addAction(f"{lesson.title} ({lesson.minutes} min)", lambda name=lesson.name: self.open(name))
        menu.addSeparator()
        menu.addAction(open_action)
        self.menu = menu

    def open(self, name):
        """Show the dock with lesson `name` where the student left it."""
        self.window.layout_defaults.place_lessons(self.dock)
        self.dock.show()
        self.dock.raise_()
        self.panel.open_lesson(name)
        QTimer.singleShot(0, self._size_column)

    def _size_column(self):
        """The lesson's form holds a few fields: the lesson's text gets most of the left column, and
        the column is wide enough for the step's text and a sketch."""
        height = max(self.window.height(), 400)
        self.window.resizeDocks([self.dock, self.window.docks["experiment"]], [int(height * 0.62), int(height * 0.3)],
                                Qt.Orientation.Vertical)
        width = max(LEFT_WIDTH, self.dock.width())
        self.window.resizeDocks([self.dock, self.window.docks["experiment"]], [width, width], Qt.Orientation.Horizontal)

    def open_file(self, path):
        """Open a teacher's lesson file; a bad one is one message naming the file, line and field."""
        try:
            lesson = load_lesson_file(path)
        except UserError as error:
            self.window.show_message(str(error), box=True)
            return False
        self.panel.add_lesson(lesson)
        self.open(lesson.name)
        return True

    def open_lesson_argument(self, name):
        """`main.py --lesson NAME|FILE.toml`: a bundled lesson or a file; UserError for a bad one."""
        lesson = load_lesson(name)
        self.panel.add_lesson(lesson)
        self.open(lesson.name)

    def ask_open(self):
        path = self.window.folders.open_file(self.window, "lesson", "Open lesson", "Lessons (*.toml)")
        if path:
            self.open_file(path)
