package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/staffcatalog"
)

// The support staff's catalogue pages (README: staff holding `support` manage the
// catalogue). The routes are Staff(support); the model checks the capability again.

// staffCatalog lists every product, available or not.
func (a *App) staffCatalog(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	q := c.QueryParam("q")
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	rows, next, err := models.CatalogProducts(c.Request().Context(), a.db, u, q, max(after, 0))
	if err != nil {
		return err
	}
	p := staffcatalog.ListProps{Q: q, Next: next, Paged: after > 0, Notice: a.flash(c)}
	for _, r := range rows {
		p.Rows = append(p.Rows, staffcatalog.Row{ID: r.ID, Kind: r.Kind, NameZh: r.NameZh, NameEn: r.NameEn,
			PriceFen: r.PriceFen, Available: r.Available, Images: len(r.ImageIDs)})
	}
	return a.render(c, http.StatusOK, staffcatalog.List(a.page(c, t(c, "staffcatalog.title")), p))
}

// productForm reads the product form as typed.
func productForm(c echo.Context) models.ProductInput {
	return models.ProductInput{Kind: c.FormValue("kind"), NameZh: c.FormValue("name_zh"), NameEn: c.FormValue("name_en"),
		DescriptionZh: c.FormValue("description_zh"), DescriptionEn: c.FormValue("description_en"),
		Price: c.FormValue("price"), Available: c.FormValue("available") == "1"}
}

func productValues(in models.ProductInput) staffcatalog.Values {
	return staffcatalog.Values{Kind: in.Kind, NameZh: in.NameZh, NameEn: in.NameEn, DescriptionZh: in.DescriptionZh,
		DescriptionEn: in.DescriptionEn, Price: in.Price, Available: in.Available}
}

// renderProductForm renders the new (id 0) or edit form with values and messages.
func (a *App) renderProductForm(c echo.Context, status int, id int64, p staffcatalog.FormProps) error {
	p.ID, p.MaxImgs = id, models.MaxProductImages
	title := t(c, "staffcatalog.new")
	if id != 0 {
		title = t(c, "staffcatalog.edit")
	}
	return a.render(c, status, staffcatalog.Form(a.page(c, title), p))
}

// newProduct is the empty form; a new product starts available.
func (a *App) newProduct(c echo.Context) error {
	return a.renderProductForm(c, http.StatusOK, 0, staffcatalog.FormProps{Values: staffcatalog.Values{Available: true}})
}

// createProduct stores a new product and opens its edit page (to add images).
func (a *App) createProduct(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	in := productForm(c)
	id, err := a.catalog().CreateProduct(c.Request().Context(), u, in, a.actor(c))
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderProductForm(c, status, 0, staffcatalog.FormProps{Values: productValues(in), Errors: msgs})
	}
	if err := a.flashNext(c, "staffcatalog.flash.created"); err != nil {
		return err
	}
	return redirect(c, staffcatalog.Product(id))
}

// editProduct is a product's edit form with its images.
func (a *App) editProduct(c echo.Context) error {
	return a.renderEdit(c, http.StatusOK, nil, nil, "")
}

// renderEdit shows product :id's form: typed values when in is set, else the
// stored ones.
func (a *App) renderEdit(c echo.Context, status int, in *models.ProductInput, msgs map[string]string, imageErr string) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := shopParam(c, "id")
	if err != nil {
		return err
	}
	p, err := models.ProductByID(c.Request().Context(), a.db, u, id)
	if err != nil {
		return err
	}
	props := staffcatalog.FormProps{ImageIDs: p.ImageIDs, Errors: msgs, ImageErr: imageErr}
	if in != nil {
		props.Values = productValues(*in)
	} else {
		props.Values = staffcatalog.Values{Kind: p.Kind, NameZh: p.NameZh, NameEn: p.NameEn, DescriptionZh: p.DescriptionZh,
			DescriptionEn: p.DescriptionEn, Price: models.FormatPrice(p.PriceFen), Available: p.Available}
	}
	if status == http.StatusOK {
		props.Notice = a.flash(c)
	}
	return a.renderProductForm(c, status, id, props)
}

// updateProduct saves the edit form.
func (a *App) updateProduct(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := shopParam(c, "id")
	if err != nil {
		return err
	}
	in := productForm(c)
	if err := a.catalog().UpdateProduct(c.Request().Context(), u, id, in, a.actor(c)); err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderEdit(c, status, &in, msgs, "")
	}
	if err := a.flashNext(c, "staffcatalog.flash.saved"); err != nil {
		return err
	}
	return redirect(c, staffcatalog.Product(id))
}
