-- Who added a team member is forgotten with them: the column may be empty.
CREATE TABLE team_member_new (
    person_id INTEGER PRIMARY KEY,
    added_by INTEGER,                     -- NULL once the owner who added them was forgotten
    added_at TEXT NOT NULL
);
INSERT INTO team_member_new (person_id, added_by, added_at)
SELECT person_id, added_by, added_at FROM team_member;
DROP TABLE team_member;
ALTER TABLE team_member_new RENAME TO team_member;

-- Erasing a person finds their rows by index, whoever wrote them.
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE INDEX audit_log_person ON audit_log (json_extract(detail, '$.person_id'))
    WHERE json_extract(detail, '$.person_id') IS NOT NULL;
CREATE INDEX team_member_added_by ON team_member (added_by);
