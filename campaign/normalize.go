// Package campaign groups identical and near-identical comments (form
// letters, mass-comment campaigns) so staff answer a group once and the
// public page shows one representative text with the true count
// (ACUS Recommendation 2021-1). Every copy still counts and is kept.
//
// Exact grouping uses ExactKey. Near-duplicate grouping uses MinHash over
// character shingles with locality-sensitive hashing (LSH):
//
//   - batch: ProposeNear(docs, 0.8) proposes groups for staff to confirm;
//   - stream: when a comment is stored, store ExactKey(text) and
//     BandKeys(MinHash(text)) in indexed columns; the comments sharing the
//     exact key are its identical copies, and the comments sharing at least
//     one band key are its near-duplicate candidates, to be confirmed with
//     Jaccard(text, candidate) >= 0.8 (no full scan).
package campaign

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

// Normalize folds away differences that do not change what a comment says,
// for exact grouping and shingling:
//   - full-width ASCII forms U+FF01–U+FF5E become U+0021–U+007E and the
//     ideographic space U+3000 becomes a space;
//   - ASCII letters are lower-cased;
//   - whitespace, punctuation and symbols (Unicode categories Z, P and S,
//     including 。，、；：？！“”‘’（）《》【】…—·) are removed;
//   - control and format characters (categories Cc and Cf, e.g. the
//     zero-width space U+200B) are removed as well, so invisible characters
//     cannot split a campaign.
//
// Chinese characters, digits and other letters are kept as they are;
// simplified and traditional characters are not folded.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < 0x80 {
			switch {
			case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				b.WriteByte(byte(r))
			case r >= 'A' && r <= 'Z':
				b.WriteByte(byte(r) + 'a' - 'A')
			}
			// Other ASCII: punctuation, symbols, space, controls.
			continue
		}
		if r >= 0x4E00 && r <= 0x9FFF {
			// CJK Unified Ideographs, most of a comment: no table lookups.
			b.WriteRune(r)
			continue
		}
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
			switch {
			case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				b.WriteRune(r)
			case r >= 'A' && r <= 'Z':
				b.WriteRune(r + 'a' - 'A')
			}
			continue
		}
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) ||
			unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ExactKey returns the grouping key of comments that are identical after
// Normalize: the first 16 bytes of the SHA-256 of the normalized text, as 32
// hex digits. It is meant for an indexed database column.
func ExactKey(s string) string {
	return exactKeyNormalized(Normalize(s))
}

func exactKeyNormalized(n string) string {
	sum := sha256.Sum256([]byte(n))
	return hex.EncodeToString(sum[:16])
}
