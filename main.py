"""Open the nnviz window from a checkout: `python main.py` (see `python main.py --help`)."""

import sys

from nnviz.app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
