"""Fellowship programmes and the people on them: applications, enrolments, logbooks, sign-offs."""

from .credentials import Credential
from .enrolments import Application, Enrolment, Pause, SupervisorAssignment
from .logbook import Assessment, LogbookEntry, MilestoneRecord
from .programmes import Milestone, Programme, SupervisorRole
from .skillmix import Scenario, ScenarioChange

__all__ = [
    "Application",
    "Assessment",
    "Credential",
    "Enrolment",
    "LogbookEntry",
    "Milestone",
    "MilestoneRecord",
    "Pause",
    "Programme",
    "Scenario",
    "ScenarioChange",
    "SupervisorAssignment",
    "SupervisorRole",
]
