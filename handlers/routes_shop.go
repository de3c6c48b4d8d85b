package handlers

import (
	"net/http"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
)

// shopRoutes declares the catalogue (public), the cart (patient) and the staff's
// catalogue management (support).
func (a *App) shopRoutes() {
	a.route(http.MethodGet, paths.Shop, Public, a.showShop)
	a.route(http.MethodGet, paths.Shop+"/products/:id", Public, a.showProduct)
	a.route(http.MethodGet, paths.ShopImages+"/:id", Public, a.shopImage)

	a.route(http.MethodGet, paths.Cart, Patient, a.showCart)
	a.route(http.MethodPost, paths.Cart+"/items", Patient, a.addToCart)
	a.route(http.MethodPost, paths.Cart+"/items/:product", Patient, a.setCartLine)

	support := Staff(models.CapSupport)
	a.route(http.MethodGet, paths.StaffCatalog, support, a.staffCatalog)
	a.route(http.MethodGet, paths.StaffCatalog+"/new", support, a.newProduct)
	a.route(http.MethodPost, paths.StaffCatalog, support, a.createProduct)
	a.route(http.MethodGet, paths.StaffCatalog+"/:id", support, a.editProduct)
	a.route(http.MethodPost, paths.StaffCatalog+"/:id", support, a.updateProduct)
	a.route(http.MethodPost, paths.StaffCatalog+"/:id/images", support, a.uploadProductImage)
	a.route(http.MethodPost, paths.StaffCatalog+"/:id/images/:img/delete", support, a.deleteProductImage)
}
