"""Studies that run many solves: the late-data robustness study (docs/robustness.md)."""
