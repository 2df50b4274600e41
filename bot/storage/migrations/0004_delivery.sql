-- The outbox for every kind of message: a recipient is a person or a chat (the digest
-- channel), each row says what it is about (voided together), which bulk send it belongs to
-- (its delivery report), which later row replaces it, and how urgent it is.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY,
    recipient_id INTEGER,                 -- a person (their private chat); NULL for a chat
    chat TEXT,                            -- a channel or group, "-100…" or "@name"; NULL for a person
    kind TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 1,  -- 0: one-off notices, sent before 1: bulk
    subject TEXT,                         -- what it is about, e.g. "session:12"
    batch TEXT,                           -- the bulk send it belongs to, e.g. "session:12:invite:0"
    collapse TEXT,                        -- of due rows sharing it, only the latest is sent
    payload TEXT NOT NULL DEFAULT '{}',   -- JSON: references, rendered when sent
    due_at TEXT NOT NULL,                 -- UTC ISO-8601
    idempotency_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'pending',  -- pending, sent, skipped, blocked, failed, void
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    done_at TEXT,                         -- when it left 'pending'; pruned after the retention
    CHECK ((recipient_id IS NULL) <> (chat IS NULL))
);

INSERT INTO outbox_new (id, recipient_id, kind, priority, subject, collapse, payload, due_at,
                        idempotency_key, state, attempts, last_error, created_at, sent_at, done_at)
SELECT id, recipient_id, kind, 1,
       CASE WHEN json_extract(payload, '$.session_id') IS NOT NULL
            THEN 'session:' || json_extract(payload, '$.session_id') END,
       CASE WHEN kind = 'reminder'
            THEN 'reminder:' || json_extract(payload, '$.session_id') || ':' || recipient_id END,
       payload, due_at, idempotency_key, state, attempts, last_error, created_at, sent_at,
       CASE WHEN state <> 'pending' THEN coalesce(sent_at, created_at) END
FROM outbox;

DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

-- What is due, most urgent first, read as a range (see bot/storage/outbox.py).
CREATE INDEX outbox_due ON outbox (state, priority, due_at);
CREATE INDEX outbox_recipient ON outbox (recipient_id);
CREATE INDEX outbox_subject ON outbox (subject) WHERE state = 'pending';
CREATE INDEX outbox_batch ON outbox (batch) WHERE batch IS NOT NULL;
CREATE INDEX outbox_collapse ON outbox (collapse, due_at) WHERE state = 'pending';
CREATE INDEX outbox_done ON outbox (done_at) WHERE state <> 'pending';
