"""Allocation of service needs to sites under the estates rules (OR-Tools CP-SAT)."""
