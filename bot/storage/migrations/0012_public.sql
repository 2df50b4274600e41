-- An organisation's intentions appear on the pact's public page and in its open data only
-- once a contact agreed: NULL not asked yet, 1 agreed, 0 declined; and when.
ALTER TABLE organisation ADD COLUMN public INTEGER;
ALTER TABLE organisation ADD COLUMN public_at TEXT;
CREATE INDEX organisation_public ON organisation (public) WHERE public = 1;
