"""Pactbot: a Telegram bot that runs a civic pact."""

SUPPORTED_LOCALES: tuple[str, ...] = ("nl", "fr", "en")
