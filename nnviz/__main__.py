"""`python -m nnviz`: the headless command line (see nnviz.cli)."""

from nnviz.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
