package i18n

// Consultations (issue 6): the domain's messages and notices, and the patient's pages.
var zhConsult = map[string]string{
	"consult.question.required":      "请描述您的问题或症状。",
	"consult.question.too_long":      "问题描述最多 2000 字。",
	"consult.share_days.invalid":     "请选择问诊结束后医生还可查看的时长。",
	"consult.scope.invalid":          "所选的共享内容无效，请重新选择。",
	"consult.scope.too_many":         "单独共享的文档最多 50 份。",
	"consult.scope.consent":          "共享健康信息前，需要先同意处理健康信息。",
	"consult.grant.ended":            "此次授权已结束，无法再修改共享范围。",
	"consult.closed":                 "此问诊已结束。",
	"consult.message.required":       "请输入消息内容。",
	"consult.message.too_long":       "消息最多 2000 字。",
	"consult.advice.required":        "结束问诊前请填写医生建议（最多 2000 字）。",
	"consult.queue.status":           "未知的问诊状态。",
	"consult.notice.new.subject":     "您有新的问诊",
	"consult.notice.new.body":        "有患者向您发起了问诊，请登录诊室查看。",
	"consult.notice.message.subject": "问诊有新消息",
	"consult.notice.message.body":    "您的问诊有一条新消息，请登录医宝健康查看。",
	"consult.notice.closed.subject":  "问诊已结束",
	"consult.notice.closed.body":     "您的一次问诊已结束，请登录医宝健康查看。",
}

var enConsult = map[string]string{
	"consult.question.required":      "Describe your question or symptoms.",
	"consult.question.too_long":      "The question can be at most 2000 characters.",
	"consult.share_days.invalid":     "Choose how long the doctor may still see your data after the consultation ends.",
	"consult.scope.invalid":          "The items chosen to share are not valid. Choose again.",
	"consult.scope.too_many":         "You can share at most 50 single documents.",
	"consult.scope.consent":          "To share health information, first agree to the processing of health information.",
	"consult.grant.ended":            "This grant has ended; its scope can no longer be changed.",
	"consult.closed":                 "This consultation is closed.",
	"consult.message.required":       "Enter a message.",
	"consult.message.too_long":       "A message can be at most 2000 characters.",
	"consult.advice.required":        "Write your advice before closing the consultation (at most 2000 characters).",
	"consult.queue.status":           "Unknown consultation state.",
	"consult.notice.new.subject":     "New consultation",
	"consult.notice.new.body":        "A patient has started a consultation with you. Sign in to the clinic to see it.",
	"consult.notice.message.subject": "New message in a consultation",
	"consult.notice.message.body":    "There is a new message in your consultation. Sign in to Yibao Health to read it.",
	"consult.notice.closed.subject":  "Consultation closed",
	"consult.notice.closed.body":     "One of your consultations was closed. Sign in to Yibao Health to see it.",
}
