#!/usr/bin/env python3
"""Writes the import fixtures next to this script, deterministically (run it again to regenerate).

The Loop databases are built by replaying Loop Habit Tracker's own migrations
(uhabits-core/src/jvmMain/resources/migrations/09.sql ... 25.sql, the statements that shape the
Habits and Repetitions tables) up to a given schema version, then filling them as Loop does:
timestamps in ms at UTC midnight, values 2 YES_MANUAL, 1 YES_AUTO, 0 NO, 3 SKIP, -1 UNKNOWN,
numeric habits storing the amount x 1000. The CSV exports follow HabitsCSVExporter.kt (current:
header `Date,Value,Notes`, formatted values; before June 2025: no header, numeric codes). harsh
and habitctl folders follow their readers (harsh internal/storage, habitctl src/main.rs).
"""
import os, sqlite3, zipfile, io, datetime, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
DAY = 86400000

def ms(d):  # 'YYYY-MM-DD' -> ms at UTC midnight
    return int(datetime.datetime.strptime(d, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc).timestamp()) * 1000

MIGRATIONS = {
    9: """create table Habits (id integer primary key autoincrement, archived integer, color integer,
            description text, freq_den integer, freq_num integer, highlight integer, name text,
            position integer, reminder_hour integer, reminder_min integer);
          create table Checkmarks (id integer primary key autoincrement, habit integer references habits(id),
            timestamp integer, value integer);
          create table Repetitions (id integer primary key autoincrement, habit integer references habits(id),
            timestamp integer);
          create table Streak (id integer primary key autoincrement, end integer, habit integer references habits(id),
            length integer, start integer);
          create table Score (id integer primary key autoincrement, habit integer references habits(id),
            score integer, timestamp integer);""",
    11: "alter table Habits add column reminder_days integer not null default 127;",
    13: "create index idx_repetitions_habit_timestamp on Repetitions(habit, timestamp);",
    16: """alter table Habits add column type integer not null default 0;
           alter table Repetitions add column value integer not null default 2;""",
    18: """alter table Habits add column target_type integer not null default 0;
           alter table Habits add column target_value real not null default 0;
           alter table Habits add column unit text not null default "";""",
    19: "create table Events (id integer primary key autoincrement, timestamp integer, message text, server_id integer);",
    20: "drop table checkmarks; drop table streak; drop table score;",
    22: """alter table Repetitions rename to RepetitionsBak;
           create table Repetitions (id integer primary key autoincrement, habit integer not null references habits(id),
             timestamp integer not null, value integer not null);
           drop index if exists idx_repetitions_habit_timestamp;
           create unique index idx_repetitions_habit_timestamp on Repetitions(habit, timestamp);
           insert into Repetitions select * from RepetitionsBak;
           drop table RepetitionsBak;""",
    23: "alter table Habits add column question text;",
    24: "alter table habits add column uuid text;",
    25: "alter table Repetitions add column notes text;",
}

def loop_db(path, version, habits, reps):
    """habits: list of dicts; reps: list of (habit_id, 'YYYY-MM-DD', value, notes)."""
    if os.path.exists(path): os.remove(path)
    db = sqlite3.connect(path)
    for v in sorted(MIGRATIONS):
        if v <= version: db.executescript(MIGRATIONS[v])
    db.execute(f"pragma user_version = {version}")
    hcols = {r[1] for r in db.execute("pragma table_info(Habits)")}
    rcols = {r[1] for r in db.execute("pragma table_info(Repetitions)")}
    for h in habits:
        row = {k: v for k, v in h.items() if k in hcols}
        db.execute(f"insert into Habits ({','.join(row)}) values ({','.join('?' * len(row))})", list(row.values()))
    for (habit, day, value, notes) in reps:
        row = {"habit": habit, "timestamp": ms(day)}
        if "value" in rcols: row["value"] = value
        if "notes" in rcols: row["notes"] = notes
        db.execute(f"insert into Repetitions ({','.join(row)}) values ({','.join('?' * len(row))})", list(row.values()))
    db.commit()
    db.close()

