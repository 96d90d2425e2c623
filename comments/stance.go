package comments

// Stance is a commenter's view of the whole draft, given on the comment
// (optional, one per comment): the public page and the adoption report count
// them, per article where given.
type Stance string

const (
	Support Stance = "support"
	Oppose  Stance = "oppose"
	Neutral Stance = "neutral"
)

// Stances lists the stances in the order they are shown.
var Stances = []Stance{Support, Oppose, Neutral}

// Valid reports whether s is a stance or none ("").
func (s Stance) Valid() bool { return s == "" || s == Support || s == Oppose || s == Neutral }

// StanceCounts counts published comments by stance.
type StanceCounts map[Stance]int

// StanceTally is the stances of one article ("" for the whole draft).
type StanceTally struct {
	ArticleID string       `json:"article_id"`
	Label     string       `json:"label,omitempty"`
	Counts    StanceCounts `json:"counts"`
}
