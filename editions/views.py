"""Public pages of cities and editions."""

from django.shortcuts import render

from .models import City


def index(request):
    return render(request, "editions/index.html", {"cities": City.objects.all()})
