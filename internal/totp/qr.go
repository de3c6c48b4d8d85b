package totp

import (
	"encoding/base64"
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// QRSize is the QR image width and height in pixels: large enough for a
// phone camera at arm's length, small enough for a 360 px wide page.
const QRSize = 256

// QRCodePNG renders uri (from NewSecret) as a PNG QR code on the server, so
// the secret never goes to a third-party QR service. Medium error recovery
// (15%) keeps the code small while tolerating glare on a screen.
func QRCodePNG(uri string) ([]byte, error) {
	png, err := qrcode.Encode(uri, qrcode.Medium, QRSize)
	if err != nil {
		return nil, fmt.Errorf("totp: qr code: %w", err)
	}
	return png, nil
}

// QRDataURI returns QRCodePNG as a data: URI for an <img src>, which the
// portal's CSP allows (img-src data:); no extra request, nothing cached.
func QRDataURI(uri string) (string, error) {
	png, err := QRCodePNG(uri)
	if err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png), nil
}
