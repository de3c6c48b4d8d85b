package i18n

// zh is the zh-CN catalogue (the default language). Keys are grouped by area.
var zhCore = map[string]string{
	"app.name": "医宝健康",

	// errors (shared by the error handler and the error pages)
	"error.400.title":  "请求无效",
	"error.400.body":   "提交的内容无法处理，请检查后重试。",
	"error.403.title":  "无权访问",
	"error.403.body":   "您没有访问此页面的权限。如果您认为这是错误，请联系客服。",
	"error.404.title":  "页面不存在",
	"error.404.body":   "您访问的页面不存在或已被移除。",
	"error.413.title":  "内容过大",
	"error.413.body":   "提交的内容超过了允许的大小。",
	"error.500.title":  "服务暂时出错",
	"error.500.body":   "我们已记录此问题，请稍后重试。",
	"error.503.title":  "服务暂不可用",
	"error.503.body":   "请求处理超时或服务正在维护，请稍后重试。",
	"error.csrf":       "页面已过期，请刷新后重新提交。",
	"error.request_id": "请求编号：%s",
	"error.back_home":  "返回首页",

	// navigation and layout (views/layouts)
	"nav.main":             "主导航",
	"nav.footer":           "页脚链接",
	"nav.home":             "首页",
	"nav.privacy":          "隐私政策",
	"layout.skip_to_main":  "跳到主要内容",
	"layout.language":      "切换语言",
	"layout.copyright":     "© 医宝健康 版权所有",
	"layout.data_location": "您的个人信息和健康资料存储在中国境内的服务器上。",

	// home page (views/pages/home.templ)
	"home.title":                    "首页",
	"home.hero.eyebrow":             "注重隐私的患者服务平台",
	"home.hero.title":               "您的健康资料，由您做主",
	"home.hero.lead":                "在医宝健康，您的病历和检查报告都加密保存。每位医生能看到哪些内容、能看多久，都由您决定；谁查看过您的资料，您随时查得到。您还可以在这里管理订单，并随时导出或删除自己的数据。",
	"home.hero.cta":                 "了解我们的隐私承诺",
	"home.features.title":           "您可以在这里做什么",
	"home.feature.encrypted.title":  "默认加密保存",
	"home.feature.encrypted.body":   "病历、影像和化验单在存储前就已加密，就连我们的客服和管理人员也无法直接读取。",
	"home.feature.doctors.title":    "医生看什么，您说了算",
	"home.feature.doctors.body":     "每次问诊，您挑选要分享的资料并设定期限；期限一到或您撤回授权，医生就无法再查看。",
	"home.feature.access_log.title": "谁看过，一目了然",
	"home.feature.access_log.body":  "除您本人以外的每一次查看都会被记录。在访问记录里，您能看到是谁、在什么时间、看了哪些内容。",
	"home.feature.your_data.title":  "订单和数据，随时自主",
	"home.feature.your_data.body":   "在同一个地方管理您的订单。想离开时，可以导出全部数据，或删除数据并注销账户。",
	"home.privacy.title":            "我们的承诺，写得清清楚楚",
	"home.privacy.body":             "隐私政策说明我们收集哪些信息、为什么收集、保存多久，以及您享有哪些权利。其中的每一条承诺，都落实在这个平台的功能里。",
	"home.privacy.link":             "阅读隐私政策",

	"dev.outbox.title":         "开发发件箱",
	"dev.outbox.note":          "仅在开发模式下可见：这里列出本应通过短信或电子邮件发送的消息（最近 200 条，保存在内存中，重启后清空）。生产环境不存在此页面。",
	"dev.outbox.empty":         "还没有消息。",
	"error.429.title":          "操作过于频繁",
	"error.429.body":           "尝试次数过多，请稍后再试。",
	"verify.cooldown":          "验证码已发送，请在 %d 秒后再重新获取。",
	"verify.too_many":          "获取验证码的次数过多，请一小时后再试。",
	"verify.invalid":           "验证码不正确或已过期，请重新获取。",
	"verify.too_many_attempts": "验证码输错次数过多，请重新获取。",
	"signin.throttled":         "尝试次数过多，为保护您的账户，请在 %d 分钟后再试。",
}
