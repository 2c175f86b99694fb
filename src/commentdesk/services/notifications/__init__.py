"""E-mail to readers who asked for it, and a digest for moderators.

A reader who gives an address and ticks "e-mail me" is sent a confirmation (double opt-in);
once confirmed, they hear of replies to that comment and of the moderators' decision on it
when it was held. Every message carries a one-click unsubscribe link. Messages are written to
a durable outbox in the transaction that changed the comment and sent by a background sender
with retries (see docs/notifications.md).
"""
