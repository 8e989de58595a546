"""Platform data that migrations create, made reusable so it can be restored idempotently.

Migrations call these with their historical ``apps``; ``ensure_platform_data`` calls them
with the live registry (e.g. after a test flush, or to repair a database by command).
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop

# Marked for translation here, translated when the pages are made (in the active language).
SITE_NAME = gettext_noop("Therapy skills and development")
FRAMEWORK_INDEX_TITLE = gettext_noop("Competency frameworks")
PROGRAMME_INDEX_TITLE = gettext_noop("Fellowships")
ADMIN_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def ensure_home_page(apps) -> None:
    """Make our HomePage the root of the default site, replacing Wagtail's welcome page."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("cms", "HomePage")
    if HomePage.objects.exists():
        return
    locale = Locale.objects.first() or Locale.objects.create(language_code=settings.LANGUAGE_CODE)
    page_type, _ = ContentType.objects.get_or_create(model="page", app_label="wagtailcore")
    root = Page.objects.filter(depth=1).first() or Page.objects.create(
        title="Root",
        draft_title="Root",
        slug="root",
        content_type=page_type,
        path="0001",
        depth=1,
        numchild=0,
        url_path="/",
        locale=locale,
    )
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore").delete()
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    last = Page.objects.filter(depth=2).order_by("-path").values_list("path", flat=True).first()
    step = int(last[-4:]) + 1 if last else 2
    site_name = gettext(SITE_NAME)
    home = HomePage.objects.create(
        title=site_name,
        draft_title=site_name,
        slug="home",
        content_type=home_type,
        path=f"{root.path}{step:04d}",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        intro=format_html(
            "<p>{}</p>",
            gettext(
                "See what your post requires and where you stand: your KSF outline, "
                "competencies, CPD and development reviews in one place."
            ),
        ),
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", root_page=home, is_default_site=True, site_name=site_name
    )


def _ensure_index(apps, model: str, slug: str, title: str, intro: str) -> None:
    """A section page under the home page (once): the frameworks, the fellowships."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("cms", "HomePage")
    IndexPage = apps.get_model("cms", model)
    if IndexPage.objects.exists():
        return
    home = HomePage.objects.first()
    if home is None:
        return
    page_type, _ = ContentType.objects.get_or_create(model=model.lower(), app_label="cms")
    last = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).order_by("-path")
    last_path = last.values_list("path", flat=True).first()
    step = int(last_path[-4:]) + 1 if last_path else 1
    IndexPage.objects.create(
        title=title,
        draft_title=title,
        slug=slug,
        content_type=page_type,
        path=f"{home.path}{step:04d}",
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}{slug}/",
        locale_id=home.locale_id,
        live=True,
        intro=format_html("<p>{}</p>", intro),
    )
    home.numchild = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).count()
    home.save(update_fields=["numchild"])


def ensure_framework_index(apps) -> None:
    """The 'Competency frameworks' section under the home page, where published ones appear."""
    _ensure_index(
        apps,
        "FrameworkIndexPage",
        "frameworks",
        gettext(FRAMEWORK_INDEX_TITLE),
        gettext(
            "The clinical competency frameworks our posts use. Search for a competency to "
            "see what it involves and which posts require it."
        ),
    )


def ensure_programme_index(apps) -> None:
    """The 'Fellowships' section under the home page, where published programmes appear."""
    _ensure_index(
        apps,
        "ProgrammeIndexPage",
        "fellowships",
        gettext(PROGRAMME_INDEX_TITLE),
        gettext(
            "Fellowship programmes you can apply for: what each one leads to, who can "
            "apply, what it costs and what you will need to achieve."
        ),
    )


def grant_admin_page_permissions(apps) -> None:
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    group = Group.objects.get(name="Administrators")
    root = Page.objects.get(depth=1)
    for codename in ADMIN_PAGE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def ensure_platform_data() -> None:
    """Content types, permissions, KSF reference data, role groups, home page: all idempotent."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    from ksf.reference import create_role_groups, grant_planning_permissions, load_ksf

    for config in global_apps.get_app_configs():
        create_contenttypes(config, verbosity=0)
        create_permissions(config, verbosity=0)
    load_ksf(
        global_apps.get_model("ksf", "KSFDimension"),
        global_apps.get_model("ksf", "KSFLevel"),
        global_apps.get_model("ksf", "KSFIndicator"),
    )
    create_role_groups(global_apps)
    grant_planning_permissions(global_apps)
    from fellowships.setup import grant_role_permissions

    grant_role_permissions(global_apps)
    from competencies.activity.setup import grant_role_permissions as grant_activity_permissions

    grant_activity_permissions(global_apps)
    from django.db import connection

    from competencies.setup import ensure as ensure_competencies

    ensure_competencies(global_apps, connection)
    ensure_home_page(global_apps)
    ensure_framework_index(global_apps)
    ensure_programme_index(global_apps)
    grant_admin_page_permissions(global_apps)
