"""Train again after a finished run goes on exactly where it stopped: the weights of one longer run, bit
for bit (Adam, dropout, a step schedule), its epochs counted on from the first run's."""

from dataclasses import replace

import numpy as np

from nnviz.core import train
from nnviz.prepare import prepare

from .conftest import tiny_spirals
from .test_diagnostics_integration import train_to_the_end


def test_train_again_after_a_finished_run_gives_the_weights_of_one_run_twice_as_long(qtbot, make_window):
    config = tiny_spirals(epochs=3, dropout=0.2, schedule="step", step_epochs=2, step_gamma=0.5)
    window = make_window(config)
    box = window.controls.pace_box
    box.setCurrentIndex(box.findData(0.0))                        # Full speed
    train_to_the_end(qtbot, window)
    assert window.session.epochs_done == 3
    train_to_the_end(qtbot, window)                               # the same experiment: it continues
    reference = prepare(replace(config, epochs=6))
    for _ in train(reference.network, reference.train_data, reference.train_config):
        pass
    snapshot = window.session.snapshot
    for got, expected in zip(snapshot.weights + snapshot.biases,
                             reference.network.weights + reference.network.biases):
        np.testing.assert_array_equal(got, expected)
    assert window.session.epochs_done == 6
    assert window.controls.position_label.text() == "epoch 6/6 · batch 8/8"
    epochs_x = window.plots._curves["loss"]["train (epoch)"][0].xData
    np.testing.assert_array_equal(epochs_x, [1, 2, 3, 4, 5, 6])
