from tests.permission_matrix import Rule, everyone  # noqa: F401

RULES: list = []
EXTRA_CASES: list = []
