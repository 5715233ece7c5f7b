"""The headless command line (`nnviz ...`): see nnviz.cli.commands."""

from nnviz.cli.commands import main

__all__ = ["main"]
