"""Skill-gap flags: computed from caseload activity, portfolio and posts, with a lifecycle.

``compute`` works out what is true now (set-based SQL); ``recompute`` persists it against the
stored flags (raised, cleared, reopened); ``lifecycle`` is the manager's acknowledge/resolve;
``reasons`` turns a flag into words; ``funnel`` and ``outcomes`` serve the outlier flag and plot.
"""
