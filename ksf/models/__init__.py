from .choices import BAND_ORDER, Band, Profession, normalise_band
from .establishment import BandCost, Establishment
from .framework import KSFDimension, KSFIndicator, KSFLevel
from .grants import (
    StaffMemberGroupObjectPermission,
    StaffMemberUserObjectPermission,
    TeamGroupObjectPermission,
    TeamUserObjectPermission,
)
from .imports import StaffImportRun
from .notifications import Notification
from .organisation import CareSite, Organisation, Service, Team
from .outlines import OutlineEntry
from .people import Post, PostAssignment, StaffMember
from .reviews import DevelopmentReview, PDPObjective, ReviewAddendum, ReviewDimension

__all__ = [
    "BAND_ORDER",
    "Band",
    "BandCost",
    "CareSite",
    "DevelopmentReview",
    "Establishment",
    "KSFDimension",
    "KSFIndicator",
    "KSFLevel",
    "Notification",
    "Organisation",
    "OutlineEntry",
    "PDPObjective",
    "Post",
    "PostAssignment",
    "Profession",
    "ReviewAddendum",
    "ReviewDimension",
    "Service",
    "StaffImportRun",
    "StaffMember",
    "StaffMemberGroupObjectPermission",
    "StaffMemberUserObjectPermission",
    "Team",
    "TeamGroupObjectPermission",
    "TeamUserObjectPermission",
    "normalise_band",
]
