"""Conversation states and drafts kept in the bot's own SQLite database.

Only `user_data` is stored (the flow a person is in and its draft, see
handlers/flow.py), as one JSON document per person.

A flow stores a person's document before it asks the next question (`write_through`), so
a question is only ever on a person's screen once the state that asks it is on disk: a
crash can lose an answer that got no reply, never file the next answer under the wrong
question. A flow's last state is stored in the same transaction as what its answer saved
(`riding`), so a saved answer and "the flow is over" are on disk together or not at all.
Writes are group commits: documents that queue up while one batch is written go in the
next. PTB's own interval (`UPDATE_INTERVAL`) catches everything else, and stopping the bot
writes what is left.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from functools import partial
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.clock import Clock, to_db
from bot.storage import conversations
from bot.storage.db import Database, Rider, Tx

__all__ = ["Rider", "SQLitePersistence"]

UserData = dict[Any, Any]
# PTB's own shapes for what BasePersistence passes (as telegram.ext._utils.types has them).
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

UPDATE_INTERVAL = 1.0  # seconds between writes of whatever changed outside a flow


def _encode(user_data: UserData) -> str:
    """The stored document ("" when there is nothing to keep)."""
    if not user_data:
        return ""
    return json.dumps({"user_data": user_data}, ensure_ascii=False)


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
        self._documents: dict[int, UserData] | None = None
        self._written: dict[int, str] = {}  # what the database holds, to skip no-op writes
        self._pending: set[int] = set()
        self._queued: dict[int, str] = {}  # user id → document ("" to delete), not yet written
        self._waiting: list[asyncio.Future[None]] = []  # write-throughs the next batch serves
        self._writer: asyncio.Task[None] | None = None

    async def _load(self) -> dict[int, UserData]:
        if self._documents is None:
            await self._db.open()
            self._documents = {}
            for user_id, data in await conversations.all_documents(self._db.reader):
                self._documents[user_id] = json.loads(data)["user_data"]
                self._written[user_id] = data
        return self._documents

    async def get_user_data(self) -> dict[int, UserData]:
        documents = await self._load()
        return {uid: data for uid, data in documents.items() if data}

    async def get_conversations(self, name: str) -> ConversationDict:
        return {}  # flows keep their state in user_data; no ConversationHandler is used

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        assert self._documents is not None, "persistence used before it was loaded"
        self._documents[user_id] = data
        self._pending.add(user_id)

    async def drop_user_data(self, user_id: int) -> None:
        assert self._documents is not None, "persistence used before it was loaded"
        self._documents[user_id] = {}
        self._pending.add(user_id)

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        return None

    # -- writing ---------------------------------------------------------------------------

    def _queue(self, user_id: int, user_data: UserData) -> bool:
        """Queue the person's document if it differs from what is stored; whether it did."""
        assert self._documents is not None, "persistence used before it was loaded"
        self._documents[user_id] = user_data
        encoded = _encode(user_data)
        if self._written.get(user_id, "") == encoded:
            return False
        self._written[user_id] = encoded
        self._queued[user_id] = encoded
        return True

    def _start_writer(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_queued())

    async def write_pending(self) -> None:
        """Queue every touched person's document for writing (PTB's interval)."""
        pending, self._pending = self._pending, set()
        assert self._documents is not None or not pending
        for user_id in pending:
            self._queue(user_id, (self._documents or {}).get(user_id, {}))
        if self._queued:
            self._start_writer()

    def stored(self, user_id: int) -> str:
        """The person's document as the database holds it ("" for none)."""
        return self._written.get(user_id, "")

    async def write_through(self, user_id: int, user_data: UserData) -> None:
        """Store this person's document now; returns once it is on disk."""
        if not self._queue(user_id, user_data):
            if self._writer is not None and not self._writer.done() and user_id in self._queued:
                await self._writer
            return
        if (self._writer is None or self._writer.done()) and len(self._queued) == 1:
            # Nothing else is being written: write it here, without a writer task.
            encoded = self._queued.pop(user_id)
            now = to_db(self._clock.now())
            await self._db.write_alone(
                partial(conversations.put_in, user_id=user_id, data=encoded, now=now)
            )
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        self._start_writer()
        await waiter

    @contextmanager
    def riding(self, user_id: int, user_data: UserData) -> Iterator[Rider]:
        """While this block runs, the task's next write transaction also stores this
        person's document as `user_data` (which must not change meanwhile)."""
        encoded = _encode(user_data)
        now = to_db(self._clock.now())
        with self._db.riding(
            partial(conversations.put_in, user_id=user_id, data=encoded, now=now)
        ) as rider:
            yield rider
        if rider.committed:
            assert self._documents is not None
            self._documents[user_id] = user_data
            self._written[user_id] = encoded
            self._queued.pop(user_id, None)

    async def _write_queued(self) -> None:
        # Group commit: whatever queued up while one batch was written goes in the next.
        while self._queued or self._waiting:
            batch, self._queued = self._queued, {}
            waiting, self._waiting = self._waiting, []
            try:
                if batch:
                    await self._db.unit(
                        partial(_put_many, batch=batch, now=to_db(self._clock.now()))
                    )
            except Exception as error:
                for waiter in waiting:
                    if not waiter.done():
                        waiter.set_exception(error)
            else:
                for waiter in waiting:
                    if not waiter.done():
                        waiter.set_result(None)

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


def _put_many(tx: Tx, batch: dict[int, str], now: str) -> None:
    for user_id, encoded in batch.items():
        conversations.put_in(tx, user_id, encoded, now)
