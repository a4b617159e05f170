"""Demo records of the appraisal app's `reports` area (registers its own extension)."""
