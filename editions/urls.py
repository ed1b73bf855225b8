from django.urls import path

from . import views

app_name = "editions"

urlpatterns = [
    path("", views.index, name="index"),
]
