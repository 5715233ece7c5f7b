"""ONNX export: the network as a standard graph (Gemm + activation per layer) that onnxruntime and Netron open.

Graph (opset 17), for a batch of n rows:

    input "input" float32 (n, d)            raw inputs: pixels in [0, 1] (an image prepared like
      [Sub μ, Div σ]                         MNIST, flattened row by row), CSV feature values, or a
      [Concat of x1, x2, x1², sin(x1) …]     2-D point; standardised and expanded when the model is
      Gemm W¹ b¹ → activation                ...
      Gemm Wᴸ bᴸ → Softmax (axis 1) | Sigmoid | …

A network with convolutions reshapes the rows to images (n, C, H, W) first, then per stage: its
MaxPool / AveragePool steps, Conv (pads as nnviz's "same") → activation, or Flatten → Gemm. nnviz
flattens maps in (h, w, c) order, ONNX in (c, h, w): the first dense layer's rows are permuted to match.
    output "probabilities" float32 (n, k)   class probabilities; (n, 1) = P(class 1) for one sigmoid unit

metadata_props: class_names (JSON list), input (what the input holds), nnviz_version, and the
architecture. Built with the `onnx` package (optional: pip install "nnviz[export]").
"""

import json
import math

import numpy as np

from nnviz import __version__
from nnviz.core import n_classes
from nnviz.core.conv import AvgPool2D, Conv2D, Flatten, MaxPool2D
from nnviz.guard import UserError
from nnviz.io import atomic_write

INPUT_NAME, OUTPUT_NAME = "input", "probabilities"
OPSET = 17
# nnviz activation -> (ONNX operator, its attributes); "linear" adds no node.
_OPERATORS = {"sigmoid": ("Sigmoid", {}), "tanh": ("Tanh", {}), "relu": ("Relu", {}),
              "leaky_relu": ("LeakyRelu", {"alpha": 0.01}), "elu": ("Elu", {"alpha": 1.0}),
              "softmax": ("Softmax", {"axis": 1}), "linear": (None, {})}


def export_onnx(model, path) -> None:
    """Write `model` (an nnviz.io.LoadedModel) to `path` as an ONNX file, checked by onnx.checker."""
    onnx = _onnx()
    proto = build_onnx(model)
    onnx.checker.check_model(proto)
    atomic_write(path, lambda f: f.write(proto.SerializeToString()))


def image_side(model) -> int | None:
    """The side of the square images `model` takes, or None when its inputs are not images
    (CSV features with a standardisation, 2-D points with input features, a non-square width)."""
    width = model.network.input_width
    side = math.isqrt(width)
    is_image = model.input_mean is None and model.network.features is None and side * side == width
    return side if is_image else None


def describe_input(model) -> str:
    """What one row of the input holds, in words (the ONNX input's documentation)."""
    net, side = model.network, image_side(model)
    if side is not None:
        return (f"a {side}x{side} grayscale image flattened row by row, pixels in [0, 1] with the ink high, "
                f"prepared like MNIST (cropped to the ink, fitted in a box, centre of mass at the centre)")
    if net.features is not None:
        return "a 2-D point (x1, x2); the graph computes the input features " + ", ".join(net.features)
    if model.input_mean is not None:
        return (f"{net.input_width} feature values of a CSV row (without the label) in the file's column "
                f"order, as they are: the graph standardises them with the training split's mean and std")
    return f"{net.input_width} input values"


