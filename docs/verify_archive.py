#!/usr/bin/env python3
"""Check a yugongkai decision archive without yugongkai.

    python3 verify_archive.py archive.json [published-chain-head]
    python3 verify_archive.py --proof proof.json
    python3 verify_archive.py --consistency consistency.json

Recomputes the SHA-256 of every manifest entry and of every event of the hash
chain (决策档案) from the archive alone, and compares the chain's last hash
with the head published with the decision (or the archive's own chain_head).
Canonical JSON is json.dumps(v, sort_keys=True, separators=(",", ":"),
ensure_ascii=False) encoded as UTF-8; event hashes cover every field but
"hash". Exits 1 naming the first problem.

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
    seals = check_log(a)
    print("OK: %d versions, %d events, head %s, %d sealed tree heads" % (len(a["versions"]), len(a["events"]), head, seals))


if __name__ == "__main__":
    main()
