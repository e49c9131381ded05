"""`make demo`: a newcomer's first application, from the organisation's approval to its acceptance.

Against the running system (`make run`), the way its outside parties talk to it:

1. the bureau grants the demo organisation's approval: one CloudEvent on
   `bureau.approval-granted.v1`, as docs/upstream-publishers.md has upstream systems send them;
   the demo waits until eligibility has read the approval reporting announces;
2. the organisation's system submits the example of docs/intake-api.md over intake's HTTP API,
   with a development token for the organisation's staff member;
3. the demo follows the application until it stops moving without the examination system
   (accepted and under examination, or not eligible) and its notice is sent, then prints its
   timeline and the e-mails it produced, as the SMTP sink stored them.

It can be run again at will: the grant is the same event (and reporting applies a grant of a known
approval once), and every run submits under a new submission id.
"""
