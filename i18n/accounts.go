package i18n

// Self-service accounts and verification codes (vcode, auth/signup.go,
// auth/sessions.go, the /register, /password-reset and /me/sessions pages).
var accountMessages = map[string]message{
	"vcode.wrong":                  {"验证码错误或已失效，请重新获取。", "The code is wrong or no longer valid. Please ask for a new one."},
	"vcode.unavailable":            {"暂时无法发送验证码，请稍后再试。", "Codes cannot be sent at the moment. Please try again later."},
	"vcode.send_failed":            {"验证码发送失败，请稍后再试。", "The code could not be sent. Please try again later."},
	"vcode.purpose.signup":         {"注册账户", "signing up"},
	"vcode.purpose.password_reset": {"重设密码", "resetting your password"},
	"vcode.purpose.attach_receipt": {"将意见关联到账户", "attaching a comment to your account"},
	"vcode.purpose.erase_contact":  {"删除意见的联系方式", "erasing the contact of a comment"},
	"vcode.subject.code":           {"验证码（%s）", "Your code for %s"},
	"vcode.subject.notice":         {"关于您的请求（%s）", "About your request (%s)"},
	"vcode.body.code":              {"您正在%s，验证码是：", "Your code for %s is:"},
	"vcode.body.valid":             {"验证码 %d 分钟内有效，只能使用一次。", "It is valid for %d {minute|minutes} and can be used once."},
	"vcode.body.secret":            {"请勿将验证码告诉他人，工作人员不会向您索要验证码。", "Do not give the code to anyone; staff will never ask you for it."},
	"vcode.body.ignore":            {"如果这不是您本人的操作，请忽略本邮件。", "If you did not ask for this, ignore this message."},
	"vcode.sms.code":               {"【意见征集】验证码%s，用于%s，%d分钟内有效。请勿告诉他人。", "【意见征集】验证码%s，用于%s，%d分钟内有效。请勿告诉他人。"},
	"vcode.sms.notice":             {"【意见征集】%s", "【意见征集】%s"},
	"vcode.notice.account_exists": {"有人用此联系方式申请注册，但它已属于一个账户。如果是您本人，请直接登录；忘记密码可在登录页重设。",
		"Someone asked to sign up with this contact, which already belongs to an account. If it was you, log in; if you forgot the password, reset it from the login page."},
	"vcode.notice.no_account": {"有人用此联系方式申请重设密码，但没有账户使用它。如果是您本人，请用注册时留下的联系方式再试，或直接注册。",
		"Someone asked to reset a password for this contact, but no account uses it. If it was you, try the contact you signed up with, or sign up."},
	"auth.username_for_contact":    {"此联系方式属于多个账户，请填写要重设的用户名。", "Several accounts use this contact; enter the username to reset."},
	"auth.code_sent":               {"如果该联系方式可用，我们已向它发送了一条消息，请查收验证码（%d 分钟内有效）。", "If this contact can be used, we have sent it a message; check it for the code (valid for %d {minute|minutes})."},
	"page.nav.register":            {"注册", "Sign up"},
	"page.nav.sessions":            {"登录设备", "Sessions"},
	"page.login.forgot":            {"忘记密码？", "Forgot your password?"},
	"page.login.register":          {"注册新账户", "Create an account"},
	"page.register.title":          {"注册账户", "Sign up"},
	"page.register.hint":           {"注册后可以在“我的意见”中查看您提交的意见及其答复。我们会向您填写的电子邮箱或手机号码发送验证码。", "With an account you see your comments and their answers under My comments. We send a code to the email address or mobile number you give."},
	"page.register.submit":         {"注册", "Sign up"},
	"page.reset.title":             {"重设密码", "Reset your password"},
	"page.reset.hint":              {"请填写账户的电子邮箱或手机号码，我们会向它发送验证码。", "Give the email address or mobile number of your account; we send it a code."},
	"page.reset.submit":            {"设置新密码", "Set the new password"},
	"page.reset.username_hint":     {"仅当多个账户使用此联系方式时需要填写。", "Needed only when several accounts use this contact."},
	"page.account.contact":         {"电子邮箱或手机号码", "Email address or mobile number"},
	"page.account.contact_hint":    {"例如 name@example.cn 或 13800000000", "For example name@example.cn or 13800000000"},
	"page.account.send_code":       {"发送验证码", "Send me a code"},
	"page.account.code_for":        {"验证码已发往：%s。", "The code was sent to: %s."},
	"page.account.change_contact":  {"更换联系方式", "Use another contact"},
	"page.account.code":            {"验证码（6 位数字）", "Code (6 digits)"},
	"page.account.password_hint":   {"至少 10 个字符。", "At least 10 characters."},
	"page.sessions.title":          {"登录设备", "Your sessions"},
	"page.sessions.hint":           {"以下是您的账户当前有效的登录。如果有您不认识的登录，请结束它并修改密码。", "These are the live logins of your account. If you do not recognise one, end it and change your password."},
	"page.sessions.ended":          {"已结束 %d 个登录。", "%d {session|sessions} ended."},
	"page.sessions.unknown_client": {"未知浏览器", "Unknown browser"},
	"page.sessions.current":        {"当前登录", "This session"},
	"page.sessions.since":          {"登录时间", "Logged in"},
	"page.sessions.until":          {"有效期至", "Valid until"},
	"page.sessions.end":            {"结束此登录", "End this session"},
	"page.sessions.end_others":     {"结束其他所有登录", "End all other sessions"},
	"page.receipt.article":         {"针对", "About"},
	"page.receipt.whole":           {"草案整体", "The whole draft"},
	"page.erase.title":             {"删除我的联系方式", "Erase my contact"},
	"page.erase.hint":              {"您提交意见时留下的联系方式可以提前删除：意见本身、公开的内容和答复都会保留，之后不会再向您发送通知。请填写当时留下的电子邮箱或手机号码，我们会向它发送验证码。", "You can have the contact you gave with this comment erased now: the comment, its public copy and its answer stay, and you get no more notifications. Give the email address or mobile number you gave; we send it a code."},
	"page.erase.contact":           {"提交意见时留下的电子邮箱或手机号码", "The email address or mobile number you gave"},
	"page.erase.submit":            {"删除联系方式", "Erase the contact"},
	"page.erase.back":              {"返回回执", "Back to the receipt"},
	"page.erase.done":              {"联系方式已删除。意见及其答复仍然保留。", "The contact was erased. The comment and its answer stay."},
}

func init() {
	for k, m := range accountMessages {
		if _, dup := catalogue[k]; dup {
			panic("i18n: duplicate key " + k)
		}
		catalogue[k] = m
	}
}
