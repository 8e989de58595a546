"""The fellowship logbook: entries, their sign-off, and workplace-based assessments."""
