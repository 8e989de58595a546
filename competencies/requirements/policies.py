"""Who may set what posts require: holders of the model-wide permissions (administrators)."""

from wagtail.permission_policies.base import ModelPermissionPolicy

requirement_policy = ModelPermissionPolicy("competencies.PostRequirement")
