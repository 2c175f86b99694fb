"""E-mail to readers who asked for it, to notifiers of illegal content, and a digest for moderators.

A reader who gives an address (a signed-in reader: the publisher's, or one they type) and ticks
"e-mail me" is sent a confirmation (double opt-in, skipped only for an address the publisher
verified); once confirmed, they hear of replies to that comment and of the moderators' decision
on it when it was held. Every such message carries a one-click unsubscribe link. A notifier of
illegal content hears of their notice's receipt, review and decision. Messages are written to a
durable outbox in the transaction that caused them and sent by a background sender with retries
(see docs/notifications.md).
"""
