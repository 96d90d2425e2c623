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
	"report.people_total":            {"合计（人）", "Total (people)"},
	"page.report.by_category":        {"按提交人类别（人数）", "By category of commenter (people)"},
	"page.report.submissions":        {"共收到意见 %d 件，含联名意见，合计 %d 人。", "%d submissions received, petitions included: %d people in all."},

	// Petitions (comments/petition.go).
	"comments.bad_signatories":           {"联名人数须为 1 至 %d 之间的整数。", "The number of signatories must be a whole number from 1 to %d."},
	"page.comments.signatories":          {"联名 %d 人", "Signed by %d {person|people}"},
	"page.work.offline_signatories":      {"联名人数", "Number of signatories"},
	"page.work.offline_signatories_hint": {"联名信请填写签名人数；报告按人数统计。一人提出的意见留空。", "For a petition give the number of people who signed; the report counts each of them. Leave empty for one person."},

	// Surveys (问卷调查; package surveys, consultation/survey.go).
	"survey.not_found":            {"未找到该问卷。", "The survey was not found."},
	"survey.too_many":             {"每项征求意见最多 %d 份问卷。", "A consultation may have at most %d surveys."},
	"survey.not_draft":            {"问卷已发布，不能再修改。", "The survey is published and can no longer be changed."},
	"survey.not_open":             {"该问卷未在征集答卷。", "This survey is not taking answers."},
	"survey.period_closed":        {"征求意见期限之外不接受答卷。", "Answers are accepted only while the comment period runs."},
	"survey.login_required":       {"本问卷每个账户限答一次，请先登录。", "This survey takes one answer per account: please log in."},
	"survey.no_device":            {"请在浏览器中启用 Cookie 后再提交问卷（每台设备限答一次）。", "Please enable cookies to answer: this survey takes one answer per device."},
	"survey.already":              {"您已提交过该问卷，每人限答一次。", "You have already answered this survey; one answer each."},
	"survey.answer_required":      {"此题为必答题。", "This question must be answered."},
	"survey.one_answer":           {"此题只能选一项。", "Choose one answer only."},
	"survey.bad_option":           {"所选选项不属于此题。", "The choice is not one of this question's options."},
	"survey.unknown_question":     {"问卷中没有这道题。", "The survey has no such question."},
	"survey.results_not_public":   {"问卷结果将随民意调查报告公布。", "The results are published with the survey report."},
	"survey.too_many_questions":   {"一份问卷最多 %d 道题。", "A survey may have at most %d questions."},
	"survey.option_count":         {"选择题须有 2 至 %d 个选项。", "A choice question needs 2 to %d options."},
	"survey.option_repeated":      {"选项重复。", "This option is repeated."},
	"survey.scale_range":          {"量表的最高分须在 2 至 %d 之间。", "A scale goes up to between 2 and %d."},
	"survey.options_only_choice":  {"只有选择题可以设置选项。", "Only choice questions have options."},
	"survey.col.question":         {"题目", "Question"},
	"survey.col.option":           {"选项", "Option"},
	"survey.col.count":            {"选择人数", "Chosen by"},
	"survey.col.answered":         {"作答人数", "Answered by"},
	"survey.col.no":               {"序号", "No."},
	"survey.col.at":               {"提交时间", "Received"},
	"survey.kind.single":          {"单选题", "Single choice"},
	"survey.kind.multiple":        {"多选题（可选多项）", "Multiple choice (choose any)"},
	"survey.kind.scale":           {"量表题", "Scale"},
	"survey.kind.text":            {"简答题", "Short answer"},
	"survey.sheet_results":        {"问卷结果", "Survey results"},
	"survey.sheet_responses":      {"答卷", "Responses"},
	"survey.once.account":         {"每个账户限答一次。", "One answer per account."},
	"survey.once.device":          {"每台设备（浏览器）限答一次，以 Cookie 识别。", "One answer per device (browser), recognised by a cookie."},
	"page.timeline.survey_report": {"发布民意调查报告：%s", "Survey report published: %s"},
	"page.survey.heading":         {"问卷调查", "Survey"},
	"page.survey.list":            {"问卷调查", "Surveys"},
	"page.survey.required":        {"（必答）", "(required)"},
	"page.survey.submit":          {"提交问卷", "Submit answers"},
	"page.survey.thanks":          {"感谢您参与问卷调查，答卷已保存。", "Thank you: your answers are saved."},
	"page.survey.answered":        {"您已提交过该问卷。", "You have already answered this survey."},
	"page.survey.closed":          {"该问卷目前不接受答卷。", "This survey is not taking answers now."},
	"page.survey.results":         {"调查结果", "Results"},
	"page.survey.report":          {"民意调查报告", "Survey report"},
	"page.survey.responses":       {"共收到答卷 %d 份。", "%d {response|responses} received."},
	"page.survey.answered_n":      {"作答 %d 人", "answered by %d"},
	"page.survey.downloads":       {"下载结果", "Download the results"},
	"page.survey.chart":           {"第 %d 题的选择人数", "Answers to question %d"},
	"page.survey.take":            {"参与问卷", "Take the survey"},
	"page.survey.scale_hint":      {"1 分最低，%d 分最高。", "1 is the lowest, %d the highest."},

	// The staff surveys page (web/page_work_surveys.go).
	"page.work.tab_surveys":           {"问卷调查", "Surveys"},
	"page.work.surveys_title":         {"问卷调查", "Surveys"},
	"page.work.survey_none":           {"尚无问卷。", "No survey yet."},
	"page.work.survey_new":            {"新建问卷", "New survey"},
	"page.work.survey_title":          {"问卷标题", "Title"},
	"page.work.survey_intro":          {"说明（选填）", "Introduction (optional)"},
	"page.work.survey_once":           {"每人限答一次的方式", "One answer per"},
	"page.work.survey_questions_box":  {"题目（每行一题）", "Questions (one a line)"},
	"page.work.survey_questions_hint": {"格式：题型：题目｜选项一｜选项二。题型为 单选、多选、量表（或 量表7，默认 5 分）、简答；题型后加 * 为必答题。例如：单选*：您是否养犬？｜是｜否", "Format: kind: question | option | option. Kinds: 单选 (single), 多选 (multiple), 量表 or 量表7 (scale, 5 by default), 简答 (short answer); a * after the kind makes it required. Example: single*: Do you keep a dog? | Yes | No"},
	"page.work.survey_line":           {"第 %d 行：%s", "Line %d: %s"},
	"page.work.survey_save":           {"保存问卷草稿", "Save the draft survey"},
	"page.work.survey_open":           {"发布问卷", "Publish the survey"},
	"page.work.survey_questions":      {"共 %d 题", "%d {question|questions}"},
	"page.work.survey_report":         {"发布民意调查报告（问卷随之结束）", "Publish the survey report (closes the survey)"},
	"page.work.survey_report_summary": {"调查报告正文", "Report text"},
	"page.work.survey_state.draft":    {"草稿", "draft"},
	"page.work.survey_state.open":     {"征集中", "open"},
	"page.work.survey_state.closed":   {"已发布报告", "reported"},
}
