"""Expert and coordinator screens of the review, mounted under /staff/ (namespace "review")."""

from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/proposals/<int:proposal_id>/", views.assess, name="assess"),
    path("review/proposals/<int:proposal_id>/conflict/", views.conflict, name="conflict"),
    path("editions/<int:edition_id>/review/", views.progress, name="progress"),
    path("editions/<int:edition_id>/review/groups/", views.groups, name="groups"),
    path("editions/<int:edition_id>/review/groups/<int:group_id>/", views.groups, name="group_edit"),
    path("editions/<int:edition_id>/review/assign/", views.assign_many, name="assign_many"),
    path("editions/<int:edition_id>/review/proposals/<int:proposal_id>/assign/", views.assign, name="assign"),
    path("editions/<int:edition_id>/review/assignments/<int:assignment_id>/remove/", views.unassign, name="unassign"),
    path("editions/<int:edition_id>/review/proposals/<int:proposal_id>/decision/", views.decide, name="decide"),
    path("editions/<int:edition_id>/review/publish/", views.publish, name="publish"),
    path("editions/<int:edition_id>/review/proposals.csv", views.export_csv, name="export_csv"),
    path("editions/<int:edition_id>/review/proposals.xlsx", views.export_xlsx, name="export_xlsx"),
]
