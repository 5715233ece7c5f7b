"""The views of the main window: experiment form, live plots, heatmaps, weight tiles, draw panel, boundary."""
