"""Framework admin pages: the tree editor, new version, hand over, import and export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext, pgettext

from competencies.admin_forms import (
    CompetencyForm,
    HandOverForm,
    ImportFrameworkForm,
    NewVersionForm,
)
from competencies.frameworks import selectors as frameworks_selectors
from competencies.frameworks import services as frameworks_services
from competencies.frameworks.policies import framework_policy, may_read
from competencies.frameworks.services import hand_over
from competencies.interchange.detect import export_framework, import_framework
from competencies.models import Competency, Framework
from competencies.requirements import selectors as requirements_selectors
from competencies.requirements import services as requirements_services
from competencies.requirements.policies import requirement_policy
from ksf.imports.tabular import ImportFailed


def _framework_for(request: HttpRequest, pk: int, action: str = "change") -> Framework:
    """The framework if the user may do ``action`` to it ("read": the policy's reading rule)."""
    framework = get_object_or_404(Framework, pk=pk)
    allowed = (
        may_read(request.user, framework)
        if action == "read"
        else framework_policy.user_has_permission_for_instance(request.user, action, framework)
    )
    if not allowed:
        raise PermissionDenied
    return framework


def _simple_form(
    request: HttpRequest, form, *, title: str, intro: str, submit: str, icon: str
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "competencies/admin/simple_form.html",
        {"form": form, "page_title": title, "intro": intro, "submit": submit, "header_icon": icon},
    )


def _labelled(framework: Framework, nodes: list[Competency]) -> list[Competency]:
    """Name each node's depth with the framework's own label, e.g. 'domain'.

    The labels are the framework's data, shown as written; without any, every node is a
    competency, in the reader's language (``label_for_depth``'s default also names CASE item
    types, so it stays as it is).
    """
    for node in nodes:
        if framework.taxonomy:
            node.label = framework.label_for_depth(node.depth)
        else:
            node.label = pgettext("taxonomy level", "competency")
    return nodes


def _messages_from(error: ValidationError) -> str:
    return " ".join(error.messages)


def framework_tree(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework_for(request, pk)
    form = CompetencyForm(framework=framework)
    editing = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        node = None
        if request.POST.get("node"):
            node = get_object_or_404(Competency, pk=request.POST["node"], framework=framework)
        try:
            if action in ("up", "down", "indent", "outdent") and node:
                frameworks_services.move(node, action, user=request.user)
                return redirect(f"{request.path}#c{node.pk}")
            if action == "delete" and node:
                frameworks_services.delete_competency(node, user=request.user)
                messages.success(request, gettext("Deleted %(competency)s.") % {"competency": node})
                return redirect(request.path)
            if action in ("add", "save"):
                form = CompetencyForm(request.POST, framework=framework, instance=node)
                if form.is_valid():
                    if node is None:
                        data = form.cleaned_data
                        node = frameworks_services.add_competency(
                            framework=framework,
                            parent=data["parent"],
                            idnumber=data["idnumber"],
                            short_name=data["short_name"],
                            code=data["code"],
                            description=data["description"],
                            user=request.user,
                        )
                        messages.success(
                            request, gettext("Added %(competency)s.") % {"competency": node}
                        )
                    else:
                        frameworks_services.save_competency(form, user=request.user)
                        messages.success(
                            request, gettext("Saved %(competency)s.") % {"competency": node}
                        )
                    return redirect(f"{request.path}#c{node.pk}")
                editing = node
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field_name, errs in error.message_dict.items():
                    form.add_error(field_name if field_name in form.fields else None, errs)
            else:
                messages.error(request, _messages_from(error))
    elif request.GET.get("edit"):
        editing = get_object_or_404(Competency, pk=request.GET["edit"], framework=framework)
        form = CompetencyForm(instance=editing, framework=framework)
    return TemplateResponse(
        request,
        "competencies/admin/tree.html",
        {
            "framework": framework,
            "nodes": _labelled(framework, frameworks_selectors.tree(framework)),
            "left_behind": requirements_selectors.requirements_left_behind(framework)
            if framework.live
            else [],
            "form": form,
            "editing": editing,
            "page_title": gettext("Competencies of %(framework)s") % {"framework": framework},
            "header_icon": "list-ul",
        },
    )


def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework_for(request, pk, "view")
    if not framework_policy.user_has_permission(request.user, "add"):
        raise PermissionDenied
    form = NewVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = frameworks_services.start_new_version(
                framework, version=form.cleaned_data["version"], user=request.user
            )
        except (ValidationError, ImportFailed) as error:
            form.add_error("version", str(getattr(error, "messages", [error])[0]))
        else:
            from competencies.frameworks.services import grant_framework

            grant_framework(new, request.user)
            messages.success(
                request,
                gettext("Started %(new)s as a draft copy of %(framework)s.")
                % {"new": new, "framework": framework},
            )
            return redirect(reverse("competencies_tree", args=[new.pk]))
    return _simple_form(
        request,
        form,
        title=gettext("Start a new version of %(framework)s") % {"framework": framework},
        intro=gettext(
            "The new version starts as a draft copy. When it is published, post "
            "requirements move to it by each competency's identity; anything that cannot be "
            "matched is listed for you."
        ),
        submit=gettext("Start new version"),
        icon="copy",
    )


def hand_over_view(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework_for(request, pk)
    form = HandOverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        hand_over(framework, to=form.cleaned_data["to"], by=request.user)
        messages.success(
            request,
            gettext("%(owner)s now owns %(framework)s.")
            % {"owner": form.cleaned_data["to"], "framework": framework},
        )
        return redirect(reverse("competencies_tree", args=[framework.pk]))
    return _simple_form(
        request,
        form,
        title=gettext("Hand over %(framework)s") % {"framework": framework},
        intro=gettext("Current owner: %(owner)s.")
        % {"owner": framework.owner or pgettext("framework owner", "nobody")},
        submit=gettext("Hand over"),
        icon="user",
    )


def import_view(request: HttpRequest) -> HttpResponse:
    if not framework_policy.user_has_permission(request.user, "add"):
        raise PermissionDenied
    form = ImportFrameworkForm(request.POST or None, request.FILES or None)
    failure = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            framework = import_framework(
                upload.read(),
                upload.name,
                fmt=form.cleaned_data["format"] or None,
                user=request.user,
            )
        except ImportFailed as exc:
            failure = exc
        else:
            count = framework.competencies.count()
            # The English says "competencies" whatever the count; other languages may inflect.
            text = ngettext(
                "Imported %(framework)s with %(count)d competencies as a draft.",
                "Imported %(framework)s with %(count)d competencies as a draft.",
                count,
            )
            messages.success(request, text % {"framework": framework, "count": count})
            return redirect(reverse("competencies_tree", args=[framework.pk]))
    return TemplateResponse(
        request,
        "competencies/admin/import.html",
        {
            "form": form,
            "failure": failure,
            "page_title": gettext("Import a framework"),
            "header_icon": "upload",
        },
    )


def export_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("moodle", "case"):
        raise Http404("Unknown format")
    framework = _framework_for(request, pk, "read")
    try:
        content, content_type, name = export_framework(
            framework, fmt, base_url=request.build_absolute_uri("/").rstrip("/")
        )
    except ValueError as error:
        messages.error(
            request,
            gettext("This framework cannot be written as %(format)s: %(error)s")
            % {"format": fmt, "error": error},
        )
        return redirect(reverse("competencies_tree", args=[framework.pk]))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def assign_requirements_view(request: HttpRequest) -> HttpResponse:
    if not requirement_policy.user_has_permission(request.user, "add"):
        raise PermissionDenied
    from competencies.admin_forms import AssignRequirementsForm

    form = AssignRequirementsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = requirements_services.assign_requirements(
                posts=data["posts"],
                competencies=data["competencies"],
                mandatory=data["mandatory"],
                months_allowed=data["months_allowed"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("Added %(created)d requirements; %(already)d were already in place.")
                % {"created": result.created, "already": result.already},
            )
            return redirect(reverse("competencies_requirement:index"))
    return _simple_form(
        request,
        form,
        title=gettext("Require competencies of several posts"),
        intro=gettext(
            "Each chosen post will require each chosen competency. Requirements a post "
            "already has keep their terms."
        ),
        submit=gettext("Add requirements"),
        icon="tick-inverse",
    )


def copy_requirements_view(request: HttpRequest) -> HttpResponse:
    if not requirement_policy.user_has_permission(request.user, "add"):
        raise PermissionDenied
    from competencies.admin_forms import CopyRequirementsForm

    form = CopyRequirementsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = requirements_services.copy_requirements(
                source=form.cleaned_data["source"],
                target=form.cleaned_data["target"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext("Copied %(created)d requirements; %(already)d were already in place.")
                % {"created": result.created, "already": result.already},
            )
            return redirect(reverse("post_detail", args=[form.cleaned_data["target"].pk]))
    return _simple_form(
        request,
        form,
        title=gettext("Copy requirements from another post"),
        intro=gettext(
            "The second post gains every requirement of the first that it does not have."
        ),
        submit=gettext("Copy requirements"),
        icon="copy",
    )
