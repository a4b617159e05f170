"""Metrics of the appraisal app's `campaigns` area."""
