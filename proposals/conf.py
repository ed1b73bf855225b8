"""The app's settings, each overridable in config/settings.py (or the environment) without touching this file."""

import os

from django.conf import settings


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, os.environ.get(name, default)))


def max_proposals_per_resident() -> int:
    """PROPOSALS_PER_RESIDENT: proposals (drafts included, withdrawn excluded) one resident may have per edition."""
    return _setting("PROPOSALS_PER_RESIDENT", 3)


def max_attachments() -> int:
    """PROPOSAL_MAX_ATTACHMENTS: photos and documents per proposal."""
    return _setting("PROPOSAL_MAX_ATTACHMENTS", 6)


def max_upload_bytes() -> int:
    """PROPOSAL_MAX_UPLOAD_MB: the largest photo or document accepted."""
    return _setting("PROPOSAL_MAX_UPLOAD_MB", 10) * 1024 * 1024


def comment_edit_minutes() -> int:
    """COMMENT_EDIT_MINUTES: how long the author may edit a comment."""
    return _setting("COMMENT_EDIT_MINUTES", 15)


def map_tiles() -> dict:
    """PROPOSALS_MAP_TILES: the map's tile URL template and attribution; none in tests (no outside network)."""
    if os.environ.get("TESTING") == "1" and not hasattr(settings, "PROPOSALS_MAP_TILES"):
        return {"url": "", "attribution": ""}
    return getattr(
        settings,
        "PROPOSALS_MAP_TILES",
        {
            "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "attribution": "© OpenStreetMap contributors",
        },
    )


def comments_per_ten_minutes() -> int:
    """PROPOSAL_COMMENTS_PER_10_MIN: comments (and reports) one person may post in ten minutes, against floods."""
    return _setting("PROPOSAL_COMMENTS_PER_10_MIN", 10)
