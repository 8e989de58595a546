from .choices import BAND_ORDER, Band, Profession, normalise_band
from .framework import KSFDimension, KSFIndicator, KSFLevel
from .grants import (
    StaffMemberGroupObjectPermission,
    StaffMemberUserObjectPermission,
    TeamGroupObjectPermission,
    TeamUserObjectPermission,
)
from .organisation import CareSite, Organisation, Service, Team
from .outlines import OutlineEntry
from .people import Post, PostAssignment, StaffMember

__all__ = [
    "BAND_ORDER",
    "Band",
    "CareSite",
    "KSFDimension",
    "KSFIndicator",
    "KSFLevel",
    "Organisation",
    "OutlineEntry",
    "Post",
    "PostAssignment",
    "Profession",
    "Service",
    "StaffMember",
    "StaffMemberGroupObjectPermission",
    "StaffMemberUserObjectPermission",
    "Team",
    "TeamGroupObjectPermission",
    "TeamUserObjectPermission",
    "normalise_band",
]
