"""Demo records of the appraisal app's `campaigns` area (registers its own extension)."""
