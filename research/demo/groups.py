"""Demo records of the research app: groups (registered with core.demo.extensions)."""
