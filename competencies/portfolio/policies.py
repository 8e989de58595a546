"""Who may open a piece of evidence, and who may decide a sign-off request."""

from django.contrib.auth.models import User

from competencies.models import Evidence


def can_open(user: User, evidence: Evidence) -> bool:
    """Whoever may read the owner's record, and an assessor asked to sign off with it."""
    from ksf.access import can_view

    if can_view(user, evidence.owner):
        return True
    return (
        user.is_authenticated
        and evidence.attainments.filter(assessor__user=user).exclude(staff__user=user).exists()
    )
