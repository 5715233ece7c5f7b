"""File → Predict image… shows an image file's prediction in the draw panel."""

import numpy as np

from nnviz.data import load_dataset, preprocess_drawing
from nnviz.prepare import prepare
from tests.app.conftest import tiny_digits
from tests.app.test_draw_panel import save_digit


def test_file_predict_image_shows_the_prediction_in_the_draw_panel(tmp_path, make_window):
    window = make_window(tiny_digits())
    save_digit(tmp_path / "digit.jpg", load_dataset("digits8x8"), 0)
    window.files.predict_image(str(tmp_path / "digit.jpg"))
    assert "needs a network trained on images" in window.banner.text()
    job = prepare(tiny_digits())
    window.adopt(tiny_digits(), job)
    window.files.predict_image(str(tmp_path / "digit.jpg"))
    panel = window.draw_panel
    expected = job.network.predict_proba(preprocess_drawing(panel.canvas.image_array(), size=8).reshape(1, -1))[0]
    np.testing.assert_allclose(panel.probabilities(), expected, rtol=1e-6)
    assert window.docks["predict"].isVisible() and panel.class_label.text() == str(expected.argmax())
