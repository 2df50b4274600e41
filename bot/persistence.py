"""Conversation states and drafts kept in the bot's own SQLite database.

Only `user_data` (a person's draft) and conversation states are stored; every write is
one statement in its own transaction, so a crash leaves either the old or the new value.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.clock import Clock, to_db
from bot.storage import conversations
from bot.storage.db import Database

UserData = dict[Any, Any]


class SQLitePersistence(BasePersistence[UserData, dict[Any, Any], dict[Any, Any]]):
    def __init__(self, db: Database, clock: Clock) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=60,
        )
        self._db = db
        self._clock = clock
        self._written: dict[int, str] = {}  # last stored draft per user, to skip no-op writes

    async def get_user_data(self) -> dict[int, UserData]:
        await self._db.open()
        result: dict[int, UserData] = {}
        for user_id, data in await conversations.drafts(self._db.reader):
            result[user_id] = json.loads(data)
            self._written[user_id] = data
        return result

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        encoded = json.dumps(data, ensure_ascii=False, sort_keys=True) if data else ""
        if self._written.get(user_id, "") == encoded:
            return
        async with self._db.transaction() as tx:
            if encoded:
                await conversations.put_draft(tx, user_id, encoded, to_db(self._clock.now()))
            else:
                await conversations.delete_draft(tx, user_id)
        self._written[user_id] = encoded

    async def drop_user_data(self, user_id: int) -> None:
        async with self._db.transaction() as tx:
            await conversations.delete_draft(tx, user_id)
        self._written.pop(user_id, None)

    async def get_conversations(self, name: str) -> ConversationDict:
        await self._db.open()
        return {
            tuple(json.loads(key)): json.loads(state)
            for key, state in await conversations.states(self._db.reader, name)
        }

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        encoded_key = json.dumps(list(key))
        async with self._db.transaction() as tx:
            if new_state is None:
                await conversations.delete_state(tx, name, encoded_key)
            else:
                user_id = key[-1] if key and isinstance(key[-1], int) else None
                await conversations.put_state(
                    tx, name, encoded_key, user_id, json.dumps(new_state), to_db(self._clock.now())
                )

    def forget_cached(self, user_id: int) -> None:
        self._written.pop(user_id, None)

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

    async def flush(self) -> None:
        return None
