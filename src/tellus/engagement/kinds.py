"""The names of the voluntary acts the engagement log records.

One vocabulary for every app and for analytics (which takes these names as
parameters, never importing them). Add a kind here before recording it.
"""

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
SUGGESTION_MADE = "suggestion.made"
COMMENT_POSTED = "comment.posted"
TOPIC_POSTED = "topic.posted"
CONTEST_ENTERED = "contest.entered"
CONTEST_VOTED = "contest.voted"
REACTION_ADDED = "reaction.added"
CONSENT_CHANGED = "consent.changed"

ALL = frozenset(
    value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)
)
