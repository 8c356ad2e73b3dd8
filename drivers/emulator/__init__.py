"""The emulator: virtual meters that speak the real protocols over the real links.

``host`` runs their timed work on one thread, ``load`` says what their registers read,
``meter`` answers frames, ``fleet`` wires meters onto ``loop://`` links.
"""
