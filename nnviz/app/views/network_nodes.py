"""What the network view's nodes show, as RGBA tiles: on 2-D points each unit's output over the plane; on
images the input, first-layer weights, feature maps on the probe or mean activations (a mixin of NetworkView)."""

import numpy as np

from nnviz.app.views.colors import symmetric_levels
from nnviz.app.views.network_conv import map_layers, map_values
from nnviz.app.views.network_detail import TEST_SAMPLE
from nnviz.app.views.network_paint import diverging_lut, layer_levels, output_tiles, to_rgba

MAP_GRID = 64              # cells per axis of every node's map
CONV_SAMPLE = 250          # test images a network with convolutions is measured on at every redraw (LeNet: ~95 ms)


class NetworkNodes:
    """Uses the view's dataset, plane grid (`_grid`), tile atlas, `_maps`, `_outputs` (forward passes
    kept while their snapshot is drawn) and `_drawing`."""

    def _draw_nodes(self, layout, shown, image_shape):
        """Fill every drawn node's tile: maps over the plane, weight images or plain activity colours."""
        self._maps = {}
        groups = {}                        # tile shape -> ([tiles], [rects]): one atlas image each
        for layer, rgba in enumerate(self._tiles(layout, shown, image_shape)):
            units, centres, half = layout.units[layer], layout.centres[layer], layout.half_side(layer)
            if layer == 0 and layout.image_input:
                units = units[:1]          # the input drawn as one image
            tiles, rects = groups.setdefault(rgba.shape[1:], ([], []))
            tiles.append(rgba[:len(units)])
            rects.append(np.column_stack([centres - half, np.full((len(centres), 2), 2 * half)]))
            for k, unit in enumerate(units):
                self._maps[(layer, int(unit))] = rgba[k]
        self.tiles.set_tiles([(np.concatenate(t), np.concatenate(r)) for t, r in groups.values()])

    def _tiles(self, layout, shown, image_shape):
        """Per layer, (k, h, w, 4) uint8 tiles for the drawn units."""
        n_layers = len(shown.sizes) - 1
        if self._grid is not None and shown.input_width == 2:
            acts = shown.network().forward(self._grid)
            tiles = []
            for layer, A in enumerate(acts):
                values = A[:, layout.units[layer]].T
                if layer == n_layers:
                    rgba = output_tiles(A, self._dataset.n_classes)[layout.units[layer]]
                else:
                    rgba = to_rgba(values, layer_levels(layer, n_layers, values, shown.hidden), diverging_lut())
                tiles.append(rgba.reshape(len(values), MAP_GRID, MAP_GRID, 4))
            return tiles
        return self._image_tiles(layout, shown, image_shape)

    def _image_tiles(self, layout, shown, image_shape):
        """Image data: the input as the mean test image (with convolutions: the probe, see `_probe`),
        first-layer nodes as their incoming weights, feature maps as they are on the probe, deeper
        nodes as one colour, their mean activation on the test sample (output units in their class's
        colour)."""
        n_layers = len(shown.sizes) - 1
        lut = diverging_lut()
        tiles = []
        X = self._sample()[0]
        acts = self._forward_sample(shown) if X is not None and len(X) else None
        maps = map_layers(shown.weights)
        probe = self._probe(shown) if maps and acts is not None else None
        for layer, units in enumerate(layout.units):
            if layer == 0 and image_shape is not None:
                blank = np.zeros(int(np.prod(image_shape)))
                image = blank if acts is None else probe[0] if maps else X.mean(axis=0)
                tiles.append(to_rgba(image.reshape(1, *image_shape)[:, ::-1], (-1.0, 1.0), lut))
            elif layer in maps:
                levels = layer_levels(layer, n_layers, probe[layer], shown.hidden)
                tiles.append(to_rgba(map_values(probe, layout, layer), levels, lut))
            elif layer == 1 and image_shape is not None:
                W = np.asarray(shown.weights[0])[:, units].T.reshape(len(units), *image_shape)[:, ::-1]
                tiles.append(to_rgba(W, symmetric_levels(W), lut))
            elif acts is not None and layer == n_layers:      # output unit c: class c's colour, as everywhere,
                mean = acts[layer].mean(axis=0, keepdims=True)  # as strong as its mean output (the largest: full)
                mean /= max(float(mean.max()), 1e-12)
                tiles.append(output_tiles(mean, self._dataset.n_classes)[units].reshape(len(units), 1, 1, 4))
            elif acts is not None:
                mean = acts[layer][:, units].mean(axis=0)
                levels = layer_levels(layer, n_layers, acts[layer], shown.hidden)
                tiles.append(to_rgba(mean.reshape(-1, 1, 1), levels, lut))
            else:
                tiles.append(np.full((len(units), 1, 1, 4), 200, dtype=np.uint8))
        return tiles

    def _forward_sample(self, snapshot):
        """The activations of `snapshot`'s network on the test sample, computed once per snapshot drawn."""
        kept = self._outputs.get(id(snapshot))
        if kept is None or kept[0] is not snapshot:
            kept = self._outputs[id(snapshot)] = (snapshot, snapshot.network().forward(self._sample()[0]))
        return kept[1]

    def _probe(self, snapshot):
        """[x, a¹, ...] of the probe through `snapshot`'s network: the user's drawing when there is one
        (of this network's shapes), else the first test image; None without test images."""
        X = self._sample()[0]
        if X is None or not len(X):
            return None
        first = [A[0] for A in self._forward_sample(snapshot)]
        drawing = self._drawing
        if drawing is not None and [A.shape for A in drawing] == [A.shape for A in first]:
            return drawing
        return first

    def _sample(self):
        """(X, y): the first TEST_SAMPLE test samples (CONV_SAMPLE with convolutions: each costs more),
        or (None, None) without a dataset."""
        if self._dataset is None:
            return None, None
        n = CONV_SAMPLE if self._snapshot is not None and self._snapshot.convolutional else TEST_SAMPLE
        return self._dataset.X_test[:n], self._dataset.y_test[:n]
