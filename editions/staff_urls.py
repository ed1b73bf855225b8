"""Coordinators' and administrators' screens, mounted at /staff/ (namespace "staff")."""

from django.urls import path

from . import staff_views as views

app_name = "staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cities/new/", views.city_create, name="city_create"),
    path("cities/<int:city_id>/", views.city_edit, name="city_edit"),
    path("cities/<int:city_id>/roles/", views.role_add, name="role_add"),
    path("roles/<int:role_id>/remove/", views.role_remove, name="role_remove"),
    path("cities/<int:city_id>/editions/new/", views.edition_create, name="edition_create"),
    path("editions/<int:edition_id>/", views.edition_edit, name="edition_edit"),
    path("editions/<int:edition_id>/next-phase/", views.advance_phase, name="advance_phase"),
    path("editions/<int:edition_id>/districts-categories/", views.edition_structure, name="edition_structure"),
    path("editions/<int:edition_id>/categories/", views.category_add, name="category_add"),
    path("editions/<int:edition_id>/categories/<int:category_id>/", views.category_edit, name="category_edit"),
    path(
        "editions/<int:edition_id>/categories/<int:category_id>/remove/", views.category_remove, name="category_remove"
    ),
    path("editions/<int:edition_id>/districts/", views.district_add, name="district_add"),
    path("editions/<int:edition_id>/districts/<int:edition_district_id>/", views.district_edit, name="district_edit"),
    path(
        "editions/<int:edition_id>/districts/<int:edition_district_id>/remove/",
        views.district_remove,
        name="district_remove",
    ),
]
