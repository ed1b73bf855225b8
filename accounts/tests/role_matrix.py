"""Who gets which HTTP status on every URL of the site: the data behind test_role_matrix.py.

Adding a URL (the matrix test fails until every named URL pattern is listed here):

    "editions:edition": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=everyone(200)),
    "editions:coordinate": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "voting:ballot_submit": Case(method="post", data={...}, kwargs=..., expect={**signed_in(), "anonymous": 302}),

- `kwargs` is a dict or a function of the World below (an announced edition of the city "aksu" with a
  district and category, another city "khromtau" with its own edition, and the people in ROLES).
- `expect` maps every role in ROLES to the status of a request made without following redirects. Start from a
  helper (everyone, signed_in, coordinators_of_city, coordinators_anywhere, administrators) and override
  single roles with `{**helper(), "expert": 200}`. "coordinator_by_code" (a coordinator whose session has no
  TOTP) defaults to the resident's status: staff powers must never count without the second factor.
- `method="post"` with `data` checks POST-only views; a role that may not act should get 403 (or 302 when
  anonymous), never 200/302-with-effect.
- A URL may have a list of cases, e.g. a GET for the page and a POST that acts; each is checked.
- A URL that cannot be requested meaningfully goes in NOT_REQUESTED with the reason.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

ROLES = (
    "anonymous",
    "resident",
    "expert",
    "coordinator",
    "other_coordinator",
    "coordinator_by_code",
    "administrator",
)


@dataclass
class World:
    """The objects a URL's kwargs may point at."""

    city: Any
    other_city: Any
    edition: Any
    other_edition: Any
    district: Any
    category: Any
    users: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    expect: dict[str, int]
    kwargs: dict | Callable[[World], dict] = field(default_factory=dict)
    method: str = "get"
    data: dict | Callable[[World], dict] = field(default_factory=dict)


def _row(anonymous, resident, expert, coordinator, other_coordinator, administrator, coordinator_by_code=None):
    return {
        "anonymous": anonymous,
        "resident": resident,
        "expert": expert,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "coordinator_by_code": resident if coordinator_by_code is None else coordinator_by_code,
        "administrator": administrator,
    }


def everyone(status: int = 200) -> dict[str, int]:
    return _row(status, status, status, status, status, status)


def signed_in(status: int = 200) -> dict[str, int]:
    """Any signed-in person; anonymous visitors are sent to sign in."""
    return _row(302, status, status, status, status, status)


def coordinators_of_city(status: int = 200) -> dict[str, int]:
    """The coordinators of the world's city and administrators; other signed-in people 403."""
    return _row(302, 403, 403, status, 403, status)


def coordinators_anywhere(status: int = 200) -> dict[str, int]:
    """Any coordinator (each sees their own cities) and administrators."""
    return _row(302, 403, 403, status, status, status)


def experts_of_city(status: int = 200) -> dict[str, int]:
    return _row(302, 403, status, 403, 403, 403)


def administrators(status: int = 200) -> dict[str, int]:
    return _row(302, 403, 403, 403, 403, status)


def _edition_district(world: World):
    """The world's district taking part in its edition (for the staff district screens)."""
    from editions.models import EditionDistrict

    return EditionDistrict.objects.get_or_create(edition=world.edition, district=world.district)[0]


