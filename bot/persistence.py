"""Conversation states and drafts kept in the bot's own SQLite database.

Only `user_data` is stored (the flow a person is in and its draft, see
handlers/flow.py), as one JSON document per person. Every `UPDATE_INTERVAL` seconds PTB
hands over what changed and `write_pending()` stores the touched documents in one
transaction: a crash leaves either the old or the new document, never half. Stopping the
bot (SIGTERM, SIGINT) writes everything first, so a restart continues exactly where each
person was; a hard kill can take back at most the answers of the last interval, and the
bot asks those again.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.clock import Clock, to_db
from bot.storage import conversations
from bot.storage.db import Database

UserData = dict[Any, Any]

UPDATE_INTERVAL = 1.0  # seconds between writes of conversation states and drafts


class SQLitePersistence(BasePersistence[UserData, dict[Any, Any], dict[Any, Any]]):
    def __init__(self, db: Database, clock: Clock) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=UPDATE_INTERVAL,
        )
        self._db = db
        self._clock = clock
        self._documents: dict[int, dict[str, Any]] | None = None
        self._written: dict[int, str] = {}  # what the database holds, to skip no-op writes
        self._pending: set[int] = set()
        self._queued: dict[int, str] = {}  # user id → document ("" to delete), not yet written
        self._writer: asyncio.Task[None] | None = None

    async def _load(self) -> dict[int, dict[str, Any]]:
        if self._documents is None:
            await self._db.open()
            self._documents = {}
            for user_id, data in await conversations.all_documents(self._db.reader):
                self._documents[user_id] = json.loads(data)
                self._written[user_id] = data
        return self._documents

    def _document(self, user_id: int) -> dict[str, Any]:
        assert self._documents is not None, "persistence used before it was loaded"
        return self._documents.setdefault(user_id, {"user_data": {}})

    async def get_user_data(self) -> dict[int, UserData]:
        documents = await self._load()
        return {uid: doc["user_data"] for uid, doc in documents.items() if doc["user_data"]}

    async def get_conversations(self, name: str) -> ConversationDict:
        return {}  # flows keep their state in user_data; no ConversationHandler is used

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        self._document(user_id)["user_data"] = data
        self._pending.add(user_id)

    async def drop_user_data(self, user_id: int) -> None:
        self._document(user_id)["user_data"] = {}
        self._pending.add(user_id)

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        return None

    async def write_pending(self) -> None:
        """Queue every touched person's document for writing."""
        pending, self._pending = self._pending, set()
        for user_id in pending:
            document = self._document(user_id)
            empty = not document["user_data"]
            encoded = "" if empty else json.dumps(document, ensure_ascii=False, sort_keys=True)
            if self._written.get(user_id, "") != encoded:
                self._written[user_id] = encoded
                self._queued[user_id] = encoded
        if self._queued and (self._writer is None or self._writer.done()):
            self._writer = asyncio.get_running_loop().create_task(self._write_queued())

    async def _write_queued(self) -> None:
        # Group commit: whatever queued up while one batch was written goes in the next.
        while self._queued:
            batch, self._queued = self._queued, {}
            await conversations.put_many(self._db, batch, to_db(self._clock.now()))

    async def flush(self) -> None:
        """Write what is pending and wait until every write is on disk."""
        await self.write_pending()
        if self._writer is not None:
            await self._writer

    # Chat data, bot data and callback data are not stored.
    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None
