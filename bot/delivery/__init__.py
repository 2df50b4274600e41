"""Delivery: the durable outbox and the dispatcher that empties it, for every message the
bot sends on its own (invitations, reminders, and later digests and broadcasts)."""
