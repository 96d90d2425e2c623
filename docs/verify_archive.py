#!/usr/bin/env python3
"""Check a yugongkai decision archive without yugongkai.

    python3 verify_archive.py archive.json [published-chain-head]
    python3 verify_archive.py --proof proof.json
    python3 verify_archive.py --consistency consistency.json

Recomputes the SHA-256 of every manifest entry and of every event of the hash
chain (决策档案) from the archive alone, and compares the chain's last hash
with the head published with the decision (or the archive's own chain_head).
Canonical JSON is json.dumps(v, sort_keys=True, separators=(",", ":"),
ensure_ascii=False) encoded as UTF-8. Event hashes (format 2, "v": 2) cover
every field but "hash", "payload" and "withheld", and "payload_sha256" is
the SHA-256 of the canonical payload, so the public archive of a consultation
not yet published can withhold private payloads and still verify end to end;
events written before that (format 1, no "v") are hashed whole, every field
but "hash". Exits 1 naming the first problem.

--proof checks an inclusion proof of a receipt (GET /api/v1/receipts/{code}/proof:
leaf_index, tree_size, leaf, root_hash, inclusion_path) by RFC 9162 section
2.1.3.2; --consistency checks a consistency proof (from, to, from_root,
to_root, path) by section 2.1.4.2. See docs/ARCHIVE.md. Compare the root
with a signed tree head you trust: the proof alone shows only that the leaf is
in the tree with that root.
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


def leaf_hash(leaf):
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def unhex(s):
    if not isinstance(s, str) or len(s) != 64 or s.strip("0123456789abcdef"):
        raise ValueError("%r is not a lowercase hex SHA-256 hash" % (s,))
    return bytes.fromhex(s)


def verify_inclusion(p):
    """Return None if the inclusion proof p (a dict) holds, else the problem."""
    try:
        index, size, leaf = p["leaf_index"], p["tree_size"], p["leaf"]
        root, path = unhex(p["root_hash"]), [unhex(h) for h in p["inclusion_path"]]
    except (KeyError, TypeError, ValueError) as e:
        return "malformed proof: %s" % e
    if type(index) is not int or type(size) is not int or not isinstance(leaf, str):
        return "malformed proof: leaf_index and tree_size must be integers, leaf a string"
    if not 0 <= index < size:
        return "leaf_index %d is not in a tree of size %d" % (index, size)
    fn, sn, r = index, size - 1, leaf_hash(leaf.encode("utf-8"))
    for h in path:
        if sn == 0:
            return "inclusion_path is too long"
        if fn & 1 or fn == sn:
            r = node_hash(h, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, h)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        return "inclusion_path is too short"
    if r != root:
        return "the path gives root %s, not root_hash %s" % (r.hex(), root.hex())
    return None


def verify_consistency(p):
    """Return None if the consistency proof p (a dict) holds, else the problem."""
    try:
        first, second = p["from"], p["to"]
        fh, sh, path = unhex(p["from_root"]), unhex(p["to_root"]), [unhex(h) for h in p["path"]]
    except (KeyError, TypeError, ValueError) as e:
        return "malformed proof: %s" % e
    if type(first) is not int or type(second) is not int or not 0 <= first <= second:
        return "malformed proof: need integers 0 <= from <= to"
    if first == 0 or first == second:
        if path:
            return "the proof from %d to %d must be empty" % (first, second)
        if first == 0 and fh != hashlib.sha256(b"").digest():
            return "from_root is not the empty tree's root"
        if first == second and fh != sh:
            return "two roots for tree size %d" % first
        return None
    if not path:
        return "empty path"
    if first & (first - 1) == 0:
        path = [fh] + path
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return "path is too long"
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        return "path is too short"
    if fr != fh:
        return "the path gives root %s for size %d, not from_root" % (fr.hex(), first)
    if sr != sh:
        return "the path gives root %s for size %d, not to_root" % (sr.hex(), second)
    return None


def mth(hashes):
    """The RFC 6962 Merkle tree hash over leaf hashes."""
    n = len(hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(hashes[:k]) + mth(hashes[k:])).digest()


def check_log(a):
    """Every sealed tree head in the events is the root of the first
    tree_size leaf hashes of the archive's comment log."""
    log = a.get("comment_log")
    if log is None:
        return 0
    if sha(canon(log)) != a["manifest"].get("comment_log"):
        fail("the comment log does not match the manifest")
    hashes = [bytes.fromhex(h) for h in log["leaf_hashes"]]
    if len(hashes) != log["tree_size"] or mth(hashes).hex() != log["root_hash"]:
        fail("the comment log's leaves do not give its root")
    seals = 0
    for e in a["events"]:
        if e["type"] != "comments.sealed" or not e.get("payload"):
            continue
        p = e["payload"]
        n = p["tree_size"]
        if n > len(hashes) or mth(hashes[:n]).hex() != p["root_hash"]:
            fail("event seq %d seals a tree of %d comments that the log does not give" % (e["seq"], n))
        seals += 1
    return seals


