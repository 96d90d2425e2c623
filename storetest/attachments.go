package storetest

import (
	"bytes"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"yugongkai/apperr"
	"yugongkai/attachment"
	"yugongkai/attachment/attachmenttest"
	"yugongkai/auth"
	"yugongkai/comments"
	"yugongkai/consultation"
	"yugongkai/translog"
)

// The attachments contract: a comment's files are stored with it in one
// commit, read back byte for byte under their SHA-256, named in its log
// leaf; files refused leave nothing; publishing or restricting a file is
// one commit, whichever of its writes fails; only published files of
// published comments are served to the public.

var attachmentRun atomic.Int64

// submitWithAttachment submits a comment with a PDF unique to the run (so
// that a blob left by an earlier failed attempt does not shorten the next).
func submitWithAttachment(w *world, fx *fixture) error {
	pdf := attachmenttest.PDF(fmt.Sprintf("Attached opinion %d", attachmentRun.Add(1)))
	_, err := w.ms.Submit(ctx, atomicResident, fx.c.ID, comments.Submission{ArticleID: fx.articles[0], Body: "意见见附件。", Display: comments.Anonymous,
		Files: []attachment.File{{Name: "意见.pdf", Data: pdf}, {Name: "现场.png", Data: attachmenttest.PNG()}}}, "")
	return err
}

// recordStepWithAttachment records a public expert review with a PDF
// unique to the run.
func recordStepWithAttachment(w *world, fx *fixture) error {
	pdf := attachmenttest.PDF(fmt.Sprintf("Expert opinion %d", attachmentRun.Add(1)))
	_, err := w.cs.RecordStep(ctx, atomicStaff, fx.c.ID, consultation.StepForm{Kind: consultation.ExpertReview, HeldOn: "2026-11-30",
		Participants: "县律师协会", Summary: "专家意见见附件。", Public: true, Files: []attachment.File{{Name: "专家意见.pdf", Data: pdf}}})
	return err
}

