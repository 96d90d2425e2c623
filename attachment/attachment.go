// Package attachment is a file that comes with a comment, a procedure step
// or a consultation's notice: what kinds are accepted, the limits of each
// use, how a file's kind is recognised from its content (never from its
// name), its SHA-256, and the text extracted for staff search.
//
// The bytes are kept by the store as a blob named by its SHA-256 (Blob,
// written with the command that references it: consultation.Change.Blobs);
// what references a blob keeps a Meta (name, size, hash, kind, status).
// A blob is only ever served through what references it, so its visibility
// is that of the comment, step or notice, and of the Meta's Status.
package attachment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"yugongkai/apperr"
)

// Kind is a recognised file type.
type Kind string

const (
	PDF  Kind = "pdf"
	DOCX Kind = "docx"
	XLSX Kind = "xlsx"
	PNG  Kind = "png"
	JPEG Kind = "jpeg"
	GIF  Kind = "gif"
	WebP Kind = "webp"
)

// kindInfo is what the package knows of a kind.
type kindInfo struct {
	media string
	exts  []string // accepted name extensions, first is the canonical one
}

var kinds = map[Kind]kindInfo{
	PDF:  {"application/pdf", []string{".pdf"}},
	DOCX: {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{".docx"}},
	XLSX: {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []string{".xlsx"}},
	PNG:  {"image/png", []string{".png"}},
	JPEG: {"image/jpeg", []string{".jpg", ".jpeg"}},
	GIF:  {"image/gif", []string{".gif"}},
	WebP: {"image/webp", []string{".webp"}},
}

// MediaType is the Content-Type the kind is served with.
func (k Kind) MediaType() string { return kinds[k].media }

// Ext is the kind's canonical name extension (".pdf").
func (k Kind) Ext() string {
	if info, ok := kinds[k]; ok {
		return info.exts[0]
	}
	return ""
}

// Image reports whether k is a picture.
func (k Kind) Image() bool { return k == PNG || k == JPEG || k == GIF || k == WebP }

// Use is what a file is attached to; each has its own Limits.
type Use string

const (
	ForComment Use = "comment" // a resident's comment
	ForStep    Use = "step"    // a procedure step record (consultation/steps.go)
	ForNotice  Use = "notice"  // a supporting document of the notice (起草说明, 依据, …)
)

// Limits bound the files of one use.
type Limits struct {
	MaxFiles int   // per comment, step or upload
	MaxBytes int64 // per file
	Kinds    []Kind
}

// MiB is 2^20 bytes.
const MiB = 1 << 20

// Table is the limits of every use (documented in README "Attachments").
// MaxRequest of every use must stay within the server's overall body
// limit (web.ImportBodyLimit, 51 MiB; a web test holds it to that).
var Table = map[Use]Limits{
	ForComment: {MaxFiles: 5, MaxBytes: 10 * MiB, Kinds: []Kind{PDF, DOCX, XLSX, PNG, JPEG, GIF, WebP}},
	ForStep:    {MaxFiles: 5, MaxBytes: 10 * MiB, Kinds: []Kind{PDF, DOCX, PNG, JPEG, GIF, WebP}},
	ForNotice:  {MaxFiles: 1, MaxBytes: 20 * MiB, Kinds: []Kind{PDF, DOCX, XLSX}},
}

// MaxRequest is the largest request body that can carry the files of use u
// and the form fields beside them.
func MaxRequest(u Use) int {
	l := Table[u]
	return l.MaxFiles*int(l.MaxBytes) + MiB
}

