"""The diagnostic docks and dialogs: training health, backprop inspector, evaluation, saliency, runs."""
