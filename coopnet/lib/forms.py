"""Small helpers the views of every app share for forms backed by services."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, or None for a GET: an empty POST still shows "required" errors."""
    return request.POST if request.method == "POST" else None


def add_service_errors(error: ValidationError, *forms_: forms.BaseForm) -> None:
    """Show a service's ValidationError beside the field it names, on whichever of `forms_` has
    that field, or at the top of the first form."""
    by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    for field, errors in by_field.items():
        owner = next((f for f in forms_ if field in f.fields), None)
        (owner or forms_[0]).add_error(field if owner else None, errors)
