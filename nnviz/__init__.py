"""nnviz: a desktop laboratory for small neural networks, with a NumPy core that also runs headless."""

__version__ = "0.1.0"
