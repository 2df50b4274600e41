-- Follow-up sessions per sector, scheduled by the pact team.
CREATE TABLE session (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    start_at TEXT NOT NULL,               -- UTC ISO-8601
    duration_minutes INTEGER NOT NULL,
    place TEXT,
    url TEXT,
    agenda TEXT NOT NULL,
    offsets TEXT NOT NULL,                -- JSON list of reminder offsets in minutes
    all_sectors INTEGER NOT NULL DEFAULT 0,
    sequence INTEGER NOT NULL DEFAULT 0,  -- the .ics SEQUENCE: raised on every change
    state TEXT NOT NULL DEFAULT 'scheduled',  -- scheduled, cancelled
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX session_start ON session (start_at);

CREATE TABLE session_sector (
    session_id INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    sector_id INTEGER NOT NULL REFERENCES sector (id),
    PRIMARY KEY (session_id, sector_id)
);

-- Who was invited, for which organisation, and what they answered.
CREATE TABLE invitation (
    session_id INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL,
    organisation_id INTEGER REFERENCES organisation (id) ON DELETE SET NULL,
    invited_at TEXT NOT NULL,
    rsvp TEXT,                            -- yes, maybe, no; NULL before an answer
    answered_at TEXT,
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX invitation_person ON invitation (person_id);

-- Every message the bot sends on its own (invitations, reminders, later digests and
-- broadcasts): the database is the source of truth for everything scheduled.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL,        -- a person's chat, or a channel
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',   -- JSON: references, rendered when sent
    due_at TEXT NOT NULL,                 -- UTC ISO-8601
    idempotency_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, skipped, blocked, failed, void
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (state, due_at);
CREATE INDEX outbox_recipient ON outbox (recipient_id);
