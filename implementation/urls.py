from django.urls import path

from . import views

app_name = "implementation"

urlpatterns = [
    path("implementation/", views.summary, name="summary"),
    path("editions/<int:edition_id>/projects/", views.edition_projects, name="edition"),
    path("editions/<int:edition_id>/projects/<int:record_id>/", views.record_detail, name="record"),
    path("editions/<int:edition_id>/projects/<int:record_id>/follow", views.follow, name="follow"),
    path("staff/editions/<int:edition_id>/implementation/", views.staff_records, name="staff"),
    path(
        "staff/editions/<int:edition_id>/implementation/from-results",
        views.staff_create_from_results,
        name="create_from_results",
    ),
    path(
        "staff/editions/<int:edition_id>/implementation/<int:record_id>/milestone",
        views.staff_milestone,
        name="milestone",
    ),
    path(
        "staff/editions/<int:edition_id>/implementation/<int:record_id>/milestones/<int:milestone_id>/edit",
        views.staff_milestone_edit,
        name="milestone_edit",
    ),
    path(
        "staff/editions/<int:edition_id>/implementation/<int:record_id>/milestones/<int:milestone_id>/delete",
        views.staff_milestone_delete,
        name="milestone_delete",
    ),
    path(
        "staff/editions/<int:edition_id>/implementation/progress.csv",
        views.staff_export,
        {"fmt": "csv"},
        name="export_csv",
    ),
    path(
        "staff/editions/<int:edition_id>/implementation/progress.xlsx",
        views.staff_export,
        {"fmt": "xlsx"},
        name="export_xlsx",
    ),
    path("staff/editions/<int:edition_id>/implementation/import", views.staff_import, name="import"),
    path("staff/editions/<int:edition_id>/report/", views.report, name="report"),
    path("staff/editions/<int:edition_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("staff/editions/<int:edition_id>/report.xlsx", views.report_xlsx, name="report_xlsx"),
]
