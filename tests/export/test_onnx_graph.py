"""The ONNX export runs in onnxruntime and gives nnviz's probabilities to 1e-5."""

import json

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="ONNX export needs the optional onnx package (pip install nnviz[export])")
ort = pytest.importorskip("onnxruntime", reason="the agreement test runs the graph in onnxruntime (a test extra)")

from nnviz.core import Network  # noqa: E402
from nnviz.data import load_csv_dataset, load_dataset  # noqa: E402
from nnviz.export import INPUT_NAME, OUTPUT_NAME, export_onnx  # noqa: E402
from nnviz.io import load_model, save_model  # noqa: E402
from nnviz.resources import resource_path  # noqa: E402


def run_onnx(path, X):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run([OUTPUT_NAME], {INPUT_NAME: np.asarray(X, dtype=np.float32)})[0]


def test_mnist_model_agrees_with_nnviz_on_1000_test_images(tmp_path, mnist_model):
    model = load_model(mnist_model)
    export_onnx(model, tmp_path / "mnist.onnx")
    X = load_dataset("mnist").X_test[:1000]
    np.testing.assert_allclose(run_onnx(tmp_path / "mnist.onnx", X), model.network.predict_proba(X), atol=1e-5)
    proto = onnx.load(str(tmp_path / "mnist.onnx"))
    (given,), (output,) = proto.graph.input, proto.graph.output
    assert given.name == "input" and output.name == "probabilities"
    assert [d.dim_param or d.dim_value for d in given.type.tensor_type.shape.dim] == ["n", 784]
    assert [d.dim_param or d.dim_value for d in output.type.tensor_type.shape.dim] == ["n", 10]
    assert "28x28 grayscale image" in given.doc_string
    assert [n.op_type for n in proto.graph.node] == ["Gemm", "Relu", "Gemm", "Softmax"]
    assert json.loads({p.key: p.value for p in proto.metadata_props}["class_names"]) == [str(k) for k in range(10)]


def test_csv_model_standardises_raw_rows_inside_the_graph_and_names_its_classes(tmp_path):
    dataset = load_csv_dataset(resource_path("datasets", "iris", "iris.csv"))
    save_model(tmp_path / "iris.npz", Network([4, 8, 3], seed=1), class_names=dataset.class_names,
               standardization=dataset.standardization)
    model = load_model(tmp_path / "iris.npz")
    export_onnx(model, tmp_path / "iris.onnx")
    raw = dataset.X_test * dataset.input_std + dataset.input_mean            # rows as the CSV holds them
    expected = model.network.predict_proba(model.standardize(raw))
    np.testing.assert_allclose(run_onnx(tmp_path / "iris.onnx", raw), expected, atol=1e-5)
    proto = onnx.load(str(tmp_path / "iris.onnx"))
    assert [n.op_type for n in proto.graph.node][:2] == ["Sub", "Div"]
    props = {p.key: p.value for p in proto.metadata_props}
    assert json.loads(props["class_names"]) == ["setosa", "versicolor", "virginica"]


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "leaky_relu", "elu"])
def test_every_activation_and_a_single_sigmoid_output_with_point_features(tmp_path, hidden):
    features = ["x1", "x2", "x1^2", "x1*x2", "sin(x2)"]
    net = Network([5, 6, 4, 1], hidden=hidden, output="sigmoid", loss="binary_cross_entropy", seed=2,
                  features=features)
    save_model(tmp_path / "m.npz", net)
    export_onnx(load_model(tmp_path / "m.npz"), tmp_path / "m.onnx")
    X = np.random.default_rng(0).normal(size=(200, 2)) * 2
    np.testing.assert_allclose(run_onnx(tmp_path / "m.onnx", X), net.predict_proba(X), atol=1e-5)


def test_a_linear_output_layer_has_no_activation_node(tmp_path):
    net = Network([3, 2], output="linear", loss="quadratic", seed=0)
    save_model(tmp_path / "m.npz", net)
    export_onnx(load_model(tmp_path / "m.npz"), tmp_path / "m.onnx")
    X = np.random.default_rng(1).normal(size=(10, 3))
    np.testing.assert_allclose(run_onnx(tmp_path / "m.onnx", X), net.predict_proba(X), atol=1e-5)
    assert [n.op_type for n in onnx.load(str(tmp_path / "m.onnx")).graph.node] == ["Gemm"]


LENET = [{"conv": 6, "kernel": 5, "padding": "same"}, {"maxpool": 2}, {"conv": 16, "kernel": 5}, {"maxpool": 2},
         {"dense": 120}, {"dense": 84}]
STRIDED = [{"conv": 4, "kernel": 4, "padding": "same"}, {"maxpool": 3, "stride": 2},
           {"conv": 8, "kernel": 3, "stride": 2, "padding": "same"}, {"avgpool": 2}, {"dense": 12}]


@pytest.mark.parametrize("layers,hidden", [(LENET, "relu"), (STRIDED, "tanh")])
def test_a_conv_network_agrees_with_nnviz_on_1000_test_images(tmp_path, layers, hidden):
    net = Network([784, 10], layers=layers, image_shape=(28, 28), hidden=hidden, seed=3)
    net.flat_params()[...] *= 3                      # confident outputs: agreement is not near-uniform rows
    save_model(tmp_path / "conv.npz", net)
    model = load_model(tmp_path / "conv.npz")
    export_onnx(model, tmp_path / "conv.onnx")
    X = load_dataset("mnist").X_test[:1000]
    expected = model.network.predict_proba(X)
    assert np.median(expected.max(axis=1)) > 0.6
    np.testing.assert_allclose(run_onnx(tmp_path / "conv.onnx", X), expected, atol=1e-4)
    proto = onnx.load(str(tmp_path / "conv.onnx"))
    ops = [n.op_type for n in proto.graph.node]
    assert ops[0] == "Reshape" and "Conv" in ops and "Flatten" in ops
    assert ops.count("Gemm") == 1 + sum("dense" in spec for spec in layers)
    assert ("MaxPool" in ops) and (("AveragePool" in ops) == (layers is STRIDED))
    conv = next(n for n in proto.graph.node if n.op_type == "Conv")
    assert onnx.numpy_helper.to_array(next(t for t in proto.graph.initializer if t.name == "W1")).shape == \
        net.weights[0].shape
    assert {a.name: list(a.ints) for a in conv.attribute}["pads"] == ([2, 2, 2, 2] if layers is LENET else [1, 1, 2, 2])
