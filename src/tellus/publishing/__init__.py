"""Shared publishing blocks: what every kind of contribution goes through to reach public eyes.

Moderation (states, decisions with reasons, the audit log, reports and the one
staff queue), share links with their clicks, and the one public filter. A
feature app registers each kind of subject it publishes (see ``subjects``);
rows here name their subject by type and id, as consent and the engagement
log do. See docs/publishing.md.
"""
