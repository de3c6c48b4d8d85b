package i18n

// zh is the zh-CN catalogue (the default language). Keys are grouped by area.
var zh = map[string]string{
	"app.name": "医宝健康",

	// errors (shared by the error handler and the error pages)
	"error.400.title": "请求无效",
	"error.400.body":  "提交的内容无法处理，请检查后重试。",
	"error.403.title": "无权访问",
	"error.403.body":  "您没有访问此页面的权限。如果您认为这是错误，请联系客服。",
	"error.404.title": "页面不存在",
	"error.404.body":  "您访问的页面不存在或已被移除。",
	"error.413.title": "内容过大",
	"error.413.body":  "提交的内容超过了允许的大小。",
	"error.500.title": "服务暂时出错",
	"error.500.body":  "我们已记录此问题，请稍后重试。",
	"error.503.title": "服务暂不可用",
	"error.503.body":  "请求处理超时或服务正在维护，请稍后重试。",
	"error.csrf":      "页面已过期，请刷新后重新提交。",
	"error.request_id": "请求编号：%s",
	"error.back_home":  "返回首页",
}
