"""Layer lists: the hidden layers of a network as entries such as {"conv": 6, "kernel": 5}.

    [{"conv": 6, "kernel": 5, "padding": "same"}, {"maxpool": 2}, {"conv": 16, "kernel": 5},
     {"maxpool": 2}, {"dense": 120}, {"dense": 84}]

Each entry names one kind with its main number: "conv" (filters; "kernel" required, "stride" 1 or 2,
"padding" "valid" or "same"), "maxpool" and "avgpool" (window size; "stride", default the size),
"flatten" (true; implied before the first dense layer) and "dense" (units). Convolution and
pooling come before the dense layers; the output layer is not listed (it is always dense).
"""

from .conv import PADDINGS, STRIDES
from .fields import FieldError, choice, reject, shown, whole

KINDS = {"conv": ("kernel", "stride", "padding"), "maxpool": ("stride",), "avgpool": ("stride",),
         "flatten": (), "dense": ()}
SPATIAL = ("conv", "maxpool", "avgpool")
EXAMPLE = '{"conv": 6, "kernel": 5}, {"maxpool": 2} or {"dense": 120}'


class LayerError(FieldError):
    """A bad entry of a layer list: `field` names the list, `index` the entry (0 = the first)."""

    def __init__(self, message, field, index):
        super().__init__(message, field)
        self.index = index


def layer_kind(spec):
    """The kind of a checked entry: "conv", "maxpool", "avgpool", "flatten" or "dense"."""
    return next(kind for kind in KINDS if kind in spec)


def check_layers(layers, field="layers"):
    """Checked, complete copies of the entries (defaults filled in); LayerError naming the entry (a
    FieldError naming `field` when `layers` is not a list)."""
    if not isinstance(layers, (list, tuple)):
        raise FieldError(f"{field}: {shown(layers)} is not a list of layers; write e.g. [{EXAMPLE}]", field)
    checked, flat = [], False
    for i, spec in enumerate(layers):
        where = f"{field}[{i}]"
        try:
            entry = _check_entry(where, spec)
        except FieldError as error:
            raise LayerError(str(error), field, i) from None
        kind = layer_kind(entry)
        if kind in SPATIAL and flat:
            raise LayerError(f"{where}: {kind} after a dense or flatten layer; convolutions and pooling "
                             f"come first", field, i)
        flat = flat or kind in ("dense", "flatten")
        checked.append(entry)
    return checked


def _check_entry(where, spec):
    if not isinstance(spec, dict):
        raise FieldError(f"{where}: {shown(spec)} is not a layer; write e.g. {EXAMPLE}")
    kinds = [key for key in spec if key in KINDS]
    if len(kinds) != 1:
        raise FieldError(f"{where}: {shown(spec)} must name exactly one of {', '.join(KINDS)}")
    kind = kinds[0]
    unknown = [key for key in spec if key != kind and key not in KINDS[kind]]
    if unknown:
        allowed = ", ".join((kind, *KINDS[kind]))
        raise FieldError(f"{where}: unknown key {shown(unknown[0])} for a {kind} layer; allowed: {allowed}")
    if kind == "flatten":
        if spec["flatten"] is not True:
            raise FieldError(f"{where}.flatten: {shown(spec['flatten'])} is not allowed; write true")
        return {"flatten": True}
    whole(f"{where}.{kind}", spec[kind], 1)
    if kind == "dense":
        return {"dense": int(spec["dense"])}
    if kind == "conv":
        if "kernel" not in spec:
            raise FieldError(f"{where}: a conv layer needs a \"kernel\" (e.g. 5)")
        whole(f"{where}.kernel", spec["kernel"], 1)
        stride = spec.get("stride", 1)
        whole(f"{where}.stride", stride, 1)
        if stride not in STRIDES:
            reject(f"{where}.stride", stride, "allowed: 1, 2")
        padding = spec.get("padding", "valid")
        choice(f"{where}.padding", padding, PADDINGS)
        return {"conv": int(spec["conv"]), "kernel": int(spec["kernel"]), "stride": int(stride),
                "padding": padding}
    stride = spec.get("stride", spec[kind])
    whole(f"{where}.stride", stride, 1)
    return {kind: int(spec[kind]), "stride": int(stride)}


def is_convolutional(layers):
    """Does a checked layer list hold a convolution or a pooling layer (else it is a plain MLP)?"""
    return any(layer_kind(spec) in SPATIAL for spec in layers)


def dense_widths(layers):
    """The widths of the dense entries of a checked layer list."""
    return [spec["dense"] for spec in layers if "dense" in spec]
