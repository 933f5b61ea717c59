from django.urls import path

from .views import drafts, editing, public, publishing, review, templates, writing

app_name = "reports"
urlpatterns = [
    path("", drafts.index, name="index"),
    path("new/", drafts.create, name="create"),
    path("template/", templates.template, name="template"),
    path("template/propose/", templates.propose, name="propose"),
    path("<int:year>/", drafts.detail, name="detail"),
    path("<int:year>/save-template/", templates.save_template, name="save_template"),
    path("<int:year>/check/", drafts.check, name="check"),
    path("<int:year>/history/", drafts.history, name="history"),
    path("<int:year>/export/<str:fmt>/", drafts.export_draft, name="export"),
    path("<int:year>/export/<str:fmt>/background/", drafts.export_background, name="export_background"),
    path("<int:year>/edit/", editing.edit, name="edit"),
    path("<int:year>/write/", writing.write, name="write"),
    path("<int:year>/write/preview/", writing.write_preview, name="write_preview"),
    path("<int:year>/sections/add/", editing.add_section, name="add_section"),
    path("<int:year>/sections/<int:pk>/", editing.edit_section, name="edit_section"),
    path("<int:year>/sections/<int:pk>/preview/", editing.preview_section, name="preview_section"),
    path("<int:year>/sections/<int:pk>/move/", editing.move_section, name="move_section"),
    path("<int:year>/sections/<int:pk>/delete/", editing.delete_section, name="delete_section"),
    path("<int:year>/submit/", review.submit, name="submit"),
    path("<int:year>/review/", review.review, name="review"),
    path("<int:year>/comments/<int:pk>/resolve/", review.resolve_comment, name="resolve_comment"),
    path("<int:year>/publish/", publishing.publish, name="publish"),
    path("<int:year>/revisions/<int:number>/pdf/", publishing.revision_pdf, name="revision_pdf"),
    path("public/", public.index, name="public_index"),
    path("public/<int:bureau>/", public.bureau_index, name="public_bureau"),
    path("public/<int:bureau>/<int:year>/", public.report, name="public"),
    path("public/<int:bureau>/<int:year>/pdf/", public.pdf, name="public_pdf"),
    path("public/<int:bureau>/<int:year>/v<int:number>/", public.report, name="public_revision"),
    path("public/<int:bureau>/<int:year>/v<int:number>/pdf/", public.pdf, name="public_revision_pdf"),
]
