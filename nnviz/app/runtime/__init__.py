"""The training runtime: the worker thread, its snapshots, redraw scheduling and the current session."""
