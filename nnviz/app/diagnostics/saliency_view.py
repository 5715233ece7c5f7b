"""Saliency view: an image with the gradient of a class score overlaid — which pixels the class depends on."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnviz.core import n_classes
from nnviz.core.saliency import input_gradient

SCORES = {"logit": "logit z", "output": "output (probability)"}
_FRAME = (110, 110, 115)


def _ramp_lut(rgb_low, rgb_high):
    """(256, 4) uint8 lookup table from transparent at 0 to opaque at 255, fading between two colours."""
    t = np.linspace(0, 1, 256)[:, None]
    rgb = (1 - t) * np.array(rgb_low) + t * np.array(rgb_high)
    alpha = np.clip(1.3 * t ** 1.5, 0, 1) * 255   # strong gradients opaque, weak ones barely tint the image
    return np.hstack([rgb, alpha]).round().astype(np.uint8)


MAGNITUDE_LUT = _ramp_lut((255, 60, 0), (255, 40, 40))
# Signed: value −1..1 → index 0..255; blue (negative) and red (positive) both fade out towards 0.
_HALF = _ramp_lut((40, 110, 255), (40, 110, 255))[::2]
SIGNED_LUT = np.vstack([_HALF[::-1], _ramp_lut((255, 40, 40), (255, 40, 40))[::2]])


class SaliencyView(QWidget):
    """`set_input(image, snapshot)`: the image (h, w) with |∂s_c/∂x| in red over it, for class c = the
    predicted one or the one chosen in `class_combo`. `signed_check` shows ∂s_c/∂x itself: red where
    more ink would raise the score, blue where it would lower it. The score is the logit (default)
    or the output, chosen in `score_combo` (see nnviz.core.saliency).

    Attributes after a successful update: saliency (h, w) the gradient shown, explained_class.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._image = self._snapshot = None
        self._note = ""
        self._names = ()
        self.saliency = None
        self.explained_class = None
        self.class_combo = QComboBox(toolTip="The class whose score is explained")
        self.class_combo.addItem("predicted class", None)
        self.score_combo = QComboBox(toolTip="Differentiate the class's logit (does not saturate) or its "
                                             "output (the probability for softmax)")
        for key, text in SCORES.items():
            self.score_combo.addItem(text, key)
        # Narrower than their longest items, so that a narrow window's dock column fits (they widen when it can).
        for combo, letters in ((self.class_combo, 9), (self.score_combo, 7)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(letters)
        self.signed_check = QCheckBox("signed", toolTip="Red: more ink here raises the score; blue: lowers it")
        for signal in (self.class_combo.currentIndexChanged, self.score_combo.currentIndexChanged,
                       self.signed_check.toggled):
            signal.connect(self.refresh)
        self.caption = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)

        self.plot_widget = pg.GraphicsLayoutWidget()
        self.view = self.plot_widget.addViewBox(lockAspect=True, enableMouse=False)
        self.view.invertY(True)                   # row 0 of the image at the top
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.overlay = pg.ImageItem(axisOrder="row-major")
        self.overlay.setZValue(1)
        self.frame = pg.QtWidgets.QGraphicsRectItem()
        self.frame.setPen(pg.mkPen(_FRAME))
        for item in (self.image_item, self.overlay, self.frame):
            self.view.addItem(item)

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Explain"))
        controls.addWidget(self.class_combo, 1)
        controls.addWidget(QLabel("by its"))
        controls.addWidget(self.score_combo, 1)
        controls.addWidget(self.signed_check)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.caption)
        self._show_message("Draw a digit to see which pixels its prediction depends on")

    def set_class_names(self, names):
        """Class names for the combo and the caption (the dataset's)."""
        names = tuple(names)
        if names == self._names:
            return
        self._names = names
        self.class_combo.blockSignals(True)
        while self.class_combo.count() > 1:
            self.class_combo.removeItem(1)
        for c, name in enumerate(names):
            self.class_combo.addItem(f"class {name}", c)
        self.class_combo.blockSignals(False)
        self.refresh()

    def set_input(self, image, snapshot, note=""):
        """Explain the network of `snapshot` on `image` (h, w) in [0, 1]; None for either clears the view.

        note: text put before the caption (e.g. which test sample this is).
        """
        self._image = None if image is None else np.asarray(image, dtype=np.float32)
        self._snapshot = snapshot
        self._note = note
        self.refresh()

    def refresh(self):
        """Recompute the gradient for the current input, class and score (one backward pass)."""
        image, snapshot = self._image, self._snapshot
        if image is None or image.ndim != 2:
            return self._show_message("Draw a digit to see which pixels its prediction depends on")
        if snapshot is None:
            return self._show_message("No network yet: train or load one", image)
        if snapshot.sizes[0] != image.size:
            return self._show_message(f"The network takes {snapshot.sizes[0]} inputs, the image has "
                                      f"{image.size} pixels", image)
        net = snapshot.network()
        x = image.reshape(-1)
        c = self.class_combo.currentData()
        if c is None or c >= n_classes(snapshot.sizes[-1]):
            c = int(net.predict(x.reshape(1, -1))[0])
        score = self.score_combo.currentData()
        with np.errstate(all="ignore"):
            gradient = np.nan_to_num(input_gradient(net, x, c, score)).reshape(image.shape)
        self.saliency, self.explained_class = gradient, c
        self._show_image(image)
        peak = float(np.abs(gradient).max())
        scale = peak if peak > 0 else 1.0
        if self.signed_check.isChecked():
            self.overlay.setImage(gradient / scale, levels=(-1, 1), lut=SIGNED_LUT)
        else:
            self.overlay.setImage(np.abs(gradient) / scale, levels=(0, 1), lut=MAGNITUDE_LUT)
        self.overlay.show()
        name = self._names[c] if c < len(self._names) else str(c)
        symbol = "z" if score == "logit" else "a"
        if self.signed_check.isChecked():
            how = (f"∂{symbol}/∂x: red where more ink raises class {name}'s {SCORES[score]}, "
                   f"blue where it lowers it")
        else:
            how = f"red where |∂{symbol}/∂x| of class {name}'s {SCORES[score]} is largest"
        note = f"{self._note}: " if self._note else ""
        self.caption.setText(f"{note}Why <b>{name}</b>? {how} (peak {peak:.2g})")

    def _show_image(self, image):
        self.image_item.setImage(image, levels=(0, 1))
        h, w = image.shape
        self.frame.setRect(0, 0, w, h)
        self.frame.show()

    def _show_message(self, text, image=None):
        self.saliency = self.explained_class = None
        self.overlay.hide()
        if image is not None and image.ndim == 2:
            self._show_image(image)
        else:
            self.image_item.clear()
            self.frame.hide()
        self.caption.setText(text)
