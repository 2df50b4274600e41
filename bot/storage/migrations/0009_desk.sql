-- A message from the pact team to everyone or to a segment: its text per language, an
-- optional link button, who it goes to, and where it stands. Each recipient's message is
-- an outbox row (kind 'broadcast', batch and subject 'broadcast:<id>').
CREATE TABLE broadcast (
    id INTEGER PRIMARY KEY,
    texts TEXT NOT NULL,                  -- JSON {"nl": …, "fr": …, "en": …}; Dutch always
    button TEXT,                          -- JSON [[label, url], …] (link buttons), or NULL
    audience TEXT NOT NULL,               -- JSON {"kind": …, "sectors": […], "session_id": …}
    recipients INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,                  -- waiting (for approval), sending, done, cancelled
    created_by INTEGER,
    created_at TEXT NOT NULL,
    approved_by INTEGER,
    approved_at TEXT,
    status_chat INTEGER,                  -- the live status message the bot edits
    status_message INTEGER,
    finished_at TEXT
);
CREATE INDEX broadcast_state ON broadcast (state);
CREATE INDEX broadcast_creator ON broadcast (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX broadcast_approver ON broadcast (approved_by) WHERE approved_by IS NOT NULL;

-- The audit log, read by kind of action (a range of `action`), newest first.
CREATE INDEX audit_log_action ON audit_log (action, id);
