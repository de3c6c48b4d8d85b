package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
)

// supportRoutes declares support conversations (patient and support staff) and the
// staff's order queue and after-sale queue (support).
func (a *App) supportRoutes() {
	support := Staff(models.CapSupport)
	a.route(http.MethodGet, paths.Support, Patient, a.showSupport)
	a.route(http.MethodPost, paths.Support, Patient, a.openSupport)
	a.route(http.MethodGet, paths.Support+"/:id", Patient, a.showSupportConversation)
	a.route(http.MethodPost, paths.Support+"/:id/messages", Patient, a.postSupportMessage)
	a.route(http.MethodPost, paths.Support+"/:id/close", Patient, a.closeSupportConversation)

	a.route(http.MethodGet, paths.StaffSupport, support, a.showStaffSupportQueue)
	a.route(http.MethodGet, paths.StaffSupport+"/:id", support, a.showStaffSupportConversation)
	a.route(http.MethodPost, paths.StaffSupport+"/:id/messages", support, a.postStaffSupportMessage)
	a.route(http.MethodPost, paths.StaffSupport+"/:id/close", support, a.closeStaffSupportConversation)

	a.route(http.MethodGet, paths.StaffOrders, support, a.showStaffOrders)
	a.route(http.MethodGet, paths.StaffOrders+"/:id", support, a.showStaffOrder)
	a.route(http.MethodPost, paths.StaffOrders+"/:id/ship", support, a.shipStaffOrder)
	a.route(http.MethodPost, paths.StaffOrders+"/:id/deliver", support, a.deliverStaffOrder)
	a.route(http.MethodPost, paths.StaffOrders+"/:id/unmask", support, a.unmaskStaffOrder)
	a.route(http.MethodGet, paths.StaffAfterSales, support, a.showStaffAfterSales)
	a.route(http.MethodPost, paths.StaffAfterSales+"/:id/resolve", support, a.resolveAfterSale)
}
