"""Portal pages of the competencies app, one module per area."""
