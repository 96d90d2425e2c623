package i18n

// Messages of the commenter categories, petitions (联名信) and surveys
// (问卷调查), kept in their own file so parallel work on the catalogue
// does not collide; init adds them to the one catalogue and refuses a key
// defined twice.
func init() {
	for k, m := range surveyMessages {
		if _, dup := catalogue[k]; dup {
			panic("i18n: message " + k + " defined twice")
		}
		catalogue[k] = m
	}
}

var surveyMessages = map[string]message{
	// Commenter categories (comments/category.go).
	"category.individual":            {"个人", "An individual"},
	"category.enterprise":            {"企业", "An enterprise"},
	"category.industry_association":  {"行业协会、商会", "An industry association"},
	"category.academic":              {"专家学者、科研院校", "An academic or researcher"},
	"category.government_agency":     {"国家机关（请填写机关名称）", "A government agency (give its name)"},
	"category.peoples_deputy":        {"人大代表", "A deputy to a people's congress"},
	"category.cppcc_member":          {"政协委员", "A member of the CPPCC"},
	"category.organization":          {"其他单位或组织", "Another organization"},
	"page.comment.on_behalf_of":      {"代表谁提出（选填）", "On behalf of (optional)"},
	"page.comment.on_behalf_of_hint": {"如受他人或单位委托提出意见，请写明，例如“受某村村民委托”。选择匿名时不公开。", "If you comment on behalf of others, say whom, e.g. “the residents of a village”. Not shown if you choose to stay anonymous."},
	"page.comments.on_behalf_of":     {"代表：%s", "On behalf of %s"},
	"page.report.by_category":        {"按提交人类别（人数）", "By category of commenter (people)"},
	"page.report.submissions":        {"共收到意见 %d 件，含联名意见，合计 %d 人。", "%d submissions received, petitions included: %d people in all."},

	// Petitions (comments/petition.go).
	"comments.bad_signatories":           {"联名人数须为 1 至 %d 之间的整数。", "The number of signatories must be a whole number from 1 to %d."},
	"page.comments.signatories":          {"联名 %d 人", "Signed by %d {person|people}"},
	"page.work.offline_signatories":      {"联名人数", "Number of signatories"},
	"page.work.offline_signatories_hint": {"联名信请填写签名人数；报告按人数统计。一人提出的意见留空。", "For a petition give the number of people who signed; the report counts each of them. Leave empty for one person."},
}
