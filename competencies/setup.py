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
    """'Framework review': a second educator or an administrator approves before publication."""
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


def use_framework_approval_task(apps, connection) -> None:
    """Turn the review workflow's group approval into the four-eyes framework approval.

    Converted in place (a row in the subclass table, the task's type changed), so its groups,
    its history and any framework now in review keep their task and get the new rule.
    """
    try:
        FrameworkApprovalTask = apps.get_model("competencies", "FrameworkApprovalTask")
    except LookupError:  # migrating from before the task existed: its own migration calls this
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    framework_type, _ = ContentType.objects.get_or_create(
        app_label="competencies", model="framework"
    )
    approval_type, _ = ContentType.objects.get_or_create(
        app_label="competencies", model="frameworkapprovaltask"
    )
    group_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    tasks = WorkflowTask.objects.filter(
        workflow__workflow_content_types__content_type=framework_type,
        task__content_type=group_type,
    ).values_list("task_id", flat=True)
    table = FrameworkApprovalTask._meta.db_table
    # The table name is the model's own, quoted: nothing from outside reaches the SQL.
    insert = (
        f"INSERT INTO {connection.ops.quote_name(table)} (groupapprovaltask_ptr_id) VALUES (%s)"  # noqa: S608
    )
    with connection.cursor() as cursor:
        for task_id in set(tasks):
            cursor.execute(insert, [task_id])
    apps.get_model("wagtailcore", "Task").objects.filter(pk__in=set(tasks)).update(
        content_type=approval_type
    )


def ensure(apps, connection=None) -> None:
    from ksf.reference import grant_group_permissions

    ensure_framework_permissions(apps)
    grant_group_permissions(
        apps, {"Educators": EDUCATOR_PERMISSIONS, "Administrators": ADMINISTRATOR_PERMISSIONS}
    )
    create_review_workflow(apps)
    if connection is not None:
        use_framework_approval_task(apps, connection)
