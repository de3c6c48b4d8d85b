package handlers

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yibao-health/portal/internal/paths"
	"github.com/yibao-health/portal/models"
	"github.com/yibao-health/portal/views/staffcatalog"
)

// Catalogue images are public and small (models.MaxProductImageSize), so unlike
// medical documents they go through the ordinary form parse (which the CSRF check
// runs first). They need a body limit of their own above the global one.
const maxCatalogImageBody = models.MaxProductImageSize + 64<<10

// isCatalogImageUpload reports whether the request posts a product image.
func isCatalogImageUpload(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && c.Path() == paths.StaffCatalog+"/:id/images"
}

// catalogImageLimit gives image uploads their own body limit, before the CSRF
// check parses the form: a body declared too large is refused at once, one that
// grows past it stops there.
func catalogImageLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !isCatalogImageUpload(c) {
			return next(c)
		}
		req := c.Request()
		if req.ContentLength > maxCatalogImageBody {
			return models.TooLarge("image", "shop.image.too_large")
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, maxCatalogImageBody)
		return next(c)
	}
}

// uploadProductImage adds one image to product :id; a refusal re-renders the edit
// page with the message under the file field.
func (a *App) uploadProductImage(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := shopParam(c, "id")
	if err != nil {
		return err
	}
	data, err := formImage(c)
	if err == nil {
		_, err = a.catalog().AddImage(c.Request().Context(), u, id, data, a.actor(c))
	}
	if err != nil {
		msgs, status, ok := formErrors(c, err)
		if !ok {
			return err
		}
		return a.renderEdit(c, status, nil, nil, firstMessage(msgs))
	}
	if err := a.flashNext(c, "staffcatalog.flash.image_added"); err != nil {
		return err
	}
	return redirect(c, staffcatalog.Product(id))
}

// formImage reads the "image" file, at most one byte over the limit so the model
// can say it is too large.
func formImage(c echo.Context) ([]byte, error) {
	fh, err := c.FormFile("image")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, models.TooLarge("image", "shop.image.too_large")
		}
		return nil, models.Invalid("image", "shop.image.required")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, models.MaxProductImageSize+1))
}

// deleteProductImage removes image :img of product :id.
func (a *App) deleteProductImage(c echo.Context) error {
	u, err := a.user(c)
	if err != nil {
		return err
	}
	id, err := shopParam(c, "id")
	if err != nil {
		return err
	}
	img, err := shopParam(c, "img")
	if err != nil {
		return err
	}
	if err := a.catalog().DeleteImage(c.Request().Context(), u, id, img, a.actor(c)); err != nil {
		return err
	}
	if err := a.flashNext(c, "staffcatalog.flash.image_deleted"); err != nil {
		return err
	}
	return redirect(c, staffcatalog.Product(id))
}
