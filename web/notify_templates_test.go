package web

// addNotifyTemplateData gives TestRenderEveryTemplate the unsubscribe page
// in each of its states.
func addNotifyTemplateData(data map[string]any, base pageBase) {
	data["unsubscribe"] = unsubscribePage{pageBase: base, ID: "n1", Token: "t"}
}
