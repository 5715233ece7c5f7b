"""Take a trained model out of nnviz: a standard ONNX graph, or a folder that predicts with NumPy alone."""

from nnviz.export.numpy_folder import export_numpy
from nnviz.export.onnx_graph import INPUT_NAME, OUTPUT_NAME, describe_input, export_onnx

__all__ = ["INPUT_NAME", "OUTPUT_NAME", "describe_input", "export_numpy", "export_onnx"]
