"""Permission-matrix rows, one module per area; tests/permission_matrix.py gathers them.

Each module defines ``RULES`` (list of Rule) and ``EXTRA_CASES`` (same shape as in
permission_matrix). Rule kwargs may create the sample objects they need from ``world``.
"""
