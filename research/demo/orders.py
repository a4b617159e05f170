"""Demo records of the research app: orders (registered with core.demo.extensions)."""
