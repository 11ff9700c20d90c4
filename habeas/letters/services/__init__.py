"""Every write to open letters, signatures, endorsements and their counts.

One module per area: ``letters`` (writing and publishing), ``signing``
(signatures and their mail), ``endorsements``, ``moderation``, ``tally``
(the counts) and ``privacy`` (expiry and anonymisation). Import a service
from its module. Every public service checks the acting user's permission
itself, except those a supporter calls without an account (signing), which
are bound by the token in their link instead.

Publishing, closing and endorsing call ``habeas.core.pagecache.public_changed``;
what changes only the signatories and the counts (a confirmation, a
withdrawal, an erasure, a batch invalidated, the tally's fold,
anonymisation) calls ``public_counts_changed``, which renews the pages that
show them (``@public_page(counts=True)``). Drafts and pending signatures or
requests change no public page and call neither. ``window`` renews the
pages when a letter opens or closes by its time, which no write marks.
"""