MATRIX: dict[str, Case | list[Case]] = {
    "healthz": Case(expect=everyone(200)),
    "set_language": Case(method="post", data={"language": "ru", "next": "/"}, expect=everyone(302)),
    # Django admin: OTPAdminSite wants is_staff (administrators) and a TOTP-verified session.
    "admin:index": Case(expect=_row(302, 302, 302, 302, 302, 200)),
    "admin:login": Case(expect=_row(200, 200, 200, 200, 200, 302)),
    "accounts:sign_in": Case(expect=everyone(200)),
    "accounts:sign_in_code": Case(expect=everyone(302)),  # without a phone in the session: back to sign in
    "accounts:sign_out": Case(method="post", expect=everyone(302)),
    "accounts:staff_sign_in": Case(expect=everyone(200)),
    # Staff already enrolled are sent to sign in with their app; residents have nothing to enrol.
    "accounts:enrol": Case(expect=_row(302, 403, 302, 302, 302, 302, coordinator_by_code=302)),
    "accounts:correct_iin": [
        Case(expect=coordinators_anywhere()),
        # The resident lives in the world's city: its coordinator may correct the IIN, the other city's may not.
        Case(
            method="post",
            data=lambda w: {"phone": w.users["resident"].phone, "iin": "791028302728"},
            expect=_row(302, 403, 403, 302, 403, 302),
        ),
    ],
    "accounts:profile": Case(expect=signed_in()),
    "audit:log": Case(expect=coordinators_anywhere()),
    "audit:decisions": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=everyone(200)),
    "editions:index": Case(expect=everyone(200)),
    "editions:city": Case(kwargs=lambda w: {"city_slug": w.city.slug}, expect=everyone(200)),
    "editions:edition": Case(kwargs=lambda w: {"city_slug": w.city.slug, "year": w.edition.year}, expect=everyone(200)),
    "editions:edition_list": Case(kwargs=lambda w: {"city_slug": w.city.slug}, expect=everyone(200)),
    "editions:contacts": Case(kwargs=lambda w: {"city_slug": w.city.slug}, expect=everyone(200)),
    # Coordinators' screens (editions/staff_urls.py). POSTs with empty data re-show the form (400) to those
    # allowed, so the world is not changed between roles; removals act, so the role after the coordinator 404s.
    "staff:dashboard": Case(expect=coordinators_anywhere()),
    "staff:city_create": [Case(expect=administrators()), Case(method="post", expect=administrators(200))],
    "staff:city_edit": [
        Case(kwargs=lambda w: {"city_id": w.city.pk}, expect=administrators()),
        Case(method="post", kwargs=lambda w: {"city_id": w.city.pk}, expect=administrators(200)),
    ],
    "staff:role_add": Case(method="post", kwargs=lambda w: {"city_id": w.city.pk}, expect=administrators(400)),
    "staff:role_remove": Case(
        method="post", kwargs=lambda w: {"role_id": w.users["expert"].staff_roles.get().pk}, expect=administrators(302)
    ),
    "staff:edition_create": [
        Case(kwargs=lambda w: {"city_id": w.city.pk}, expect=coordinators_of_city()),
        Case(method="post", kwargs=lambda w: {"city_id": w.city.pk}, expect=coordinators_of_city(200)),
    ],
    "staff:edition_edit": [
        Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
        Case(method="post", kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city(200)),
    ],
    "staff:advance_phase": [
        Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
        Case(
            method="post",
            kwargs=lambda w: {"edition_id": w.edition.pk},
            # The coordinator starts the review; the administrator's identical request is refused (200 with the
            # reason) instead of skipping to voting: each request names the phase it starts.
            data={"reason": "Enough proposals", "confirm": "on", "next_phase": "review"},
            expect={**coordinators_of_city(302), "administrator": 200},
        ),
    ],
    "staff:edition_structure": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "staff:category_add": Case(
        method="post", kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city(400)
    ),
    "staff:category_edit": Case(
        method="post",
        kwargs=lambda w: {"edition_id": w.edition.pk, "category_id": w.category.pk},
        expect=coordinators_of_city(400),
    ),
    "staff:category_remove": Case(
        method="post",
        kwargs=lambda w: {"edition_id": w.edition.pk, "category_id": w.category.pk},
        expect={**coordinators_of_city(302), "administrator": 404},
    ),
    "staff:district_add": Case(
        method="post", kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city(400)
    ),
    "staff:district_edit": Case(
        method="post",
        kwargs=lambda w: {"edition_id": w.edition.pk, "edition_district_id": _edition_district(w).pk},
        expect=coordinators_of_city(400),
    ),
    "staff:district_remove": Case(
        method="post",
        kwargs=lambda w: {"edition_id": w.edition.pk, "edition_district_id": _edition_district(w).pk},
        expect={**coordinators_of_city(302), "administrator": 404},
    ),
    # Nothing is published in the world: the public results and downloads are 404 for everyone until then.
    "results:edition": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=everyone(404)),
    "results:ballots_pb": Case(kwargs=lambda w: {"edition_id": w.edition.pk, "run_id": 1}, expect=everyone(404)),
    "results:projects_csv": Case(kwargs=lambda w: {"edition_id": w.edition.pk, "run_id": 1}, expect=everyone(404)),
    "results:protocol_pdf": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=everyone(404)),
    "results:recount": Case(expect=everyone(200)),
    "results:staff": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    # No count has run in the world: coordinators are told to count first (redirect back), others refused.
    # Voting is not open in the world: nothing to count yet, so coordinators are sent back with a message.
    "results:count": Case(
        method="post", kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city(302)
    ),
    # Paper ballots, the voter list and turnout: the coordinators of the edition's city only.
    "voting_paper:enter": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "voting_paper:mismatches": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "voting_paper:print": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "voting_paper:resolve": Case(
        method="post",
        kwargs=lambda w: {"edition_id": w.edition.pk, "sheet_id": 1},
        data={"keep": "spoiled"},
        expect=coordinators_of_city(404),
    ),
    # Voting has not opened in the world, so the rule may still be set: saved, then back to the entry screen.
    "voting_paper:when_both": Case(
        method="post",
        kwargs=lambda w: {"edition_id": w.edition.pk},
        data={"when_both": "first"},
        expect=coordinators_of_city(302),
    ),
    "voting_paper:voter_list": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "voting_paper:restriction": Case(
        method="post",
        kwargs=lambda w: {"edition_id": w.edition.pk},
        data={"restriction": "none"},
        expect=coordinators_of_city(302),
    ),
    "voting_paper:turnout": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "voting_paper:voters": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "results:compare": Case(
        method="post", kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city(302)
    ),
    "results:publish": Case(
        method="post",
        kwargs=lambda w: {"edition_id": w.edition.pk, "run_id": 1},
        expect=coordinators_of_city(404),
    ),
    # voting: the world's edition is not yet voting; signed-in people are told so (200), a ballot posted or
    # withdrawn is refused (403); the receipt check is public.
    "voting:ballot": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=signed_in(200)),
    "voting:confirm": Case(method="post", kwargs=lambda w: {"edition_id": w.edition.pk}, expect=signed_in(403)),
    "voting:done": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=signed_in(200)),
    "voting:cancel": Case(method="post", kwargs=lambda w: {"edition_id": w.edition.pk}, expect=signed_in(403)),
    "voting:receipt": Case(
        kwargs=lambda w: {"edition_id": w.edition.pk}, data={"code": "ABCD-EFGH-JKMN"}, expect=everyone(200)
    ),
    # notifications: settings for signed-in people; the unsubscribe page works for anyone holding the signed link.
    "notifications:preferences": Case(expect=signed_in()),
    "notifications:unsubscribe": [
        Case(kwargs=lambda w: {"token": _unsubscribe_token(w.users["resident"])}, expect=everyone(200)),
        Case(kwargs={"token": "forged"}, expect=everyone(404)),
    ],
    # review: the world's edition collects proposals; one submitted proposal is assigned to the world's expert,
    # one already decided (removing its expert is refused: back to the progress page, nothing changes).
    "review:queue": Case(expect=experts_of_city()),
    "review:assess": Case(kwargs=lambda w: {"proposal_id": _review(w)["proposal"].pk}, expect=experts_of_city()),
    "review:conflict": Case(kwargs=lambda w: {"proposal_id": _review(w)["proposal"].pk}, expect=experts_of_city()),
    "review:progress": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "review:groups": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "review:group_edit": Case(
        kwargs=lambda w: {"edition_id": w.edition.pk, "group_id": _review(w)["group"].pk},
        expect=coordinators_of_city(),
    ),
    "review:assign": Case(
        kwargs=lambda w: {"edition_id": w.edition.pk, "proposal_id": _review(w)["proposal"].pk},
        expect=coordinators_of_city(),
    ),
    # Nothing chosen: the coordinator is sent back with the form's errors; others refused.
    "review:assign_many": Case(
        method="post", kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city(302)
    ),
    "review:unassign": Case(
        method="post",
        kwargs=lambda w: {"edition_id": w.edition.pk, "assignment_id": _review(w)["decided_assignment"].pk},
        expect=coordinators_of_city(302),
    ),
    "review:decide": Case(
        kwargs=lambda w: {"edition_id": w.edition.pk, "proposal_id": _review(w)["proposal"].pk},
        expect=coordinators_of_city(),
    ),
    # Not the review phase: publishing is refused with a message (redirect back), others get 403.
    "review:publish": Case(
        method="post", kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city(302)
    ),
    "review:export_csv": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "review:export_xlsx": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    # implementation: public project pages; the coordinator screens and reports (sponsors use a signed link).
    "implementation:summary": Case(expect=everyone(200)),
    "implementation:edition": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=everyone(200)),
    "implementation:record": Case(kwargs=lambda w: _record_kwargs(w), expect=everyone(200)),
    "implementation:follow": Case(method="post", kwargs=lambda w: _record_kwargs(w), expect=everyone(302)),
    "implementation:staff": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    # Nothing is published in the world: coordinators are sent back with a message.
    "implementation:create_from_results": Case(
        method="post", kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city(302)
    ),
    "implementation:milestone": Case(kwargs=lambda w: _record_kwargs(w), expect=coordinators_of_city()),
    "implementation:milestone_edit": [
        Case(kwargs=lambda w: _milestone_kwargs(w), expect=coordinators_of_city()),
        Case(
            method="post",
            kwargs=lambda w: _milestone_kwargs(w),
            data={"date": "2024-06-15", "title": "Corrected", "language": "en"},
            expect=coordinators_of_city(302),
        ),
    ],
    # GET only: the first coordinator's POST would delete it and leave the later roles a 404
    # (implementation/tests/test_views.py posts as another city's coordinator).
    "implementation:milestone_delete": Case(kwargs=lambda w: _milestone_kwargs(w), expect=coordinators_of_city()),
    "implementation:export_csv": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "implementation:export_xlsx": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "implementation:import": Case(
        method="post", kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city(302)
    ),
    "implementation:report": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "implementation:report_pdf": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "implementation:report_xlsx": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    # proposals: public pages, the author's pages (the world's proposal is by someone else: 403 for everyone
    # signed in), supports/follows/comments (every signed-in person may), moderation for the city's coordinators.
    "proposals:list": Case(kwargs=lambda w: {"city_slug": w.city.slug}, expect=everyone(302)),
    "proposals:edition_list": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=everyone(200)),
    "proposals:map": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=everyone(200)),
    "proposals:mine": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=signed_in(200)),
    "proposals:new": [
        Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=signed_in(200)),
        Case(method="post", kwargs=lambda w: {"edition_id": w.edition.pk}, expect=signed_in(400)),
    ],
    "proposals:detail": Case(kwargs=lambda w: {"pk": _proposal(w).pk}, expect=everyone(200)),
    "proposals:edit": Case(kwargs=lambda w: {"pk": _proposal(w).pk}, expect=signed_in(403)),
    "proposals:preview": Case(kwargs=lambda w: {"pk": _proposal(w).pk}, expect=signed_in(403)),
    "proposals:submit": Case(method="post", kwargs=lambda w: {"pk": _proposal(w).pk}, expect=signed_in(403)),
    "proposals:withdraw": Case(kwargs=lambda w: {"pk": _proposal(w).pk}, expect=signed_in(403)),
    "proposals:attachment": Case(kwargs=lambda w: _attachment_kwargs(w), expect=everyone(200)),
    "proposals:thumbnail": Case(kwargs=lambda w: _attachment_kwargs(w), expect=everyone(200)),
    "proposals:attachment_delete": Case(method="post", kwargs=lambda w: _attachment_kwargs(w), expect=signed_in(403)),
    "proposals:support": Case(method="post", kwargs=lambda w: {"pk": _proposal(w).pk}, expect=signed_in(302)),
    "proposals:unsupport": Case(method="post", kwargs=lambda w: {"pk": _proposal(w).pk}, expect=signed_in(302)),
    "proposals:follow": Case(method="post", kwargs=lambda w: {"pk": _proposal(w).pk}, expect=signed_in(302)),
    "proposals:unfollow": Case(method="post", kwargs=lambda w: {"pk": _proposal(w).pk}, expect=signed_in(302)),
    "proposals:report": [
        Case(kwargs=lambda w: {"pk": _proposal(w).pk}, expect=signed_in(200)),
        Case(method="post", kwargs=lambda w: {"pk": _proposal(w).pk}, expect=signed_in(400)),
    ],
    "proposals:comment_add": Case(
        method="post", kwargs=lambda w: {"pk": _proposal(w).pk}, data={"body": "Good idea"}, expect=signed_in(302)
    ),
    "proposals:comment_edit": Case(kwargs=lambda w: _comment_kwargs(w), expect=signed_in(403)),
    "proposals:comment_report": Case(kwargs=lambda w: _comment_kwargs(w), expect=signed_in(200)),
    "proposals:moderation": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city()),
    "proposals:mod_hide": [
        Case(kwargs=lambda w: _moderated_kwargs(w), expect=coordinators_of_city()),
        Case(method="post", kwargs=lambda w: _moderated_kwargs(w), expect=coordinators_of_city(400)),
    ],
    # Not hidden: the coordinator is sent back with a message, nothing changes.
    "proposals:mod_restore": Case(
        method="post", kwargs=lambda w: _moderated_kwargs(w), expect=coordinators_of_city(302)
    ),
    "proposals:mod_checked": Case(
        method="post", kwargs=lambda w: _moderated_kwargs(w), expect=coordinators_of_city(302)
    ),
    "proposals:mod_merge": [
        Case(kwargs=lambda w: _moderated_kwargs(w), expect=coordinators_of_city()),
        Case(method="post", kwargs=lambda w: _moderated_kwargs(w), expect=coordinators_of_city(400)),
    ],
    "proposals:mod_comment_hide": Case(
        kwargs=lambda w: {"edition_id": w.edition.pk, "comment_id": _comment(w).pk}, expect=coordinators_of_city()
    ),
    "proposals:mod_comment_restore": Case(
        method="post",
        kwargs=lambda w: {"edition_id": w.edition.pk, "comment_id": _comment(w).pk},
        expect=coordinators_of_city(302),
    ),
    "proposals:mod_report_dismiss": Case(
        method="post",
        kwargs=lambda w: {"edition_id": w.edition.pk, "report_id": _report(w).pk},
        expect=coordinators_of_city(302),
    ),
    "proposals:mod_block": Case(
        kwargs=lambda w: {"edition_id": w.edition.pk, "user_id": w.users["resident"].pk}, expect=coordinators_of_city()
    ),
    "proposals:mod_unblock": Case(
        method="post",
        kwargs=lambda w: {"edition_id": w.edition.pk, "user_id": w.users["resident"].pk},
        expect=coordinators_of_city(302),
    ),
    # news: public pages and feeds; coordinators of the city write.
    "news:list": Case(kwargs=lambda w: {"city_slug": w.city.slug}, expect=everyone(200)),
    "news:detail": Case(kwargs=lambda w: {"city_slug": w.city.slug, "pk": _news_item(w).pk}, expect=everyone(200)),
    "news:rss": Case(kwargs=lambda w: {"city_slug": w.city.slug, "lang": "ru"}, expect=everyone(200)),
    "news:atom": Case(kwargs=lambda w: {"city_slug": w.city.slug, "lang": "kk"}, expect=everyone(200)),
    "news:staff_for_edition": Case(kwargs=lambda w: {"edition_id": w.edition.pk}, expect=coordinators_of_city(302)),
    "news:staff_list": Case(kwargs=lambda w: {"city_id": w.city.pk}, expect=coordinators_of_city()),
    "news:staff_new": Case(kwargs=lambda w: {"city_id": w.city.pk}, expect=coordinators_of_city()),
    "news:staff_edit": Case(
        kwargs=lambda w: {"city_id": w.city.pk, "pk": _news_item(w).pk}, expect=coordinators_of_city()
    ),
}

