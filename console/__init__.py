"""智能营销运营台 (Smart Marketing Console): the application package.

Qt-free domain packages (``collection``, ``monitoring``, ``demo``, ``core``) and the Qt layer
(``ui``); ``app`` wires them, ``__main__`` is the command line.
"""

__version__ = "0.1.0"