// Allows reports whether kind k may be attached for u.
func (l Limits) Allows(k Kind) bool {
	for _, x := range l.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Status says who may see an attachment.
type Status string

const (
	// Pending: only staff; an attachment is not public until staff publish
	// it (it may hold personal data the text masker cannot see).
	Pending Status = "pending"
	// Published: shown with what it is attached to, when that is public.
	Published Status = "published"
	// Restricted: staff withheld it with a reason; the public sees a
	// placeholder with the reason.
	Restricted Status = "restricted"
)

// Meta is an attachment as referenced by a comment, step or notice.
type Meta struct {
	ID     string `json:"id" bson:"id"`
	Name   string `json:"name" bson:"name"`
	Size   int64  `json:"size" bson:"size"`
	SHA256 string `json:"sha256" bson:"sha256"`
	Kind   Kind   `json:"kind" bson:"kind"`
	Status Status `json:"status" bson:"status"`
	// Reason is why a restricted attachment is not public (shown publicly).
	Reason string `json:"reason,omitempty" bson:"reason,omitempty"`
	// By and At record the last publish or restrict.
	By string     `json:"by,omitempty" bson:"by,omitempty"`
	At *time.Time `json:"at,omitempty" bson:"at,omitempty"`
	// Text is what was extracted from a PDF or .docx, for near-duplicate
	// grouping; left out of JSON views (stores that keep JSON records
	// keep it beside them, see sqlite's commentRecord).
	Text string `json:"-" bson:"text,omitempty"`
}

// Blob is the stored bytes of a file, named by their SHA-256.
type Blob struct {
	SHA256 string
	Data   []byte
}

// Store reads blobs (implemented by both stores; blobs are written by the
// commit of the command that references them, consultation.Change.Blobs).
type Store interface {
	// Blob returns the bytes stored under the lowercase hex SHA-256, or
	// apperr.ErrNotFound (also for a blob whose upload never completed).
	Blob(ctx context.Context, sha256 string) ([]byte, error)
}

// Sum returns the lowercase hex SHA-256 of data.
func Sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// File is an uploaded file before it is checked.
type File struct {
	Name string
	Data []byte
}

// MaxName bounds a file name, in characters.
const MaxName = 200

// MaxText bounds the extracted text kept with an attachment, in bytes.
const MaxText = 200 << 10

// Accept checks files for use u: count, size, kind from content, and a name
// whose extension does not claim another kind. It returns the metas (Pending,
// with ids from newID and extracted text) and the blobs to store. Errors:
// TooLarge (a file over the size limit, naming it), Invalid with field
// "attachment" (too many files, an empty file, a kind not accepted, a name
// that disguises the content, a bad name).
func Accept(u Use, files []File, newID func() string) ([]Meta, []Blob, error) {
	l := Table[u]
	if len(files) > l.MaxFiles {
		return nil, nil, invalid("attachment.too_many", l.MaxFiles)
	}
	var metas []Meta
	var blobs []Blob
	for _, f := range files {
		name, err := cleanName(f.Name)
		if err != nil {
			return nil, nil, err
		}
		if int64(len(f.Data)) > l.MaxBytes {
			return nil, nil, apperr.New(apperr.TooLarge, "attachment.too_large", name, FormatSize(l.MaxBytes))
		}
		if len(f.Data) == 0 {
			return nil, nil, invalid("attachment.empty", name)
		}
		k, ok := Sniff(f.Data)
		if !ok || !l.Allows(k) {
			return nil, nil, invalid("attachment.kind_refused", name, kindList(l.Kinds))
		}
		if ext := strings.ToLower(path.Ext(name)); ext != "" {
			claimed, known := kindOfExt(ext)
			if known && claimed != k {
				return nil, nil, invalid("attachment.disguised", name, strings.ToUpper(strings.TrimPrefix(k.Ext(), ".")))
			}
			if !known {
				return nil, nil, invalid("attachment.kind_refused", name, kindList(l.Kinds))
			}
		} else {
			name += k.Ext()
		}
		sum := Sum(f.Data)
		metas = append(metas, Meta{ID: newID(), Name: name, Size: int64(len(f.Data)), SHA256: sum, Kind: k, Status: Pending,
			Text: ExtractText(k, f.Data)})
		blobs = append(blobs, Blob{SHA256: sum, Data: f.Data})
	}
	return metas, blobs, nil
}

func invalid(key string, args ...any) error {
	var f apperr.Fields
	f.Add("attachment", key, args...)
	return f.Err()
}

// cleanName keeps the base name of an upload, refusing control characters.
func cleanName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	bad := !utf8.ValidString(name) || name == "" || name == "." || name == ".."
	for _, r := range name {
		bad = bad || unicode.IsControl(r) || r == '"'
	}
	if bad {
		return "", invalid("attachment.bad_name")
	}
	if utf8.RuneCountInString(name) > MaxName {
		return "", invalid("attachment.name_too_long", MaxName)
	}
	return name, nil
}

func kindOfExt(ext string) (Kind, bool) {
	for k, info := range kinds {
		for _, e := range info.exts {
			if e == ext {
				return k, true
			}
		}
	}
	return "", false
}

func kindList(ks []Kind) string {
	var out []string
	for _, k := range ks {
		out = append(out, strings.ToUpper(strings.TrimPrefix(k.Ext(), ".")))
	}
	return strings.Join(out, ", ")
}

// FormatSize writes a byte count for people: "10 MB", "512 KB", "37 B".
func FormatSize(n int64) string {
	switch {
	case n >= MiB && n%MiB == 0:
		return itoa(n/MiB) + " MB"
	case n >= MiB:
		return itoa(n/(MiB/10)/10) + "." + itoa(n/(MiB/10)%10) + " MB"
	case n >= 1024:
		return itoa((n+1023)/1024) + " KB"
	}
	return itoa(n) + " B"
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// Public is what the public sees of an attachment: a published one's
// metadata, or a restricted one's placeholder with its reason.
type Public struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Size   int64  `json:"size,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	Kind   Kind   `json:"kind,omitempty"`
	Status Status `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// PublicList is the public form of list: pending attachments are left out,
// restricted ones are placeholders without name or hash.
func PublicList(list []Meta) []Public {
	var out []Public
	for _, m := range list {
		switch m.Status {
		case Published:
			out = append(out, Public{ID: m.ID, Name: m.Name, Size: m.Size, SHA256: m.SHA256, Kind: m.Kind, Status: m.Status})
		case Restricted:
			out = append(out, Public{ID: m.ID, Status: m.Status, Reason: m.Reason})
		}
	}
	return out
}

// Find returns the attachment with id in list.
func Find(list []Meta, id string) (Meta, bool) {
	for _, m := range list {
		if m.ID == id {
			return m, true
		}
	}
	return Meta{}, false
}

// Hashes returns the SHA-256 of each attachment, in order.
func Hashes(list []Meta) []string {
	var out []string
	for _, m := range list {
		out = append(out, m.SHA256)
	}
	return out
}
