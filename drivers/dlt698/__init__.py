"""DL/T 698.45 (object-oriented meter protocol): frame codec, A-XDR data, APDUs, OAD table,
client, emulated meter and the ``smc decode`` report."""
