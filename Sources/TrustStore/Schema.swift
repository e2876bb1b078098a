// The ledger's schema. Migrations are append-only like the ledger itself: a migration that has
// shipped is never edited; a change is a new migration at the end of `migrator`.
import GRDB

enum Schema {
    /// `PRAGMA application_id`: "TRST". A SQLite file without it is not a trustd ledger.
    static let applicationID: Int32 = 0x5452_5354

    /// `PRAGMA user_version` after all migrations this build knows: the number of migrations.
    /// A store with a higher number was written by a newer trustd and is refused, never migrated down.
    static var version: Int { migrationIdentifiers.count }

    static let migrationIdentifiers = ["v1-ledger", "v2-import"]

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
        return m
    }
}
