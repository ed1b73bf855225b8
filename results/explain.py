"""pbcount's explanation codes and numbers in the resident's language (the core only gives codes)."""

from fractions import Fraction

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _


def tenge(value: str | None) -> str:
    """A money string from the outcome JSON ("1200", "308151.26" or "p/q") as whole tenge."""
    if value is None:
        return "—"
    amount = Fraction(value)
    return f"{intcomma(round(amount))} ₸"


def why(project: dict) -> str:
    """One sentence on why the project won or lost, from one entry of `CountRun.outcome["projects"]`."""
    reason = project["reason"]
    numbers = {"available": tenge(project.get("available")), "needed": tenge(project.get("needed"))}
    if reason == "selected":
        if project.get("stage") == "completion":
            return _("Won when the leftover budget was shared out.")
        return _("Won: it had enough votes and fitted in the budget.")
    if reason == "did_not_fit":
        return _("Did not fit: %(available)s left of %(needed)s needed.") % numbers
    if reason == "group_full":
        return _("Its category's budget was used up: %(available)s left of %(needed)s needed.") % numbers
    if reason == "below_threshold":
        return _("Too few votes: below the minimum of %(threshold)s.") % {"threshold": project.get("threshold")}
    if reason == "not_reached":
        return _("Not reached: the budget was used up before its turn.")
    if reason == "no_support":
        return _("Nobody voted for it.")
    if reason == "insufficient_support":
        return _("Its supporters had %(available)s of the %(needed)s needed.") % numbers
    return _("Not in the best combination of projects.")
