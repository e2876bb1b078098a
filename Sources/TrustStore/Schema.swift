// The ledger's schema. Migrations are append-only like the ledger itself: a migration that has
// shipped is never edited; a change is a new migration at the end of `migrator`.
import GRDB

enum Schema {
    /// `PRAGMA application_id`: "TRST". A SQLite file without it is not a trustd ledger.
    static let applicationID: Int32 = 0x5452_5354

    /// `PRAGMA user_version` after all migrations this build knows: the number of migrations.
    /// A store with a higher number was written by a newer trustd and is refused, never migrated down.
    static var version: Int { migrationIdentifiers.count }

    static let migrationIdentifiers = [
        "v1-ledger", "v2-import", "v3-void-and-celebrate", "v4-plan-versions", "v5-share",
    ]

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-ledger") { db in
            try db.execute(
                sql: """
                    -- One row per scheduled check-in. The first seven columns are its identity and never
                    -- change; the rest caches what its events say and is updated in the transaction that
                    -- appends each event.
                    CREATE TABLE occurrence (
                        id INTEGER PRIMARY KEY,
                        item TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('commitment', 'boundary')),
                        scheduled INTEGER NOT NULL,     -- ms since 1970-01-01 UTC
                        zone TEXT NOT NULL,             -- IANA zone it was computed in
                        day INTEGER NOT NULL,           -- YYYYMMDD in that zone, day-starts applied
                        deadline INTEGER NOT NULL,      -- ms since 1970-01-01 UTC
                        state TEXT NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'kept', 'missed', 'skipped', 'unanswered')),
                        answered_at INTEGER,
                        answer_channel TEXT,
                        note TEXT,
                        prompted_at INTEGER,
                        prompt_count INTEGER NOT NULL DEFAULT 0,
                        notification_id INTEGER,
                        snoozed_until INTEGER,
                        UNIQUE (item, scheduled)        -- an occurrence is never created twice
                    );
                    CREATE INDEX occurrence_pending ON occurrence (scheduled) WHERE state = 'pending';
                    CREATE INDEX occurrence_scheduled ON occurrence (scheduled);
                    -- Covers TrustStore.records (export, trustd's milestones): one sequential scan in
                    -- (item, scheduled) order, no table lookups, no sorting. (The report reads the table
                    -- itself in rowid order: TrustStore.checkInsByItem.)
                    CREATE INDEX occurrence_report
                        ON occurrence (item, scheduled, kind, zone, day, deadline, state, answered_at, note);

                    -- The append-only log. seq runs 1, 2, 3, … and hash = SHA-256(previous hash ‖
                    -- canonical content), see HashChain.canonical.
                    CREATE TABLE event (
                        seq INTEGER PRIMARY KEY,
                        occurrence INTEGER NOT NULL REFERENCES occurrence (id),
                        type TEXT NOT NULL CHECK (type IN
                            ('scheduled', 'prompted', 'snoozed', 'answered', 'corrected', 'noted', 'unanswered')),
                        at INTEGER NOT NULL,            -- ms since 1970-01-01 UTC
                        channel TEXT NOT NULL,
                        answer TEXT CHECK (answer IN ('kept', 'missed', 'skipped')),
                        note TEXT,
                        notification_id INTEGER,
                        until INTEGER,
                        hash BLOB NOT NULL CHECK (length(hash) = 32)
                    );
                    CREATE INDEX event_occurrence ON event (occurrence, seq);

                    CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event
                    BEGIN SELECT RAISE(ABORT, 'the trustd event log is append-only'); END;
                    CREATE TRIGGER event_append_only_delete BEFORE DELETE ON event
                    BEGIN SELECT RAISE(ABORT, 'the trustd event log is append-only'); END;
                    CREATE TRIGGER occurrence_never_deleted BEFORE DELETE ON occurrence
                    BEGIN SELECT RAISE(ABORT, 'trustd never deletes an occurrence'); END;
                    CREATE TRIGGER occurrence_identity_fixed
                    BEFORE UPDATE OF id, item, kind, scheduled, zone, day, deadline ON occurrence
                    BEGIN SELECT RAISE(ABORT, 'an occurrence''s identity never changes'); END;
                    """)
        }
        // `trustctl import`: where an imported check-in came from, on its first (`scheduled`) event,
        // and the number the other tracker kept with it, on its `answered` event (both covered by
        // the hash: HashChain.canonical's version 2).
        m.registerMigration("v2-import") { db in
            try db.execute(
                sql: """
                    ALTER TABLE event ADD COLUMN import_source TEXT;   -- loop, harsh, habitctl
                    ALTER TABLE event ADD COLUMN import_file TEXT;     -- the file's name, no directories
                    ALTER TABLE event ADD COLUMN import_sha256 TEXT;   -- of the file's bytes, lowercase hex
                    ALTER TABLE event ADD COLUMN value REAL;           -- a numeric habit's amount
                    CREATE INDEX event_imported ON event (import_sha256, occurrence) WHERE import_sha256 IS NOT NULL;
                    """)
        }
        // Issue 11: the state `voided` and the event types `voided` (withdrawn by a clock
        // correction) and `celebrated` (a milestone shown; the streak in `value`). SQLite cannot
        // alter a CHECK constraint, so both tables are rebuilt the way SQLite's documentation says
        // (ALTER TABLE, "other kinds of table schema changes"): a new table with the new CHECK, every
        // row copied as it is (same ids, same bytes: the hash chain does not change), the old one
        // dropped, the new one renamed, then the indexes and triggers of v1 and v2 made again (their
        // text repeated, not shared: a shipped migration is never edited, not even by a refactor). The
        // migrator runs it in one transaction with foreign keys off and checks them all before
        // committing; `verify` checks that the triggers stand.
        m.registerMigration("v3-void-and-celebrate") { db in
            try db.execute(
                sql: """
                    CREATE TABLE occurrence_v3 (
                        id INTEGER PRIMARY KEY,
                        item TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('commitment', 'boundary')),
                        scheduled INTEGER NOT NULL,
                        zone TEXT NOT NULL,
                        day INTEGER NOT NULL,
                        deadline INTEGER NOT NULL,
                        state TEXT NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'kept', 'missed', 'skipped', 'unanswered', 'voided')),
                        answered_at INTEGER,
                        answer_channel TEXT,
                        note TEXT,
                        prompted_at INTEGER,
                        prompt_count INTEGER NOT NULL DEFAULT 0,
                        notification_id INTEGER,
                        snoozed_until INTEGER
                    );
                    INSERT INTO occurrence_v3 (id, item, kind, scheduled, zone, day, deadline, state, answered_at,
                        answer_channel, note, prompted_at, prompt_count, notification_id, snoozed_until)
                    SELECT id, item, kind, scheduled, zone, day, deadline, state, answered_at,
                        answer_channel, note, prompted_at, prompt_count, notification_id, snoozed_until FROM occurrence;

                    CREATE TABLE event_v3 (
                        seq INTEGER PRIMARY KEY,
                        occurrence INTEGER NOT NULL REFERENCES occurrence (id),
                        type TEXT NOT NULL CHECK (type IN
                            ('scheduled', 'prompted', 'snoozed', 'answered', 'corrected', 'noted', 'unanswered',
                             'voided', 'celebrated')),
                        at INTEGER NOT NULL,
                        channel TEXT NOT NULL,
                        answer TEXT CHECK (answer IN ('kept', 'missed', 'skipped')),
                        note TEXT,
                        notification_id INTEGER,
                        until INTEGER,
                        hash BLOB NOT NULL CHECK (length(hash) = 32),
                        import_source TEXT,
                        import_file TEXT,
                        import_sha256 TEXT,
                        value REAL
                    );
                    INSERT INTO event_v3 (seq, occurrence, type, at, channel, answer, note, notification_id, until, hash,
                        import_source, import_file, import_sha256, value)
                    SELECT seq, occurrence, type, at, channel, answer, note, notification_id, until, hash,
                        import_source, import_file, import_sha256, value FROM event;

                    -- Dropping a table drops its indexes and triggers and fires none.
                    DROP TABLE event;
                    DROP TABLE occurrence;
                    ALTER TABLE occurrence_v3 RENAME TO occurrence;
                    ALTER TABLE event_v3 RENAME TO event;

                    -- An occurrence is never created twice, except that one voided by a clock correction
                    -- leaves its instant free: when that instant really comes, it is entered again.
                    CREATE UNIQUE INDEX occurrence_once ON occurrence (item, scheduled) WHERE state != 'voided';
                    CREATE INDEX occurrence_pending ON occurrence (scheduled) WHERE state = 'pending';
                    CREATE INDEX occurrence_scheduled ON occurrence (scheduled);
                    CREATE INDEX occurrence_report
                        ON occurrence (item, scheduled, kind, zone, day, deadline, state, answered_at, note);
                    CREATE INDEX event_occurrence ON event (occurrence, seq);
                    CREATE INDEX event_imported ON event (import_sha256, occurrence) WHERE import_sha256 IS NOT NULL;

                    CREATE TRIGGER event_append_only_update BEFORE UPDATE ON event
                    BEGIN SELECT RAISE(ABORT, 'the trustd event log is append-only'); END;
                    CREATE TRIGGER event_append_only_delete BEFORE DELETE ON event
                    BEGIN SELECT RAISE(ABORT, 'the trustd event log is append-only'); END;
                    CREATE TRIGGER occurrence_never_deleted BEFORE DELETE ON occurrence
                    BEGIN SELECT RAISE(ABORT, 'trustd never deletes an occurrence'); END;
                    CREATE TRIGGER occurrence_identity_fixed
                    BEFORE UPDATE OF id, item, kind, scheduled, zone, day, deadline ON occurrence
                    BEGIN SELECT RAISE(ABORT, 'an occurrence''s identity never changes'); END;
                    """)
        }
        // Issue 14: every plan trustd adopts, as a normalized summary (PlanVersion's canonical
        // JSON) with its SHA-256, in a log of its own with its own hash chain (PlanChain): append-only
        // like the event log, walked by `verify`.
        m.registerMigration("v4-plan-versions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE plan_version (
                        seq INTEGER PRIMARY KEY,        -- 1, 2, 3, … in the order adopted
                        at INTEGER NOT NULL,            -- ms since 1970-01-01 UTC: when trustd adopted it
                        plan_hash TEXT NOT NULL CHECK (length(plan_hash) = 64),  -- SHA-256 of summary, hex
                        summary TEXT NOT NULL,          -- PlanVersion as sorted-key JSON
                        hash BLOB NOT NULL CHECK (length(hash) = 32)  -- SHA-256(previous hash ‖ canonical)
                    );
                    CREATE INDEX plan_version_at ON plan_version (at);
                    CREATE TRIGGER plan_version_append_only_update BEFORE UPDATE ON plan_version
                    BEGIN SELECT RAISE(ABORT, 'the trustd plan log is append-only'); END;
                    CREATE TRIGGER plan_version_append_only_delete BEFORE DELETE ON plan_version
                    BEGIN SELECT RAISE(ABORT, 'the trustd plan log is append-only'); END;
                    """)
        }
        // Issue 14 (`trustctl share`): every event written with a note from now on stores a random salt,
        // and the hash chain covers SHA-256(salt ‖ note) instead of the text (HashChain.canonical's
        // version 3), so a digest's receiver can check the chain without the notes. Older events keep
        // their canonical form (the column is NULL on them). Adding a column keeps the triggers.
        m.registerMigration("v5-share") { db in
            try db.execute(sql: "ALTER TABLE event ADD COLUMN note_salt TEXT;  -- 16 bytes, lowercase hex")
        }
        return m
    }
}
