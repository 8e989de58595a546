from django.db import migrations


def create_home(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("cms", "HomePage")

    # Replace Wagtail's placeholder welcome page with ours.
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore").delete()
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    locale = Locale.objects.first()
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Therapy skills and development",
        draft_title="Therapy skills and development",
        slug="home",
        content_type=home_type,
        path=f"{root.path}0002",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        intro="<p>See what your post requires and where you stand: your KSF outline, "
        "competencies, CPD and development reviews in one place.</p>",
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="Therapy skills and development")


def remove_home(apps, schema_editor):
    apps.get_model("cms", "HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_home, remove_home)]
