"""Who may open a piece of evidence, who may claim, withdraw or decide a sign-off, and who
may prepare an HCPC profile and keep drafts of it."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from competencies.models import Attainment, Evidence, HCPCProfileDraft
from ksf.policies import staff_policy

AnyUser = User | AnonymousUser


class EvidencePolicy:
    """Evidence is read by whoever may read the owner's record, and by an assessor the owner
    asked to sign off with it; only the owner adds or deletes it."""

    def may_open(self, user: AnyUser, evidence: Evidence) -> bool:
        if staff_policy.user_has_permission_for_instance(user, "view_portfolio", evidence.owner):
            return True
        return bool(
            user.is_authenticated
            and evidence.attainments.filter(assessor__user=user).exclude(staff__user=user).exists()
        )

    def may_change(self, user: AnyUser, evidence: Evidence) -> bool:
        return bool(user.is_authenticated and evidence.owner.user_id == user.pk)


class AttainmentPolicy:
    """A claim is made and withdrawn by the person it is about; a sign-off request is decided
    only by the assessor it was sent to, and never by the person themselves."""

    def may_claim_for(self, user: AnyUser, person) -> bool:
        return bool(user.is_authenticated and person.user_id == user.pk)

    def may_withdraw(self, user: AnyUser, attainment: Attainment) -> bool:
        return self.may_claim_for(user, attainment.staff)

    def may_request_sign_off(self, user: AnyUser, attainment: Attainment) -> bool:
        return self.may_claim_for(user, attainment.staff)

    def may_decide(self, user: AnyUser, attainment: Attainment) -> bool:
        return bool(
            user.is_authenticated
            and attainment.assessor is not None
            and attainment.assessor.user_id == user.pk
            and attainment.staff.user_id != user.pk
        )

    def decidable_by(self, user: AnyUser) -> QuerySet[Attainment]:
        """Requests this user may open as assessor (decided or not)."""
        if not user.is_authenticated:
            return Attainment.objects.none()
        return Attainment.objects.filter(assessor__user=user).exclude(staff__user=user)

    def claims_of(self, user: AnyUser) -> QuerySet[Attainment]:
        if not user.is_authenticated:
            return Attainment.objects.none()
        return Attainment.objects.filter(staff__user=user)


class HCPCProfilePolicy:
    """The HCPC profile is the person's own work: only they prepare it and keep drafts of it
    (not their line manager, not an administrator)."""

    def may_prepare(self, user: AnyUser, person) -> bool:
        return bool(user.is_authenticated and person.user_id == user.pk)

    def may_change(self, user: AnyUser, draft: HCPCProfileDraft) -> bool:
        return self.may_prepare(user, draft.owner)


evidence_policy = EvidencePolicy()
attainment_policy = AttainmentPolicy()
hcpc_profile_policy = HCPCProfilePolicy()
