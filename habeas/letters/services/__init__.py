"""Every write to open letters, signatures, endorsements and their counts.

One module per area: ``letters`` (writing and publishing), ``signing``
(signatures and their mail), ``endorsements``, ``moderation``, ``tally``
(the counts) and ``privacy`` (expiry and anonymisation). Import a service
from its module. Every public service checks the acting user's permission
itself, except those a supporter calls without an account (signing), which
are bound by the token in their link instead.
"""
