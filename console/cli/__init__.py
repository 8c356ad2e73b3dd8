"""The field engineer's commands (``smc decode``, ``smc read``, ``smc emulator``): argument
handling and output around the drivers; Qt-free, so the frozen bundle runs them headless."""
