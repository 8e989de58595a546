"""Caseload activity: importing extracts, the activity-to-competency map and skill-gap flags."""
