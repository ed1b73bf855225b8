from django.urls import path

from . import views

app_name = "voting"

urlpatterns = [
    path("editions/<int:edition_id>/vote/", views.ballot, name="ballot"),
    path("editions/<int:edition_id>/vote/confirm/", views.confirm, name="confirm"),
    path("editions/<int:edition_id>/vote/done/", views.done, name="done"),
    path("editions/<int:edition_id>/vote/withdraw/", views.cancel, name="cancel"),
    path("editions/<int:edition_id>/receipt/", views.receipt, name="receipt"),
]
