"""Fellowship programmes: versions, shipped templates, reads and plain-English descriptions."""
