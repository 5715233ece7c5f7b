"""NumPy export: a folder with weights.npz, a standalone predict.py and nnviz's preprocessing (drawing.py)."""

import json
import shutil
from pathlib import Path

import numpy as np

from nnviz.core import n_classes
from nnviz.data import drawing
from nnviz.export.onnx_graph import image_side
from nnviz.guard import UserError
from nnviz.io import atomic_write

TEMPLATE = Path(__file__).with_name("predict_template.py")


def export_numpy(model, folder) -> list[Path]:
    """Write `model` (an nnviz.io.LoadedModel) into `folder` (created if missing); returns the files.

    weights.npz: W1..WL, b1..bL (float32), input_mean/input_std when the model standardises its
    inputs, and `info` (JSON: sizes, hidden, output, features, class_names, image_side or null).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    net = model.network
    info = {"sizes": net.sizes, "hidden": net.hidden_name, "output": net.output_name,
            "features": list(net.features) if net.features else None,
            "class_names": [model.class_name(k) for k in range(n_classes(net.sizes[-1]))],
            "image_side": image_side(model)}
    arrays = {"info": np.array(json.dumps(info))}
    for l, (W, b) in enumerate(zip(net.weights, net.biases), start=1):
        arrays[f"W{l}"], arrays[f"b{l}"] = W.astype(np.float32), b.astype(np.float32)
    if model.input_mean is not None:
        arrays["input_mean"], arrays["input_std"] = model.input_mean, model.input_std
    files = [folder / "weights.npz", folder / "predict.py", folder / "drawing.py"]
    atomic_write(files[0], lambda f: np.savez(f, **arrays))
    shutil.copyfile(TEMPLATE, files[1])
    shutil.copyfile(drawing.__file__, files[2])
    return files
