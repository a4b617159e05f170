"""Demo records of the research app: prep (registered with core.demo.extensions)."""
