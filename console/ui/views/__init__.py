"""The console's views, one module each; ``registry`` lists them in navigation order."""
