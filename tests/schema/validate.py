#!/usr/bin/python3
"""validate.py SCHEMA_DIR CAPTURE_DIR - check every JSON document the
integration tests made daneprobe print (tests/schema/capture.sh wrote them)
against its JSON Schema in contrib/schema/ (the JSON contract, SPEC
section 3), with python3-jsonschema, and prove that the schemas can fail.

For each captured run (N.args, N.out, N.rc):
  - stdout is one document with "exit_code" (every command but verify),
    or a JSON-lines stream (verify), one document a line;
  - each document validates against contrib/schema/COMMAND.json, or
    error.json when it is the error document of a command that failed
    before it could print its own;
  - a document's "exit_code" is the exit status the caller saw, and a
    stream's exit status is the worst "status" of its lines;
  - one JSON type per key name across all commands (null aside).
Then the mutation proof: every key, at every depth, that some valid
document of a kind has is in turn deleted and renamed in such a document;
each mutant must fail its schema, or the schema does not pin that key
down (a renamed or dropped key would go unnoticed by the consumers it
promises to protect).

Prints "ok - ..." / "FAIL - ..." lines and "N passed, M failed" (the
protocol of tests/run-all.sh).  Exit status 1 when anything failed.

validate.py SCHEMA_DIR --lines NAME FILE: each line of FILE against
NAME.json (test_check.sh: the webhook bodies it received).
"""
import copy
import glob
import json
import os
import sys

import jsonschema
from jsonschema.validators import Draft202012Validator

STATUS = {"ok": 0, "warning": 1, "critical": 2, "unknown": 3}
STREAMS = {"verify"}           # commands that print JSON lines
# Key names allowed two types, each with its reason (README, "The JSON
# contract"); any other clash fails.
TWO_TYPES = {
    "reasons": {"array", "object"},   # probe: the sentences why a resolver is
                                      # not DANE-safe (SPEC 3); verify: one
                                      # sentence per policy, beside "verdict"
}
MAX_SHOWN = 12                 # failures printed per check (all counted)

passed = failed = 0


def ok(msg):
    global passed
    passed += 1
    print("ok - " + msg)


def bad(msg):
    global failed
    failed += 1
    print("FAIL - " + msg)


def load_schemas(d):
    schemas = {}
    for p in sorted(glob.glob(os.path.join(d, "*.json"))):
        with open(p) as f:
            s = json.load(f)
        Draft202012Validator.check_schema(s)
        schemas[os.path.basename(p)[:-5]] = s
    store = {s["$id"]: s for s in schemas.values()}
    validators = {}
    for name, s in schemas.items():
        resolver = jsonschema.RefResolver(s["$id"], s, store=store)
        validators[name] = Draft202012Validator(s, resolver=resolver)
    return validators


def schema_of(doc):
    if not isinstance(doc, dict):
        return None
    if "error" in doc:
        return "error"
    return doc.get("command")


def runs(capdir):
    for rc_path in sorted(glob.glob(os.path.join(capdir, "*.rc"))):
        base = rc_path[:-3]
        with open(rc_path) as f:
            rc = int(f.read().strip() or "-1")
        with open(base + ".args") as f:
            args = f.read().splitlines()
        with open(base + ".out", errors="replace") as f:
            out = f.read()
        yield base, args, rc, out


def parse(out):
    """([(doc, is_line)], error): one document or a stream of lines."""
    try:
        whole = json.loads(out)
        if isinstance(whole, dict) and "exit_code" in whole:
            return [(whole, False)], None
    except ValueError:
        pass
    docs = []
    for n, line in enumerate(out.splitlines(), 1):
        if not line.strip():
            continue
        try:
            docs.append((json.loads(line), True))
        except ValueError as e:
            return docs, "line %d is not JSON (%s): %.80s" % (n, e, line)
    return docs, None


def where(err):
    return "/".join(str(p) for p in err.absolute_path) or "(top)"


