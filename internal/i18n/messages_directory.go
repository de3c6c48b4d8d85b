package i18n

// zhDirectory and enDirectory are the messages of the public doctor directory.
var zhDirectory = map[string]string{
	"nav.doctors": "找医生",

	"directory.title":         "找医生",
	"directory.lead":          "这里列出经过本平台资质审核的医生。可按姓名、医院、科室或擅长领域查找，无需登录。",
	"directory.search":        "查找医生",
	"directory.q":             "姓名、医院、科室或擅长",
	"directory.q_hint":        "例如：心内科、协和、高血压",
	"directory.department":    "科室",
	"directory.hospital":      "医院",
	"directory.submit":        "搜索",
	"directory.clear":         "清除条件",
	"directory.results":       "医生列表",
	"directory.empty":         "没有找到符合条件的医生。",
	"directory.specialty_is":  "擅长：%s",
	"directory.pages":         "翻页",
	"directory.first":         "回到第一页",
	"directory.next":          "下一页",
	"directory.card":          "医生信息",
	"directory.job_title":     "职称",
	"directory.specialty":     "擅长",
	"directory.verified_note": "该医生的执业资质已由本平台审核。为保护医生隐私，本页不显示联系方式和执业证书信息。",
	"directory.back":          "返回医生列表",
}

var enDirectory = map[string]string{
	"nav.doctors": "Find a doctor",

	"directory.title":         "Find a doctor",
	"directory.lead":          "Doctors whose qualifications we have verified. Search by name, hospital, department or specialty; no account needed.",
	"directory.search":        "Search doctors",
	"directory.q":             "Name, hospital, department or specialty",
	"directory.q_hint":        "For example: cardiology, Peking Union, hypertension",
	"directory.department":    "Department",
	"directory.hospital":      "Hospital",
	"directory.submit":        "Search",
	"directory.clear":         "Clear search",
	"directory.results":       "Doctors",
	"directory.empty":         "No doctor matches this search.",
	"directory.specialty_is":  "Specialty: %s",
	"directory.pages":         "Pages",
	"directory.first":         "Back to the first page",
	"directory.next":          "Next page",
	"directory.card":          "Doctor details",
	"directory.job_title":     "Title",
	"directory.specialty":     "Specialty",
	"directory.verified_note": "We have verified this doctor's licence to practise. To protect the doctor's privacy, contact details and licence information are not shown.",
	"directory.back":          "Back to the doctor list",
}
