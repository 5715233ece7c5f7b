"""The mouse wheel scrolls a form: a combo box, spin box or slider under the pointer takes the wheel only
once it has the focus (clicked or tabbed to), so scrolling past it never changes a setting."""

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QSlider

GUARDED = (QComboBox, QAbstractSpinBox, QSlider)


def _scroll_area(widget):
    """The innermost scroll area holding `widget`, or None."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QAbstractScrollArea):
        parent = parent.parentWidget()
    return parent


class _WheelGuard(QObject):
    def eventFilter(self, watched, event):
        if event.type() != QEvent.Type.Wheel or watched.hasFocus():
            return False
        area = _scroll_area(watched)
        if area is not None:        # handed to the form's scroll bar (Qt does not pass a synthetic wheel on)
            QApplication.sendEvent(area.verticalScrollBar(), event)
        return True


_GUARD = _WheelGuard()


def guard_wheel(widget):
    """Guard `widget` and every combo box, spin box and slider inside it (call again for ones added later)."""
    targets = [widget] if isinstance(widget, GUARDED) else []
    for target in targets + [child for kind in GUARDED for child in widget.findChildren(kind)]:
        target.setFocusPolicy(Qt.FocusPolicy.StrongFocus)       # a wheel turn does not take the focus
        target.installEventFilter(_GUARD)
