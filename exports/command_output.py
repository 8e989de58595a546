"""Where an export command writes its file: one rule for every ``export_*`` command."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext


def write_export(output: Path | None, default_name: str, content: bytes) -> Path:
    """Write ``content`` to ``output`` (default: ``default_name`` in the current folder) and
    return the path; a folder or an unwritable path is refused with a message saying why."""
    path = output or Path(default_name)
    if path.is_dir():
        raise CommandError(
            gettext("%(path)s is a folder: give a file name, e.g. %(example)s")
            % {"path": path, "example": path / default_name}
        )
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise CommandError(
            gettext("Could not write %(path)s: %(reason)s.")
            % {"path": path, "reason": exc.strerror or exc}
        ) from exc
    return path
