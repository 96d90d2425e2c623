package campaign

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// Sketch is the b-bit form (b = 8) of a Signature that LinkNear keeps to
// estimate similarities: one byte of a hash of each MinHash value, 128
// bytes an item instead of 512 (b-bit minwise hashing, Li and König 2010).
// Two texts' bytes are equal where their MinHash values are (probability
// J, the Jaccard similarity) and by chance otherwise (probability 1/256),
// so P(equal) = J + (1 − J)/256, which EstimatedJaccardSketch inverts. The
// candidate pairs still come from the bands of the full signature
// (SketchKeys), so only the estimate sees the shorter values.
type Sketch [NumHashes]byte

// sketchChance is the probability that two different MinHash values give
// the same Sketch byte.
const sketchChance = 1.0 / 256

// SketchOf returns the Sketch of a signature. The byte is the top byte of
// mix64 of the value rather than the value's own low bits, so that the
// chance agreement is 1/256 whatever the distribution of the minima.
func SketchOf(sig *Signature) Sketch {
	var s Sketch
	for i, v := range sig {
		s[i] = byte(mix64(uint64(v)) >> 56)
	}
	return s
}

// EstimatedJaccardSketch estimates the shingle Jaccard similarity of two
// texts from their sketches: with f the fraction of equal bytes,
// (f − 1/256) / (1 − 1/256), clamped to [0, 1]. Its standard error is that
// of EstimatedJaccard within 0.5 % (about ±0.035 at s = 0.8), so
// LinkNear's margins hold.
func EstimatedJaccardSketch(a, b *Sketch) float64 {
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
	}
	j := (float64(eq)/NumHashes - sketchChance) / (1 - sketchChance)
	return max(0, min(1, j))
}

// SketchKeys returns a signature's LSH key in each band, the first 32
// bits of the band hash (bandHash, of the full 32-bit values: candidates
// are as good as BandKeys'). Two unrelated items share a 32-bit key by
// chance with probability 2⁻³², about 116 pairs per band in a million
// items, which the estimate discards.
func SketchKeys(sig *Signature) [Bands]uint32 {
	var k [Bands]uint32
	for b := range k {
		k[b] = uint32(bandHash(sig, b) >> 32)
	}
	return k
}

// Sketches are the items LinkNear links: each item's Sketch and band keys,
// by index. The in-memory form is SketchSlice; SketchFile keeps them in a
// temporary file so that a million items do not cost 256 MB of heap.
type Sketches interface {
	// Len is the number of items.
	Len() int
	// Keys sets keys[u] (len(keys) == Len()) to item u's key in band b.
	Keys(b int, keys []uint32) error
	// Load sets *dst to item i's sketch.
	Load(i int32, dst *Sketch) error
}

// SketchSlice holds Sketches in memory (256 bytes an item).
type SketchSlice struct {
	sketches []Sketch
	keys     [][Bands]uint32
}

// NewSketchSlice returns a SketchSlice with room for n items.
func NewSketchSlice(n int) *SketchSlice {
	return &SketchSlice{sketches: make([]Sketch, 0, n), keys: make([][Bands]uint32, 0, n)}
}

// Add appends the item of a signature.
func (s *SketchSlice) Add(sig *Signature) error {
	s.sketches = append(s.sketches, SketchOf(sig))
	s.keys = append(s.keys, SketchKeys(sig))
	return nil
}

// Len implements Sketches.
func (s *SketchSlice) Len() int { return len(s.sketches) }

// Keys implements Sketches.
func (s *SketchSlice) Keys(b int, keys []uint32) error {
	for u := range s.keys {
		keys[u] = s.keys[u][b]
	}
	return nil
}

// Load implements Sketches.
func (s *SketchSlice) Load(i int32, dst *Sketch) error {
	*dst = s.sketches[i]
	return nil
}

// SketchFile keeps Sketches in an unlinked temporary file, read with
// ReadAt (pread: the pages stay in the kernel's cache, outside the
// process's memory). The file is a sequence of segments of
// sketchSegmentItems items: the items' keys band by band (so that Keys
// reads one band in a few large reads), then their sketches. Writing
// buffers one segment (1 MiB); reading caches sketchCacheChunks chunks of
// sketchChunkItems sketches, direct-mapped (4 MiB), which serves the
// bucket scans' mostly increasing item order.
type SketchFile struct {
	f      *os.File
	n      int
	seg    []byte // the segment being written
	sealed bool
	// cacheChunks is the size of cache (sketchCacheChunks; smaller in a
	// test, to see chunks evicted)
	cacheChunks int
	cache       []sketchChunk
	buf         []byte // one band's keys of a segment
	// chunkBuf is one chunk of sketches as read
	chunkBuf []byte
}

