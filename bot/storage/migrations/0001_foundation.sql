-- People who talked to the bot: their language, and whether Telegram still reaches them.
CREATE TABLE person (
    id INTEGER PRIMARY KEY,               -- the Telegram user id
    locale TEXT NOT NULL,
    created_at TEXT NOT NULL,
    reachable INTEGER NOT NULL DEFAULT 1  -- 0 once Telegram says the person blocked the bot
);

-- Pact team members added by an owner (owners themselves come from ADMIN_IDS).
CREATE TABLE team_member (
    person_id INTEGER PRIMARY KEY,
    added_by INTEGER NOT NULL,
    added_at TEXT NOT NULL
);

-- Where a person's conversations stand and what they typed so far (their drafts), as one
-- JSON document per person written in one statement, so a restart continues where they were.
CREATE TABLE conversation (
    user_id INTEGER PRIMARY KEY,
    data TEXT NOT NULL,                   -- {"user_data": {...}, "states": {name: [[key, state]]}}
    updated_at TEXT NOT NULL
);

-- What the pact team did, for accountability.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
