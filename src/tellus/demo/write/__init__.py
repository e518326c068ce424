"""The demo destination's plan into the database: in bulk, and photos through the media pipeline.

:mod:`.bulk` writes rows in batches (``bulk_create``, executemany or COPY);
:mod:`.visitors` writes the destination, its members, consents, trips and
event log; :mod:`.content` the visitors' content, with :mod:`.photos` for the
photos. Nothing here decides anything: every decision, and the seed each
photo is painted from, is in :mod:`tellus.demo.plan`.
"""
