"""Reference setup shared by migrations and ensure_platform_data: permissions and the workflow."""

EDUCATOR_PERMISSIONS = [("competencies", "add_framework"), ("competencies", "add_competency")]
ADMINISTRATOR_PERMISSIONS = [
    ("competencies", f"{action}_{model}")
    for model in ("framework", "competency", "postrequirement", "scalevalue")
    for action in ("add", "change", "delete", "view")
] + [("competencies", "publish_framework")]


def ensure_framework_permissions(apps) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    # Wagtail adds these for draft-state and lockable models after migrating; make sure they exist.
    framework_type, _ = ContentType.objects.get_or_create(
        app_label="competencies", model="framework"
    )
    for codename, name in (
        ("publish_framework", "Can publish framework"),
        ("lock_framework", "Can lock framework"),
        ("unlock_framework", "Can unlock framework"),
    ):
        Permission.objects.get_or_create(
            content_type=framework_type, codename=codename, defaults={"name": name}
        )


def create_review_workflow(apps) -> None:
    """'Framework review': one educator or administrator approves before publication."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    framework_type, _ = ContentType.objects.get_or_create(
        app_label="competencies", model="framework"
    )
    if WorkflowContentType.objects.filter(content_type=framework_type).exists():
        return
    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.create(
        name="Educator approval", content_type=task_type, active=True
    )
    task.groups.set(Group.objects.filter(name__in=["Educators", "Administrators"]))
    workflow = Workflow.objects.create(name="Framework review", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowContentType.objects.create(workflow=workflow, content_type=framework_type)


def ensure(apps) -> None:
    from ksf.reference import grant_group_permissions

    ensure_framework_permissions(apps)
    grant_group_permissions(
        apps, {"Educators": EDUCATOR_PERMISSIONS, "Administrators": ADMINISTRATOR_PERMISSIONS}
    )
    create_review_workflow(apps)