const (
	sketchSegmentItems = 4096
	sketchKeysBytes    = Bands * 4 * sketchSegmentItems
	sketchSegmentBytes = sketchKeysBytes + NumHashes*sketchSegmentItems
	sketchChunkItems   = 64
	sketchCacheChunks  = 512
)

type sketchChunk struct {
	id       int32 // chunk index + 1 (0: empty)
	sketches [sketchChunkItems]Sketch
}

// NewSketchFile creates the file in dir (os.TempDir() if empty) and
// unlinks it at once, so that nothing is left behind if the process dies.
// Close releases it.
func NewSketchFile(dir string) (*SketchFile, error) {
	f, err := os.CreateTemp(dir, "yugongkai-sketches-*")
	if err != nil {
		return nil, fmt.Errorf("sketch file: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("sketch file: %w", err)
	}
	return &SketchFile{f: f, seg: make([]byte, sketchSegmentBytes), cacheChunks: sketchCacheChunks}, nil
}

// errSealed: Add after the file was read.
var errSealed = errors.New("sketch file: Add after reading")

// Add appends the item of a signature. Every Add comes before the first
// Keys or Load.
func (s *SketchFile) Add(sig *Signature) error {
	if s.sealed {
		return errSealed
	}
	u := s.n % sketchSegmentItems
	for b, k := range SketchKeys(sig) {
		binary.LittleEndian.PutUint32(s.seg[(b*sketchSegmentItems+u)*4:], k)
	}
	sk := SketchOf(sig)
	copy(s.seg[sketchKeysBytes+u*NumHashes:], sk[:])
	s.n++
	if s.n%sketchSegmentItems == 0 {
		return s.flush()
	}
	return nil
}

func (s *SketchFile) flush() error {
	off := int64((s.n-1)/sketchSegmentItems) * sketchSegmentBytes
	if _, err := s.f.WriteAt(s.seg, off); err != nil {
		return fmt.Errorf("sketch file: %w", err)
	}
	clear(s.seg)
	return nil
}

// seal writes the last partial segment and frees the write buffer.
func (s *SketchFile) seal() error {
	if s.sealed {
		return nil
	}
	s.sealed = true
	if s.n%sketchSegmentItems != 0 {
		if err := s.flush(); err != nil {
			return err
		}
	}
	s.seg = nil
	s.cache = make([]sketchChunk, s.cacheChunks)
	s.buf = make([]byte, sketchKeysBytes/Bands)
	s.chunkBuf = make([]byte, sketchChunkItems*NumHashes)
	return nil
}

// Len implements Sketches.
func (s *SketchFile) Len() int { return s.n }

// Keys implements Sketches: one read of 16 KiB a segment.
func (s *SketchFile) Keys(b int, keys []uint32) error {
	if err := s.seal(); err != nil {
		return err
	}
	for seg := 0; seg*sketchSegmentItems < s.n; seg++ {
		off := int64(seg)*sketchSegmentBytes + int64(b*sketchSegmentItems*4)
		if _, err := s.f.ReadAt(s.buf, off); err != nil {
			return fmt.Errorf("sketch file: %w", err)
		}
		first := seg * sketchSegmentItems
		for u := first; u < min(s.n, first+sketchSegmentItems); u++ {
			keys[u] = binary.LittleEndian.Uint32(s.buf[(u-first)*4:])
		}
	}
	return nil
}

// Load implements Sketches: a cache miss reads the item's chunk (8 KiB).
func (s *SketchFile) Load(i int32, dst *Sketch) error {
	if err := s.seal(); err != nil {
		return err
	}
	chunk := i / sketchChunkItems
	c := &s.cache[int(chunk)%len(s.cache)]
	if c.id != chunk+1 {
		first := int(chunk) * sketchChunkItems
		seg, u := first/sketchSegmentItems, first%sketchSegmentItems
		off := int64(seg)*sketchSegmentBytes + int64(sketchKeysBytes+u*NumHashes)
		// A chunk never crosses a segment (64 divides 4096); the last
		// segment is written whole, so the read is never short.
		buf := s.chunkBuf
		if _, err := s.f.ReadAt(buf, off); err != nil {
			c.id = 0
			return fmt.Errorf("sketch file: %w", err)
		}
		for k := range c.sketches {
			copy(c.sketches[k][:], buf[k*NumHashes:])
		}
		c.id = chunk + 1
	}
	*dst = c.sketches[i%sketchChunkItems]
	return nil
}

// Close releases the file.
func (s *SketchFile) Close() error {
	s.cache, s.seg, s.buf, s.chunkBuf = nil, nil, nil, nil
	return s.f.Close()
}
