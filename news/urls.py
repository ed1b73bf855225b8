from django.urls import path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("staff/editions/<int:edition_id>/news/", views.staff_for_edition, name="staff_for_edition"),
    path("staff/cities/<int:city_id>/news/", views.staff_list, name="staff_list"),
    path("staff/cities/<int:city_id>/news/new", views.staff_edit, name="staff_new"),
    path("staff/cities/<int:city_id>/news/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("<slug:city_slug>/news/", views.news_list, name="list"),
    path("<slug:city_slug>/news/<int:pk>/", views.news_detail, name="detail"),
    path("<slug:city_slug>/news/<str:lang>/rss.xml", feeds.NewsFeed(), name="rss"),
    path("<slug:city_slug>/news/<str:lang>/atom.xml", feeds.AtomNewsFeed(), name="atom"),
]
