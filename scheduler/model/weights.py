"""The weights that rank a plan's compromises, shared by the model and the validator.

Plain numbers, free of the solver, so the independent validator can recompute the objective.
"""

from __future__ import annotations

# The framework's "where possible" rules: heavier than any organiser preference.
HIGH_WEIGHT = 100_000
# An occurrence left unplaced costs more than any mix of soft rules it could otherwise break.
UNPLACED_WEIGHT = 1_000_000_000
# A baseline occurrence moved by a what-if costs more than any soft rule, less than a cancellation.
MOVE_WEIGHT = 10_000_000
