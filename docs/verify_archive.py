#!/usr/bin/env python3
"""Check a yugongkai decision archive without yugongkai.

    python3 verify_archive.py archive.json [published-chain-head]

Recomputes the SHA-256 of every manifest entry and of every event of the hash
chain (决策档案) from the archive alone, and compares the chain's last hash
with the head published with the decision (or the archive's own chain_head).
Canonical JSON is json.dumps(v, sort_keys=True, separators=(",", ":"),
ensure_ascii=False) encoded as UTF-8; event hashes cover every field but
"hash". Exits 1 naming the first problem.
"""
import hashlib
import json
import sys


def canon(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha(b):
    return hashlib.sha256(b).hexdigest()


def fail(msg):
    print("BAD: " + msg)
    sys.exit(1)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        a = json.load(f)
    head = sys.argv[2] if len(sys.argv) > 2 else a["chain_head"]
    m = a["manifest"]
    for v in a["versions"]:
        n = v["number"]
        if sha(canon(v)) != m["versions/%d" % n]:
            fail("version %d does not match the manifest" % n)
        if sha(v["text"].encode("utf-8")) != m["versions/%d/text" % n] or v["sha256"] != m["versions/%d/text" % n]:
            fail("the text of version %d does not match its hash" % n)
    if sha(canon(a["consultation"])) != m["consultation"]:
        fail("the consultation record does not match the manifest")
    if sha(canon(a["comments"])) != m["comments"]:
        fail("comments do not match the manifest")
    if sha(canon(a["events"])) != m["events"]:
        fail("events do not match the manifest")
    prev = ""
    for i, e in enumerate(a["events"]):
        if e["seq"] != i + 1:
            fail("event %d has seq %d" % (i + 1, e["seq"]))
        if e["prev_hash"] != prev:
            fail("event seq %d does not link to the previous event" % e["seq"])
        body = {k: v for k, v in e.items() if k != "hash"}
        if sha(canon(body)) != e["hash"]:
            fail("event seq %d was altered (hash mismatch)" % e["seq"])
        prev = e["hash"]
    if prev != head:
        fail("the chain ends at %s, not at the published head %s" % (prev, head))
    print("OK: %d versions, %d events, head %s" % (len(a["versions"]), len(a["events"]), head))


if __name__ == "__main__":
    main()
