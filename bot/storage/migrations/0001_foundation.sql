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

-- Where each conversation stands, so a restart continues it.
CREATE TABLE conversation_state (
    name TEXT NOT NULL,
    key TEXT NOT NULL,                    -- the ConversationHandler key as JSON
    user_id INTEGER,
    state TEXT NOT NULL,                  -- JSON
    updated_at TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
CREATE INDEX conversation_state_user ON conversation_state (user_id);

-- What a person typed so far in an unfinished conversation.
CREATE TABLE draft (
    user_id INTEGER PRIMARY KEY,
    data TEXT NOT NULL,                   -- JSON
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
