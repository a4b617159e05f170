"""Demo records of the research app: activities (registered with core.demo.extensions)."""
