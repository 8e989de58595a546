from .activity import (
    ActivityImportRun,
    ActivityRequirement,
    ActivitySource,
    Contact,
    Flag,
    FlagEvent,
    FlagSettings,
)
from .frameworks import Competency, Framework, ScaleValue
from .portfolio import Attainment, CPDEntry, Evidence, HCPCProfileDraft
from .practice import PracticeDay, PracticeWeek
from .requirements import PostRequirement
from .workflows import FrameworkApprovalTask

__all__ = [
    "ActivityImportRun",
    "ActivityRequirement",
    "ActivitySource",
    "Attainment",
    "CPDEntry",
    "Competency",
    "Contact",
    "Evidence",
    "Flag",
    "FlagEvent",
    "FlagSettings",
    "Framework",
    "FrameworkApprovalTask",
    "HCPCProfileDraft",
    "PostRequirement",
    "PracticeDay",
    "PracticeWeek",
    "ScaleValue",
]
