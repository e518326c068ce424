"""The names of the voluntary acts the engagement log records.

One vocabulary for every app and for analytics (which takes these names as
parameters, never importing them). Add a kind here, with its label, before
recording it.
"""

from django.utils.translation import gettext_lazy as _

MEMBER_SIGNED_UP = "member.signed_up"
TRIP_RECORDED = "trip.recorded"
CONTENT_SUBMITTED = "content.submitted"
CONTENT_APPROVED = "content.approved"
CONTENT_VIEWED = "content.viewed"
SHARE_CREATED = "share.created"
SHARE_CLICKED = "share.clicked"
REFERRAL_INVITED = "referral.invited"
SURVEY_RESPONDED = "survey.responded"
POLL_VOTED = "poll.voted"
IDEA_SUBMITTED = "idea.submitted"
IDEA_ENDORSED = "idea.endorsed"
IDEA_ADOPTED = "idea.adopted"
# An endorser's credit when the idea they backed is adopted: its own kind, so that
# counts of adopted ideas and their knowledge value stay the contributor's alone.
IDEA_ADOPTION_CREDITED = "idea.adoption_credited"
SUGGESTION_MADE = "suggestion.made"
COMMENT_POSTED = "comment.posted"
TOPIC_POSTED = "topic.posted"
CONTEST_ENTERED = "contest.entered"
CONTEST_VOTED = "contest.voted"
REACTION_ADDED = "reaction.added"
CONSENT_CHANGED = "consent.changed"
CONVERSATION_STARTED = "conversation.started"
# The destination answering a question: a service touchpoint, recorded on the asker.
STAFF_ANSWERED = "conversation.staff_answered"
ANSWER_ACCEPTED = "conversation.answer_accepted"

ALL = frozenset(
    value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)
)

# What staff read in the console, in their language.
LABELS = {
    MEMBER_SIGNED_UP: _("Signed up"),
    TRIP_RECORDED: _("Trip recorded"),
    CONTENT_SUBMITTED: _("Content shared"),
    CONTENT_APPROVED: _("Content approved"),
    CONTENT_VIEWED: _("Content viewed"),
    SHARE_CREATED: _("Share link created"),
    SHARE_CLICKED: _("Share link opened"),
    REFERRAL_INVITED: _("Referral sent"),
    SURVEY_RESPONDED: _("Survey answered"),
    POLL_VOTED: _("Poll vote"),
    IDEA_SUBMITTED: _("Idea submitted"),
    IDEA_ENDORSED: _("Idea supported"),
    IDEA_ADOPTED: _("Idea adopted"),
    IDEA_ADOPTION_CREDITED: _("Endorsed idea adopted"),
    SUGGESTION_MADE: _("Suggestion made"),
    COMMENT_POSTED: _("Comment posted"),
    TOPIC_POSTED: _("Topic posted"),
    CONTEST_ENTERED: _("Contest entry"),
    CONTEST_VOTED: _("Contest vote"),
    REACTION_ADDED: _("Reaction"),
    CONSENT_CHANGED: _("Consent changed"),
    CONVERSATION_STARTED: _("Question asked"),
    STAFF_ANSWERED: _("Answered by the destination"),
    ANSWER_ACCEPTED: _("Answer accepted"),
}


def label(kind: str) -> str:
    """The kind's label in the active language; the code itself for a kind without one."""
    return str(LABELS.get(kind, kind))
