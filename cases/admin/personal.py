"""The workbench's side of cases.privacy: a viewer without `cases.view_personal_data` never
meets a personal field in full, on any page of any ledger.

For such a viewer every personal field of the model (cases.privacy.PERSONAL_FIELDS) is replaced,
in the form, the inlines and the list, by a read-only twin named `masked_<field>` that shows the
mask; it is left out of search and sorting. Clerks and administrators see the fields themselves.
"""

from __future__ import annotations

from django.contrib import admin

from cases import privacy

MASKED = "masked_"


class PersonalDataMixin:
    """For ModelAdmin and InlineModelAdmin alike."""

    def personal_masks(self, request) -> dict[str, privacy.Mask]:
        if privacy.can_see_personal_data(request.user):
            return {}
        return privacy.personal_fields(self.model)

    def get_fields(self, request, obj=None):
        return _masked(super().get_fields(request, obj), self.personal_masks(request))

    def get_fieldsets(self, request, obj=None):
        masks = self.personal_masks(request)
        return [
            (title, {**opts, "fields": _masked(opts["fields"], masks)})
            for title, opts in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + tuple(MASKED + name for name in self.personal_masks(request))

    def get_list_display(self, request):
        return _masked(super().get_list_display(request), self.personal_masks(request))

    def get_list_display_links(self, request, list_display):
        links = super().get_list_display_links(request, list_display)
        return _masked(links, self.personal_masks(request)) if links else links

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if privacy.can_see_personal_data(request.user):
            return fields
        return tuple(f for f in fields if not privacy.is_personal(self.model, f))

    def get_sortable_by(self, request):
        # Sorting by a name or an ID number tells its order to someone who may not read it, and
        # on a million-row ledger no index serves it: nobody sorts by a personal field.
        return [
            f
            for f in super().get_sortable_by(request)
            if not (isinstance(f, str) and privacy.is_personal(self.model, f)) and not str(f).startswith(MASKED)
        ]

    def __getattr__(self, name: str):
        # `masked_<field>`: the read-only twin of a personal field, looked up by the admin's
        # forms and lists by name like any other display method.
        if name.startswith(MASKED):
            field_name = name[len(MASKED) :]
            model = self.__dict__.get("model") or getattr(type(self), "model", None)
            if model is not None and field_name in privacy.personal_fields(model):
                return _display(model, field_name)
        raise AttributeError(name)


def _display(model, field_name: str):
    field = model._meta.get_field(field_name)

    @admin.display(description=field.verbose_name)
    def masked(obj):
        return privacy.mask_text(model, field_name, getattr(obj, field_name, "")) or "—"

    return masked


def _masked(fields, masks):
    """`fields` (a flat or grouped sequence of names) with personal names replaced by twins, each
    name once: the admin's default fields are the form's fields *and* the read-only ones, which
    already hold the twins."""
    if not masks or fields is None:
        return fields
    seen: set = set()

    def once(name):
        name = MASKED + name if isinstance(name, str) and name in masks else name
        if name in seen:
            return None
        seen.add(name)
        return name

    result = []
    for item in fields:
        if isinstance(item, tuple | list):
            group = tuple(n for n in map(once, item) if n is not None)
            if group:
                result.append(group)
        elif (name := once(item)) is not None:
            result.append(name)
    return type(fields)(result) if isinstance(fields, tuple) else result


class PersonInline(PersonalDataMixin, admin.TabularInline):
    """The persons of a record (被处理人, 责任人), masked like the record's own fields."""

    extra = 1