def check_chain(events):
    """Recompute every event's hash and link; return (last hash, unbound
    seq, number withheld). Format 2 ("v": 2) hashes the event without
    "hash", "payload" and "withheld", and "payload_sha256" is the SHA-256 of
    the canonical payload; a withheld event (private, before publication)
    carries no payload. Format 1 (no "v") hashes the event without "hash"."""
    prev, unbound, withheld = "", 0, 0
    for i, e in enumerate(events):
        seq = e.get("seq")
        if seq != i + 1:
            fail("event %d has seq %s: an event is missing, inserted or out of order" % (i + 1, seq))
        if e.get("prev_hash") != prev:
            fail("event seq %d does not link to the previous event (prev_hash)" % seq)
        v = e.get("v", 1)
        if v not in (1, 2) or "v" in e and v == 1:
            fail("event seq %d has an unknown hash format v=%r" % (seq, e.get("v")))
        is_withheld = e.get("withheld") is True
        if "withheld" in e and not is_withheld:
            fail("event seq %d: withheld must be true or absent" % seq)
        if is_withheld:
            withheld += 1
            if e.get("public") is not False:
                fail("event seq %d is public but its payload is withheld" % seq)
            if "payload" in e:
                fail("event seq %d is marked withheld but carries a payload" % seq)
        elif "payload" not in e:
            fail("event seq %d has no payload and is not marked withheld" % seq)
        if v == 1:
            if is_withheld:
                unhex(e["hash"])
                unbound = seq  # its hash covers the payload it lacks
                prev = e["hash"]
                continue
            body = {k: x for k, x in e.items() if k != "hash"}
        else:
            if not is_withheld and sha(canon(e["payload"])) != e.get("payload_sha256"):
                fail("event seq %d: payload altered (its SHA-256 is not the payload_sha256 the chain records)" % seq)
            try:
                unhex(e.get("payload_sha256"))
            except ValueError:
                fail("event seq %d: payload_sha256 is not a hex SHA-256" % seq)
            body = {k: x for k, x in e.items() if k not in ("hash", "payload", "withheld")}
        if sha(canon(body)) != e.get("hash"):
            fail("event seq %d was altered (hash mismatch%s)" % (seq, ", payload withheld" if is_withheld else ""))
        prev = e["hash"]
    return prev, unbound, withheld


def check_texts(a):
    """Every version text the chain records a hash of is that text."""
    texts = {v["number"]: sha(v["text"].encode("utf-8")) for v in a["versions"]}
    for e in a["events"]:
        p = e.get("payload")
        if e["type"] not in ("consultation.opened", "version.added", "consultation.finalized") or not p:
            continue
        n, want = p.get("version"), p.get("text_sha256")
        if want and n in texts and texts[n] != want:
            fail("the text of version %s differs from the hash recorded by event seq %d (%s)" % (n, e["seq"], e["type"]))


def check_proof(kind, name):
    with open(name, encoding="utf-8") as f:
        p = json.load(f)
    if kind == "--proof":
        problem = verify_inclusion(p)
        head = p.get("signed_tree_head") or {}
        if not problem and head.get("note"):
            lines = head["note"].split("\n")
            import base64
            if len(lines) < 5 or lines[2] != str(p["tree_size"]) or base64.b64decode(lines[3]) != bytes.fromhex(p["root_hash"]):
                problem = "the signed tree head does not name this tree size and root"
        what = "leaf %s is record %s of the tree of size %s with root %s" % (
            json.dumps(p.get("leaf"), ensure_ascii=False), p.get("leaf_index"), p.get("tree_size"), p.get("root_hash"))
    else:
        problem = verify_consistency(p)
        what = "the tree of size %s (root %s) is a prefix of the tree of size %s (root %s)" % (
            p.get("from"), p.get("from_root"), p.get("to"), p.get("to_root"))
    if problem:
        fail(problem)
    if kind == "--proof":
        what += " (the head's Ed25519 signature is not checked here: use yugongkai verify or a note verifier with GET /api/v1/log-key)"
    print("OK: " + what)


def main():
    if len(sys.argv) == 3 and sys.argv[1] in ("--proof", "--consistency"):
        check_proof(sys.argv[1], sys.argv[2])
        return
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
    prev, unbound, withheld = check_chain(a["events"])
    if prev != head:
        fail("the chain ends at %s, not at the published head %s" % (prev, head))
    if a["consultation"].get("history_head", head) != head:
        fail("the consultation record names head %s, not %s" % (a["consultation"]["history_head"], head))
    check_texts(a)
    seals = check_log(a)
    print("OK: %d versions, %d events (%d withheld), head %s, %d sealed tree heads" % (
        len(a["versions"]), len(a["events"]), withheld, head, seals))
    if unbound:
        print("NOTE: event seq %d was written before payloads were hashed separately (format 1) and is withheld:"
              " events 1 to %d check among themselves but are not bound to the head" % (unbound, unbound))


if __name__ == "__main__":
    main()
