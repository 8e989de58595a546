"""The foreign key the activity tables use: no database constraint and no index of its own.

Contacts, the daily roll-up and its weekly totals are partitioned or bulk-written tables of
millions of rows: a constraint would check every row written and an index per key would slow
every load, so each table declares the composite indexes its reads need instead. Django still
deletes the rows with the person, team or competency they point to.
"""

from django.db import models
from django.utils.functional import Promise


def loose_key(to: str, verbose_name: str | Promise) -> models.ForeignKey:
    """A ``ForeignKey`` to ``to`` that cascades in Django, not in the database."""
    return models.ForeignKey(
        to,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=verbose_name,
    )
