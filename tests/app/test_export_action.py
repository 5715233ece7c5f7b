"""Model → Export…: the current network as an ONNX file or a NumPy folder, with the dataset's class names."""

import json

import numpy as np
import pytest

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
