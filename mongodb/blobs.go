package mongodb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"yugongkai/apperr"
	"yugongkai/attachment"
)

// Blobs (the bytes of attached files) are kept as chunk documents of at most
// ChunkSize bytes in blob_chunks, {_id: "<sha256>/<n>", blob, n, data, at},
// and one metadata document in blobs, {_id: <sha256>, size, chunks, at},
// written last: a blob exists only once its metadata document does, so an
// upload that fails half-way leaves chunks nobody can read. Every write is a
// single-document upsert, repeated harmlessly by a retry.
//
// A command that carries blobs (consultation.Change.Blobs) writes them
// before its commit record (writeBlobs): until the record is inserted no
// comment, step or document names them, and if it never is they are
// unreferenced — harmless, since a blob is only ever served through what
// references it. Chunks without their metadata document are swept by
// SweepBlobChunks (run by Repair at start).

const (
	blobsCollection      = "blobs"
	blobChunksCollection = "blob_chunks"
	// ChunkSize is the largest chunk, as GridFS's default (255 KiB).
	ChunkSize = 255 << 10
	// chunkSweepAge is how old chunks without metadata must be to be swept
	// (an upload in flight is younger).
	chunkSweepAge = time.Hour
)

type blobDoc struct {
	ID     string    `bson:"_id"`
	Size   int64     `bson:"size"`
	Chunks int       `bson:"chunks"`
	At     time.Time `bson:"at"`
}

type chunkDoc struct {
	ID   string    `bson:"_id"`
	Blob string    `bson:"blob"`
	N    int       `bson:"n"`
	Data []byte    `bson:"data"`
	At   time.Time `bson:"at"`
}

func chunkID(sha string, n int) string { return fmt.Sprintf("%s/%d", sha, n) }

func blobIndexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{
		blobChunksCollection: {{Keys: bson.D{{Key: "at", Value: 1}}, Options: options.Index().SetName("at")}},
	}
}

// BlobStore implements attachment.Store.
type BlobStore struct {
	db *DB
}

var _ attachment.Store = (*BlobStore)(nil)

// Blobs returns the store of attached files' bytes.
func (db *DB) Blobs() *BlobStore { return &BlobStore{db: db} }

// Blob returns the bytes stored under sha256, checked against it:
// apperr.ErrNotFound unless the metadata document was written.
func (s *BlobStore) Blob(ctx context.Context, sha256 string) ([]byte, error) {
	var meta blobDoc
	if err := s.db.db.Collection(blobsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: sha256}}).Decode(&meta); err != nil {
		return nil, storeErr(err, "read blob")
	}
	ids := make(bson.A, meta.Chunks)
	for i := range ids {
		ids[i] = chunkID(sha256, i)
	}
	cur, err := s.db.db.Collection(blobChunksCollection).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, storeErr(err, "read blob chunks")
	}
	var chunks []chunkDoc
	if err := cur.All(ctx, &chunks); err != nil {
		return nil, storeErr(err, "read blob chunks")
	}
	parts := make([][]byte, meta.Chunks)
	for _, c := range chunks {
		if c.N >= 0 && c.N < meta.Chunks {
			parts[c.N] = c.Data
		}
	}
	data := make([]byte, 0, meta.Size)
	for _, p := range parts {
		data = append(data, p...)
	}
	if attachment.Sum(data) != sha256 {
		return nil, apperr.Wrap(fmt.Errorf("blob %s does not match its hash (%d of %d chunks)", sha256, len(chunks), meta.Chunks), "mongodb: read blob")
	}
	return data, nil
}

// writeBlobs stores blobs, chunks first and the metadata document last; a
// blob whose metadata document exists is already whole and is skipped.
func (db *DB) writeBlobs(ctx context.Context, blobs []attachment.Blob) error {
	metas, chunks := db.db.Collection(blobsCollection), db.db.Collection(blobChunksCollection)
	upsert := options.Replace().SetUpsert(true)
	for _, b := range blobs {
		if ok, err := exists(ctx, metas, bson.D{{Key: "_id", Value: b.SHA256}}); err != nil || ok {
			if err != nil {
				return err
			}
			continue
		}
		now := db.now()
		n := 0
		for off := 0; off < len(b.Data) || n == 0; off += ChunkSize {
			end := min(off+ChunkSize, len(b.Data))
			if err := db.write("insert " + blobChunksCollection); err != nil {
				return err
			}
			c := chunkDoc{ID: chunkID(b.SHA256, n), Blob: b.SHA256, N: n, Data: b.Data[off:end], At: now}
			if _, err := chunks.ReplaceOne(ctx, bson.D{{Key: "_id", Value: c.ID}}, c, upsert); err != nil {
				return storeErr(err, "write blob chunk")
			}
			n++
		}
		if err := db.write("insert " + blobsCollection); err != nil {
			return err
		}
		meta := blobDoc{ID: b.SHA256, Size: int64(len(b.Data)), Chunks: n, At: now}
		if _, err := metas.ReplaceOne(ctx, bson.D{{Key: "_id", Value: b.SHA256}}, meta, upsert); err != nil {
			return storeErr(err, "write blob")
		}
	}
	return nil
}

// SweepBlobChunks deletes the chunks older than an hour whose blob has no
// metadata document (uploads that failed half-way) and returns how many.
func (db *DB) SweepBlobChunks(ctx context.Context) (int, error) {
	chunks := db.db.Collection(blobChunksCollection)
	cur, err := chunks.Find(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: db.now().Add(-chunkSweepAge)}}}},
		options.Find().SetProjection(bson.D{{Key: "blob", Value: 1}}))
	if err != nil {
		return 0, storeErr(err, "find old chunks")
	}
	var old []struct {
		ID   string `bson:"_id"`
		Blob string `bson:"blob"`
	}
	if err := cur.All(ctx, &old); err != nil {
		return 0, storeErr(err, "read old chunks")
	}
	whole := map[string]bool{}
	n := 0
	for _, c := range old {
		ok, seen := whole[c.Blob]
		if !seen {
			var err error
			if ok, err = exists(ctx, db.db.Collection(blobsCollection), bson.D{{Key: "_id", Value: c.Blob}}); err != nil {
				return n, err
			}
			whole[c.Blob] = ok
		}
		if ok {
			continue
		}
		if _, err := chunks.DeleteOne(ctx, bson.D{{Key: "_id", Value: c.ID}}); err != nil {
			return n, storeErr(err, "sweep chunk")
		}
		n++
	}
	return n, nil
}
