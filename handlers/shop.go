package handlers

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/shop"
)

// catalog is the catalogue and cart domain on the app's database and clock.
func (a *App) catalog() *models.Catalog { return &models.Catalog{DB: a.db, Now: a.now} }

// shopParam reads a positive ID path parameter; anything else is 404.
func shopParam(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// canAddToCart reports whether the signed-in user has a cart: patients do; staff
// and doctors see no button (visitors see one that leads to sign-in).
func (a *App) canAddToCart(c echo.Context) (*models.User, bool) {
	u, _ := a.user(c)
	return u, u != nil && u.Kind == models.KindPatient
}

// showShop is the public catalogue (C2.2.1: browsing and search need no account).
func (a *App) showShop(c echo.Context) error {
	q, kind := c.QueryParam("q"), c.QueryParam("kind")
	if !slices.Contains(models.ProductKinds, kind) {
		kind = ""
	}
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	rows, next, err := models.SearchProducts(c.Request().Context(), a.db, q, kind, max(after, 0))
	if err != nil {
		return err
	}
	_, canAdd := a.canAddToCart(c)
	p := shop.ListProps{Q: q, Kind: kind, Next: next, Paged: after > 0, CanAdd: canAdd}
	if len([]rune(p.Q)) > models.MaxDirectoryQuery {
		p.Q = string([]rune(p.Q)[:models.MaxDirectoryQuery])
	}
	for _, r := range rows {
		p.Rows = append(p.Rows, productProps(r))
	}
	page := a.page(c, t(c, "shop.title"))
	page.Description = t(c, "shop.lead")
	return a.render(c, http.StatusOK, shop.List(page, p))
}

// showProduct is one available product's public page; anything else is 404.
func (a *App) showProduct(c echo.Context) error {
	return a.renderProduct(c, http.StatusOK, "", "")
}

func (a *App) renderProduct(c echo.Context, status int, qty, msg string) error {
	id, err := shopParam(c, "id")
	if err != nil {
		return err
	}
	// The public page is the public's: support staff see unavailable products on
	// their own pages, not here.
	p, err := models.ProductByID(c.Request().Context(), a.db, nil, id)
	if err != nil {
		return err
	}
	_, canAdd := a.canAddToCart(c)
	props := shop.ProductProps{Product: productProps(*p), CanAdd: canAdd, Qty: qty, Error: msg}
	return a.render(c, status, shop.ProductPage(a.page(c, props.Product.Name(c.Request().Context())), props))
}

// shopImage sends a product image's bytes with their stored type. Images of
// available products are public and immutable (a new image gets a new ID), so
// anyone may cache them; support staff's views of unavailable ones are not cached.
func (a *App) shopImage(c echo.Context) error {
	id, err := shopParam(c, "id")
	if err != nil {
		return err
	}
	u, _ := a.user(c)
	im, public, err := models.ProductImageByID(c.Request().Context(), a.db, u, id)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", "inline")
	if public {
		h.Set("Cache-Control", "public, max-age=86400")
	} else {
		h.Set("Cache-Control", "private, no-store")
	}
	return c.Blob(http.StatusOK, im.ContentType, im.Data)
}

// productProps copies what a product page shows.
func productProps(p models.ProductView) shop.Product {
	return shop.Product{ID: p.ID, Kind: p.Kind, NameZh: p.NameZh, NameEn: p.NameEn, DescriptionZh: p.DescriptionZh,
		DescriptionEn: p.DescriptionEn, PriceFen: p.PriceFen, ImageIDs: p.ImageIDs}
}
