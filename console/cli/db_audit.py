"""``smc db``: this action is being written in this change (see console/cli/db.py)."""

from __future__ import annotations

import argparse


def add_parsers(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Registers nothing yet."""
