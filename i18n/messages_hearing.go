package i18n

// The messages of hearings (听证会) and of the 政策解读's Q&A and exception,
// kept apart from messages.go so the feature's text reads in one place.
// init adds them to the one catalogue; a key defined twice is a bug.
func init() {
	for k, m := range hearingMessages {
		if _, dup := catalogue[k]; dup {
			panic("i18n: message " + k + " defined twice")
		}
		catalogue[k] = m
	}
}

var hearingMessages = map[string]message{
	"action.hearing": {"办理听证会", "hold a hearing"},
	"action.apply":   {"报名参加听证会", "apply for a hearing"},

	"event.hearing.announced": {"发布听证会公告", "hearing announced"},
	"event.hearing.applied":   {"收到听证会报名", "hearing application received"},
	"event.hearing.selected":  {"遴选听证参加人", "hearing participants selected"},
	"event.hearing.recorded":  {"录入听证会记录", "hearing record entered"},

	"hearing.in_past":                {"时间必须晚于现在。", "The time must be in the future."},
	"hearing.deadline_after_hearing": {"报名截止时间必须早于听证会举行时间。", "The application deadline must be before the hearing."},
	"hearing.seats_range":            {"参加人名额应为 1 至 %d 人。", "Seats must be between 1 and %d."},
	"hearing.applications_closed":    {"听证会报名已于 %s 截止或参加人已确定。", "Applications closed on %s, or the participants were selected."},
	"hearing.already_selected":       {"已遴选听证参加人。", "The participants were already selected."},
	"hearing.not_selected":           {"请先遴选听证参加人，再录入听证记录。", "Select the participants before entering the record."},
	"hearing.already_recorded":       {"该听证会已录入记录。", "This hearing's record was already entered."},
	"hearing.not_participant":        {"该发言人不是本次听证会遴选的参加人。", "This speaker is not a selected participant."},
	"hearing.too_many_statements":    {"一次最多录入 %d 条发言。", "At most %d statements at once."},

	"field.too_many": {"最多 %d 项。", "At most %d entries."},

	"finalize.interpretation_required": {"重大行政决策和行政规范性文件应当同步发布政策解读；不发布的，请填写理由。", "A major decision or normative document is published with its policy interpretation; give a reason if it is not."},
	"finalize.qa_incomplete":           {"每个问答都需要问题和回答。", "Each Q&A needs a question and an answer."},
	"finalize.qa_without_text":         {"问答须与政策解读正文一同发布。", "The Q&A is published with the interpretation text."},
	"finalize.exception_with_text":     {"已填写政策解读，不需要填写不发布的理由。", "An interpretation is given; no reason for omitting it is needed."},

	"page.finalize.qa":                            {"政策解读问答", "Interpretation Q&A"},
	"page.finalize.qa_q":                          {"问题 %d", "Question %d"},
	"page.finalize.qa_a":                          {"回答 %d", "Answer %d"},
	"page.finalize.interpretation_needed":         {"（重大行政决策、行政规范性文件必填）", "(required for major decisions and normative documents)"},
	"page.finalize.interpretation_exception":      {"不发布政策解读的理由", "Reason for publishing no interpretation"},
	"page.finalize.interpretation_exception_hint": {"仅在确无必要发布政策解读时填写（如仅作文字性修改），理由将公开。", "Only when an interpretation is truly unnecessary (e.g. a purely technical correction); the reason is published."},
	"page.decision.qa":                            {"问答", "Questions and answers"},
	"page.decision.q":                             {"问：", "Q: "},
	"page.decision.a":                             {"答：", "A: "},
	"page.decision.interpretation_exception":      {"本决策未发布政策解读，理由：%s", "No policy interpretation was published. Reason: %s"},

	"page.work.hearings_title":            {"听证会", "Hearings"},
	"page.hearing.title":                  {"听证会", "Hearings"},
	"page.hearing.hint":                   {"发布听证会公告，公众在线报名；报名截止后随机抽签或按观点均衡遴选参加人（抽签的随机种子记入决策档案，任何人可复核）；听证会后录入记录，每条发言作为“听证会”渠道的意见进入意见答复。", "Announce a hearing; the public applies online; after the deadline select the participants by lot or by stance balance (the lot's seed goes into the history, so anyone can redo it); after the hearing enter its record: each statement becomes a comment of channel “hearing”, answered like any other."},
	"page.hearing.heading":                {"听证会（%s）", "Hearing (%s)"},
	"page.hearing.public_title":           {"听证会", "Hearings"},
	"page.hearing.held_at":                {"举行时间", "Date and time"},
	"page.hearing.place":                  {"地点", "Place"},
	"page.hearing.matters":                {"听证事项", "Matters heard"},
	"page.hearing.how_to_apply":           {"报名方式", "How to apply"},
	"page.hearing.apply_by":               {"报名截止时间", "Application deadline"},
	"page.hearing.seats":                  {"参加人名额", "Seats"},
	"page.hearing.open":                   {"报名中", "open"},
	"page.hearing.applications":           {"报名情况", "Applications"},
	"page.hearing.stance_counts":          {"共 %d 人：支持 %d，反对 %d，中立 %d", "%d in all: %d support, %d oppose, %d neutral"},
	"page.hearing.no_applications":        {"尚无报名。", "No applications yet."},
	"page.hearing.seq":                    {"序号", "No."},
	"page.hearing.name":                   {"姓名", "Name"},
	"page.hearing.contact":                {"联系方式（电话或电子邮箱）", "Contact (phone or email)"},
	"page.hearing.contact_hint":           {"仅用于通知遴选结果，不会公开。", "Used only to tell you whether you were selected; never published."},
	"page.hearing.reason":                 {"报名理由", "Why you want to take part"},
	"page.hearing.selection":              {"参加人遴选", "Selection of participants"},
	"page.hearing.method":                 {"遴选方式", "Method"},
	"page.hearing.method_lot":             {"随机抽签", "By lot"},
	"page.hearing.method_balance":         {"按观点均衡", "By stance balance"},
	"page.hearing.seed":                   {"随机种子", "Seed"},
	"page.hearing.pool":                   {"从 %d 份报名中遴选", "from %d applications"},
	"page.hearing.no_participants":        {"无人入选。", "No one was selected."},
	"page.hearing.select_closes":          {"遴选后即停止报名。", "Selecting closes applications."},
	"page.hearing.select":                 {"遴选参加人", "Select participants"},
	"page.hearing.participants":           {"听证参加人", "Participants"},
	"page.hearing.record":                 {"听证会记录", "Hearing record"},
	"page.hearing.record_after_selection": {"遴选参加人后可录入听证会记录。", "The record can be entered once participants are selected."},
	"page.hearing.held_on":                {"举行日期", "Held on"},
	"page.hearing.summary":                {"听证会概要", "Summary of the hearing"},
	"page.hearing.statements_hint":        {"每条发言将作为“听证会”渠道的意见，需逐条答复；空白行不保存。", "Each statement becomes a comment of channel “hearing” to be answered; blank rows are skipped."},
	"page.hearing.statement_n":            {"发言 %d", "Statement %d"},
	"page.hearing.speaker":                {"发言人", "Speaker"},
	"page.hearing.statement":              {"发言内容", "Statement"},
	"page.hearing.statements_n":           {"%d 条发言", "%d {statement|statements}"},
	"page.hearing.save_record":            {"保存听证会记录", "Save the record"},
	"page.hearing.announce":               {"发布听证会公告", "Announce a hearing"},
	"page.hearing.announce_button":        {"发布公告", "Announce"},
	"page.hearing.done_announced":         {"听证会公告已发布。", "The hearing was announced."},
	"page.hearing.done_selected":          {"已遴选听证参加人。", "The participants were selected."},
	"page.hearing.done_recorded":          {"听证会记录已保存，发言已列入意见。", "The record was saved; the statements are now comments."},
	"page.hearing.apply_title":            {"报名参加听证会", "Apply to take part in the hearing"},
	"page.hearing.apply_button":           {"报名参加", "Apply"},
	"page.hearing.applied":                {"报名已收到，报名序号 %d。遴选结果将通过您留下的联系方式通知。", "Your application was received (no. %d). You will be told the result at the contact you gave."},
	"page.hearing.back":                   {"返回征求意见页面", "Back to the consultation"},
	"page.timeline.hearing_announced":     {"发布听证会公告（%s 举行）", "Hearing announced (held %s)"},
	"page.timeline.hearing_selected":      {"遴选听证参加人 %d 名（报名 %d 人）", "%d hearing participants selected (of %d applicants)"},
}