# Named URL patterns, or prefixes ending in ":", that the matrix does not request, each with the reason.
NOT_REQUESTED: dict[str, str] = {
    "admin:": "Django admin's own pages; OTPAdminSite guards all of them like admin:index (requested above)",
}


def _unsubscribe_token(user) -> str:
    from notifications.services import unsubscribe_token

    return unsubscribe_token(user)


def _review(world: World) -> dict:
    """A submitted proposal assigned to the world's expert, a decided one with an assignment, an expert group."""
    if not hasattr(world, "review"):
        from proposals.models import Proposal
        from review.models import Assignment, ExpertGroup

        def proposal(status: str, **fields):
            return Proposal.objects.create(
                edition=world.edition, author=world.users["resident"], title="Review", status=status, **fields
            )

        submitted, decided = proposal("submitted"), proposal("not_feasible", decision_reason="Private land")
        Assignment.objects.create(proposal=submitted, expert=world.users["expert"])
        world.review = {
            "group": ExpertGroup.objects.create(city=world.city, name="Roads"),
            "proposal": submitted,
            "decided_assignment": Assignment.objects.create(proposal=decided, expert=world.users["expert"]),
        }
    return world.review


def _record_kwargs(world) -> dict:
    from implementation.services import create_record

    record, _ = create_record(actor=None, edition=world.edition, project_id="1", title="Playground")
    return {"edition_id": world.edition.pk, "record_id": record.pk}


