-- A pact ten times bigger feels the same: every lookup a person or the team triggers has
-- an index, and the pact-wide figures are kept up to date as the bot writes (it is the
-- only writer), by triggers, so /stats reads a few dozen rows whatever the pact's size.

-- Erasing or exporting a person finds their rows by index, whoever wrote them.
CREATE INDEX intention_creator ON intention (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX progress_author ON progress (author_id) WHERE author_id IS NOT NULL;
CREATE INDEX intention_event_author ON intention_event (author_id) WHERE author_id IS NOT NULL;
CREATE INDEX organisation_creator ON organisation (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX invite_creator ON invite (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX invite_user ON invite (used_by) WHERE used_by IS NOT NULL;
CREATE INDEX session_creator ON session (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX join_request_person ON join_request (person_id);

-- Deleting an organisation finds its rows in the tables that refer to it.
CREATE INDEX invitation_organisation ON invitation (organisation_id);
CREATE INDEX invite_organisation ON invite (organisation_id);
CREATE INDEX join_request_organisation ON join_request (organisation_id);
CREATE INDEX endorsement_organisation ON endorsement (organisation_id)
    WHERE organisation_id IS NOT NULL;
CREATE INDEX session_sector_sector ON session_sector (sector_id);

-- The team's lists read their first page from an index, not from a sort of every row.
CREATE INDEX intention_recent ON intention (created_at, id);
CREATE INDEX intention_sector_recent ON intention (sector_id, created_at, id);
CREATE INDEX organisation_by_name ON organisation (name COLLATE NOCASE, id);
CREATE INDEX organisation_sector_by_name ON organisation (sector_id, name COLLATE NOCASE, id);

-- The pact's figures --------------------------------------------------------------------------

-- Organisations per sector.
CREATE TABLE figure_organisations (
    sector_id INTEGER PRIMARY KEY,
    n INTEGER NOT NULL
);
INSERT INTO figure_organisations SELECT sector_id, count(*) FROM organisation GROUP BY 1;

CREATE TRIGGER figure_organisation_added AFTER INSERT ON organisation BEGIN
    INSERT INTO figure_organisations VALUES (NEW.sector_id, 1)
        ON CONFLICT (sector_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER figure_organisation_removed AFTER DELETE ON organisation BEGIN
    UPDATE figure_organisations SET n = n - 1 WHERE sector_id = OLD.sector_id;
END;
CREATE TRIGGER figure_organisation_moved AFTER UPDATE OF sector_id ON organisation
WHEN OLD.sector_id IS NOT NEW.sector_id BEGIN
    UPDATE figure_organisations SET n = n - 1 WHERE sector_id = OLD.sector_id;
    INSERT INTO figure_organisations VALUES (NEW.sector_id, 1)
        ON CONFLICT (sector_id) DO UPDATE SET n = n + 1;
END;

-- Intentions per sector, lever and status: /stats, the digest's totals, and the count
-- of the team's filtered list.
CREATE TABLE figure_intentions (
    sector_id INTEGER NOT NULL,
    lever TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (sector_id, lever, status)
) WITHOUT ROWID;
INSERT INTO figure_intentions
SELECT sector_id, lever, status, count(*) FROM intention GROUP BY 1, 2, 3;

-- Indicators of intentions not withdrawn, per sector and lever: how many, and the sum of
-- how far each got from its baseline to its target (0 before a value).
CREATE TABLE figure_progress (
    sector_id INTEGER NOT NULL,
    lever TEXT NOT NULL,
    n INTEGER NOT NULL,
    total REAL NOT NULL,
    PRIMARY KEY (sector_id, lever)
) WITHOUT ROWID;
INSERT INTO figure_progress
SELECT i.sector_id, i.lever, count(*),
       sum(CASE WHEN d.current IS NULL OR d.target = d.baseline THEN 0.0
                ELSE (d.current - d.baseline) / (d.target - d.baseline) END)
FROM indicator d JOIN intention i ON i.id = d.intention_id
WHERE i.status <> 'withdrawn' GROUP BY 1, 2;

-- Intentions still under way (not achieved or withdrawn) per due date: the overdue ones
-- are a sum over the dates before today (a few hundred dates, whatever the pact's size).
CREATE TABLE figure_due (
    due_date TEXT PRIMARY KEY,
    n INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO figure_due
SELECT due_date, count(*) FROM intention WHERE status NOT IN ('achieved', 'withdrawn') GROUP BY 1;

CREATE TRIGGER figure_intention_added AFTER INSERT ON intention BEGIN
    INSERT INTO figure_intentions VALUES (NEW.sector_id, NEW.lever, NEW.status, 1)
        ON CONFLICT (sector_id, lever, status) DO UPDATE SET n = n + 1;
    INSERT INTO figure_due SELECT NEW.due_date, 1
        WHERE NEW.status NOT IN ('achieved', 'withdrawn')
        ON CONFLICT (due_date) DO UPDATE SET n = n + 1;
END;

-- Before the row goes: its indicators go with it (a cascade), and they are found while
-- the intention is still there to say where they counted.
CREATE TRIGGER figure_intention_removed BEFORE DELETE ON intention BEGIN
    UPDATE figure_intentions SET n = n - 1
        WHERE sector_id = OLD.sector_id AND lever = OLD.lever AND status = OLD.status;
    UPDATE figure_due SET n = n - 1
        WHERE due_date = OLD.due_date AND OLD.status NOT IN ('achieved', 'withdrawn');
    UPDATE figure_progress SET
        n = n - (SELECT count(*) FROM indicator WHERE intention_id = OLD.id),
        total = total - (SELECT coalesce(sum(CASE WHEN current IS NULL OR target = baseline
                         THEN 0.0 ELSE (current - baseline) / (target - baseline) END), 0.0)
                         FROM indicator WHERE intention_id = OLD.id)
        WHERE sector_id = OLD.sector_id AND lever = OLD.lever AND OLD.status <> 'withdrawn';
END;

CREATE TRIGGER figure_intention_changed AFTER UPDATE OF sector_id, lever, status, due_date
ON intention BEGIN
    UPDATE figure_intentions SET n = n - 1
        WHERE sector_id = OLD.sector_id AND lever = OLD.lever AND status = OLD.status;
    INSERT INTO figure_intentions VALUES (NEW.sector_id, NEW.lever, NEW.status, 1)
        ON CONFLICT (sector_id, lever, status) DO UPDATE SET n = n + 1;
    UPDATE figure_due SET n = n - 1
        WHERE due_date = OLD.due_date AND OLD.status NOT IN ('achieved', 'withdrawn');
    INSERT INTO figure_due SELECT NEW.due_date, 1
        WHERE NEW.status NOT IN ('achieved', 'withdrawn')
        ON CONFLICT (due_date) DO UPDATE SET n = n + 1;
    UPDATE figure_progress SET
        n = n - (SELECT count(*) FROM indicator WHERE intention_id = OLD.id),
        total = total - (SELECT coalesce(sum(CASE WHEN current IS NULL OR target = baseline
                         THEN 0.0 ELSE (current - baseline) / (target - baseline) END), 0.0)
                         FROM indicator WHERE intention_id = OLD.id)
        WHERE sector_id = OLD.sector_id AND lever = OLD.lever AND OLD.status <> 'withdrawn';
    INSERT INTO figure_progress
        SELECT NEW.sector_id, NEW.lever, count(*),
               coalesce(sum(CASE WHEN current IS NULL OR target = baseline
                            THEN 0.0 ELSE (current - baseline) / (target - baseline) END), 0.0)
        FROM indicator WHERE intention_id = NEW.id AND NEW.status <> 'withdrawn'
        ON CONFLICT (sector_id, lever) DO UPDATE SET n = n + excluded.n,
            total = total + excluded.total;
END;

CREATE TRIGGER figure_indicator_added AFTER INSERT ON indicator BEGIN
    INSERT INTO figure_progress
        SELECT i.sector_id, i.lever, 1,
               CASE WHEN NEW.current IS NULL OR NEW.target = NEW.baseline THEN 0.0
                    ELSE (NEW.current - NEW.baseline) / (NEW.target - NEW.baseline) END
        FROM intention i WHERE i.id = NEW.intention_id AND i.status <> 'withdrawn'
        ON CONFLICT (sector_id, lever) DO UPDATE SET n = n + 1, total = total + excluded.total;
END;

-- An indicator deleted on its own (its intention stays): while the intention is deleted,
-- the intention's trigger has counted it already and the join finds no intention.
CREATE TRIGGER figure_indicator_removed AFTER DELETE ON indicator BEGIN
    UPDATE figure_progress SET n = n - 1,
        total = total - CASE WHEN OLD.current IS NULL OR OLD.target = OLD.baseline THEN 0.0
                        ELSE (OLD.current - OLD.baseline) / (OLD.target - OLD.baseline) END
        WHERE (sector_id, lever) = (SELECT sector_id, lever FROM intention
                                    WHERE id = OLD.intention_id AND status <> 'withdrawn');
END;

CREATE TRIGGER figure_indicator_changed AFTER UPDATE OF baseline, target, current ON indicator
BEGIN
    UPDATE figure_progress SET total = total
        - CASE WHEN OLD.current IS NULL OR OLD.target = OLD.baseline THEN 0.0
               ELSE (OLD.current - OLD.baseline) / (OLD.target - OLD.baseline) END
        + CASE WHEN NEW.current IS NULL OR NEW.target = NEW.baseline THEN 0.0
               ELSE (NEW.current - NEW.baseline) / (NEW.target - NEW.baseline) END
        WHERE (sector_id, lever) = (SELECT sector_id, lever FROM intention
                                    WHERE id = NEW.intention_id AND status <> 'withdrawn');
END;
