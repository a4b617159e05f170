"""Pages of quality monitoring, one module per concern."""
