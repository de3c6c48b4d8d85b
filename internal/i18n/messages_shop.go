package i18n

var zhShop = map[string]string{}

var enShop = map[string]string{}
