-- Sectors are data: the pact team adds more without a code change.
CREATE TABLE sector (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_nl TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    position INTEGER NOT NULL
);
INSERT INTO sector (code, name_nl, name_fr, name_en, position) VALUES
    ('work', 'Werk en ondernemen', 'Travail et entreprise', 'Work and business', 1),
    ('education', 'Onderwijs en vorming', 'Enseignement et formation', 'Education and training', 2),
    ('care', 'Zorg en welzijn', 'Soins et bien-être', 'Care and welfare', 3),
    ('housing', 'Wonen', 'Logement', 'Housing', 4),
    ('culture', 'Cultuur, jeugd en sport', 'Culture, jeunesse et sport', 'Culture, youth and sport', 5),
    ('media', 'Media', 'Médias', 'Media', 6),
    ('local', 'Lokale besturen', 'Pouvoirs locaux', 'Local government', 7),
    ('civil', 'Middenveld en verenigingen', 'Société civile et associations', 'Civil society and associations', 8);

CREATE TABLE organisation (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,               -- name without case, accents, punctuation or spacing
    sector_id INTEGER NOT NULL REFERENCES sector (id),
    website TEXT,
    description TEXT,
    created_at TEXT NOT NULL,
    created_by INTEGER
);
CREATE INDEX organisation_name_key ON organisation (name_key);
CREATE INDEX organisation_sector ON organisation (sector_id);

-- A person is a contact of at most one organisation.
CREATE TABLE contact (
    person_id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    joined_at TEXT NOT NULL
);
CREATE INDEX contact_organisation ON contact (organisation_id);

CREATE TABLE invite (
    code TEXT PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by INTEGER,
    used_at TEXT
);

-- Someone whose organisation exists already asks its contacts to let them in.
CREATE TABLE join_request (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    person_id INTEGER,
    display_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open'    -- open, accepted, declined
);

CREATE TABLE intention (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    sector_id INTEGER NOT NULL REFERENCES sector (id),
    lever TEXT NOT NULL,
    preconditions TEXT NOT NULL DEFAULT '[]',   -- JSON list of codes
    characteristics TEXT NOT NULL DEFAULT '[]', -- JSON list of codes
    due_date TEXT NOT NULL,                     -- ISO date
    status TEXT NOT NULL DEFAULT 'intention',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by INTEGER
);
CREATE INDEX intention_organisation ON intention (organisation_id);
CREATE INDEX intention_filters ON intention (sector_id, lever, status);

CREATE TABLE indicator (
    id INTEGER PRIMARY KEY,
    intention_id INTEGER NOT NULL REFERENCES intention (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    baseline REAL NOT NULL,
    target REAL NOT NULL,
    current REAL,                         -- the last value logged, NULL before any
    position INTEGER NOT NULL
);
CREATE INDEX indicator_intention ON indicator (intention_id);

CREATE TABLE progress (
    id INTEGER PRIMARY KEY,
    intention_id INTEGER NOT NULL REFERENCES intention (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    at TEXT NOT NULL,
    author_id INTEGER
);
CREATE INDEX progress_intention ON progress (intention_id, at);
CREATE INDEX progress_at ON progress (at);

CREATE TABLE progress_value (
    progress_id INTEGER NOT NULL REFERENCES progress (id) ON DELETE CASCADE,
    indicator_id INTEGER NOT NULL REFERENCES indicator (id) ON DELETE CASCADE,
    value REAL NOT NULL,
    PRIMARY KEY (progress_id, indicator_id)
);

-- Every change to an intention, with time and author: the digests read these.
CREATE TABLE intention_event (
    id INTEGER PRIMARY KEY,
    intention_id INTEGER NOT NULL REFERENCES intention (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    author_id INTEGER,
    kind TEXT NOT NULL,                   -- created, edited, status, progress, indicator
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX intention_event_at ON intention_event (at);
CREATE INDEX intention_event_intention ON intention_event (intention_id);
