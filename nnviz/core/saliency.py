"""Saliency: the gradient of one class's score with respect to the input pixels, by backpropagation.

For an input x (d_in,) and a class c, the score s_c(x) is either

    "logit"        s_c = zᴸ_c                 (the default: Simonyan et al. 2014's class score)
    "output"       s_c = aᴸ_c = σᴸ(zᴸ)_c      (the probability for a softmax output)

and the saliency is ∂s_c/∂x. It is BP1–BP2 run with a one-hot seed in place of the loss error:

    δᴸ = e_c                     (logit)   or   δᴸ = σᴸ'(zᴸ)ᵀ e_c    (output; softmax: aᴸ_c (e_c − aᴸ))
    δˡ = (δˡ⁺¹ Wˡ⁺¹ᵀ) ⊙ σ'(zˡ)      for the hidden layers
    ∂s_c/∂x = δ¹ W¹ᵀ

The logit is the default because the probability saturates: once a digit is recognised at 0.999,
∂aᴸ_c/∂x = aᴸ_c (∂z_c/∂x − Σⱼ aᴸⱼ ∂zⱼ/∂x) is nearly zero everywhere, while the logit's gradient
still shows which pixels the class relies on.

A network with one sigmoid output scores class 1 by z (or a = σ(z)) and class 0 by −z (or 1 − a).
"""

import numpy as np

from .classes import n_classes, predictions

SCORES = ("logit", "output")


def input_gradients(net, X, classes=None, score="logit"):
    """∂s_c/∂x for each row of X (n, input_width), explaining `classes` (n,) (default: the predicted ones).

    Returns (n, sizes[0]) in the network's dtype: the gradient with respect to the first layer's
    input (for a network with input features, with respect to the features). `score` is one of
    SCORES (see the module docstring).
    """
    if score not in SCORES:
        raise ValueError(f"score: {score!r} is not allowed; allowed: {', '.join(SCORES)}")
    Zs, As, _ = net.forward_cache(X)
    n, k = As[-1].shape
    classes = _classes(As[-1], classes, n, k)

    seed = np.zeros_like(As[-1])                       # ∂s/∂aᴸ (or ∂s/∂zᴸ for the logit)
    if k == 1:
        seed[:, 0] = np.where(classes == 1, 1.0, -1.0)  # class 0 is scored by −z (or 1 − a)
    else:
        seed[np.arange(n), classes] = 1.0
    delta_out = seed if score == "logit" else net.output.backward(Zs[-1], As[-1], seed)    # δᴸ
    deltas = [delta for _, delta in net.backpropagate(Zs, As, delta_out)]                 # BP2
    if net.plan is not None:                 # through the first convolution and its pooling
        return net.plan.input_gradient(net, As[0], deltas[-1])
    return deltas[-1] @ net.weights[0].T                                                  # δ¹ W¹ᵀ


def input_gradient(net, x, class_index=None, score="logit"):
    """∂s_c/∂x for one input x (d_in,) and class c = class_index (default: the predicted class).

    Returns (d_in,). See the module docstring for the score and the equations.
    """
    x = np.asarray(x).reshape(1, -1)
    classes = None if class_index is None else [class_index]
    return input_gradients(net, x, classes, score)[0]


def _classes(A, classes, n, k):
    """The classes to explain as (n,) int64: given, or predicted (argmax; a > 0.5 for one output)."""
    if classes is None:
        return predictions(A)
    classes = np.asarray(classes, dtype=np.int64).reshape(-1)
    if len(classes) != n:
        raise ValueError(f"classes: {len(classes)} classes for {n} inputs")
    count = n_classes(k)
    if classes.size and (classes.min() < 0 or classes.max() >= count):
        raise ValueError(f"class_index: must be in 0..{count - 1}, got {classes.min()}..{classes.max()}")
    return classes
