from .frameworks import Competency, Framework, ScaleValue
from .portfolio import Attainment, CPDEntry, Evidence, HCPCProfileDraft
from .requirements import PostRequirement
from .workflows import FrameworkApprovalTask

__all__ = [
    "Attainment",
    "CPDEntry",
    "Competency",
    "Evidence",
    "Framework",
    "FrameworkApprovalTask",
    "HCPCProfileDraft",
    "PostRequirement",
    "ScaleValue",
]