// RunAttachments runs the attachments contract.
func RunAttachments(t *testing.T, open AtomicOpener) {
	w := newWorld(t, open)
	if w.s.Blobs == nil {
		t.Fatal("AtomicStores.Blobs is nil")
	}
	fx := w.stage("open")
	pdf := attachmenttest.PDF("Keep the registration period at 30 days")
	docx := attachmenttest.DOCX("建议将登记期限定为三十日。")
	big := bytes.Repeat([]byte{0x5a}, 600<<10) // three MongoDB chunks
	big = append(attachmenttest.PNG(), big...)
	var stored *comments.Comment

	t.Run("RoundTrip", func(t *testing.T) {
		r, err := w.ms.Submit(ctx, atomicResident, fx.c.ID, comments.Submission{ArticleID: fx.articles[0], Body: "意见见附件。", Display: comments.Anonymous,
			Files: []attachment.File{{Name: "意见.pdf", Data: pdf}, {Name: "说明.docx", Data: docx}, {Name: "大图.png", Data: big}}}, "")
		must(t, err)
		cm, err := w.s.Comments.Comment(ctx, r.CommentID)
		must(t, err)
		stored = cm
		if len(cm.Attachments) != 3 {
			t.Fatalf("stored %d attachments, want 3", len(cm.Attachments))
		}
		for i, want := range [][]byte{pdf, docx, big} {
			m := cm.Attachments[i]
			if m.SHA256 != attachment.Sum(want) || m.Size != int64(len(want)) || m.Status != attachment.Pending {
				t.Errorf("attachment %d = %+v", i, m)
			}
			got, err := w.s.Blobs.Blob(ctx, m.SHA256)
			must(t, err)
			if !bytes.Equal(got, want) {
				t.Errorf("blob %d: %d bytes read back, %d stored", i, len(got), len(want))
			}
		}
		if cm.Attachments[1].Text != "建议将登记期限定为三十日。" || cm.Attachments[0].Text != "Keep the registration period at 30 days" {
			t.Errorf("extracted texts %q, %q", cm.Attachments[0].Text, cm.Attachments[1].Text)
		}
		leaves, err := w.s.Comments.LogLeaves(ctx, fx.c.ID, cm.LeafIndex, cm.LeafIndex+1)
		must(t, err)
		leaf, err := translog.ParseLeaf(leaves[0].Leaf)
		must(t, err)
		if fmt.Sprint(leaf.Attachments) != fmt.Sprint(attachment.Hashes(cm.Attachments)) {
			t.Errorf("leaf names attachments %v, want %v", leaf.Attachments, attachment.Hashes(cm.Attachments))
		}
		CheckRecord(t, w.s, fx.c.ID)
	})

	t.Run("ErrRefusedStoresNothing", func(t *testing.T) {
		before := w.snapshot(fx.c.ID)
		png := attachmenttest.PNG()
		png = append(png, []byte("refused-unique")...)
		for name, files := range map[string][]attachment.File{
			"disguised": {{Name: "扫描件.pdf", Data: png}},
			"too many":  {{Name: "1.pdf", Data: pdf}, {Name: "2.pdf", Data: pdf}, {Name: "3.pdf", Data: pdf}, {Name: "4.pdf", Data: pdf}, {Name: "5.pdf", Data: pdf}, {Name: "6.png", Data: png}},
			"too large": {{Name: "大.png", Data: append(png, make([]byte, 10*attachment.MiB)...)}},
		} {
			_, err := w.ms.Submit(ctx, atomicResident, fx.c.ID, comments.Submission{Body: "见附件 " + name, Display: comments.Anonymous, Files: files}, "")
			if !apperr.Is(err, apperr.Invalid) && !apperr.Is(err, apperr.TooLarge) {
				t.Errorf("%s: Submit = %v, want Invalid or TooLarge", name, err)
			}
		}
		if _, err := w.s.Blobs.Blob(ctx, attachment.Sum(png)); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("refused file's blob: %v, want NotFound", err)
		}
		if before.json() != w.snapshot(fx.c.ID).json() {
			t.Error("a refused submission changed the record")
		}
	})

	t.Run("StepRoundTrip", func(t *testing.T) {
		fx := w.stage("closed")
		scan := attachmenttest.JPEG()
		memo := attachmenttest.DOCX("论证意见：登记期限宜为三十日。")
		for _, public := range []bool{true, false} {
			st, err := w.cs.RecordStep(ctx, atomicStaff, fx.c.ID, consultation.StepForm{Kind: consultation.ExpertReview, HeldOn: "2026-11-30",
				Participants: "县律师协会", Summary: "见附件。", Public: public, Files: []attachment.File{{Name: "签到表.jpg", Data: scan}, {Name: "论证意见.docx", Data: memo}}})
			must(t, err)
			c := w.get(fx.c.ID)
			stored := c.Steps[len(c.Steps)-1]
			if stored.ID != st.ID || len(stored.Attachments) != 2 || stored.Attachments[1].SHA256 != attachment.Sum(memo) {
				t.Fatalf("stored step %+v", stored)
			}
			for i, want := range [][]byte{scan, memo} {
				got, err := w.s.Blobs.Blob(ctx, stored.Attachments[i].SHA256)
				must(t, err)
				if !bytes.Equal(got, want) {
					t.Errorf("step file %d read back differs", i)
				}
			}
			events, err := w.s.Consultations.Events(ctx, fx.c.ID)
			must(t, err)
			last := events[len(events)-1]
			if last.Type != "step.recorded" || !strings.Contains(string(last.Payload), attachment.Sum(memo)+" "+fmt.Sprint(len(memo))+" 论证意见.docx") {
				t.Errorf("step event payload %s does not name the files", last.Payload)
			}
			_, data, err := w.cs.StepAttachment(ctx, auth.Principal{}, fx.c.ID, st.ID, stored.Attachments[1].ID)
			if public && (err != nil || !bytes.Equal(data, memo)) {
				t.Errorf("public step file: %v", err)
			}
			if !public && !apperr.Is(err, apperr.NotFound) {
				t.Errorf("internal step file to the public: %v, want NotFound", err)
			}
		}
		_, err := w.cs.RecordStep(ctx, atomicStaff, fx.c.ID, consultation.StepForm{Kind: consultation.ExpertReview, HeldOn: "2026-11-30",
			Participants: "县律师协会", Summary: "见附件。", Files: []attachment.File{{Name: "表.xlsx", Data: attachmenttest.XLSX([]string{"a"})}}})
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("a spreadsheet on a step: %v, want Invalid", err)
		}
		CheckRecord(t, w.s, fx.c.ID)
	})

	t.Run("PublishRestrictAndDownload", func(t *testing.T) {
		if stored == nil {
			t.Skip("no stored comment")
		}
		anon := auth.Principal{}
		id, a0, a1 := stored.ID, stored.Attachments[0].ID, stored.Attachments[1].ID
		if _, _, err := w.ms.Attachment(ctx, anon, id, a0); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("public download of a pending file: %v, want NotFound", err)
		}
		if _, data, err := w.ms.Attachment(ctx, atomicStaff, id, a0); err != nil || !bytes.Equal(data, pdf) {
			t.Errorf("staff download of a pending file: %d bytes, %v", len(data), err)
		}
		// Publish the comment and one file; restrict another.
		_, err := w.ms.Moderate(ctx, atomicStaff, id, comments.ModerationForm{Action: comments.Publish})
		if err != nil && !apperr.Is(err, apperr.Conflict) {
			must(t, err)
		}
		if _, err := w.ms.SetAttachment(ctx, atomicResident, id, a0, comments.AttachmentForm{Action: comments.PublishAttachment}); err == nil {
			t.Error("a resident published a file")
		}
		if _, err := w.ms.SetAttachment(ctx, atomicStaff, id, a1, comments.AttachmentForm{Action: comments.RestrictAttachment}); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("restrict without reason: %v, want Invalid", err)
		}
		faultLoop(t, w, fx, "publish_attachment", func() error {
			_, err := w.ms.SetAttachment(ctx, atomicStaff, id, a0, comments.AttachmentForm{Action: comments.PublishAttachment})
			return err
		})
		faultLoop(t, w, fx, "restrict_attachment", func() error {
			_, err := w.ms.SetAttachment(ctx, atomicStaff, id, a1, comments.AttachmentForm{Action: comments.RestrictAttachment, Reason: "含他人身份信息"})
			return err
		})
		cm, err := w.s.Comments.Comment(ctx, id)
		must(t, err)
		pub := cm.Public().Attachments
		if len(pub) != 2 || pub[0].SHA256 != attachment.Sum(pdf) || pub[1].Status != attachment.Restricted || pub[1].Reason != "含他人身份信息" || pub[1].Name != "" {
			t.Errorf("public attachments = %+v", pub)
		}
		if _, data, err := w.ms.Attachment(ctx, anon, id, a0); err != nil || !bytes.Equal(data, pdf) {
			t.Errorf("public download of a published file: %d bytes, %v", len(data), err)
		}
		if _, _, err := w.ms.Attachment(ctx, anon, id, a1); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("public download of a restricted file: %v, want NotFound", err)
		}
		if _, err := w.ms.SetAttachment(ctx, atomicStaff, id, a0, comments.AttachmentForm{Action: comments.PublishAttachment}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("publishing twice: %v, want Conflict", err)
		}
		CheckRecord(t, w.s, fx.c.ID)
	})
}

// faultLoop runs cmd with its k-th write failing, for k = 1, 2, … until it
// runs whole: each failure must leave all or nothing.
func faultLoop(t *testing.T, w *world, fx *fixture, name string, cmd func() error) {
	t.Helper()
	for k := 1; k < 100; k++ {
		before := w.snapshot(fx.c.ID)
		w.f.arm(k)
		err := cmd()
		writes := w.f.disarm()
		if w.s.Recover != nil {
			w.s.Recover(t)
		}
		after := w.snapshot(fx.c.ID)
		w.consistent(fmt.Sprintf("%s, write %d failing", name, k), after)
		if writes < k {
			if err != nil {
				t.Fatalf("%s with no fault reached: %v", name, err)
			}
			if k == 1 {
				t.Fatalf("%s made no write", name)
			}
			t.Logf("%s: %d writes, each failure left all or nothing", name, k-1)
			return
		}
		if before.json() != after.json() {
			return // rolled forward whole (checked by consistent)
		}
		if err == nil {
			t.Fatalf("%s: write %d failed, nothing stored, yet it reported success", name, k)
		}
	}
}
