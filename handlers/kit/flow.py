"""Guided conversations as a list of steps, with Back, Skip, /cancel and review built in.

Each step asks a question (text and buttons), and accepts typed text, a button, or both.
A person is in at most one flow at a time: `user_data["flow"]` names it and
`user_data["draft"]` holds what they entered so far (JSON only). `user_data` is stored by
the bot's persistence, so a restart continues at the same step with everything kept.
Buttons are only accepted from the latest question: an older message's buttons are
refused as stale.

All flows sit behind one handler, `Flows`, which finds the person's flow with a dictionary
lookup instead of asking a `ConversationHandler` per flow on every update.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram import CallbackQuery, Document, Message, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.error import TelegramError
from telegram.ext import BaseHandler

from bot.context import PactContext
from bot.i18n import N_
from bot.persistence import Rider, SQLitePersistence
from bot.services.errors import Invalid, ServiceError
from handlers.kit.common import (
    Buttons,
    answer,
    end_flow,
    error_text,
    esc,
    keyboard,
    no_longer_valid,
    refuse,
    send,
    show,
)

if TYPE_CHECKING:
    from bot.app import PactApplication

_LOGGER = logging.getLogger(__name__)
NO_BUTTONS: dict[str, Any] = {"inline_keyboard": []}

Draft = dict[str, Any]
Question = tuple[str, Buttons]
Ask = Callable[[PactContext, Draft], Awaitable[Question]]
OnText = Callable[[PactContext, Draft, str], Awaitable[str | None]]
OnButton = Callable[[PactContext, Draft, str, str], Awaitable[str | None]]
Begin = Callable[[Update, PactContext, Draft], Awaitable[str | None]]
Finish = Callable[[Update, PactContext, Draft], Awaitable[None]]

STAY = "=stay"  # stay at this step and ask again (after a button: the question redrawn)
DONE = "=done"  # a step's answer that finishes the flow


@dataclass(frozen=True)
class Step:
    name: str
    ask: Ask
    on_text: OnText | None = None
    on_button: OnButton | None = None
    skippable: bool = False
    next: str | None = None  # the step after this one, when it is not the next in the list
    back: bool = True  # a Back button, when there is a question before it
    on_file: OnText | None = None  # a .txt or .md file sent instead of text: its text


@dataclass
class Flow:
    """`name` is the callback prefix (a few letters); `begin` fills the draft and may
    refuse (raise a ServiceError) or name the first step; `finish` saves. A flow starts
    with its `command` or a button whose data match `entry_pattern`."""

    name: str
    steps: Sequence[Step]
    begin: Begin
    finish: Finish
    command: str | None = None
    entry_pattern: str | None = None
    _by_name: dict[str, Step] = field(init=False)
    _entry: re.Pattern[str] | None = field(init=False)

    def __post_init__(self) -> None:
        self._by_name = {s.name: s for s in self.steps}
        self._entry = re.compile(self.entry_pattern) if self.entry_pattern else None

    def starts_with(self, data: str) -> bool:
        return self._entry is not None and self._entry.match(data) is not None

    # -- the draft -----------------------------------------------------------------------

    def draft(self, context: PactContext) -> Draft:
        data = context.user_data
        if data is None:
            raise RuntimeError("flows need user_data")
        draft: Draft = data.setdefault("draft", {})
        return draft

    # -- moving between steps ------------------------------------------------------------

    async def start(self, update: Update, context: PactContext) -> None:
        await self._retire(context)  # a flow left half-way keeps no live buttons either
        await _spend(update, context)
        end_flow(context)  # one flow at a time: starting one drops any other
        draft = self.draft(context)
        draft["_path"] = []
        try:
            first = await self.begin(update, context, draft)
        except ServiceError as error:
            end_flow(context)
            await refuse(update, context, error)
            return
        await answer(update, context)
        if first == DONE:
            end_flow(context)
            return
        assert context.user_data is not None
        context.user_data["flow"] = self.name
        await self._go(update, context, first or self.steps[0].name)

    async def _go(
        self,
        update: Update,
        context: PactContext,
        name: str,
        in_place: bool = False,
        answered: str | None = None,
    ) -> None:
        draft = self.draft(context)
        if name == DONE:
            await self._finish(update, context, draft)
            return
        path: list[str] = draft["_path"]
        if name in path:  # back at a step (after an indicator, say): forget the loop since
            del path[path.index(name) + 1 :]
        else:
            path.append(name)
        back_to = draft.pop("_return", None)
        if back_to:
            draft["_after"] = back_to
        elif draft.get("_after") == name:
            draft.pop("_after")  # back where a change from the review returns: done
        await self._ask(update, context, name, in_place=in_place, answered=answered)

    async def _finish(self, update: Update, context: PactContext, draft: Draft) -> None:
        """Save: the flow's end is stored in the same transaction as what it saves, so a
        crash leaves either both or neither (and "Save" pressed again finds the draft)."""
        assert context.user_data is not None and context.person_id is not None
        ended = {k: v for k, v in context.user_data.items() if k not in ("flow", "draft")}
        persistence = _persistence(context)
        await self._retire(context)  # the last question's buttons go with the flow
        rider: Rider | None = None
        try:
            with persistence.riding(context.person_id, ended) as rider:
                await self.finish(update, context, draft)
        except ServiceError as error:
            if rider is not None and rider.committed:
                end_flow(context)  # saved; what failed after is the error handler's to say
                raise
            await self._ask(update, context, draft["_path"][-1], note=error_text(context, error))
            return
        except BaseException:
            if rider is not None and rider.committed:
                end_flow(context)
                context.flow_before = None  # saved: nothing to take back
            raise
        end_flow(context)
        context.flow_before = None
        if not rider.committed:  # nothing was written: store the end on its own
            await persistence.write_through(context.person_id, context.user_data)

    async def _ask(
        self,
        update: Update,
        context: PactContext,
        name: str,
        in_place: bool = False,
        note: str | None = None,
        answered: str | None = None,
    ) -> None:
        """Ask step `name`: in the message whose button was pressed (`in_place`), with
        the answer given there on top ("✓ Build trust"), or as a new message, the last
        question's buttons taken away. `note` (a refusal, a hint) heads it. The state that
        asks it is stored first."""
        draft = self.draft(context)
        step = self._by_name[name]
        text, rows = await step.ask(context, draft)
        t = context.i18n
        extra: list[tuple[str, str]] = []
        if step.back and len(draft["_path"]) > 1:
            extra.append((t.gettext("« Back"), f"{self.name}:back:"))
        if step.skippable:
            extra.append((t.gettext("Skip"), f"{self.name}:skip:"))
        all_rows = [*rows, extra] if extra else list(rows)
        body = f"{note}\n\n{text}" if note else text
        if in_place and answered and step.back:  # a review (no Back) shows the answers itself
            body = f"✓ {esc(answered)}\n\n{body}"
        # The way out is said while the question waits for an answer: a question with
        # buttons loses them once answered, and the hint with them (the same edit).
        hint = t.gettext("(/cancel stops without saving)")
        shown = f"{body}\n\n<i>{hint}</i>" if all_rows else body
        assert context.user_data is not None and context.person_id is not None
        persistence = _persistence(context)
        if not in_place:
            await self._retire(context)
        draft["_live"] = bool(all_rows)
        draft["_body"] = body  # what it shows once answered: its buttons and hint gone
        await persistence.write_through(context.person_id, context.user_data)
        reply = show if in_place else send
        try:
            draft["_message"] = await reply(update, context, shown, keyboard(all_rows))
        except TelegramError:
            # The question did not reach the person (after the retries): take the step
            # back, so that what they send next answers the question they can see.
            if context.flow_before is not None:
                before = json.loads(context.flow_before).get("user_data", {})
                context.user_data.clear()
                context.user_data.update(before)
                await persistence.write_through(context.person_id, context.user_data)
            raise

    async def _retire(self, context: PactContext, message_id: int | None = None) -> None:
        """Take the buttons off the last question (or `message_id`): once answered, left
        or ended, a question has no buttons that do nothing."""
        draft = (context.user_data or {}).get("draft") or {}
        body: str | None = None
        if message_id is None:
            if not draft.get("_live") or not draft.get("_message"):
                return
            message_id = int(draft["_message"])
            draft["_live"] = False
            body = draft.get("_body")  # without "/cancel stops…": it is answered
        if context.person_id is None:
            return
        try:
            if body:
                await context.bot.edit_text(context.person_id, message_id, body, NO_BUTTONS)
            else:
                await context.bot.edit_markup(context.person_id, message_id, NO_BUTTONS)
        except TelegramError as error:  # gone, too old, already bare: nothing to take away
            _LOGGER.info("buttons of message %s stay: %s", message_id, error)

    async def reask(self, update: Update, context: PactContext, note: str) -> None:
        """The current question again, as a new message with live buttons, under `note`:
        whatever the person did, they can always go on from the bottom of the chat."""
        step = self._current(self.draft(context))
        if step is None:
            await self._lost(update, context)
            return
        await self._ask(update, context, step.name, note=note)

    def _next(self, draft: Draft, step: Step) -> str:
        after = draft.pop("_after", None)
        if after:
            return str(after)
        if step.next:
            return step.next
        names = [s.name for s in self.steps]
        index = names.index(step.name) + 1
        return names[index] if index < len(names) else DONE

    def _current(self, draft: Draft) -> Step | None:
        path = draft.get("_path") or []
        return self._by_name.get(path[-1]) if path else None

    # -- what the person does -----------------------------------------------------------

    async def on_text(self, update: Update, context: PactContext) -> None:
        draft = self.draft(context)
        step = self._current(draft)
        message = update.effective_message
        if step is None or message is None or message.text is None:
            await self._lost(update, context)
            return
        t = context.i18n
        if step.on_text is None:
            await self.reask(update, context, t.gettext("Please use the buttons below."))
            return
        try:
            target = await step.on_text(context, draft, message.text)
        except ServiceError as error:
            await self.reask(update, context, error_text(context, error))
            return
        await self._after(update, context, step, target)

    async def on_other(self, update: Update, context: PactContext) -> None:
        """A file where the question takes one (`on_file`: a text file, read as text); a
        photo, sticker, voice message… where the question wants text or a button."""
        draft = self.draft(context)
        step = self._current(draft)
        if step is None:
            await self._lost(update, context)
            return
        t = context.i18n
        document = update.message.document if update.message else None
        if step.on_file is not None and document is not None:
            try:
                text = await _read_text_file(context, document)
                target = await step.on_file(context, draft, text)
            except ServiceError as error:
                await self.reask(update, context, error_text(context, error))
                return
            await self._after(update, context, step, target)
            return
        if step.on_text is None:
            await self.reask(update, context, t.gettext("Please use the buttons below."))
        else:
            await self.reask(update, context, t.gettext("Please send your answer as text."))

    async def on_button(self, update: Update, context: PactContext) -> None:
        query = update.callback_query
        assert query is not None
        draft = self.draft(context)
        step = self._current(draft)
        parts = (query.data or "").split(":", 2)
        action = parts[1] if len(parts) > 1 else ""
        value = parts[2] if len(parts) > 2 else ""
        # Only the latest question's buttons count. A question sent just before a crash
        # (its state stored, its message id not yet) is newer than the one on record.
        asked = draft.get("_message")
        pressed = query.message.message_id if query.message is not None else None
        if step is None or pressed is None or (asked is not None and pressed < asked):
            await refuse(update, context, no_longer_valid())
            if pressed is not None:
                await self._retire(context, pressed)
            if step is not None:
                await self.reask(update, context, context.i18n.gettext("Where we are now:"))
            return
        if pressed != asked:
            draft["_message"] = pressed
        if action == "back":
            await answer(update, context)
            path: list[str] = draft["_path"]
            if len(path) > 1:
                path.pop()
            draft.pop("_after", None)
            await self._go(update, context, path[-1], in_place=True)
            return
        if action == "skip" and step.skippable:
            await answer(update, context)
            draft.pop(step.name, None)  # a skippable step keeps its answer under its name
            await self._after(update, context, step, None, in_place=True)
            return
        if step.on_button is None:
            await refuse(update, context, no_longer_valid())
            return
        try:
            target = await step.on_button(context, draft, action, value)
        except ServiceError as error:
            await refuse(update, context, error)
            return
        await answer(update, context)
        # What the person chose, on top of the next question: the label of the button, or
        # what the step says was chosen (`draft["_answered"]`: "Education, Housing", not
        # the "Done" that closed the choice).
        answered = draft.pop("_answered", None) or _label(query)
        await self._after(update, context, step, target, in_place=True, answered=answered)

    async def _after(
        self,
        update: Update,
        context: PactContext,
        step: Step,
        target: str | None,
        in_place: bool = False,
        answered: str | None = None,
    ) -> None:
        draft = self.draft(context)
        if target == STAY:
            await self._ask(update, context, step.name, in_place=in_place)
            return
        if target is not None and target.startswith("=goto:"):
            draft["_return"] = step.name
            target = target.removeprefix("=goto:")
            answered = None  # "Change title" is no answer to show
            if self._by_name[target].on_button is None:
                in_place = False  # a question to type below the review, which stays
        name = target or self._next(draft, step)
        await self._go(update, context, name, in_place=in_place, answered=answered)

    async def cancel(self, update: Update, context: PactContext) -> None:
        await self._retire(context)
        end_flow(context)
        await send(update, context, context.i18n.gettext("Stopped. Nothing was saved."))

    async def _lost(self, update: Update, context: PactContext) -> None:
        await self._retire(context)
        end_flow(context)
        await send(
            update,
            context,
            context.i18n.gettext("I lost track of where we were. Please start again."),
        )


async def _spend(update: Update, context: PactContext) -> None:
    """A button that starts a flow leaves its message (the rest stays): pressed again, it
    would start the flow over. A menu's button (`…:menu`) stays: the menu is for the next
    choice too."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    if (query.data or "").endswith(":menu"):
        return
    markup = query.message.reply_markup
    if markup is None:
        return
    rows = [
        [(b.text, b.callback_data) for b in row if b.callback_data != query.data]
        for row in markup.inline_keyboard
        if all(isinstance(b.callback_data, str) for b in row)
    ]
    kept: Buttons = [[(label, str(data)) for label, data in row] for row in rows if row]
    try:
        await context.bot.edit_markup(
            query.message.chat.id, query.message.message_id, keyboard(kept)
        )
    except TelegramError as error:
        _LOGGER.info("the button that started a flow stays: %s", error)


