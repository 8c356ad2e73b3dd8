"""IEC 62056-21 mode C meters: codec, session, client, OBIS table and emulated meter."""
