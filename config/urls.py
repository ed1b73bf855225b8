"""Site URLs: each area mounts its own urls.py; language switching uses Django's set_language view."""

from django.contrib import admin
from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache
from django_otp.admin import OTPAdminSite

# The Django admin, like every staff tool, needs a session verified with the staff member's TOTP app.
admin.site.__class__ = OTPAdminSite


@never_cache
def healthz(request):
    """Answer 200 when the database answers, 503 otherwise (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # First among the areas: a ballot is the busiest request, and Django tries the patterns in order.
    path("", include("voting.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("staff/", include("review.urls")),
    path("staff/", include("editions.staff_urls")),
    path("", include("notifications.urls")),
    path("", include("implementation.urls")),
    path("", include("news.urls")),
    path("", include("voting.paper_urls")),
    path("", include("proposals.urls")),
    path("", include("results.urls")),
    path("", include("editions.urls")),
]
