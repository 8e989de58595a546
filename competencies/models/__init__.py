from .frameworks import Competency, Framework, ScaleValue
from .requirements import PostRequirement

__all__ = ["Competency", "Framework", "PostRequirement", "ScaleValue"]
