"""Forms for the organisation pages: finding a post by its title."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.portal.forms import PortalForm

SEARCH_MAX_CHARS = 200  # a post title is at most 200 characters


class SearchInput(forms.TextInput):
    input_type = "search"


class PostSearchForm(PortalForm):
    """The words to look for in post titles. Read from the address, so anything may arrive."""

    q = forms.CharField(
        label=_("Search posts by title"),
        required=False,
        max_length=SEARCH_MAX_CHARS,
        widget=SearchInput(attrs={"class": "nhsuk-input--width-20"}),
        error_messages={
            "null_characters_not_allowed": _(
                "Search with letters, numbers and punctuation only: the words had a "
                "control character in them."
            ),
            "max_length": _("Search with %(limit_value)s characters or fewer."),
        },
    )

    def query(self) -> str:
        """The words to search for; empty when they cannot be used (the form says why)."""
        return self.cleaned_data["q"] if self.is_valid() else ""
