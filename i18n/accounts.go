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
	"auth.username_for_contact": {"此联系方式属于多个账户，请填写要重设的用户名。", "Several accounts use this contact; enter the username to reset."},
	"auth.code_sent":            {"如果该联系方式可用，我们已向它发送了一条消息，请查收验证码（%d 分钟内有效）。", "If this contact can be used, we have sent it a message; check it for the code (valid for %d {minute|minutes})."},
}

func init() {
	for k, m := range accountMessages {
		if _, dup := catalogue[k]; dup {
			panic("i18n: duplicate key " + k)
		}
		catalogue[k] = m
	}
}
