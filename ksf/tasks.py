"""Background work for the database task worker (``manage.py db_worker``)."""

from django_tasks import task

# Someone is watching an import's page: it goes before search indexing, which can wait.
IMPORT_PRIORITY = 10
INDEX_PRIORITY = -10


@task(priority=IMPORT_PRIORITY)
def run_staff_import(run_id: int) -> str:
    """Import an uploaded staff file (a ``StaffImportRun``), all or nothing; the run's page
    follows its progress. Returns how the run ended."""
    from ksf.imports.services import execute_staff_import

    return execute_staff_import(run_id).run.status


@task(priority=INDEX_PRIORITY)
def index_records(model: str, pks: list[int]) -> int:
    """Bring records written in bulk (which skips the signals) into the search index and
    Wagtail's reference index (the admin's *Usage*), as the tasks those signals queue do
    for a single save. Returns how many records."""
    from django.apps import apps
    from django.db import transaction
    from django.urls import get_resolver
    from modelsearch import index
    from modelsearch.backends import get_search_backends
    from wagtail.models import ReferenceIndex

    # Wagtail learns which models the reference index tracks as the admin's URLs are built
    # (each viewset registers its model); a worker has not built them yet.
    get_resolver().url_patterns  # noqa: B018
    model_class = apps.get_model(model)
    if issubclass(model_class, index.Indexed):
        records = list(model_class.get_indexed_objects().filter(pk__in=pks))
        for backend in get_search_backends(with_auto_update=True):
            for start in range(0, len(records), 500):
                backend.add_bulk(model_class, records[start : start + 500])
    else:
        records = list(model_class._default_manager.filter(pk__in=pks))
    if ReferenceIndex.is_indexed(model_class):
        with transaction.atomic():
            for record in records:
                ReferenceIndex.create_or_update_for_object(record)
    return len(records)
