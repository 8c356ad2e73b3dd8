"""The demo county: a deterministic topology with customers, meters and history, and the
in-process emulator that plays its meters (so the demo is the real program, not a fake)."""