FILE_MAX = 256_000  # bytes of a text file a question takes
FILE_TYPES = (".txt", ".md")


async def _read_text_file(context: PactContext, document: Document) -> str:
    """The text of a .txt or .md file (UTF-8), or a refusal that says what fits."""
    name = (document.file_name or "").lower()
    if not name.endswith(FILE_TYPES) or (document.file_size or 0) > FILE_MAX:
        raise Invalid(N_("Send the text as a message, or as a .txt or .md file of at most 250 KB."))
    file = await context.bot.get_file(document.file_id)
    content = bytes(await file.download_as_bytearray())
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(
            N_("That file is not plain text in UTF-8. Save it as UTF-8 and send it again.")
        ) from None


def _label(query: CallbackQuery) -> str | None:
    """The text of the button pressed, without its tick marks."""
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == query.data:
                return button.text.removeprefix("✓ ").removeprefix("☑ ").removeprefix("☐ ")
    return None


def _persistence(context: PactContext) -> SQLitePersistence:
    persistence = context.application.persistence
    assert isinstance(persistence, SQLitePersistence), "flows need the bot's persistence"
    return persistence


Route = Callable[[Update, PactContext], Awaitable[None]]


class Flows(BaseHandler[Update, PactContext, None]):
    """Every flow behind one handler. It takes an update when it starts a flow (the flow's
    command, or a button matching its entry pattern) or belongs to the flow the person is
    in (typed text, that flow's buttons, /cancel). Anything else goes on to the handlers
    after it: other commands work in the middle of a flow, which waits for the answer."""

    def __init__(
        self, application: PactApplication, flows: Sequence[Flow], taken: Iterable[str] = ()
    ) -> None:
        """`taken`: the button prefixes routed elsewhere, which no flow may use."""
        super().__init__(self._run)
        self._application = application
        self._flows = {flow.name: flow for flow in flows}
        self._commands = {flow.command: flow for flow in flows if flow.command}
        names = [flow.name for flow in flows]
        commands = [flow.command for flow in flows if flow.command]
        clash = {n for n in names if names.count(n) > 1} | (set(names) & set(taken))
        clash |= {c for c in commands if commands.count(c) > 1}
        if clash or any(":" in n for n in names):
            raise ValueError(f"flow names, button prefixes and commands must be unique: {clash}")

    def _active(self, user_id: int) -> Flow | None:
        data = self._application.user_data.get(user_id)
        return self._flows.get(data.get("flow", "")) if data else None

    def check_update(self, update: object) -> Route | None:
        if not isinstance(update, Update) or update.effective_user is None:
            return None
        user_id = update.effective_user.id
        query = update.callback_query
        if query is not None:
            data = query.data or ""
            flow = self._flows.get(data.partition(":")[0])
            if flow is None:
                return None
            if flow.starts_with(data):
                return flow.start
            return flow.on_button if self._active(user_id) is flow else None
        message = update.message
        if message is None or message.chat.type != ChatType.PRIVATE:
            return None
        if message.text is None:
            if message.effective_attachment is None:
                return None  # a service message, not an answer
            flow = self._active(user_id)
            return flow.on_other if flow else None
        command = self._command(message.text, message.entities)
        if command is None:
            flow = self._active(user_id)
            return flow.on_text if flow else None
        if command in self._commands:
            return self._commands[command].start
        flow = self._active(user_id)
        return flow.cancel if flow and command == "cancel" else None

    def _command(self, text: str, entities: Sequence[Any]) -> str | None:
        """The command a message starts with (`/intention@Pactbot` → "intention"), if any."""
        if not entities or entities[0].type != MessageEntityType.BOT_COMMAND:
            return None
        if entities[0].offset != 0:
            return None
        word = text[1 : entities[0].length]
        command, _, mention = word.partition("@")
        if mention and mention.lower() != (self._application.bot.username or "").lower():
            return None
        return command.lower()

    async def _run(self, update: Update, context: PactContext) -> None:
        """Run the flow's start, text, button or cancel that `check_update` chooses (asked
        again here: a few dictionary lookups, and nothing changed in between)."""
        route = self.check_update(update)
        if route is not None:
            # Where the person was (as stored: every question is), to take the step back
            # if its question cannot be sent.
            if update.effective_user is not None:
                stored = _persistence(context).stored(update.effective_user.id)
                context.flow_before = stored or "{}"
            await route(update, context)


def ask(message: str) -> Ask:
    """A question that is one message (marked with N_) and no buttons of its own."""

    async def question(context: PactContext, draft: Draft) -> Question:
        return context.i18n.gettext(message), []

    return question


def keep(key: str, check: Callable[[str], object]) -> OnText:
    """Typed text, checked (a failing check raises Invalid), kept in the draft as `key`."""

    async def on_text(context: PactContext, draft: Draft, text: str) -> str | None:
        draft[key] = check(text)
        return None

    return on_text


def goto(step: str) -> str:
    """From a review step: edit `step`, then come back to the review."""
    return f"=goto:{step}"
