from django import template

from cases.models import Attachment

register = template.Library()


@register.simple_tag
def attachment_stages():
    """The stages an attachment may belong to, for the upload form's choice."""
    return Attachment.Stage.choices


@register.simple_tag
def attachments_of(case):
    """The case's attachments, oldest first (the request's scope applies)."""
    return list(Attachment.objects.filter(case=case).select_related("uploaded_by").order_by("uploaded_at", "id"))
