-- The pact's opinion text, put up for endorsement by the pact team: a campaign.
CREATE TABLE campaign (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,            -- the deep link: /start endorse_<code>
    title TEXT NOT NULL,
    deadline TEXT NOT NULL,               -- UTC ISO-8601; closed from then on
    line_cap INTEGER NOT NULL DEFAULT 10,
    char_cap INTEGER NOT NULL DEFAULT 900,
    state TEXT NOT NULL DEFAULT 'draft',  -- draft, open, published (closed: open past the deadline)
    published_note TEXT,                  -- where and how it was published
    created_by INTEGER,
    created_at TEXT NOT NULL,
    opened_at TEXT,
    published_at TEXT
);

-- The opinion text in each language it was given in (Dutch always).
CREATE TABLE campaign_text (
    campaign_id INTEGER NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    locale TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (campaign_id, locale)
);

-- One endorsement per person personally, and one per organisation, per campaign.
CREATE TABLE endorsement (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL,           -- who wrote it
    organisation_id INTEGER REFERENCES organisation (id) ON DELETE CASCADE,  -- on behalf of
    published_name TEXT NOT NULL,
    paragraph TEXT NOT NULL,
    consent_name INTEGER NOT NULL,        -- publish my name
    consent_name_at TEXT NOT NULL,        -- when it was given or taken back
    consent_paragraph INTEGER NOT NULL,   -- publish my paragraph
    consent_paragraph_at TEXT NOT NULL,
    consent_notify INTEGER NOT NULL,      -- tell me when and how it is published
    consent_notify_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'submitted',  -- submitted, approved, rejected, withdrawn
    reason TEXT,                          -- why it was rejected
    moderated_by INTEGER,
    moderated_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX endorsement_personal ON endorsement (campaign_id, person_id)
    WHERE organisation_id IS NULL;
CREATE UNIQUE INDEX endorsement_on_behalf ON endorsement (campaign_id, organisation_id)
    WHERE organisation_id IS NOT NULL;
CREATE INDEX endorsement_person ON endorsement (person_id);
CREATE INDEX endorsement_waiting ON endorsement (state, updated_at);
CREATE INDEX endorsement_moderator ON endorsement (moderated_by);

-- Someone who started to endorse: reminded before the deadline until they confirm.
CREATE TABLE endorsement_start (
    campaign_id INTEGER NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    reminders INTEGER NOT NULL DEFAULT 1,  -- 0 once they said: no more reminders
    PRIMARY KEY (campaign_id, person_id)
);
CREATE INDEX endorsement_start_person ON endorsement_start (person_id);
CREATE INDEX campaign_creator ON campaign (created_by);
