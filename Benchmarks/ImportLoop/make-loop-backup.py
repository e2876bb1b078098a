#!/usr/bin/env python3
"""A Loop Habit Tracker backup for the import benchmark: YEARS years x HABITS daily habits, in
Loop's current schema (built by the same migration replay as
Tests/TrustImportTests/Fixtures/make-fixtures.py), plus plan.yaml mapping every habit.
Deterministic (seeded).

usage: make-loop-backup.py OUT_DIR [--years 10] [--habits 20] [--end 2025-12-31] [--seed 42]
"""
import argparse, datetime, importlib.util, os, random

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "make_fixtures", os.path.join(HERE, "..", "..", "Tests", "TrustImportTests", "Fixtures", "make-fixtures.py"))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--habits", type=int, default=20)
    ap.add_argument("--end", default="2025-12-31")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(a.seed)
    end = datetime.date.fromisoformat(a.end)
    start = end - datetime.timedelta(days=365 * a.years - 1)
    habits, reps = [], []
    for h in range(1, a.habits + 1):
        habits.append(dict(id=h, name=f"Habit {h:02d}", question=f"Did you do habit {h}?", description="",
                           freq_num=1, freq_den=1, archived=0, position=h - 1, color=h % 20, type=0,
                           target_type=0, target_value=0, unit=""))
        day = start
        while day <= end:
            r = rng.random()
            value = 2 if r < 0.70 else 0 if r < 0.88 else 3 if r < 0.95 else -1
            note = "note for the day" if rng.random() < 0.02 else ""
            reps.append((h, day.isoformat(), value, note))
            day += datetime.timedelta(days=1)
    path = os.path.join(a.out, "loop-backup.db")
    fixtures.loop_db(path, 25, habits, reps)
    with open(os.path.join(a.out, "plan.yaml"), "w") as f:
        f.write("version: 1\ntimezone: Europe/Berlin\nday-starts: \"04:00\"\ncommitments:\n")
        for h in habits:
            f.write(f"  - id: habit-{h['id']:02d}\n    title: \"{h['name']}\"\n    at: \"21:00\"\n")
    print(f"{path}: {len(habits)} habits, {len(reps)} repetitions, {start} - {end}")

if __name__ == "__main__":
    main()
