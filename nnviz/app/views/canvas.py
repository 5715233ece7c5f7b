"""A square paint canvas: white ink on black, drawn with the mouse into a grayscale QImage; image files drop onto it."""

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

CANVAS_PIXELS = 280   # 10x MNIST's 28: strokes keep their anti-aliased edges after downscaling
DEFAULT_BRUSH = 20    # canvas pixels; about MNIST's 2-pixel pen after the 28/280 scaling
_BACKGROUND = QColor(45, 45, 48)
_BORDER = QColor(110, 110, 115)


class DrawCanvas(QWidget):
    """The user paints with the left button; right-click, Esc, Delete or Backspace clears.

    The picture is a CANVAS_PIXELS-square Grayscale8 QImage (ink 255 on 0), shown scaled to
    the largest centred square that fits the widget.
    Signals: `changed` after each painted segment, `strokeFinished` on release, `cleared`,
    `fileDropped(path)` when a local file is dropped on the canvas.
    """

    changed = Signal()
    strokeFinished = Signal()
    cleared = Signal()
    fileDropped = Signal(str)

    def __init__(self, parent=None, pixels=CANVAS_PIXELS):
        super().__init__(parent)
        self._image = QImage(pixels, pixels, QImage.Format.Format_Grayscale8)
        self._image.fill(0)
        self._brush = DEFAULT_BRUSH
        self._last = None          # canvas position of the stroke in progress, or None
        self._has_ink = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setToolTip("Draw with the left button; right-click, Esc or Delete clears; drop an image file here")
        self.setAcceptDrops(True)

    # -- state ---------------------------------------------------------------------------------

    @property
    def brush_width(self):
        """Pen diameter in canvas pixels."""
        return self._brush

    def set_brush_width(self, width):
        self._brush = max(1, int(width))

    def is_empty(self):
        return not self._has_ink

    def image_array(self):
        """The picture as a (pixels, pixels) uint8 array (ink high), a copy."""
        h, w = self._image.height(), self._image.width()
        rows = np.frombuffer(self._image.constBits(), np.uint8).reshape(h, self._image.bytesPerLine())
        return rows[:, :w].copy()

    def picture(self):
        """The picture as a QImage (a copy), e.g. to save it."""
        return self._image.copy()

    def clear(self):
        self._image.fill(0)
        self._last = None
        self._has_ink = False
        self.update()
        self.cleared.emit()

    def set_picture(self, image):
        """Show `image` (h, w) in [0, 1], ink high, scaled to fit the canvas and centred, as the drawing."""
        pixels = np.ascontiguousarray(np.clip(np.asarray(image) * 255 + 0.5, 0, 255).astype(np.uint8))
        h, w = pixels.shape
        picture = QImage(pixels.data, w, h, w, QImage.Format.Format_Grayscale8)
        side = self._image.width()
        scaled = picture.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                Qt.TransformationMode.SmoothTransformation)
        self._image.fill(0)
        painter = QPainter(self._image)
        painter.drawImage((side - scaled.width()) // 2, (side - scaled.height()) // 2, scaled)
        painter.end()
        self._last = None
        self._has_ink = bool(pixels.any())
        self.update()
        self.changed.emit()
        self.strokeFinished.emit()

    # -- geometry ------------------------------------------------------------------------------

    def sizeHint(self):
        return QSize(CANVAS_PIXELS, CANVAS_PIXELS)

    def minimumSizeHint(self):
        return QSize(140, 140)

    def _target(self):
        """Widget rectangle where the picture is shown (largest centred square)."""
        side = min(self.width(), self.height()) - 2
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def _to_canvas(self, pos):
        target = self._target()
        scale = self._image.width() / target.width()
        return QPointF((pos.x() - target.left()) * scale, (pos.y() - target.top()) * scale)

    # -- painting ------------------------------------------------------------------------------

    def _paint_segment(self, start, end):
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(255, 255, 255), self._brush, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        if start == end:
            painter.drawPoint(start)
        else:
            painter.drawLine(start, end)
        painter.end()
        self._has_ink = True
        self.update()
        self.changed.emit()

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.fillRect(self.rect(), _BACKGROUND)
        target = self._target()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, self._image)
        painter.setPen(_BORDER)
        painter.drawRect(target.adjusted(-1, -1, 0, 0))
        if not self._has_ink:
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter, "draw here")

    # -- input ---------------------------------------------------------------------------------

    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.RightButton:
            self.clear()
        elif event.button() == Qt.MouseButton.LeftButton:
            self._last = self._to_canvas(event.position())
            self._paint_segment(self._last, self._last)

    def mouseMoveEvent(self, event):
        if self._last is None:
            return
        point = self._to_canvas(event.position())
        self._paint_segment(self._last, point)
        self._last = point

    def mouseReleaseEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton and self._last is not None:
            self._last = None
            self.strokeFinished.emit()

    def draw_stroke(self, points):
        """Paint one stroke through `points`, given as (x, y) fractions of the picture, as a mouse would."""
        size = self._image.width()
        at = [QPointF(x * size, y * size) for x, y in points]
        self._paint_segment(at[0], at[0])
        for start, end in zip(at, at[1:]):
            self._paint_segment(start, end)
        self.strokeFinished.emit()

    def dragEnterEvent(self, event):
        if _local_file(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event):
        path = _local_file(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.fileDropped.emit(path)

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear()
        else:
            super().keyPressEvent(event)


def _local_file(mime):
    """The first local file a drag carries, or None."""
    paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
    return paths[0] if paths else None
