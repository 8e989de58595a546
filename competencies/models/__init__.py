from .frameworks import Competency, Framework, ScaleValue
from .portfolio import Attainment, CPDEntry, Evidence
from .requirements import PostRequirement

__all__ = [
    "Attainment",
    "CPDEntry",
    "Competency",
    "Evidence",
    "Framework",
    "PostRequirement",
    "ScaleValue",
]
