"""Demo records of the research app: homeroom (registered with core.demo.extensions)."""