def _milestone_kwargs(world) -> dict:
    from datetime import date

    from implementation.models import ImplementationRecord
    from implementation.services import add_milestone

    kwargs = _record_kwargs(world)
    record = ImplementationRecord.objects.get(pk=kwargs["record_id"])
    milestone = add_milestone(actor=None, record=record, date=date(2024, 6, 1), title="Fundation", language="en")
    return {**kwargs, "milestone_id": milestone.pk}


def _proposal(world: World):
    """A submitted proposal in the world's edition by an author who plays no role in the matrix."""
    from accounts.testing import make_user
    from proposals.models import Proposal

    if getattr(world, "proposal", None) is None:
        world.proposal = Proposal.objects.create(
            edition=world.edition,
            author=make_user(name="Author"),
            title="Playground",
            summary="Swings",
            description="Swings and a slide",
            problem="Nowhere to play",
            address="Abai 5",
            estimated_cost=1_000_000,
            status="submitted",
            submitted_at=timezone.now(),
        )
    return world.proposal


def _comment(world: World):
    from proposals.models import Comment

    proposal = _proposal(world)
    return Comment.objects.get_or_create(proposal=proposal, author=proposal.author, body="A comment")[0]


def _report(world: World):
    from proposals.models import Report

    return Report.objects.create(proposal=_proposal(world), reporter=world.users["resident"], reason="Spam")


