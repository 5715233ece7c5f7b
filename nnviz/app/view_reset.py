"""One place that knows which views belong to which kind of data, and clears or swaps them.

Whatever replaces the network the window shows (a new run, a preset, a dataset opened, a model loaded,
Reset) goes through `ViewReset`:
- `forget()`: every view drops what it showed of the old network: curves, per-layer plots, unit maps,
  heatmaps, the drawing's prediction and hidden rows, the network view's accuracy and hover text,
  "Accuracy on my digits", health, saliency, the replay and its cursor, the progress and the banner;
- `follow(image)`: the views of the data's kind are the ones shown: images get the draw panel and the
  saliency dock, 2-D points and tables the decision boundary (saliency has nothing to explain there).
Before any network exists, the kind is the form's dataset's (`is_image_data`, nothing read).
"""

from nnviz.data import TOY_DATASETS
from nnviz.io import CSV_PREFIX

PREDICT_TITLES = {True: "Draw to predict", False: "Decision boundary"}


def is_image_data(dataset):
    """Is the experiment's `dataset` (a name or a prefixed path) one of images? Toy sets are 2-D points
    and csv: files tables; MNIST, the 8x8 digits, IDX and image folders are images."""
    return dataset not in TOY_DATASETS and not dataset.startswith(CSV_PREFIX)


class ViewReset:
    """Clears and swaps a MainWindow's views. `views`: the widgets drawing a snapshot (set_snapshot);
    `plots`: the live plots; `predict`: (stacked widget, its draw panel, its boundary, its dock);
    `diagnostics`, `replay`, `controls`, `banner`: the window's parts of those names."""

    def __init__(self, views, plots, predict, diagnostics, replay, controls, banner):
        self.views, self.plots = tuple(views), plots
        self.stack, self.draw_panel, self.boundary, self.predict_dock = predict
        self.diagnostics, self.replay, self.controls, self.banner = diagnostics, replay, controls, banner

    def forget(self):
        """No network any more: every view empty, as on a first launch."""
        self.plots.set_layers(0)
        self.plots.set_cursor(None)
        self.drop_snapshots()
        self.diagnostics.reset()
        self.replay.clear()
        self.controls.show_progress(None, None)
        self.banner.hide()

    def drop_snapshots(self):
        """The views let go of the old network's weights (before a new dataset's points reach them: a
        projection of 4-feature points through a 784-input network raised ValueError)."""
        for view in self.views:
            view.set_snapshot(None)

    def follow(self, image):
        """Show the views of images (`image`) or of points and tables."""
        self.stack.setCurrentWidget(self.draw_panel if image else self.boundary)
        self.draw_panel.expect_images(image)
        self.predict_dock.setWindowTitle(PREDICT_TITLES[image])
        self.diagnostics.show_saliency(image)
