package paths

// The shop (issue 7). The catalogue is public; the cart, checkout, orders,
// addresses, disclosures and support are the patient's; the simulated payment
// provider's page and the providers' notification endpoint stand apart; staff with
// the support capability run orders, after-sale, support and the catalogue.
const (
	Shop          = "/shop"          // GET the catalogue (?q=&kind=&after=); + "/products/:id"
	ShopImages    = "/shop/images"   // + "/:id": a product image (public)
	Cart          = "/cart"          // GET the cart; POST "/cart/items" add; POST "/cart/items/:product" change or remove
	Checkout      = "/checkout"      // GET the form, POST place the order
	CheckoutCode  = "/checkout/code" // POST: text the other person a confirmation code
	Orders        = "/orders"        // GET my orders (?status=&after=); + "/:id" and its POST actions
	Addresses     = "/account/addresses"
	Disclosures   = "/account/disclosures" // GET who received my data (payment, delivery)
	Support       = "/support"             // GET my conversations, POST open one; + "/:id"
	PaySimulated  = "/pay/simulated"       // GET the simulated provider's payment page, POST pay or fail
	PaymentNotify = "/payments/notify"     // + "/:provider": POST, server to server, signed

	StaffOrders     = "/staff/orders"      // support: order queue; + "/:id" (ship, deliver, unmask)
	StaffAfterSales = "/staff/after-sales" // support: after-sale queue; + "/:id/resolve"
	StaffSupport    = "/staff/support"     // support: conversations; + "/:id"
	StaffCatalog    = "/staff/catalog"     // support: the catalogue; + "/:id"
)

// ShopProduct is a product's public page.
func ShopProduct(n int64) string { return Shop + "/products/" + id(n) }

// ShopImage is a product image.
func ShopImage(n int64) string { return ShopImages + "/" + id(n) }

// Order is the patient's page of one order.
func Order(n int64) string { return Orders + "/" + id(n) }

// StaffOrder is the support page of one order.
func StaffOrder(n int64) string { return StaffOrders + "/" + id(n) }

// SupportConversation is the patient's page of one conversation.
func SupportConversation(n int64) string { return Support + "/" + id(n) }

// StaffSupportConversation is the support page of one conversation.
func StaffSupportConversation(n int64) string { return StaffSupport + "/" + id(n) }
