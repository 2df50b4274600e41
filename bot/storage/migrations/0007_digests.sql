-- Who follows the pact's digest, how often, and up to when they have had it (the cursor:
-- the next digest covers from `covered_until` to the digest moment).
CREATE TABLE subscription (
    person_id INTEGER PRIMARY KEY,
    frequency TEXT NOT NULL DEFAULT 'weekly',  -- weekly, daily, none (offered, or stopped)
    all_sectors INTEGER NOT NULL DEFAULT 1,    -- 0: only the sectors in subscription_sector
    covered_until TEXT NOT NULL,               -- UTC ISO-8601
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX subscription_due ON subscription (frequency, covered_until);

CREATE TABLE subscription_sector (
    person_id INTEGER NOT NULL REFERENCES subscription (person_id) ON DELETE CASCADE,
    sector_id INTEGER NOT NULL REFERENCES sector (id) ON DELETE CASCADE,
    PRIMARY KEY (person_id, sector_id)
);
CREATE INDEX subscription_sector_sector ON subscription_sector (sector_id);

-- The digest channel's cursor (DIGEST_CHAT_ID): one digest of all sectors per period.
CREATE TABLE digest_channel (
    chat TEXT PRIMARY KEY,
    covered_until TEXT NOT NULL
);

-- A message in several parts (a digest: its chart, then its text in as many messages as
-- it needs) remembers how many went, so a retry goes on from there.
ALTER TABLE outbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;

-- What the digests read, by time: a week's activity is a range of these indexes, whatever
-- the history behind it.
CREATE INDEX progress_value_indicator ON progress_value (indicator_id, progress_id);
CREATE INDEX campaign_published ON campaign (published_at) WHERE published_at IS NOT NULL;
