"""Template tags of the clerk's workbench (templates/admin/*)."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_url(context) -> str:
    """The dashboard's address in a header. The bare site root sends a clerk on to their case
    list (cases.landing), so the clerk's link asks for the dashboard by name (`/?view=dashboard`,
    which the dashboard reads as its default year)."""
    request = context.get("request")
    url = reverse("indicators:dashboard")
    user = getattr(request, "user", None)
    if user is None or getattr(request, "unit", None) is not None:
        return url
    from cases.landing import lands_on_case_list

    return f"{url}?view=dashboard" if lands_on_case_list(user) else url


@register.simple_tag(takes_context=True)
def due_counts(context) -> dict:
    """How many of the bureau's open cases are overdue and due soon today, with their lists'
    addresses: the same rule as the dashboard's and the list's 办理状态 filter."""
    from cases.admin.petitions import deadline_context
    from cases.models import PetitionCase

    request = context["request"]
    _calendar, today, cutoff, _days = deadline_context(request)
    url = reverse("admin:cases_petitioncase_changelist")
    return {
        "overdue": PetitionCase.objects.overdue(today).count(),
        "due_soon": PetitionCase.objects.due_soon(today, cutoff).count(),
        "overdue_url": f"{url}?status=overdue",
        "due_soon_url": f"{url}?status=due_soon",
    }


@register.simple_tag
def error_summary(adminform, inline_admin_formsets=()) -> list[dict]:
    """Every error of a change form, in the form's order, each with its field's label and the
    address of its input: [{"label", "messages", "anchor"}]. Errors of the whole form, and of an
    inline row as a whole, come without an anchor."""
    items = []
    form = adminform.form
    for message in form.non_field_errors():
        items.append({"label": "", "messages": [message], "anchor": ""})
    for field in form:
        if field.errors:
            items.append({"label": field.label, "messages": list(field.errors), "anchor": field.id_for_label or ""})
    for inline in inline_admin_formsets or ():
        formset = inline.formset
        name = inline.opts.verbose_name
        for message in formset.non_form_errors():
            items.append({"label": name, "messages": [message], "anchor": ""})
        for number, row in enumerate(formset.forms, start=1):
            row_label = f"{name}第{number}行"
            for message in row.non_field_errors():
                items.append({"label": row_label, "messages": [message], "anchor": ""})
            for field in row:
                if field.errors:
                    items.append(
                        {
                            "label": f"{row_label}·{field.label}",
                            "messages": list(field.errors),
                            "anchor": field.id_for_label or "",
                        }
                    )
    return items
