package comments

import "yugongkai/campaign"

// The grouping algorithm lives in package campaign; these are the three
// places the comments domain uses it.

func exactKey(body string) string { return campaign.ExactKey(body) }

func bandKeys(body string) []string { return campaign.BandKeys(campaign.MinHash(body)) }

// similarity is the exact shingle Jaccard similarity of two texts, as
// campaign.ProposeNear verifies its candidates.
func similarity(a, b string) float64 { return campaign.Jaccard(a, b) }
