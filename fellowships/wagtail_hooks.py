"""Admin wiring for fellowships: the Fellowships menu and its programmes snippet."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from fellowships.models import Programme
from fellowships.viewsets import FellowshipsViewSetGroup, programme_policy

register_permission_policy(Programme, programme_policy)
register_snippet(FellowshipsViewSetGroup)


@hooks.register("register_fellowship_progress")
def register_fellowship_progress():
    from fellowships.development import progress_lines

    return progress_lines


@hooks.register("register_future_attainments")
def register_future_attainments():
    from fellowships.development import expected_attainments

    return expected_attainments


@hooks.register("register_supervised_practice")
def register_supervised_practice():
    from fellowships.practice import supervised_periods

    return supervised_periods
