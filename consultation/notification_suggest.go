package consultation

// Notification kinds of suggested wordings (comments/suggest.go).
const (
	NotifySuggestionAccepted = "suggestion_accepted" // the suggested wording was accepted, with the wording
	NotifySuggestionDeclined = "suggestion_declined" // the suggested wording was not accepted, with the reason
)
