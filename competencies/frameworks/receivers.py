"""Side effects of publishing, hung on Wagtail's own signal so every way of publishing
(workflow approval, the admin's publish button, a management command) behaves alike."""

from typing import Any

from wagtail.signals import published

from competencies.models import Framework
from competencies.requirements.services import move_requirements_to


def carry_requirements_forward(sender: type, instance: Any, **kwargs: Any) -> None:
    """A newly published version takes over the requirements of the versions before it."""
    move_requirements_to(Framework.objects.get(pk=instance.pk))


def connect() -> None:
    published.connect(
        carry_requirements_forward, sender=Framework, dispatch_uid="framework_requirements"
    )
