#!/usr/bin/env python3
"""Layers point one way. With the very flags each of its sources compiles with (from the build's
compile_commands.json), a layer reaches the headers of the layers it may use, and no others: an
include that points the wrong way does not compile. What a layer may use is written here, apart
from the CMake targets that make it so, so that a target given more include paths fails the test.

usage: layers_test.py <source dir> <build dir>
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

# Each layer, and the layers whose headers it may include (itself among them).
MAY_USE = {
    "postgres": {"postgres"},
    "diagnostics": {"diagnostics"},
    "dsl": {"dsl", "diagnostics", "postgres"},
    "compiler": {"compiler", "dsl", "diagnostics", "postgres"},
    "runtime": {"runtime", "postgres", "plan"},
}
# One header of each layer, which needs nothing that a layer allowed to include it lacks.
PROBES = {
    "plan": "plan/plan.hpp",
    "postgres": "postgres/sql_text.hpp",
    "diagnostics": "diagnostics/source.hpp",
    "dsl": "dsl/ast.hpp",
    "compiler": "compiler/revision_graph.hpp",
    "runtime": "runtime/targets.hpp",
}
# Parts of a compile command that name its own source and outputs, with the argument they take.
FILE_OPTIONS = {"-o": 1, "-c": 1, "-MF": 1, "-MT": 1, "-MQ": 1, "-MD": 0, "-MMD": 0}


def flag_sets(source_dir, build_dir):
    """{layer: {flags without files: a source that compiles with them}} for every layer's sources."""
    with open(os.path.join(build_dir, "compile_commands.json")) as f:
        commands = json.load(f)
    sets = {layer: {} for layer in MAY_USE}
    for entry in commands:
        relative = os.path.relpath(entry["file"], source_dir)
        layer = relative.split(os.sep)[0]
        if layer not in sets:
            continue
        words = shlex.split(entry["command"]) if "command" in entry else entry["arguments"]
        flags, skip = [], 0
        for word in words:
            if skip:
                skip -= 1
            elif word in FILE_OPTIONS:
                skip = FILE_OPTIONS[word]
            elif word != entry["file"]:
                flags.append(word)
        sets[layer].setdefault(tuple(flags), (relative, entry["directory"]))
    return sets


def reaches(flags, directory, header, probe_dir):
    """Whether `#include "<header>"` preprocesses with `flags`; None if it failed for another reason."""
    probe = os.path.join(probe_dir, "probe.cpp")
    with open(probe, "w") as f:
        f.write('#include "%s"\n' % header)
    result = subprocess.run(list(flags) + ["-E", "-o", os.devnull, probe], cwd=directory,
                            capture_output=True, text=True)
    if result.returncode == 0:
        return True
    # GCC's words, and Clang's (the fuzz preset's compiler).
    if "%s: No such file or directory" % header in result.stderr or "'%s' file not found" % header in result.stderr:
        return False
    print(result.stderr, file=sys.stderr)
    return None


def main():
    source_dir, build_dir = (os.path.realpath(arg) for arg in sys.argv[1:3])
    failures = 0
    with tempfile.TemporaryDirectory() as probe_dir:
        for layer, sets in flag_sets(source_dir, build_dir).items():
            if not sets:
                print("FAILED: no source of %s/ in compile_commands.json" % layer)
                failures += 1
            wrong = 0
            for flags, (source, directory) in sets.items():
                for other, header in PROBES.items():
                    actual = reaches(flags, directory, header, probe_dir)
                    if actual != (other in MAY_USE[layer]):
                        print("FAILED: compiled as %s is, `#include \"%s\"` %s" %
                              (source, header, {True: "compiles", False: "is not found", None: "fails"}[actual]))
                        wrong += 1
            if sets and not wrong:
                print("ok: %s/ (%d sets of flags) reaches %s, and no other layer" %
                      (layer, len(sets), ", ".join(sorted(MAY_USE[layer]))))
            failures += wrong
    # plan/ has no sources to compile: its headers include none of the project's.
    for name in sorted(os.listdir(os.path.join(source_dir, "plan"))):
        with open(os.path.join(source_dir, "plan", name)) as f:
            for line in f:
                if name.endswith(".hpp") and line.lstrip().startswith("#include \""):
                    print("FAILED: plan/%s includes %s" % (name, line.strip()))
                    failures += 1
    if not failures:
        print("ok: plan/ includes no other layer")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
