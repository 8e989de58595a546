from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext, pgettext

from cms.stylesheet import COPY_NAME, SOURCE_NAME
from ksf.roles import Role, roles_for
from ksf.selectors import unread_for


def portal(request: HttpRequest) -> dict:
    """Header navigation, chosen by the roles the person holds."""
    user = getattr(request, "user", None)
    links = [{"label": pgettext("navigation", "Home"), "url": "/"}]
    if user is not None and user.is_authenticated:
        roles = roles_for(user)
        if Role.CLINICIAN in roles:
            links.append({"label": gettext("My development"), "url": reverse("development:mine")})
        links.append({"label": gettext("KSF outlines"), "url": reverse("ksf:post_list")})
        links.append({"label": gettext("Frameworks"), "url": "/frameworks/"})
        links.append({"label": gettext("Fellowships"), "url": reverse("fellowships:mine")})
        if Role.MANAGER in roles or Role.SERVICE_LEAD in roles or Role.ADMINISTRATOR in roles:
            links.append({"label": gettext("Teams"), "url": reverse("ksf:team_list")})
        unread = unread_for(user).count()
        links.append(
            {
                "label": (
                    gettext("Notifications (%(count)s)") % {"count": unread}
                    if unread
                    else gettext("Notifications")
                ),
                "url": reverse("ksf:notifications"),
            }
        )
        if user.has_perm("wagtailadmin.access_admin"):
            links.append(
                {"label": pgettext("navigation", "Admin"), "url": reverse("wagtailadmin_home")}
            )
    path = getattr(request, "path", "")
    for link in links:
        link["current"] = link["url"] == path or (
            link["url"] != "/" and path.startswith(link["url"])
        )
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_links": links,
        # The design system's own stylesheet (with Frutiger from its host) only where the
        # operator asked for that host; otherwise the copy that needs no other host.
        "nhsuk_stylesheet": SOURCE_NAME if settings.NHSUK_FONT_HOST else COPY_NAME,
    }
