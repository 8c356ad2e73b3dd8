"""Entry point of the PyInstaller bundle: the same ``smc`` command line as the installed package."""

import sys

from console.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
