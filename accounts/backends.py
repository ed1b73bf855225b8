"""Who is signed in, read from the shared cache when there is one.

Every signed-in request loads its person. With a cache shared by all server processes (Redis, REDIS_URL), the
person is kept there for a few minutes, so a ballot costs no SQL query to find its voter. Signing in puts the
person there; saving or deleting a person drops the cached copy at once (the signals below, connected in
AccountsConfig.ready), so a blocked person or a changed profile never outlives the save that made it. Change
people with save(), never with QuerySet.update().
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

CACHE_SECONDS = 300


def _key(user_id) -> str:
    return f"accounts:user:{user_id}"


def _enabled() -> bool:
    """Only a cache every process shares can be invalidated everywhere; a per-process one would go stale."""
    return bool(getattr(settings, "REDIS_URL", ""))


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        if not _enabled():
            return super().get_user(user_id)
        user = cache.get(_key(user_id))
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                remember(user)
        return user


def remember(user) -> None:
    """Keep the person in the shared cache, as their next request would."""
    if _enabled():
        cache.set(_key(user.pk), user, CACHE_SECONDS)


def remember_signed_in(sender, request, user, **kwargs) -> None:
    """user_logged_in, after Django saved last_login (which dropped the copy): the first page after signing in
    already finds the person in the cache."""
    remember(user)


def forget_user(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a person: the next request reads them from the database."""
    if _enabled():
        cache.delete(_key(instance.pk))
