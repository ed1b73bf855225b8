"""Who is signed in, read from the shared cache together with the session.

Every signed-in request loads its session and its person. With a cache shared by all server processes (Redis,
REDIS_URL), the person is kept there under a key made from the session key, so the session store reads both with
one MGET (accounts.sessions) and a ballot costs one cache round trip and no SQL query to find its voter.

Signing in, or a first request after the copy expired, puts the person there and adds the session key to the
person's set of cached sessions. Saving or deleting a person drops every cached copy at once (the signals below,
connected in AccountsConfig.ready), so a blocked person or a changed profile never outlives the save that made it.
Change people with save(), never with QuerySet.update().
"""

import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from . import sessions

CACHE_SECONDS = 300
logger = logging.getLogger(__name__)


def _sessions_key(user_id) -> str:
    return f"accounts:sessions:{user_id}"


def _enabled() -> bool:
    """Only a cache every process shares can be invalidated everywhere; a per-process one would go stale."""
    return bool(getattr(settings, "REDIS_URL", ""))


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        if not _enabled():
            return super().get_user(user_id)
        session_key, person = sessions.read_with_session()
        if person is not None and str(person.pk) == str(user_id):
            return person
        user = super().get_user(user_id)
        if user is not None and session_key:
            remember(user, session_key)
        return user


def remember(user, session_key: str) -> None:
    """Keep the person in the shared cache for this session, as its next request will read them.

    The session is listed first: a copy that forget_user could not find would outlive a save."""
    if not _enabled():
        return
    try:  # django-redis lets the errors of set commands through, unlike those of get and set
        cache.sadd(_sessions_key(user.pk), session_key)
        cache.expire(_sessions_key(user.pk), CACHE_SECONDS)  # outlives every copy it lists
    except RedisError:
        logger.warning("person %s not cached: Redis did not answer", user.pk, exc_info=True)
        return
    cache.set(sessions.person_key(session_key), user, CACHE_SECONDS)


def remember_signed_in(sender, request, user, **kwargs) -> None:
    """user_logged_in, after Django saved last_login (which dropped the copies): the first page after signing in
    already finds the person in the cache."""
    if _enabled() and request.session.session_key is None:
        request.session.save()  # signing in over another person's session flushed it: it has no key until saved
    remember(user, request.session.session_key)


def forget_signed_out(sender, request, user, **kwargs) -> None:
    """user_logged_out: the session's copy goes with the session."""
    if _enabled() and request.session.session_key:
        cache.delete(sessions.person_key(request.session.session_key))


def forget_user(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a person: every session's next request reads them from the database.

    The copies are dropped at once and again when the transaction commits: a request that read the old row in
    between must not keep it. If Redis does not answer, nothing is dropped: after an outage, flush it
    (docs/deploy.md)."""
    if _enabled():
        _drop_copies(instance.pk)
        transaction.on_commit(lambda: _drop_copies(instance.pk))


def _drop_copies(user_id) -> None:
    try:
        session_keys = cache.smembers(_sessions_key(user_id))
    except RedisError:
        logger.error("cached copies of person %s not dropped: Redis did not answer", user_id, exc_info=True)
        return
    cache.delete_many([_sessions_key(user_id), *(sessions.person_key(key) for key in session_keys)])
