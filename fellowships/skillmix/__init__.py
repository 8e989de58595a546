"""Skill mix: the team matrix, the service view, the 24-month projection, what-if scenarios,
who to train next and finding a competent clinician.

It lives with fellowships because it reads both layers below it: what people hold
(competencies, activity) and who is training towards what (fellowships).
"""
