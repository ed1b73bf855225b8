"""Bastama's counting core: pabulib I/O and PB rules in exact arithmetic. Pure Python, never imports Django."""

from pbcount.election import Ballot, Election, Outcome, Profile, Project, ProjectResult, Reason, Voter, Voters

__all__ = ["Ballot", "Election", "Outcome", "Profile", "Project", "ProjectResult", "Reason", "Voter", "Voters"]
