#!/usr/bin/env python3
"""Holds a migrator's --json output (read on stdin) to the schema docs/migrator.md documents:
every line parses alone as a JSON object whose `event` is a documented kind with exactly the
documented fields; the last line is `result` (of the expected verb) or `error`, with the
expected exit status. The schema is read from the documentation itself, so the two cannot
drift apart. With --print, prints <expression> of each event `e` (one line each), for the
test to compare with what the database says.

usage: json_lines.py <docs/migrator.md> <verb, e.g. "upgrade" or "upgrade --sql"> <exit> [--print <expression>]"""
import json
import re
import sys

REVISION_LISTS = {"from", "to", "heads"}
INTEGERS = {"position", "total", "line", "lock_retries", "exit"}


def backticked(text):
    return re.findall(r"`([^`]+)`", text)


def table_rows(section, header):
    """The cells of each row of the table whose header row starts with `header`."""
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def read_schema(docs_path):
    text = open(docs_path, encoding="utf-8").read()
    section = text.split("\n## JSON Lines\n", 1)[1].split("\n## ", 1)[0]
    events = {}
    for cells in table_rows(section, "| event |"):
        for name in backticked(cells[0]):
            events[name] = backticked(cells[1])
    results = {}
    for cells in table_rows(section, "| verb |"):
        fields = {}
        # A field's parenthesis lists the fields of its objects, after a colon if there is one.
        for match in re.finditer(r"`([^`]+)`(?: \(([^()]*)\))?", cells[1]):
            inner = match.group(2) or ""
            fields[match.group(1)] = backticked(inner.split(":", 1)[1] if ":" in inner else inner)
        for verb in backticked(cells[0]):
            results[verb] = fields
    return events, results


def check_line(number, line, events, results, verb):
    problems = []
    try:
        event = json.loads(line)
    except ValueError as error:
        return None, ["line %d does not parse: %s: %r" % (number, error, line[:200])]
    if not isinstance(event, dict) or not isinstance(event.get("event"), str):
        return None, ["line %d is not an object with an `event`: %r" % (number, line[:200])]
    kind = event["event"]
    if kind not in events:
        return event, ["line %d: undocumented event %r" % (number, kind)]
    expected = ["event"] + events[kind]
    nested = {}
    if kind == "result":
        fields = results.get(verb)
        if fields is None:
            return event, ["the verb %r has no documented result" % verb]
        expected += list(fields)
        nested = fields
        if event.get("verb") != verb.split()[0]:
            problems.append("line %d: result of %r, expected %r" % (number, event.get("verb"), verb.split()[0]))
    if sorted(event) != sorted(expected):
        problems.append("line %d (%s): fields %s, documented %s" % (number, kind, sorted(event), sorted(expected)))
    for key, value in event.items():
        if key in INTEGERS and (not isinstance(value, int) or isinstance(value, bool)):
            problems.append("line %d: %s is %r, not an integer" % (number, key, value))
        if key == "duration_ms" and not isinstance(value, (int, float)):
            problems.append("line %d: duration_ms is %r, not a number" % (number, value))
        if key in REVISION_LISTS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append("line %d: %s is %r, not a list of revision ids" % (number, key, value))
        if nested.get(key) and isinstance(value, list) and value and isinstance(value[0], dict):
            for row in value:
                if sorted(row) != sorted(nested[key]):
                    problems.append("line %d: an entry of %s has %s, documented %s" % (number, key, sorted(row), sorted(nested[key])))
                    break
    return event, problems


def main():
    docs_path, verb, exit_status = sys.argv[1], sys.argv[2], int(sys.argv[3])
    expression = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--print" else None
    events, results = read_schema(docs_path)
    raw = sys.stdin.buffer.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        print("FAILED: the output is not UTF-8: %s" % error)
        return 1
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    else:
        print("FAILED: the output does not end with a line end: %r" % text[-200:])
        return 1
    parsed, problems = [], []
    for number, line in enumerate(lines, 1):
        event, line_problems = check_line(number, line, events, results, verb)
        problems += line_problems
        if event is not None:
            parsed.append(event)
    if not parsed:
        problems.append("no output")
    else:
        last = parsed[-1]
        if last.get("event") not in ("result", "error"):
            problems.append("the last line is %r, not a result or an error" % last.get("event"))
        if last.get("exit") != exit_status:
            problems.append("the last line says exit %r, expected %d" % (last.get("exit"), exit_status))
        if any(e.get("event") in ("result", "error") for e in parsed[:-1]):
            problems.append("a result or error before the last line")
    if problems:
        print("FAILED: %s --json:" % verb)
        for problem in problems:
            print("  " + problem)
        print("  output:\n" + "\n".join("    " + line[:300] for line in lines))
        return 1
    if expression:
        for e in parsed:
            value = eval(expression, {"e": e})  # the test's own expression
            if value is not None:
                print(value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
