from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.log, name="log"),
    path("editions/<int:edition_id>/decisions/", views.decisions, name="decisions"),
]
