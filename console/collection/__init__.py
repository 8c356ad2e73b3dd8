"""Collection: reading meters through the drivers on a schedule and storing what was read."""
