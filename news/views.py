"""Public news pages and the coordinators' news screens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from editions.models import City
from editions.permissions import get_edition_for_coordinator, is_coordinator

from . import services
from .forms import NewsForm
from .models import NewsItem


def news_list(request, city_slug: str):
    city = get_object_or_404(City, slug=city_slug)
    items = NewsItem.objects.published().filter(city=city).select_related("city")
    page = Paginator(items, 10).get_page(request.GET.get("page"))
    return render(request, "news/list.html", {"city": city, "page": page})


def news_detail(request, city_slug: str, pk: int):
    city = get_object_or_404(City, slug=city_slug)
    item = get_object_or_404(NewsItem.objects.published().select_related("city"), pk=pk, city=city)
    return render(request, "news/detail.html", {"city": city, "item": item})


def _city_for_coordinator(user, city_id: int) -> City:
    city = get_object_or_404(City, pk=city_id)
    if not is_coordinator(user, city):
        raise PermissionDenied
    return city


@login_required
def staff_for_edition(request, edition_id: int):
    """The coordinators' dashboard links per edition; news belong to the edition's city."""
    edition = get_edition_for_coordinator(request.user, edition_id)
    return redirect("news:staff_list", city_id=edition.city_id)


@login_required
def staff_list(request, city_id: int):
    city = _city_for_coordinator(request.user, city_id)
    items = NewsItem.objects.filter(city=city).order_by("-created_at")
    return render(request, "news/staff_list.html", {"city": city, "items": items})


@login_required
def staff_edit(request, city_id: int, pk: int | None = None):
    city = _city_for_coordinator(request.user, city_id)
    item = get_object_or_404(NewsItem, pk=pk, city=city) if pk else None
    form = NewsForm(
        request.POST or None,
        request.FILES or None,
        instance=item,
        initial={"publish": bool(item and item.published_at)},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("new_photo", "publish")}
        try:
            item = services.save_news(
                actor=request.user,
                city=city,
                item=item,
                photo=form.cleaned_data.get("new_photo"),
                publish=form.cleaned_data["publish"],
                **data,
            )
        except ValidationError as error:
            form.add_error("new_photo", error)
        else:
            messages.success(request, _("The news item is saved."))
            return redirect("news:staff_list", city_id=city.pk)
    return render(request, "news/staff_edit.html", {"city": city, "item": item, "form": form})
