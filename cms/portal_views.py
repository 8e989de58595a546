"""Portal pages that draw on several apps: a post's full requirement set."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from competencies.selectors import requirements_for_post
from ksf import selectors as ksf_selectors
from ksf.models import Post


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("service"), pk=pk)
    requirements = list(requirements_for_post(post))
    return render(
        request,
        "cms/post_detail.html",
        {
            "post": post,
            "outline": ksf_selectors.post_outline(post),
            "missing_core": ksf_selectors.missing_core_dimensions(post),
            "requirements": requirements,
            "mandatory_count": sum(1 for r in requirements if r.mandatory),
        },
    )
