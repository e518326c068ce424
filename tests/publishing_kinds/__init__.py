"""Two more kinds of subject, for the tests only: a discussion post and a comment.

They stand for what the community, contests and idea board will publish, so
that the shared blocks (one moderation queue, reports, share links, the
public filter) are tried with three kinds, as they will serve them.
"""
