"""The training runtime: the training process and its worker, snapshots, redraw scheduling and the current session."""
