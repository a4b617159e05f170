"""Metrics of the appraisal app's `reports` area."""
