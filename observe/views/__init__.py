"""Pages of the lesson-observation app, one module per area."""
