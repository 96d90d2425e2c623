#!/usr/bin/env python3
"""Check a yugongkai decision archive without yugongkai.

    python3 verify_archive.py archive.json [published-chain-head]
    python3 verify_archive.py --proof proof.json

The second form checks a receipt's inclusion proof (GET
/api/v1/receipts/{code}/proof) by RFC 9162 section 2.1.3.2: the leaf's hash
SHA-256(0x00 || leaf) climbs the inclusion path to the root of the signed
tree head. (The head's Ed25519 signature needs a library the standard
library lacks: `yugongkai verify` checks signatures; this script says it
skipped them.)

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


def verify_inclusion(leaf_index, tree_size, leaf_hash, path, root):
    """RFC 9162 2.1.3.2, step by step."""
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 == 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            if fn & 1 == 0:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


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


def check_proof(path):
    with open(path, encoding="utf-8") as f:
        p = json.load(f)
    leaf = p["leaf"].encode("utf-8")
    leaf_hash = hashlib.sha256(b"\x00" + leaf).digest()
    try:
        audit = [bytes.fromhex(h) for h in p["inclusion_path"]]
        root = bytes.fromhex(p["root_hash"])
    except ValueError:
        fail("the proof holds a hash that is not hex")
    if not verify_inclusion(p["leaf_index"], p["tree_size"], leaf_hash, audit, root):
        fail("leaf %d is not in the tree of %d leaves with root %s" % (p["leaf_index"], p["tree_size"], p["root_hash"]))
    head = p.get("signed_tree_head", {})
    if head.get("note"):
        lines = head["note"].split("\n")
        if len(lines) < 5 or lines[2] != str(p["tree_size"]) or bytes.fromhex(p["root_hash"]) != __import__("base64").b64decode(lines[3]):
            fail("the signed tree head does not name this tree size and root")
    print("OK: leaf %d is in the tree of %d leaves, root %s (%s; signature not checked here: use yugongkai verify)"
          % (p["leaf_index"], p["tree_size"], p["root_hash"], "sealed in the chain" if head.get("sealed") else "current head, not yet sealed"))


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--proof":
        check_proof(sys.argv[2])
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
