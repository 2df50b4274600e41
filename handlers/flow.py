"""Guided conversations as a list of steps, with Back, Skip, /cancel and review built in.

A `Flow` becomes one persistent `ConversationHandler`. Each step asks a question (text and
buttons), and accepts typed text, a button, or both. What the person entered so far is
the flow's draft in `user_data` (JSON only), stored after every update, so a restart
continues at the same step with everything kept. Buttons are only accepted from the
latest question: an older message's buttons are refused as stale.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import PactContext
from bot.i18n import N_
from bot.services.errors import Invalid, NotAllowed, ServiceError
from handlers.common import (
    Buttons,
    answer,
    end_conversations,
    error_text,
    keyboard,
    refuse,
    send,
)

Draft = dict[str, Any]
Question = tuple[str, Buttons]
Ask = Callable[[PactContext, Draft], Awaitable[Question]]
OnText = Callable[[PactContext, Draft, str], Awaitable[str | None]]
OnButton = Callable[[PactContext, Draft, str, str], Awaitable[str | None]]
Begin = Callable[[Update, PactContext, Draft], Awaitable[str | None]]
Finish = Callable[[Update, PactContext, Draft], Awaitable[None]]

END = ConversationHandler.END
STAY = "=stay"  # a step's answer that keeps the person at the same step and asks again
DONE = "=done"  # a step's answer that finishes the flow


@dataclass(frozen=True)
class Step:
    name: str
    ask: Ask
    on_text: OnText | None = None
    on_button: OnButton | None = None
    skippable: bool = False
    next: str | None = None  # the step after this one, when it is not the next in the list


@dataclass
class Flow:
    """`name` is the callback prefix (a few letters); `begin` fills the draft and may
    refuse (raise a ServiceError) or name the first step; `finish` saves."""

    name: str
    steps: Sequence[Step]
    begin: Begin
    finish: Finish
    command: str | None = None
    entry_pattern: str | None = None
    _by_name: dict[str, Step] = field(init=False)

    def __post_init__(self) -> None:
        self._by_name = {s.name: s for s in self.steps}

    def handler(self) -> ConversationHandler[PactContext]:
        entry: list[BaseHandler[Update, PactContext, Any]] = []
        if self.command:
            entry.append(
                CommandHandler(self.command, self._start, filters=filters.ChatType.PRIVATE)
            )
        if self.entry_pattern:
            entry.append(CallbackQueryHandler(self._start, pattern=self.entry_pattern))
        in_step: list[BaseHandler[Update, PactContext, Any]] = [
            MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, self._text),
            CallbackQueryHandler(self._button, pattern=f"^{self.name}:"),
        ]
        with warnings.catch_warnings():
            # PTB warns that per_message=False cannot tie buttons to a message: the flow
            # does that itself, accepting buttons only from its latest question.
            warnings.filterwarnings("ignore", ".*per_message=False.*", PTBUserWarning)
            return ConversationHandler(
                entry_points=entry,
                states={step.name: in_step for step in self.steps},
                fallbacks=[CommandHandler("cancel", self._cancel)],
                name=self.name,
                persistent=True,
                allow_reentry=True,
            )

    # -- the draft -----------------------------------------------------------------------

    def draft(self, context: PactContext) -> Draft:
        data = context.user_data
        if data is None:
            raise RuntimeError("flows need user_data")
        draft: Draft = data.setdefault(self.name, {})
        return draft

    def _drop(self, context: PactContext) -> None:
        if context.user_data is not None:
            context.user_data.pop(self.name, None)

    # -- moving between steps ------------------------------------------------------------

    async def _start(self, update: Update, context: PactContext) -> str | int:
        person_id = update.effective_user.id if update.effective_user else 0
        end_conversations(context, person_id, keep=self.name)
        self._drop(context)
        draft = self.draft(context)
        draft["_path"] = []
        try:
            first = await self.begin(update, context, draft)
        except ServiceError as error:
            self._drop(context)
            await refuse(update, context, error)
            return END
        await answer(update, context)
        if first == DONE:
            self._drop(context)
            return END
        return await self._go(update, context, first or self.steps[0].name)

    async def _go(self, update: Update, context: PactContext, name: str) -> str | int:
        draft = self.draft(context)
        if name == DONE:
            try:
                await self.finish(update, context, draft)
            except ServiceError as error:
                await send(update, context, error_text(context, error))
                return await self._go(update, context, draft["_path"][-1])
            self._drop(context)
            return END
        path: list[str] = draft["_path"]
        if not path or path[-1] != name:
            path.append(name)
        back_to = draft.pop("_return", None)
        if back_to:
            draft["_after"] = back_to
        await self._ask(update, context, name)
        return name

    async def _ask(self, update: Update, context: PactContext, name: str) -> None:
        draft = self.draft(context)
        step = self._by_name[name]
        text, rows = await step.ask(context, draft)
        t = context.i18n
        extra: list[tuple[str, str]] = []
        if len(draft["_path"]) > 1:
            extra.append((t.gettext("« Back"), f"{self.name}:back:"))
        if step.skippable:
            extra.append((t.gettext("Skip"), f"{self.name}:skip:"))
        all_rows = [*rows, extra] if extra else list(rows)
        hint = t.gettext("(/cancel stops without saving)")
        message = await send(update, context, f"{text}\n\n<i>{hint}</i>", keyboard(all_rows))
        draft["_message"] = message.message_id

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

    async def _text(self, update: Update, context: PactContext) -> str | int | None:
        draft = self.draft(context)
        step = self._current(draft)
        message = update.effective_message
        if step is None or message is None or message.text is None:
            return await self._lost(update, context)
        if step.on_text is None:
            await send(update, context, context.i18n.gettext("Please use the buttons above."))
            return None
        try:
            target = await step.on_text(context, draft, message.text)
        except Invalid as error:
            await send(update, context, error_text(context, error))
            return None
        return await self._after(update, context, step, target)

    async def _button(self, update: Update, context: PactContext) -> str | int | None:
        query = update.callback_query
        assert query is not None
        draft = self.draft(context)
        step = self._current(draft)
        parts = (query.data or "").split(":", 2)
        action = parts[1] if len(parts) > 1 else ""
        value = parts[2] if len(parts) > 2 else ""
        stale = (
            step is None
            or query.message is None
            or query.message.message_id != draft.get("_message")
        )
        if stale or step is None:
            await refuse(update, context, NotAllowed(N_("This button is no longer valid.")))
            return None
        if action == "back":
            await answer(update, context)
            path: list[str] = draft["_path"]
            if len(path) > 1:
                path.pop()
            draft.pop("_after", None)
            return await self._go(update, context, path[-1])
        if action == "skip" and step.skippable:
            await answer(update, context)
            draft.pop(step.name, None)  # a skippable step keeps its answer under its name
            return await self._after(update, context, step, None)
        if step.on_button is None:
            await refuse(update, context, NotAllowed(N_("This button is no longer valid.")))
            return None
        try:
            target = await step.on_button(context, draft, action, value)
        except ServiceError as error:
            await refuse(update, context, error)
            return None
        await answer(update, context)
        return await self._after(update, context, step, target)

    async def _after(
        self, update: Update, context: PactContext, step: Step, target: str | None
    ) -> str | int:
        draft = self.draft(context)
        if target == STAY:
            await self._ask(update, context, step.name)
            return step.name
        if target is not None and target.startswith("=goto:"):
            draft["_return"] = step.name
            target = target.removeprefix("=goto:")
        return await self._go(update, context, target or self._next(draft, step))

    async def _cancel(self, update: Update, context: PactContext) -> int:
        self._drop(context)
        await send(update, context, context.i18n.gettext("Stopped. Nothing was saved."))
        return END

    async def _lost(self, update: Update, context: PactContext) -> int:
        self._drop(context)
        await send(
            update,
            context,
            context.i18n.gettext("I lost track of where we were. Please start again."),
        )
        return END


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
