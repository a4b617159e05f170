"""Metrics of the appraisal app's `researchers` area."""
