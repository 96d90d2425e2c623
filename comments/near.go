package comments

// TEMPORARY: the campaign package (Normalize/ExactKey/MinHash/BandKeys) was
// not written yet when this was; these stand-ins keep the same shape and are
// to be replaced by calls to campaign. Only this file knows the algorithm.

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"strconv"
	"strings"
	"unicode"
)

const (
	numHashes  = 64
	bandRows   = 4
	shingleLen = 3
)

type signature []uint32

func normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\u3000':
			continue
		case r >= '\uff01' && r <= '\uff5e': // full-width ASCII
			r -= 0xfee0
		}
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

func exactKey(body string) string {
	sum := sha256.Sum256([]byte(normalize(body)))
	return hex.EncodeToString(sum[:])
}

func signatureOf(body string) signature {
	rs := []rune(normalize(body))
	sig := make(signature, numHashes)
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	n := len(rs) - shingleLen + 1
	if n < 1 {
		n = 1
	}
	for i := 0; i < n; i++ {
		end := min(i+shingleLen, len(rs))
		h := fnv.New32a()
		h.Write([]byte(string(rs[i:end])))
		base := h.Sum32()
		for k := range sig {
			v := base*uint32(2*k+1) + uint32(k)*0x9e3779b9
			v ^= v >> 15
			v *= 0x2c1b3c6d
			v ^= v >> 12
			if v < sig[k] {
				sig[k] = v
			}
		}
	}
	return sig
}

func bandKeys(body string) []string {
	sig := signatureOf(body)
	keys := make([]string, 0, numHashes/bandRows)
	for b := 0; b < numHashes/bandRows; b++ {
		h := fnv.New64a()
		for _, v := range sig[b*bandRows : (b+1)*bandRows] {
			h.Write([]byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)})
		}
		keys = append(keys, strconv.Itoa(b)+":"+strconv.FormatUint(h.Sum64(), 36))
	}
	return keys
}

func similarity(a, b signature) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	return float64(same) / float64(len(a))
}
