package i18n

// Emergency access (issue 6): break-glass requests, the doctor's view, the patient's
// notice and the privacy officer's review.
var zhEmergency = map[string]string{
	"emergency.identifier.required":     "请输入患者的手机号或证件号码。",
	"emergency.identifier.no_match":     "没有完全匹配的患者。请核对完整的手机号或证件号码。",
	"emergency.reason.invalid":          "请选择紧急访问的原因。",
	"emergency.justification.length":    "请写明紧急情况和访问理由（20–1000 字）。",
	"emergency.rate_limited":            "24 小时内紧急访问次数已达上限。如确有需要，请联系隐私保护负责人。",
	"emergency.queue.status":            "未知的审核状态。",
	"emergency.review.decision":         "请选择确认或标记为滥用。",
	"emergency.review.note_required":    "标记为滥用时必须填写说明。",
	"emergency.review.note_long":        "说明最多 1000 字。",
	"emergency.review.done":             "这次紧急访问已审核，不能再次审核。",
	"emergency.notice.subject":          "医生对您的关键健康信息使用了紧急访问",
	"emergency.notice.body":             "一位医生因紧急情况查看了您的关键健康信息（过敏、诊断、病史）。访问有时限，并将由隐私保护负责人审核。您可以在“谁查看了我的数据”中看到是谁以及原因。",
	"emergency.reason.unconscious":      "患者昏迷或无法沟通",
	"emergency.reason.life_threatening": "急性危及生命的情况",
	"emergency.reason.severe_allergy":   "疑似严重过敏反应",
	"emergency.reason.other_urgent":     "其他危及生命健康的紧急情况",
}

var enEmergency = map[string]string{
	"emergency.identifier.required":     "Enter the patient's mobile number or ID-document number.",
	"emergency.identifier.no_match":     "No patient matches exactly. Check the full mobile number or ID-document number.",
	"emergency.reason.invalid":          "Choose the reason for emergency access.",
	"emergency.justification.length":    "Describe the emergency and why you need access (20–1000 characters).",
	"emergency.rate_limited":            "You have reached the limit of emergency accesses for 24 hours. If you still need access, contact the privacy officer.",
	"emergency.queue.status":            "Unknown review state.",
	"emergency.review.decision":         "Choose confirm or flag as misuse.",
	"emergency.review.note_required":    "A note is required to flag misuse.",
	"emergency.review.note_long":        "The note can be at most 1000 characters.",
	"emergency.review.done":             "This emergency access has already been reviewed.",
	"emergency.notice.subject":          "A doctor used emergency access to your critical health information",
	"emergency.notice.body":             "A doctor viewed your critical health information (allergies, diagnoses, histories) in an emergency. The access is time-limited and will be reviewed by the privacy officer. See who and why in \"Who viewed my data\".",
	"emergency.reason.unconscious":      "Patient unconscious or unable to communicate",
	"emergency.reason.life_threatening": "Acute life-threatening condition",
	"emergency.reason.severe_allergy":   "Suspected severe allergic reaction",
	"emergency.reason.other_urgent":     "Other urgent threat to life or health",
}