def key_types(doc, types, origin, path=""):
    """Record the JSON type of each key name (one type per name)."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            t = jtype(v)
            if t != "null":
                types.setdefault(k, {}).setdefault(t, origin + " " + path + "/" + k)
            key_types(v, types, origin, path + "/" + k)
    elif isinstance(doc, list):
        for v in doc:
            key_types(v, types, origin, path + "[]")


def jtype(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    return "array" if isinstance(v, list) else "object"


def key_paths(doc, path=()):
    """Every (path to an object, key) in doc: the keys a mutant can touch."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield path, k
            yield from key_paths(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from key_paths(v, path + (i,))


def at(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def show(path, k):
    return "/".join(str(p) for p in path + (k,))


def shape_of(path, k):
    """The key's place with array indexes as "*" ("mx/*/addresses/*/tls")."""
    return tuple("*" if isinstance(p, int) else p for p in path) + (k,)


def mutants_fail(validator, doc, shapes):
    """Delete, then rename, each key of doc whose shape is in shapes (its
    first occurrence); returns (mutants tried, [keys the schema let pass])."""
    loose, tried, done = [], 0, set()
    for path, k in list(key_paths(doc)):
        shape = shape_of(path, k)
        if shape not in shapes or shape in done:
            continue
        done.add(shape)
        for how in ("deleted", "renamed"):
            m = copy.deepcopy(doc)
            o = at(m, path)
            v = o.pop(k)
            if how == "renamed":
                o[k + "_renamed"] = v
            tried += 1
            if validator.is_valid(m):
                loose.append("%s %s" % (show(path, k), how))
    return tried, loose


def mutation_proof(kind, validator, docs):
    """Every key (by shape) that any valid document of this kind has is
    deleted and renamed in some document that has it: documents are taken
    greedily, the one with the most shapes not yet tried first."""
    shapes = [set(shape_of(p, k) for p, k in key_paths(d)) for d in docs]
    todo = set().union(*shapes) if shapes else set()
    total, tried, loose, used = len(todo), 0, [], 0
    while todo:
        i = max(range(len(docs)), key=lambda j: len(shapes[j] & todo))
        t, lo = mutants_fail(validator, docs[i], shapes[i] & todo)
        todo -= shapes[i]
        tried, loose, used = tried + t, loose + lo, used + 1
    if loose:
        for x in loose[:MAX_SHOWN]:
            bad("contrib/schema/%s.json accepts a document with key %s: a key daneprobe prints "
                "must be in the schema's properties and required (null when it does not apply)" % (kind, x))
        if len(loose) > MAX_SHOWN:
            bad("%s: %d more keys not pinned down" % (kind, len(loose) - MAX_SHOWN))
    else:
        ok("%s: every one of the %d key places seen pinned down: %d mutants of %d documents "
           "(each key deleted, each key renamed) all fail the schema" % (kind, total, tried, used))


def lines_mode(validators, name, path):
    """--lines NAME FILE: each line of FILE is one NAME document (the
    webhook bodies test_check.sh receives); exit 1 on the first bad one."""
    n = 0
    with open(path) as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            n += 1
            errs = list(validators[name].iter_errors(json.loads(line)))
            if errs:
                e = jsonschema.exceptions.best_match(errs)
                print("%s line %d: %s: %s" % (path, i, where(e), e.message[:300]))
                return 1
    print("%d %s documents valid" % (n, name))
    return 0 if n else 1


def main():
    schema_dir = sys.argv[1]
    validators = load_schemas(schema_dir)
    if sys.argv[2] == "--lines":
        return lines_mode(validators, sys.argv[3], sys.argv[4])
    capdir = sys.argv[2]
    ok("%d schemas in %s are valid JSON Schema (2020-12)" % (len(validators), schema_dir))
    counts, valid, types, problems = {}, {}, {}, {}
    nruns = 0

    def problem(kind, msg):
        problems.setdefault(kind, []).append(msg)

    for base, args, rc, out in runs(capdir):
        nruns += 1
        name = os.path.basename(base)
        cmdline = "daneprobe " + " ".join(args)
        if rc >= 128:       # killed (a test's timeout): nothing to judge
            continue
        if not out.strip():
            if any(a in ("--help", "-h", "--version") for a in args):
                continue
            problem("runs", "%s: no JSON printed (exit %d): %.200s" % (name, rc, cmdline))
            continue
        docs, err = parse(out)
        if err:
            problem("runs", "%s: %s: %.200s" % (name, err, cmdline))
        worst = -1
        for doc, is_line in docs:
            kind = schema_of(doc)
            if kind not in validators or kind in ("common", "webhook"):
                problem("runs", "%s: no schema for command %r: %.200s" % (name, kind, cmdline))
                continue
            label = kind + (" line" if is_line else "")
            counts[label] = counts.get(label, 0) + 1
            errs = list(validators[kind].iter_errors(doc))
            if errs:
                # best_match descends into oneOf/anyOf to the error that
                # names the key, not "is not valid under any of ...".
                e = jsonschema.exceptions.best_match(errs)
                problem(label, "%s: %s: %s (%.160s)" % (name, where(e), e.message[:300], cmdline))
                continue
            key_types(doc, types, "%s %s" % (label, name))
            valid.setdefault(kind, []).append(doc)
            if is_line:
                if kind != "error" and doc.get("command") not in STREAMS:
                    problem(label, "%s: a single-document command printed JSON lines (%.160s)" % (name, cmdline))
                worst = max(worst, STATUS.get(doc.get("status"), 3))
            elif doc.get("exit_code") != rc:
                problem(label, "%s: exit_code %r but the process exited %d (%.160s)" % (name, doc.get("exit_code"), rc, cmdline))
        if worst >= 0 and worst != rc:
            problem("runs", "%s: the worst line status is %d but the process exited %d (%.160s)" % (name, worst, rc, cmdline))

    if nruns == 0:
        bad("no captured daneprobe runs with --format json in %s" % capdir)
    for label in sorted(set(counts) | set(problems)):
        msgs = problems.get(label, [])
        if msgs:
            for m in msgs[:MAX_SHOWN]:
                bad("%s: %s" % (label, m))
            if len(msgs) > MAX_SHOWN:
                bad("%s: %d more" % (label, len(msgs) - MAX_SHOWN))
        else:
            ok("%s: %d documents valid, status and exit_code agree with the exit status" % (label, counts[label]))
    clash = {k: t for k, t in types.items() if len(t) > 1 and set(t) != TWO_TYPES.get(k)}
    if clash:
        for k, t in sorted(clash.items()):
            bad("key %r has %d types: %s" % (k, len(t), "; ".join("%s (%s)" % (ty, w) for ty, w in sorted(t.items()))))
    else:
        ok("one JSON type per key name across %d key names (null aside; %s by design)"
           % (len(types), ", ".join(sorted(TWO_TYPES))))
    # A schema no document reached tests nothing: the suite must make
    # every command print JSON (webhook bodies: test_check.sh, --lines).
    for kind in sorted(set(validators) - {"common", "webhook"} - set(valid)):
        bad("no valid %s document in the suite: contrib/schema/%s.json is untested" % (kind, kind))
    for kind in sorted(valid):
        mutation_proof(kind, validators[kind], valid[kind])
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
