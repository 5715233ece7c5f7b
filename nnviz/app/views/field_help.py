"""What each experiment field does, its range and a typical value: the tooltips of the experiment panel."""

HELP = {
    "dataset": "The data to learn: MNIST (28x28 digits), UCI 8x8 digits, a 2-D toy set (XOR, circles, "
               "spirals, moons, blobs) or a folder of IDX files such as Fashion-MNIST.",
    "n_samples": "2-D toy sets: how many points to generate. Empty = the set's default (a few hundred). "
                 "Range 1-1,000,000; typical 200-1000.",
    "noise": "2-D toy sets: how much the points scatter around their shape (the standard deviation of the "
             "Gaussian noise added to each coordinate). Until moved, the set's own default. Slider 0-1; "
             "typical 0.05-0.3. JSON: \"noise\".",
    "test_fraction": "2-D toy sets: the share of the points used for training (the validation split "
                     "is taken from it); the rest is the test set, drawn hollow on the decision boundary. "
                     "Slider 10%-90% training; default 80%. JSON: \"test_fraction\" = 1 − the training ratio.",
    "classes": "Blobs and spirals: how many classes (arms, clusters). Empty = the set's default (2 or 3). "
               "Range 2-10.",
    "train_subset": "Train on only the first N training images (0 = all of them). Small subsets train "
                    "fast and overfit; typical 0 or 1000-10,000.",
    "validation_split": "Share of the training data held out to measure validation loss and accuracy "
                        "(never trained on). Range 0-0.9; typical 0.1. 0 = no validation curves.",
    "augment_shift": "Shift each training image by up to this many pixels at random (MNIST: more "
                     "robust to off-centre digits). Range 0-20; typical 0-2.",
    "augment_rotation": "Rotate each training image by up to ± this many degrees. Range 0-180; typical 0-15.",
    "augment_elastic": "Elastic distortion strength α (Simard et al. 2003). 0 = off; typical 0-36.",
    "input_features": "What a 2-D point feeds the network (toy sets): x₁, x₂, their squares, product and sines. "
                      "x₁² and x₂² alone make circles linearly separable. Default x₁, x₂.",
    "hidden_layers": "Units in each hidden layer, input side first. No layer = a linear model; "
                     "typical 1-3 layers of 16-256 units.",
    "layers": "The hidden layers as a list, convolutions and pooling first (replaces Hidden layers while "
              "it has layers): conv (filters, kernel, stride 1-2, padding valid/same), maxpool/avgpool "
              "(window, stride), flatten, dense (units). Each line shows the layer's output; JSON shows "
              "the list as text. Empty = none.",
    "activation": "The hidden units' nonlinearity: relu (fast, can die), leaky_relu, elu, tanh, sigmoid "
                  "(saturates: slow learning in deep nets). Typical relu or tanh.",
    "output": "The output layer: softmax for one-of-k classes, sigmoid for independent outputs (one "
              "sigmoid unit = two classes), linear for regression.",
    "loss": "What training minimises: cross_entropy with softmax, binary_cross_entropy with sigmoid, "
            "quadratic (mean squared error, the textbook choice; learns slowly when saturated).",
    "init": "How the first weights are drawn: he for relu, xavier for tanh/sigmoid, scaled_normal "
            "N(0, 1/fan_in), normal N(0, 1) (the textbook network.py), small N(0, 1)x0.01.",
    "optimizer": "How each step uses the gradient: sgd, momentum, nesterov, rmsprop, adam. Typical: sgd "
                 "or momentum with η ≈ 0.1, adam with η ≈ 0.001.",
    "learning_rate": "Step size η. Too big: the loss jumps or diverges; too small: slow. Range > 0; "
                     "typical 0.01-0.5 for SGD, 0.001-0.01 for Adam. Applies live while training.",
    "momentum": "Momentum μ: the share of the last step kept in the next (momentum, nesterov). "
                "Range 0-1 (exclusive); typical 0.9.",
    "beta1": "Adam's β₁: decay of the running mean of gradients. Range 0-1; typical 0.9.",
    "beta2": "Adam's β₂: decay of the running mean of squared gradients. Range 0-1; typical 0.999.",
    "rho": "RMSprop's ρ: decay of the running mean of squared gradients. Range 0-1; typical 0.9.",
    "epsilon": "ε added to the denominator of RMSprop and Adam (numerical safety). Typical 1e-8.",
    "schedule": "How η changes during the run: constant, step (× γ every N epochs), exponential, cosine "
                "or linear decay to the final learning rate.",
    "step_epochs": "Step schedule: multiply η by γ every this many epochs. Typical 10.",
    "step_gamma": "Step schedule: the factor γ applied to η at each step. Range 0-1; typical 0.5.",
    "min_learning_rate": "Decaying schedules: η at the end of the run. Range ≥ 0; typical 0 or η/100.",
    "warmup": "Share of the run over which η ramps up from 0 (helps Adam and large η). Range 0-1; typical 0-0.05.",
    "batch_size": "Training samples per gradient step. Small: noisy, many steps; large: smooth, fewer "
                  "steps. Typical 32-128. Applies from the next epoch while training.",
    "epochs": "Passes over the training data. Typical 10 for MNIST, hundreds to thousands for 2-D toys.",
    "l2": "L2 weight decay λ: adds λ/2·‖W‖² to the loss, shrinking weights (less overfitting). "
          "Range ≥ 0; typical 0-1e-3.",
    "l1": "L1 penalty λ₁: adds λ₁·Σ|W| to the loss, pushing weights to exactly 0 (sparse nets). "
          "Range ≥ 0; typical 0-1e-4.",
    "dropout": "Share of hidden units switched off at random in each training step (inverted dropout). "
               "Range 0-0.9; typical 0-0.5.",
    "input_dropout": "Share of input pixels switched off at random in each training step. Range 0-0.9; "
                     "typical 0-0.2.",
    "clip_norm": "Rescale the gradient when its global norm exceeds this (0 = off); stops exploding "
                 "gradients. Typical 0 or 1-5.",
    "early_stopping": "Stop when the validation metric has not improved for this many epochs (0 = off; "
                      "needs a validation split). Typical 3-10.",
    "early_stopping_metric": "What early stopping watches: validation loss or validation accuracy.",
    "restore_best": "At the end, go back to the weights of the best validation epoch.",
    "time_budget": "Stop after this many seconds of training (0 = no limit; pauses do not count). "
                   "The status bar shows time spent / time allowed.",
    "seed": "Seeds the initial weights, the data order and dropout: the same seed gives the same run. "
            "A new seed is a new network. Any integer ≥ 0.",
}


def help_for(name):
    """The tooltip of field `name` (empty when there is none)."""
    return HELP.get(name, "")
