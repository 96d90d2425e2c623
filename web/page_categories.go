package web

import (
	"strconv"
	"strings"

	"yugongkai/comments"
)

// categoryOption is one commenter category as the forms list it (the
// "commenter" partial): its code, the radio's id and its catalogue label.
type categoryOption struct {
	Value     comments.CommenterType
	ID, Label string
}

// categoryOptions lists comments.Categories for the forms. The first two
// keep the ids the forms always had (the error summary points at ct-ind).
func categoryOptions() []categoryOption {
	out := make([]categoryOption, 0, len(comments.Categories))
	for _, c := range comments.Categories {
		id := "ct-" + string(c.Type)
		switch c.Type {
		case comments.Individual:
			id = "ct-ind"
		case comments.Organization:
			id = "ct-org"
		}
		out = append(out, categoryOption{Value: c.Type, ID: id, Label: "category." + string(c.Type)})
	}
	return out
}

// commenterTypes are the category codes, for the API's enum.
func commenterTypes() []comments.CommenterType {
	out := make([]comments.CommenterType, len(comments.Categories))
	for i, c := range comments.Categories {
		out[i] = c.Type
	}
	return out
}

// formSignatories reads the offline form's signatory count: "" is one, a
// bad number -1 (refused by the domain with its field message).
func formSignatories(v string) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return -1
	}
	return n
}
