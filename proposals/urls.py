"""Public pages under /editions/<edition_id>/proposals/ and /proposals/<pk>/; moderation under /staff/."""

from django.urls import path

from . import staff_views, views

app_name = "proposals"

_MOD = "staff/editions/<int:edition_id>/moderation/"

urlpatterns = [
    path("<slug:city_slug>/proposals/", views.city_list, name="list"),
    path("editions/<int:edition_id>/proposals/", views.edition_list, name="edition_list"),
    path("editions/<int:edition_id>/proposals/map/", views.map_view, name="map"),
    path("editions/<int:edition_id>/proposals/mine/", views.mine, name="mine"),
    path("editions/<int:edition_id>/proposals/new/", views.new, name="new"),
    path("proposals/<int:pk>/", views.detail, name="detail"),
    path("proposals/<int:pk>/edit/", views.edit, name="edit"),
    path("proposals/<int:pk>/preview/", views.preview, name="preview"),
    path("proposals/<int:pk>/submit/", views.submit, name="submit"),
    path("proposals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("proposals/<int:pk>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("proposals/<int:pk>/files/<int:attachment_id>/thumbnail/", views.thumbnail, name="thumbnail"),
    path("proposals/<int:pk>/files/<int:attachment_id>/delete/", views.attachment_delete, name="attachment_delete"),
    path("proposals/<int:pk>/support/", views.support, name="support"),
    path("proposals/<int:pk>/unsupport/", views.unsupport, name="unsupport"),
    path("proposals/<int:pk>/follow/", views.follow, name="follow"),
    path("proposals/<int:pk>/unfollow/", views.unfollow, name="unfollow"),
    path("proposals/<int:pk>/report/", views.report, name="report"),
    path("proposals/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("proposals/<int:pk>/comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("proposals/<int:pk>/comments/<int:comment_id>/report/", views.report, name="comment_report"),
    path(_MOD, staff_views.queue, name="moderation"),
    path(_MOD + "proposals/<int:pk>/hide/", staff_views.hide, name="mod_hide"),
    path(_MOD + "proposals/<int:pk>/restore/", staff_views.restore, name="mod_restore"),
    path(_MOD + "proposals/<int:pk>/checked/", staff_views.approve, name="mod_checked"),
    path(_MOD + "proposals/<int:pk>/merge/", staff_views.merge, name="mod_merge"),
    path(_MOD + "comments/<int:comment_id>/hide/", staff_views.comment_hide, name="mod_comment_hide"),
    path(_MOD + "comments/<int:comment_id>/restore/", staff_views.comment_restore, name="mod_comment_restore"),
    path(_MOD + "reports/<int:report_id>/dismiss/", staff_views.report_dismiss, name="mod_report_dismiss"),
    path(_MOD + "people/<int:user_id>/block/", staff_views.block, name="mod_block"),
    path(_MOD + "people/<int:user_id>/unblock/", staff_views.unblock, name="mod_unblock"),
]
