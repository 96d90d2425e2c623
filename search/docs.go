package search

import (
	"context"
	"fmt"

	"yugongkai/apperr"
	"yugongkai/comments"
	"yugongkai/consultation"
)

// ConsultationDoc returns the document of a consultation the public can
// see (PublishedAt set): its title, its 起草说明 and the text of v, the
// public version (PublicTextVersion). It reports false for a consultation
// not yet published, which must not be indexed.
func ConsultationDoc(c *consultation.Consultation, v *consultation.Version) (Doc, bool) {
	if c.PublishedAt == nil {
		return Doc{}, false
	}
	source := c.Title + "\n" + c.Explanation
	if v != nil {
		source += "\n" + v.Text
	}
	d := Doc{Kind: KindConsultation, ID: c.ID, ConsultationID: c.ID, Source: source, Title: c.Title,
		At: *c.PublishedAt}
	setConsultationFields(&d, c)
	d.Text = Normalize(d.Source)
	return d, true
}

func setConsultationFields(d *Doc, c *consultation.Consultation) {
	d.Title, d.State, d.ClosesAt, d.DepartmentID, d.ProcedureType = c.Title, c.State, c.ClosesAt, c.DepartmentID, c.ProcedureType
}

// PublicTextVersion is the number of the version whose text the public
// reads: the final text once published, else the 征求意见稿 (0: none).
func PublicTextVersion(c *consultation.Consultation) int {
	if c.State == consultation.Published && c.Final != nil && c.Final.Version > 0 {
		return c.Final.Version
	}
	return c.PublicVersion
}

// CommentDoc returns the document of a published comment on c: the
// comment's public copy only (comments.Comment.Public: the masked body and
// the public name; never the original text or contact data), with c's
// title and filter fields. It reports false for a comment that is not
// published, or not on a public consultation.
func CommentDoc(c *consultation.Consultation, cm *comments.Comment) (Doc, bool) {
	if cm.Status != comments.Published || c.PublishedAt == nil || cm.ConsultationID != c.ID {
		return Doc{}, false
	}
	p := cm.Public()
	d := Doc{Kind: KindComment, ID: p.ID, ConsultationID: p.ConsultationID, Source: p.Body, Name: p.Name, At: p.ReceivedAt}
	setConsultationFields(&d, c)
	d.Text = Normalize(d.Source)
	return d, true
}

// IndexConsultation brings the index up to date with c: a public
// consultation is (re)indexed with its public text, fetched from Versions,
// and its title and filter fields are copied to its comments' documents;
// any other is removed. Call it after every stored change of c.
func (s *Service) IndexConsultation(ctx context.Context, c *consultation.Consultation) error {
	d, ok, err := s.consultationDoc(ctx, c)
	if err != nil {
		return err
	}
	if !ok {
		return s.Index.Delete(ctx, KindConsultation, c.ID)
	}
	return s.Put(ctx, d)
}

// consultationDoc is c's document with its public text, or none (ok false)
// before publication.
func (s *Service) consultationDoc(ctx context.Context, c *consultation.Consultation) (Doc, bool, error) {
	if c.PublishedAt == nil {
		return Doc{}, false, nil
	}
	var v *consultation.Version
	if n := PublicTextVersion(c); n > 0 {
		if s.Versions == nil {
			return Doc{}, false, apperr.Wrap(fmt.Errorf("no Versions to read version %d of %s", n, c.ID), "search: index consultation")
		}
		var err error
		if v, err = s.Versions.Version(ctx, c.ID, n); err != nil {
			return Doc{}, false, err
		}
	}
	d, _ := ConsultationDoc(c, v)
	return d, true, nil
}

// IndexComment brings the index up to date with comment cm on c: indexed
// if published (CommentDoc), removed otherwise. Call it after a comment is
// stored or moderated.
func (s *Service) IndexComment(ctx context.Context, c *consultation.Consultation, cm *comments.Comment) error {
	d, ok := CommentDoc(c, cm)
	if !ok {
		return s.Index.Delete(ctx, KindComment, cm.ID)
	}
	return s.Put(ctx, d)
}
