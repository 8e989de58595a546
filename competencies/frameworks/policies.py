"""Who may edit which framework: owners and people given it, plus model-wide editors."""

from ksf.policies import ObjectPermissionPolicy

framework_policy = ObjectPermissionPolicy("competencies.Framework")