def _comment_kwargs(world: World) -> dict:
    return {"pk": _proposal(world).pk, "comment_id": _comment(world).pk}


def _moderated_kwargs(world: World) -> dict:
    return {"edition_id": world.edition.pk, "pk": _proposal(world).pk}


def _attachment_kwargs(world: World) -> dict:
    import io

    from PIL import Image

    from proposals.models import ProposalAttachment
    from proposals.uploads import process_upload

    proposal = _proposal(world)
    attachment = proposal.attachments.first()
    if attachment is None:
        data = io.BytesIO()
        Image.new("RGB", (40, 30), (0, 90, 60)).save(data, "PNG")
        data.name, data.size = "photo.png", len(data.getvalue())
        processed = process_upload(data)
        attachment = ProposalAttachment(
            proposal=proposal, kind=processed.kind, original_name=processed.original_name, size=processed.size
        )
        attachment.file.save(processed.file.name, processed.file, save=False)
        attachment.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
        attachment.save()
    return {"pk": proposal.pk, "attachment_id": attachment.pk}


def _news_item(world):
    from news.models import NewsItem

    return NewsItem.objects.create(city=world.city, title_en="News", published_at=timezone.now())


def build_world() -> World:
    """Two cities with an announced edition each, and one person per role (staff with TOTP devices)."""
    from accounts.testing import make_staff, make_user
    from editions.models import Category, City, District, Edition

    now = timezone.now()
    dates = {
        "announcement_starts": now - timedelta(days=10),
        "proposals_start": now - timedelta(days=5),
        "review_starts": now + timedelta(days=30),
        "voting_starts": now + timedelta(days=60),
        "results_start": now + timedelta(days=70),
        "implementation_starts": now + timedelta(days=80),
        "archive_starts": now + timedelta(days=400),
    }

    def city_with_edition(slug: str, name: str):
        city = City.objects.create(slug=slug, name_kk=name, name_ru=name, name_en=name)
        edition = Edition.objects.create(
            city=city, year=now.year, title_kk=name, title_ru=name, title_en=name, budget=80_000_000, **dates
        )
        return city, edition

    city, edition = city_with_edition("aksu", "Aksu")
    other_city, other_edition = city_with_edition("khromtau", "Khromtau")
    district = District.objects.create(city=city, name_kk="Орталық", name_ru="Центральный", name_en="Central")
    category = Category.objects.create(edition=edition, name_kk="Аула", name_ru="Двор", name_en="Courtyard")
    users = {
        "resident": make_user(name="Resident", district=district),
        "expert": make_staff("expert", city=city, name="Expert"),
        "coordinator": make_staff("coordinator", city=city, name="Coordinator"),
        "other_coordinator": make_staff("coordinator", city=other_city, name="Other coordinator"),
        "coordinator_by_code": make_staff("coordinator", city=city, name="Coordinator without TOTP"),
        "administrator": make_staff("administrator", name="Administrator"),
    }
    return World(city, other_city, edition, other_edition, district, category, users)
