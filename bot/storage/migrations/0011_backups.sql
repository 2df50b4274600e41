-- Restores never bring an erased person back: each /forget leaves a salted hash of the
-- Telegram id and when, kept as long as the oldest backup that may still hold them.
CREATE TABLE secret (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO secret (name, value) VALUES ('forget_salt', lower(hex(randomblob(32))));
CREATE TABLE forgotten (
    hash TEXT PRIMARY KEY,                -- sha256 of "<salt>:<telegram id>"
    at TEXT NOT NULL                      -- UTC ISO-8601: when the person was erased
);
CREATE INDEX forgotten_at ON forgotten (at);