def build_onnx(model):
    """The onnx.ModelProto of `model` (an nnviz.io.LoadedModel)."""
    onnx = _onnx()
    input_description = describe_input(model)
    helper, numpy_helper = onnx.helper, onnx.numpy_helper
    net = model.network
    nodes, weights = [], []

    def constant(name, array):
        weights.append(numpy_helper.from_array(np.asarray(array, dtype=np.float32), name))
        return name

    x = INPUT_NAME
    if model.input_mean is not None:
        nodes += [helper.make_node("Sub", [x, constant("input_mean", model.input_mean)], ["centred"]),
                  helper.make_node("Div", ["centred", constant("input_std", model.input_std)], ["standardised"])]
        x = "standardised"
    if net.features is not None:
        x = _feature_nodes(helper, nodes, weights, numpy_helper, x, net.features)
    if net.plan is not None:
        nodes.append(helper.make_node("Reshape", [x, _int64s(weights, numpy_helper, "image_shape",
                                                             [-1, *net.image_shape])], ["image"]))
        x = "image"
    for l, (W, b) in enumerate(zip(net.weights, net.biases), start=1):      # zˡ = aˡ⁻¹ Wˡ + bˡ, aˡ = f(zˡ)
        last = l == net.n_layers
        name = net.output_name if last else net.hidden_name
        operator, attributes = _OPERATORS[name]
        a = OUTPUT_NAME if last else f"a{l}"
        z = f"z{l}" if operator else a
        layer = None
        if net.plan is not None:
            stage = net.plan.stages[l - 1]
            x, W = _stage_input_nodes(helper, nodes, x, stage, W, l)
            layer = stage.layer
        if isinstance(layer, Conv2D):
            before, after = layer.pads()
            nodes.append(helper.make_node("Conv", [x, constant(f"W{l}", W), constant(f"b{l}", b)], [z],
                                          name=f"layer{l}", kernel_shape=[layer.kernel] * 2,
                                          strides=[layer.stride] * 2, pads=[before, before, after, after]))
        else:
            nodes.append(helper.make_node("Gemm", [x, constant(f"W{l}", W), constant(f"b{l}", b)], [z],
                                          name=f"layer{l}"))
        if operator:
            nodes.append(helper.make_node(operator, [z], [a], name=f"{name}{l}", **attributes))
        x = a
    n_out = net.sizes[-1]
    inputs = [helper.make_tensor_value_info(INPUT_NAME, onnx.TensorProto.FLOAT, ["n", net.input_width],
                                            doc_string=input_description)]
    if n_out == 1:
        meaning = "P(class 1) per row (one sigmoid unit)"
    elif net.output_name == "softmax":
        meaning = "class probabilities per row (each row sums to 1)"
    else:
        meaning = f"{net.output_name} output per class (the largest is the prediction)"
    outputs = [helper.make_tensor_value_info(OUTPUT_NAME, onnx.TensorProto.FLOAT, ["n", n_out], doc_string=meaning)]
    kind = "MLP" if net.plan is None else "network with convolutions"
    graph = helper.make_graph(nodes, "nnviz_mlp" if net.plan is None else "nnviz_conv", inputs, outputs, weights,
                              doc_string=f"nnviz {kind} {'-'.join(map(str, net.sizes))}, {net.hidden_name} hidden, "
                                         f"{net.output_name} output")
    proto = helper.make_model(graph, producer_name="nnviz", producer_version=__version__,
                              opset_imports=[helper.make_opsetid("", OPSET)])
    proto.ir_version = 8
    names = [model.class_name(k) for k in range(n_classes(n_out))]
    helper.set_model_props(proto, {"class_names": json.dumps(names), "input": input_description,
                                   "nnviz_version": __version__,
                                   "architecture": json.dumps({"sizes": net.sizes, "hidden": net.hidden_name,
                                                               "output": net.output_name,
                                                               "layers": net.layer_list})})
    return proto


def _stage_input_nodes(helper, nodes, x, stage, W, l):
    """Nodes for the pooling and flattening before stage l's layer; returns (its input, its W for ONNX)."""
    for i, step in enumerate(stage.pre):
        out = f"pre{l}_{i}"
        if isinstance(step, Flatten):
            nodes.append(helper.make_node("Flatten", [x], [out], axis=1))
            H, W_, C = step.in_shape       # rows of W in nnviz's (h, w, c) order → ONNX's (c, h, w)
            W = W.reshape(H, W_, C, -1).transpose(2, 0, 1, 3).reshape(H * W_ * C, -1)
        else:
            operator = {MaxPool2D: "MaxPool", AvgPool2D: "AveragePool"}[type(step)]
            nodes.append(helper.make_node(operator, [x], [out], kernel_shape=[step.size] * 2,
                                          strides=[step.stride] * 2))
        x = out
    return x, W


def _int64s(weights, numpy_helper, name, values):
    weights.append(numpy_helper.from_array(np.array(values, dtype=np.int64), name))
    return name


def _feature_nodes(helper, nodes, weights, numpy_helper, x, features):
    """Nodes turning points (n, 2) into the network's input features (n, F): x1, x2, x1², x1·x2, sin …"""
    for i, column in ((0, "x1"), (1, "x2")):
        weights.append(numpy_helper.from_array(np.array([i], dtype=np.int64), f"{column}_index"))
        nodes.append(helper.make_node("Gather", [x, f"{column}_index"], [column], axis=1))     # (n, 1)
    made = {"x1": "x1", "x2": "x2"}
    recipes = {"x1^2": ("Mul", ["x1", "x1"]), "x2^2": ("Mul", ["x2", "x2"]), "x1*x2": ("Mul", ["x1", "x2"]),
               "sin(x1)": ("Sin", ["x1"]), "sin(x2)": ("Sin", ["x2"])}
    for f, name in enumerate(features):
        if name not in made:
            operator, operands = recipes[name]
            made[name] = f"feature{f}"
            nodes.append(helper.make_node(operator, operands, [made[name]]))
    nodes.append(helper.make_node("Concat", [made[name] for name in features], ["features"], axis=1))
    return "features"


def _onnx():
    try:
        import onnx
    except ImportError:
        raise UserError('ONNX export needs the onnx package: pip install "nnviz[export]" (or onnx)') from None
    return onnx
