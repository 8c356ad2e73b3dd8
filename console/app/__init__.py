"""Bootstrap and the explicit list of features: the database made ready, the service process
(beside the window, or alone as ``smc service``), and a window's attachment to it."""
