"""Q/GDW 1376.1-2013: the concentrator <-> master station protocol."""
