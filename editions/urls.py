"""Public pages. City slugs share the site's first path segment: editions/reserved.py keeps them apart."""

from django.urls import path

from . import views

app_name = "editions"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:city_slug>/", views.city_home, name="city"),
    path("<slug:city_slug>/editions/", views.edition_list, name="edition_list"),
    path("<slug:city_slug>/contacts/", views.contacts, name="contacts"),
    path("<slug:city_slug>/<int:year>/", views.edition_detail, name="edition"),
]