HABITS = [
    dict(id=1, name="Meditate", question="Did you meditate this morning?", description="", freq_num=1, freq_den=1,
         archived=0, position=0, color=0, type=0, target_type=0, target_value=0, unit=""),
    dict(id=2, name="Wake up early", question="Did you wake up before 6am?", description="", freq_num=2, freq_den=3,
         archived=0, position=1, color=1, type=0, target_type=0, target_value=0, unit=""),
    dict(id=3, name="Push-ups", question="How many push-ups?", description="", freq_num=1, freq_den=1,
         archived=0, position=2, color=2, type=1, target_type=0, target_value=20.0, unit="reps"),
    dict(id=4, name="Coffee", question="How many cups?", description="", freq_num=1, freq_den=1,
         archived=1, position=3, color=3, type=1, target_type=1, target_value=2.0, unit="cups"),
]
# Every value Loop stores, with notes (a comma and a quote in one).
REPS = [
    (1, "2025-03-01", 2, "felt calm"),
    (1, "2025-03-02", 0, "overslept, \"again\""),
    (1, "2025-03-03", 3, ""),
    (1, "2025-03-04", -1, ""),
    (1, "2025-03-05", 1, ""),
    (1, "2025-03-06", 2, ""),
    (2, "2025-03-01", 2, ""),
    (2, "2025-03-03", 0, ""),
    (3, "2025-03-01", 25000, "25 before breakfast"),
    (3, "2025-03-02", 20000, ""),
    (3, "2025-03-03", 5500, ""),
    (3, "2025-03-04", 3, ""),  # SKIP, also for numeric habits (EntryList.kt)
    (4, "2025-03-01", 1000, ""),
    (4, "2025-03-02", 3000, ""),
]

