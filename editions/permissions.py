"""Who may do what: the one place roles are checked; views and services call these, templates only read."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import City, Edition, Role, StaffRole


def _second_factor_ok(user) -> bool:
    """Staff powers count only in a session verified with TOTP (a phone code alone is not enough).

    django-otp's middleware gives every request's user `is_verified()`. A user loaded outside a request (a
    management command run on the server, a service called from a test) has no session to verify.
    """
    is_verified = getattr(user, "is_verified", None)
    return is_verified is None or is_verified()


def is_staff_member(user) -> bool:
    """Anyone who must use a password and TOTP: Django staff or anyone holding a staff role."""
    return user.is_authenticated and (user.is_staff or user.is_superuser or user.staff_roles.exists())


def _has_role(user, role: Role, city: City | None = None) -> bool:
    if not user.is_authenticated or not user.is_active or not _second_factor_ok(user):
        return False
    roles = StaffRole.objects.filter(user=user, role=role)
    if city is not None:
        roles = roles.filter(city=city)
    return roles.exists()


def is_administrator(user) -> bool:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return _second_factor_ok(user)
    return _has_role(user, Role.ADMINISTRATOR)


def is_coordinator(user, city: City) -> bool:
    """Coordinators run their own city's editions; administrators may act for any city."""
    return is_administrator(user) or _has_role(user, Role.COORDINATOR, city)


def is_expert(user, city: City) -> bool:
    return _has_role(user, Role.EXPERT, city)


def coordinated_cities(user):
    if is_administrator(user):
        return City.objects.all()
    if not user.is_authenticated or not user.is_active or not _second_factor_ok(user):
        return City.objects.none()
    return City.objects.filter(staff_roles__user=user, staff_roles__role=Role.COORDINATOR).distinct()


def get_edition_for_coordinator(user, edition_id: int) -> Edition:
    """The edition, if this user coordinates its city: 404 when it does not exist, 403 when not theirs."""
    edition = get_object_or_404(Edition.objects.select_related("city"), pk=edition_id)
    if not is_coordinator(user, edition.city):
        raise PermissionDenied
    return edition


def may_correct_iins(user) -> bool:
    """Who may open the IIN correction page: administrators and coordinators."""
    return is_administrator(user) or coordinated_cities(user).exists()


def can_correct_iin(user, person) -> bool:
    """Administrators correct anyone's IIN; coordinators only for residents of their city's districts."""
    if is_administrator(user):
        return True
    return person.district is not None and is_coordinator(user, person.district.city)
