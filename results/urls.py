from django.urls import path

from . import views

app_name = "results"

urlpatterns = [
    path("editions/<int:edition_id>/results/", views.edition_results, name="edition"),
    path("editions/<int:edition_id>/results/<int:run_id>.pb", views.ballots_pb, name="ballots_pb"),
    path("editions/<int:edition_id>/results/<int:run_id>.csv", views.projects_csv, name="projects_csv"),
    path("editions/<int:edition_id>/results/protocol.pdf", views.protocol_pdf, name="protocol_pdf"),
    path("results/recount/", views.recount, name="recount"),
    path("staff/editions/<int:edition_id>/results/", views.staff_results, name="staff"),
    path("staff/editions/<int:edition_id>/results/count", views.count, name="count"),
    path("staff/editions/<int:edition_id>/results/compare", views.compare, name="compare"),
    path("staff/editions/<int:edition_id>/results/<int:run_id>/publish", views.publish, name="publish"),
]
