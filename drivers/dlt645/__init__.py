"""DL/T 645-2007 meters: codec, data-identifier table and client requests."""
