"""Fixed vocabularies: Agenda for Change bands and the therapy professions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    B2 = "2", _("Band 2")
    B3 = "3", _("Band 3")
    B4 = "4", _("Band 4")
    B5 = "5", _("Band 5")
    B6 = "6", _("Band 6")
    B7 = "7", _("Band 7")
    B8A = "8a", _("Band 8a")
    B8B = "8b", _("Band 8b")
    B8C = "8c", _("Band 8c")
    B8D = "8d", _("Band 8d")
    B9 = "9", _("Band 9")


BAND_ORDER = {value: rank for rank, value in enumerate(Band.values)}


def normalise_band(raw: object) -> str | None:
    """Accept '6', 6, 6.0, 'Band 6', '8A' and return the stored value, or None."""
    text = str(raw).strip().lower().removeprefix("band").strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text if text in BAND_ORDER else None


class Profession(models.TextChoices):
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("Occupational therapist")
    PODIATRIST = "podiatrist", _("Podiatrist")
    SPEECH_THERAPIST = "speech_and_language_therapist", _("Speech and language therapist")
    DIETITIAN = "dietitian", _("Dietitian")
    SONOGRAPHER = "sonographer", _("Sonographer")
    SUPPORT_WORKER = "therapy_support_worker", _("Therapy support worker")


# HCPC register prefixes; support workers are not HCPC registered.
HCPC_PREFIXES = {
    Profession.PHYSIOTHERAPIST: "PH",
    Profession.OCCUPATIONAL_THERAPIST: "OT",
    Profession.PODIATRIST: "CH",
    Profession.SPEECH_THERAPIST: "SL",
    Profession.DIETITIAN: "DT",
    Profession.SONOGRAPHER: "RA",
}
