"""Entry point of the PyInstaller bundle: the same ``smc`` command line as the installed package."""

import multiprocessing
import sys

from console.__main__ import main

if __name__ == "__main__":
    # The bundle is also the collection service's process (console.collection.remote): started
    # by multiprocessing, it runs the service here and exits instead of parsing a command line.
    multiprocessing.freeze_support()
    sys.exit(main())
