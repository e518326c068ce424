"""Comments and reactions on any registered subject: the one service every feature uses.

A comment is itself a publishing subject (moderation, reports, the public
filter), named by ``subject_type``/``subject_id`` like reports and shares.
Reactions are a small fixed set, one of each type per member and subject.
See docs/publishing.md, "Comments and reactions".
"""
