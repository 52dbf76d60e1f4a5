#!/usr/bin/env python3
"""Writes a random chain whose every piece of user text is hostile: revision ids, messages,
table and column names, default values and comments drawn from backslashes, quotes, newlines,
comment openers and closers, trigraphs, dollar quotes, control characters and non-ASCII text.
The build compiles its generated plan into a migrator, and the tests run it: the ids and
messages must come back exactly (expected.json) and every revision must round-trip.

usage: hostile_chain.py --seed N --revisions N --out DIR"""
import argparse
import json
import os
import random

# Pieces that have broken generated code, comments and SQL in the past, or could.
PIECES = ["\\", "\\\\", "'", "''", '"', "*/", "/*", "//", "--", "??/", "??=", "$$", "$q$", "\t", "%s", "{}", "{0}",
          "#", "é", "日本", "😀", "\u202e", "`", "<", "&", ";", "\\n", "\\x41", "\\0", " ", "_", "0"]
CONTROL = ["\n", "\r", "\x01", "\x1b", "\x7f"]


def hostile(rng, length, allow_control, allow=None):
    pieces = PIECES + (CONTROL if allow_control else [])
    if allow is not None:
        pieces = [p for p in pieces if allow(p)]
    out = ""
    while len(out.encode()) < length:
        out += rng.choice(pieces) if rng.random() < 0.6 else rng.choice("abcdefxyz")
    return out


def quote_string(text):
    return "'" + text.replace("'", "''") + "'"


def quote_name(text):
    return '"' + text.replace('"', '""') + '"'


def name(rng, taken):
    while True:
        # Identifiers: at most 63 bytes, and no control characters (PostgreSQL takes them, the
        # catalog snapshot prints them; they add nothing here).
        text = hostile(rng, rng.randint(1, 20), False)
        if len(text.encode()) <= 63 and text not in taken and text.strip() == text and text:
            taken.add(text)
            return text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--revisions", type=int, default=8)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    # Ids hold what the compiler allows in one (letters of any script, digits, `_`, `.`).
    file_safe = lambda p: all(c.isalnum() or c in "_." or ord(c) >= 0x80 for c in p)
    ids, expected, taken = [], [], set()
    for i in range(args.revisions):
        while True:
            rid = "%02d" % i + hostile(rng, rng.randint(1, 12), False, file_safe)
            if rid not in ids and rid.strip() == rid and not rid.endswith("."):
                break
        message = hostile(rng, rng.randint(0, 60), True)
        ids.append(rid)
        expected.append({"revision": rid, "message": message})
        parent = "base" if i == 0 else quote_string(ids[i - 1])
        table, column = name(rng, taken), name(rng, taken)
        text = [
            "revision %s revises %s\n  message %s;\n\n" % (quote_string(rid), parent, quote_string(message)),
            "create table %s (\n  id integer primary key,\n  %s text default %s\n);\n"
            % (quote_name(table), quote_name(column), quote_string(hostile(rng, 30, True))),
            "comment on table %s is %s;\n" % (quote_name(table), quote_string(hostile(rng, 30, True))),
            "comment on column %s.%s is %s;\n" % (quote_name(table), quote_name(column), quote_string(hostile(rng, 30, True))),
        ]
        with open(os.path.join(args.out, "%s.mig" % rid), "w", encoding="utf-8") as out:
            out.write("".join(text))
    with open(os.path.join(args.out, "expected.json"), "w", encoding="utf-8") as out:
        json.dump(expected, out, ensure_ascii=False)


if __name__ == "__main__":
    main()