def main():
    os.chdir(HERE)
    loop_db("loop-v25.db", 25, HABITS, REPS)
    # v22: no question column (description holds it, as before migration 23), no notes.
    old = [dict(h, description=h["question"]) for h in HABITS]
    loop_db("loop-v22.db", 22, old, REPS)
    # v15: no type/target (no numeric habits yet), no value column: every repetition is a yes.
    loop_db("loop-v15.db", 15, old[:2], [r for r in REPS if r[0] <= 2])
    loop_db("loop-bad-value.db", 25, HABITS[:1], [(1, "2025-03-01", 7, "")])
    if os.path.exists("not-loop.db"): os.remove("not-loop.db")
    db = sqlite3.connect("not-loop.db")
    db.executescript("create table notes (id integer primary key, text text); insert into notes (text) values ('hi');")
    db.commit(); db.close()
    with open("not-sqlite.db", "w") as f: f.write("this is a text file, not a database\n")

    # Loop CSV export, current format (header, formatted values, notes; Habits.csv with Type etc.).
    def export(path, habits_csv, folders):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in [("Habits.csv", habits_csv)] + folders:
                info = zipfile.ZipInfo(name, date_time=(2025, 6, 30, 12, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data)
    export("loop-export.zip",
        "Position,Name,Type,Question,Description,FrequencyNumerator,FrequencyDenominator,Color,Unit,Target Type,Target Value,Archived?\n"
        "001,Meditate,YES_NO,Did you meditate this morning?,,1,1,#FF8F00,,,,false\n"
        "002,Wake up early,YES_NO,Did you wake up before 6am?,,2,3,#00897B,,,,false\n"
        "003,Push-ups,NUMERICAL,How many push-ups?,,1,1,#E53935,reps,AT_LEAST,20.0,false\n",
        [("001 Meditate/Checkmarks.csv",
          "Date,Value,Notes\n2025-03-06,YES_MANUAL,\n2025-03-05,YES_AUTO,\n2025-03-04,UNKNOWN,\n"
          "2025-03-03,SKIP,\n2025-03-02,NO,\"overslept, \"\"again\"\"\"\n2025-03-01,YES_MANUAL,felt calm\n"),
         ("001 Meditate/Scores.csv", "Date,Score\n2025-03-06,0.1000\n"),
         ("002 Wake up early/Checkmarks.csv", "Date,Value,Notes\n2025-03-03,NO,\n2025-03-02,YES_AUTO,\n2025-03-01,YES_MANUAL,\n"),
         ("003 Push-ups/Checkmarks.csv", "Date,Value,Notes\n2025-03-04,SKIP,\n2025-03-03,5500,\n2025-03-02,20000,\n2025-03-01,25000,25 before breakfast\n"),
         ("Checkmarks.csv", "Date,Meditate,Wake up early,Push-ups,\n2025-03-06,YES_MANUAL,UNKNOWN,UNKNOWN,\n"),
         ("Scores.csv", "Date,Meditate,Wake up early,Push-ups,\n2025-03-06,0.1000,0.0000,0.0000,\n")])
    # Before June 2025: older Habits.csv columns, no header and numeric codes in Checkmarks.csv.
    export("loop-export-old.zip",
        "Position,Name,Question,Description,NumRepetitions,Interval,Color\n"
        "001,Meditate,Did you meditate this morning?,,1,1,#FF8F00\n"
        "002,Wake up early,Did you wake up before 6am?,,2,3,#00897B\n",
        [("001 Meditate/Checkmarks.csv", "2025-03-06,2\n2025-03-05,1\n2025-03-03,3\n2025-03-02,0\n2025-03-01,2\n"),
         ("002 Wake up early/Checkmarks.csv", "2025-03-03,0\n2025-03-02,1\n2025-03-01,2\n")])
    data = open("loop-export.zip", "rb").read()
    with open("loop-export-truncated.zip", "wb") as f: f.write(data[: len(data) // 2])
    export("loop-export-bad-date.zip",
        "Position,Name,Type,Question,Description,FrequencyNumerator,FrequencyDenominator,Color,Unit,Target Type,Target Value,Archived?\n"
        "001,Meditate,YES_NO,,,1,1,#FF8F00,,,,false\n",
        [("001 Meditate/Checkmarks.csv", "Date,Value,Notes\n2025-03-06,YES_MANUAL,\n03/05/2025,NO,\n")])

    def folder(name, files):
        if os.path.exists(name): shutil.rmtree(name)
        os.makedirs(name)
        for fn, text in files.items():
            with open(os.path.join(name, fn), "w") as f: f.write(text)

    harsh_habits = ("# This is your habits file.\n! Health\nGymmed: 3/7\nBed by midnight: 1\n\n! Home\n"
                    "Cleaned House: 1w\nTracked Finances: 15\nToo much coffee: 0\nOld habit: 1: 2025-02-01\n")
    harsh_log = ("# log\n2025-03-01 : Gymmed : y : Leg day : 1.5\n2025-03-01 : Bed by midnight : n\n"
                 "2025-03-02 : Bed by midnight : y : \n2025-03-03 : Bed by midnight : s : travelling : \n"
                 "2025-03-02 : Cleaned House : y\n2025-03-01 : Too much coffee : y : 3 cups : 3\n")
    folder("harsh", {"habits": harsh_habits, "log": harsh_log})
    folder("harsh-bad-date", {"habits": harsh_habits, "log": harsh_log + "2025-3-04 : Gymmed : y\n"})
    folder("harsh-unknown-habit", {"habits": harsh_habits, "log": harsh_log + "2025-03-04 : Swimming : y\n"})
    folder("harsh-bad-frequency", {"habits": harsh_habits + "Swimming: 5/3\n", "log": harsh_log})

    hc_habits = ("# The numbers specifies how often you want to do a habit:\n"
                 "# 1 means daily, 7 means weekly, 0 means you're just tracking the habit. Some examples:\n"
                 "\n# 1 Meditated\n1 Meditated\n7 Cleaned the apartment\n0 Had a headache\n")
    hc_log = ("2025-03-01\tMeditated\ty\n2025-03-01\tCleaned the apartment\tn\n\n"
              "2025-03-02\tMeditated\tn\n2025-03-02\tHad a headache\ty\n\n2025-03-03\tMeditated\ts\n")
    folder("habitctl", {"habits": hc_habits, "log": hc_log})
    folder("habitctl-bad-date", {"habits": hc_habits, "log": hc_log + "2025-02-30\tMeditated\ty\n"})
    folder("habitctl-unknown-habit", {"habits": hc_habits, "log": hc_log + "2025-03-04\tJogged\ty\n"})
    folder("habitctl-bad-value", {"habits": hc_habits, "log": hc_log + "2025-03-04\tMeditated\tmaybe\n"})

if __name__ == "__main__":
    main()
