"""采集监控 (the collection view): ``view.CollectionView`` receives the collection feature's
``CollectionConsole`` and the window's ``ViewKit``; one module per part of it."""
