"""Metrics of the appraisal app's `governance` area."""
