from .frameworks import Competency, Framework, ScaleValue
from .portfolio import Attainment, CPDEntry, Evidence
from .requirements import PostRequirement
from .workflows import FrameworkApprovalTask

__all__ = [
    "Attainment",
    "CPDEntry",
    "Competency",
    "Evidence",
    "Framework",
    "FrameworkApprovalTask",
    "PostRequirement",
    "ScaleValue",
]
