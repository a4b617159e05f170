"""Demo records of the appraisal app's `researchers` area (registers its own extension)."""
