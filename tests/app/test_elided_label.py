"""The network view's one-line readout: cut text ends in "…" with the whole text as tooltip (in presenter
mode's larger type the spirals' colour note ran off the dock's edge: "… Blue +")."""

from PySide6.QtGui import QFont

from nnviz.app.views.elided_label import ElidedLabel

TEXT = "hidden 1 unit 3: its output over the plane, blue where positive and orange where negative"


def test_a_label_too_narrow_shows_the_start_and_an_ellipsis_and_tells_the_rest_in_its_tooltip(qtbot):
    label = ElidedLabel(TEXT)
    qtbot.addWidget(label)
    label.resize(label.fontMetrics().horizontalAdvance(TEXT) // 2, 20)
    label.show()
    shown = label.shown_text()
    assert shown.endswith("…") and TEXT.startswith(shown[:-1]) and len(shown) < len(TEXT)
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    assert label.text() == TEXT and label.toolTip() == TEXT


def test_a_label_wide_enough_shows_it_all_without_a_tooltip_until_a_larger_font_no_longer_fits(qtbot):
    label = ElidedLabel(TEXT)
    qtbot.addWidget(label)
    label.resize(label.fontMetrics().horizontalAdvance(TEXT) + 10, 20)
    label.show()
    assert label.shown_text() == TEXT and label.toolTip() == ""
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.6)           # presenter mode
    label.setFont(font)
    assert label.shown_text().endswith("…") and label.toolTip() == TEXT
    label.setText("short")
    assert label.shown_text() == "short" and label.toolTip() == ""
