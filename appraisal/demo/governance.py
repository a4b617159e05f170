"""Demo records of the appraisal app's `governance` area (registers its own extension)."""
