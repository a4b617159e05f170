"""Metrics of the appraisal app's `reports` area: none. The yearly report measures no norm of its
own; it reports the figures the other apps' records hold (their norms are measured by their
metrics)."""
