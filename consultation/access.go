package consultation

import "yugongkai/auth"

// Authorization rules for consultations. Every service method checks them;
// handlers never decide who may act.

// CanView reports whether p may see c. A consultation that was never opened
// is an internal draft: only its department, legal staff and admins see it.
func CanView(p auth.Principal, c *Consultation) bool {
	if c.PublishedAt != nil {
		return true
	}
	return CanSeeInternal(p, c)
}

// CanSeeInternal reports whether p may see internal material of c: drafts,
// internal revisions (过程稿), unpublished comments and contact data.
func CanSeeInternal(p auth.Principal, c *Consultation) bool {
	return p.StaffOf(c.DepartmentID) || p.Is(auth.Legal) || p.Is(auth.Admin)
}

// CanManage reports whether p may edit c and run its department-side steps
// (publish, extend, close, withdraw, revise, moderate, dispose, submit).
func CanManage(p auth.Principal, c *Consultation) bool {
	return p.StaffOf(c.DepartmentID) || p.Is(auth.Admin)
}

// CanReview reports whether p may give the legality review opinion.
func CanReview(p auth.Principal) bool { return p.Is(auth.Legal) }

// CanFinalize reports whether p may finalize (公布) an approved decision.
func CanFinalize(p auth.Principal) bool { return p.Is(auth.Legal) || p.Is(auth.Admin) }

// CanSeeVersion reports whether p may see version v of c: the public sees
// versions shown to it, and every version once the decision is published.
func CanSeeVersion(p auth.Principal, c *Consultation, v *Version) bool {
	if CanSeeInternal(p, c) {
		return true
	}
	return c.PublishedAt != nil && (v.Public || c.State == Published)
}

// PublicCopy returns c as the public may see it: the accounts that acted
// (internal user ids) and the internal procedure records left out. The
// hash chain keeps the actors; the consultation's own JSON does not need
// them outside the department and the legal office.
func (c *Consultation) PublicCopy() *Consultation {
	cp := *c
	cp.CreatedBy = ""
	cp.Extensions = append([]Extension(nil), c.Extensions...)
	for i := range cp.Extensions {
		cp.Extensions[i].By = ""
	}
	if c.ClosedEarly != nil {
		x := *c.ClosedEarly
		x.By = ""
		cp.ClosedEarly = &x
	}
	if c.Withdrawal != nil {
		x := *c.Withdrawal
		x.By = ""
		cp.Withdrawal = &x
	}
	if c.Review != nil {
		x := *c.Review
		x.SubmittedBy, x.DecidedBy = "", ""
		cp.Review = &x
	}
	if c.Final != nil {
		x := *c.Final
		x.FinalizedBy = ""
		cp.Final = &x
	}
	cp.InterpretationDraft = nil // the published one is in Final
	cp.Hearings = c.PublicHearings()
	cp.Steps = nil
	cp.Documents = DocumentsFor(auth.Principal{}, c) // documents.go
	for _, s := range c.PublicSteps() {
		s.EnteredBy = ""
		cp.Steps = append(cp.Steps, s)
	}
	return &cp
}
