"""NumPy export: a folder with weights.npz, a standalone predict.py and nnviz's preprocessing (drawing.py).

The folder also holds MARKER, so a later export may replace a previous one; any other folder that
is not empty is refused (the user's own predict.py is never overwritten) unless `force` is given.
"""

import json
from pathlib import Path

import numpy as np

from nnviz.core import n_classes
from nnviz.data import drawing
from nnviz.export.onnx_graph import image_side
from nnviz.guard import UserError
from nnviz.io import atomic_write, atomic_write_text

TEMPLATE = Path(__file__).with_name("predict_template.py")
MARKER = ".nnviz-export"


def export_numpy(model, folder, force=False) -> list[Path]:
    """Write `model` (an nnviz.io.LoadedModel) into `folder` (created if missing); returns the files.

    weights.npz: W1..WL, b1..bL (float32), input_mean/input_std when the model standardises its
    inputs, and `info` (JSON: sizes, hidden, output, features, class_names, image_side or null, and
    the layer list and image_shape (C, H, W) of a network with convolutions, else null).
    A folder that is neither empty nor a previous export is refused (UserError) unless `force`.
    """
    folder = Path(folder)
    check_export_folder(folder, force)
    folder.mkdir(parents=True, exist_ok=True)
    net = model.network
    info = {"sizes": net.sizes, "hidden": net.hidden_name, "output": net.output_name,
            "features": list(net.features) if net.features else None,
            "class_names": [model.class_name(k) for k in range(n_classes(net.sizes[-1]))],
            "image_side": image_side(model), "layers": net.layer_list,
            "image_shape": None if net.image_shape is None else list(net.image_shape)}
    arrays = {"info": np.array(json.dumps(info))}
    for l, (W, b) in enumerate(zip(net.weights, net.biases), start=1):
        arrays[f"W{l}"], arrays[f"b{l}"] = W.astype(np.float32), b.astype(np.float32)
    if model.input_mean is not None:
        arrays["input_mean"], arrays["input_std"] = model.input_mean, model.input_std
    files = [folder / "weights.npz", folder / "predict.py", folder / "drawing.py"]
    atomic_write_text(folder / MARKER, "A model exported by nnviz: a new export may replace this folder's files.\n")
    atomic_write(files[0], lambda f: np.savez(f, **arrays))
    for source, target in ((TEMPLATE, files[1]), (Path(drawing.__file__), files[2])):
        atomic_write(target, lambda f, source=source: f.write(source.read_bytes()))
    return files


def check_export_folder(folder: Path, force=False) -> None:
    """UserError unless `folder` is missing, empty, a previous export (holds MARKER) or `force` is set."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: not a folder")
    if force or not folder.is_dir() or (folder / MARKER).is_file():
        return
    entries = sorted(p.name for p in folder.iterdir())
    if entries:
        shown = ", ".join(entries[:3]) + (", …" if len(entries) > 3 else "")
        raise UserError(f"{folder}: the folder is not empty ({shown}) and is not an nnviz export; choose a new or "
                        f"empty folder (`nnviz export --force` overwrites its predict.py, drawing.py and weights.npz)")
