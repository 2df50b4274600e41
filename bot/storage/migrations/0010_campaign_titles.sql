-- A campaign's title in French and English, beside its Dutch `title` (which stays
-- required): JSON {"fr": …, "en": …}; a language without one reads the Dutch title.
ALTER TABLE campaign ADD COLUMN titles TEXT NOT NULL DEFAULT '{}';
