"""Model → Export…: the current network as an ONNX file or a NumPy folder, with the dataset's class names."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from nnviz.prepare import prepare
from tests.app.conftest import tiny_digits


def test_export_before_any_network_is_a_message(tmp_path, make_window):
    window = make_window(tiny_digits())
    window.files.export_model(str(tmp_path / "m.onnx"), "onnx")
    assert "Nothing to export yet" in window.banner.text() and not (tmp_path / "m.onnx").exists()


def test_export_writes_a_numpy_folder_and_an_onnx_file_of_the_current_network(tmp_path, make_window):
    window = make_window(tiny_digits())
    job = prepare(tiny_digits())
    window.adopt(tiny_digits(), job)
    window.files.export_model(str(tmp_path / "folder"), "numpy")
    with np.load(tmp_path / "folder" / "weights.npz") as archive:
        np.testing.assert_array_equal(archive["W1"], job.network.weights[0])
        assert json.loads(str(archive["info"]))["image_side"] == 8
    assert (tmp_path / "folder" / "predict.py").is_file()
    onnx = pytest.importorskip("onnx", reason="ONNX export needs the optional onnx package")
    window.files.export_model(str(tmp_path / "model"), "onnx")
    proto = onnx.load(str(tmp_path / "model.onnx"))
    assert [n.op_type for n in proto.graph.node] == ["Gemm", "Relu", "Gemm", "Softmax"]
    assert "Model exported to" in window.statusBar().currentMessage()


def test_a_numpy_export_into_the_users_own_folder_is_refused_with_a_message(tmp_path, make_window):
    window = make_window(tiny_digits())
    window.adopt(tiny_digits(), prepare(tiny_digits()))
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "predict.py").write_text("my own work\n")
    window.files.export_model(str(mine), "numpy")
    assert "Cannot export the model:" in window.banner.text() and "is not an nnviz export" in window.banner.text()
    assert [p.name for p in mine.iterdir()] == ["predict.py"] and (mine / "predict.py").read_text() == "my own work\n"


def test_the_suggested_name_follows_the_chosen_type_and_numpy_makes_a_folder_named_model(qtbot, tmp_path,
                                                                                          make_window):
    window = make_window(tiny_digits())
    window.adopt(tiny_digits(), prepare(tiny_digits()))
    seen = []

    def choose_numpy_then_save():
        dialog = QApplication.activeModalWidget()
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        kinds = dialog.findChild(QComboBox, "fileTypeCombo")
        seen.append(name.text())
        kinds.setFocus()
        qtbot.keyClick(kinds, Qt.Key.Key_Down)             # ONNX -> NumPy folder, as a user picks it
        seen.append(name.text())
        dialog.setDirectory(str(tmp_path))
        name.setFocus()
        qtbot.keyClick(name, Qt.Key.Key_Return)

    QTimer.singleShot(0, choose_numpy_then_save)
    window.files.export_model()
    assert seen == ["model.onnx", "model"]
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == [".nnviz-export", "drawing.py", "predict.py",
                                                                    "weights.npz"]
    assert not (tmp_path / "model.onnx").exists()
