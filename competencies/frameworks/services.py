"""Writes about frameworks: the tree editor's moves, new versions, ownership."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext
from guardian.shortcuts import assign_perm, remove_perm

from competencies.models import Competency, Framework, PostRequirement
from ksf import audit


def _require_editable(framework: Framework) -> None:
    if not framework.is_editable:
        raise ValidationError(
            gettext(
                "%(framework)s is %(status)s: published or in-review versions never change. "
                "Start a new version to edit."
            )
            % {"framework": framework, "status": framework.get_status_display().lower()}
        )


def _siblings(node: Competency):
    return Competency.objects.filter(framework=node.framework, parent=node.parent).order_by(
        "sort_order", "pk"
    )


def _renumber(framework: Framework, parent: Competency | None) -> None:
    rows = list(
        Competency.objects.filter(framework=framework, parent=parent).order_by("sort_order", "pk")
    )
    for i, row in enumerate(rows):
        row.sort_order = i
    Competency.objects.bulk_update(rows, ["sort_order"])


def _require_room(parent: Competency | None, node: Competency | None = None) -> None:
    """Refuse a change that would put ``node`` (and everything under it) below the deepest
    level a framework may have."""
    levels_below = 0
    ids = [node.pk] if node is not None and node.pk else []
    while ids and levels_below <= Competency.MAX_DEPTH:
        ids = list(Competency.objects.filter(parent_id__in=ids).values_list("pk", flat=True))
        levels_below += 1 if ids else 0
    deepest = (parent.depth if parent is not None else 0) + 1 + levels_below
    if deepest > Competency.MAX_DEPTH:
        raise ValidationError(
            gettext(
                "That would put a competency at level %(level)d: a framework may have at "
                "most %(limit)d levels."
            )
            % {"level": deepest, "limit": Competency.MAX_DEPTH}
        )


def _set_depths(node: Competency) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        current.depth = current.parent.depth + 1 if current.parent is not None else 1
        current.save(update_fields=["depth", "parent", "sort_order"])
        stack.extend(current.children.all())


@transaction.atomic
def add_competency(
    *,
    framework: Framework,
    parent: Competency | None,
    idnumber: str,
    short_name: str,
    code: str = "",
    description: str = "",
    user: User | None,
) -> Competency:
    _require_editable(framework)
    _require_room(parent)
    if Competency.objects.filter(framework=framework, idnumber=idnumber).exists():
        raise ValidationError(
            {
                "idnumber": gettext("ID number '%(idnumber)s' is already used in this framework.")
                % {"idnumber": idnumber}
            }
        )
    last = Competency.objects.filter(framework=framework, parent=parent).aggregate(
        m=Max("sort_order")
    )["m"]
    node = Competency.objects.create(
        framework=framework,
        parent=parent,
        idnumber=idnumber,
        short_name=short_name,
        code=code,
        description=description,
        sort_order=(last or 0) + 1,
        depth=parent.depth + 1 if parent else 1,
    )
    audit.log_create(node, user)
    return node


@transaction.atomic
def save_competency(form, *, user: User | None) -> Competency:
    """Save an edited competency from the tree editor's form, refusing cycles."""
    node: Competency = form.instance
    _require_editable(node.framework)
    before = audit.snapshot(Competency.objects.get(pk=node.pk))
    node.full_clean()
    _require_room(node.parent, node)
    node = form.save()
    _set_depths(node)
    audit.log_change(node, user, audit.diff(before, audit.snapshot(node)))
    return node


@transaction.atomic
def move(node: Competency, direction: str, *, user: User | None) -> None:
    """up/down among siblings; indent under the previous sibling; outdent to the parent's level."""
    framework = node.framework
    _require_editable(framework)
    siblings = list(_siblings(node))
    index = next(i for i, s in enumerate(siblings) if s.pk == node.pk)
    if direction in ("up", "down"):
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(siblings):
            siblings[index], siblings[other] = siblings[other], siblings[index]
            for i, s in enumerate(siblings):
                s.sort_order = i
            Competency.objects.bulk_update(siblings, ["sort_order"])
    elif direction == "indent":
        if index == 0:
            raise ValidationError(gettext("The first item at a level cannot be indented."))
        old_parent = node.parent
        _require_room(siblings[index - 1], node)
        node.parent = siblings[index - 1]
        node.sort_order = (node.parent.children.aggregate(m=Max("sort_order"))["m"] or 0) + 1
        _set_depths(node)
        _renumber(framework, old_parent)
    elif direction == "outdent":
        if node.parent is None:
            raise ValidationError(gettext("Top-level items cannot be outdented."))
        old_parent = node.parent
        node.parent = old_parent.parent
        node.sort_order = old_parent.sort_order
        # Place it straight after its old parent.
        for s in Competency.objects.filter(
            framework=framework, parent=node.parent, sort_order__gt=old_parent.sort_order
        ):
            s.sort_order += 1
            s.save(update_fields=["sort_order"])
        node.sort_order = old_parent.sort_order + 1
        _set_depths(node)
        _renumber(framework, old_parent)
    else:
        raise ValidationError(gettext("Unknown move '%(move)s'.") % {"move": direction})
    audit.log_change(node, user, {gettext("position"): ["", direction]})


@transaction.atomic
def delete_competency(node: Competency, *, user: User | None) -> None:
    _require_editable(node.framework)
    if PostRequirement.objects.filter(competency__in=[node, *node.children.all()]).exists():
        raise ValidationError(
            gettext("Posts require this competency: remove those requirements first.")
        )
    audit.log_delete(node, user)
    parent, framework = node.parent, node.framework
    node.delete()
    _renumber(framework, parent)


@transaction.atomic
def start_new_version(framework: Framework, *, version: str, user: User | None) -> Framework:
    """A draft copy whose competencies keep their identifiers, so requirements can follow."""
    if Framework.objects.filter(idnumber=framework.idnumber, version=version).exists():
        raise ValidationError(
            {"version": gettext("Version %(version)s already exists.") % {"version": version}}
        )
    from competencies.interchange.tree import FrameworkData, framework_to_data, save_framework

    data: FrameworkData = framework_to_data(framework)
    data.version = version
    data.identifier = None
    new = save_framework(data, filename=str(framework), user=user)
    new.family = framework.family
    new.previous_version = framework
    new.save(update_fields=["family", "previous_version"])
    new.save_revision(user=user)  # publishing restores fields from the latest revision
    return new


EDIT_PERMS = ("competencies.change_framework", "competencies.view_framework")


def grant_framework(framework, user: User) -> None:
    for perm in EDIT_PERMS:
        assign_perm(perm, user, framework)


@transaction.atomic
def hand_over(framework, *, to: User, by: User | None) -> None:
    """Make ``to`` the owner; the previous owner keeps nothing unless granted separately."""
    previous = framework.owner
    if previous is not None and previous != to:
        for perm in EDIT_PERMS:
            remove_perm(perm, previous, framework)
    framework.owner = to
    framework.save(update_fields=["owner"])
    if not framework.live:
        framework.save_revision(user=by)  # publishing restores fields from the latest revision
    grant_framework(framework, to)
    audit.log_change(
        framework,
        by,
        {gettext("owner"): [previous.get_username() if previous else "—", to.get_username()]},
    )
