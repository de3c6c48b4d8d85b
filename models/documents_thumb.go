package models

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// Image limits. An image's header is read first (image.DecodeConfig); one
// larger than these is refused without being decoded, so a small file that
// claims huge dimensions (a decompression bomb) costs nothing. Decoding takes
// about 1.5 (JPEG) to 4 (PNG, WebP with alpha) bytes per pixel for a moment;
// Documents.decodes bounds how many decode at once.
const (
	MaxImageSide   = 12000
	MaxImagePixels = 50_000_000
	ThumbnailSize  = 320 // longest side of a thumbnail, in pixels
	// maxImageHeader bounds what is kept in memory while looking for the
	// dimensions (JPEG metadata segments come first); past it no thumbnail is
	// made, but the file is kept.
	maxImageHeader = 1 << 20
)

var errHeaderTooLarge = errors.New("documents: image header too large")

// recorder keeps what a header decoder reads, so the full decode can start
// again from the first byte of a stream that cannot be rewound.
type recorder struct {
	r   io.Reader
	buf []byte
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if len(r.buf)+n > maxImageHeader {
		return n, errHeaderTooLarge
	}
	r.buf = append(r.buf, p[:n]...)
	return n, err
}

// makeThumbnail reads an image of contentType from r and returns a JPEG of at
// most ThumbnailSize pixels on its longest side, turned upright by the JPEG's
// EXIF orientation. It returns nil, nil when no thumbnail can be made for a
// reason that is not the file's fault (metadata too large to look past). An
// image too large in pixels or that does not decode is Invalid on "files".
// It does not read r to its end.
func (d *Documents) makeThumbnail(ctx context.Context, contentType string, r io.Reader) ([]byte, error) {
	rec := &recorder{r: r}
	var cfg image.Config
	var err error
	switch contentType {
	case TypeJPEG:
		cfg, err = jpeg.DecodeConfig(rec)
	case TypePNG:
		cfg, err = png.DecodeConfig(rec)
	case TypeWebP:
		cfg, err = webp.DecodeConfig(rec)
	default:
		return nil, nil
	}
	if errors.Is(err, errHeaderTooLarge) {
		return nil, nil
	}
	if err != nil {
		return nil, Invalid("files", "documents.file.damaged")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide ||
		int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return nil, &Error{Kind: KindInvalid, Field: "files", Key: "documents.image.too_large",
			Args: []any{MaxImageSide, MaxImagePixels / 1_000_000}}
	}
	select {
	case d.decodes <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-d.decodes }()
	full := io.MultiReader(bytes.NewReader(rec.buf), r)
	var img image.Image
	switch contentType {
	case TypeJPEG:
		img, err = jpeg.Decode(full)
	case TypePNG:
		img, err = png.Decode(full)
	case TypeWebP:
		img, err = webp.Decode(full)
	}
	if err != nil {
		return nil, Invalid("files", "documents.file.damaged")
	}
	orientation := 1
	if contentType == TypeJPEG {
		orientation = exifOrientation(rec.buf)
	}
	w, h := thumbSize(cfg.Width, cfg.Height)
	thumb := orient(shrink(img, w, h), orientation)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, thumb, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// thumbSize fits w×h into ThumbnailSize on the longest side, never enlarging.
func thumbSize(w, h int) (int, int) {
	if w <= ThumbnailSize && h <= ThumbnailSize {
		return w, h
	}
	if w >= h {
		return ThumbnailSize, max(1, h*ThumbnailSize/w)
	}
	return max(1, w*ThumbnailSize/h), ThumbnailSize
}

// shrink averages src into a w×h image (a box filter: every source pixel counts
// once, so fine print and scan lines do not alias), composited over white.
// Its only memory is the result and one row of sums.
func shrink(src image.Image, w, h int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	sums := make([]uint64, w*4) // r, g, b, count per destination column
	at := pixelReader(src)
	flush := func(dy int) {
		for dx := 0; dx < w; dx++ {
			s := sums[dx*4 : dx*4+4]
			if n := s[3]; n > 0 {
				i := dst.PixOffset(dx, dy)
				dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = uint8(s[0]/n), uint8(s[1]/n), uint8(s[2]/n), 0xff
			}
			s[0], s[1], s[2], s[3] = 0, 0, 0, 0
		}
	}
	cur := 0
	for y := 0; y < sh; y++ {
		dy := y * h / sh
		if dy != cur {
			flush(cur)
			cur = dy
		}
		for x := 0; x < sw; x++ {
			r, g, bl := at(b.Min.X+x, b.Min.Y+y)
			s := sums[(x*w/sw)*4:]
			s[0] += uint64(r)
			s[1] += uint64(g)
			s[2] += uint64(bl)
			s[3]++
		}
	}
	flush(cur)
	return dst
}

// pixelReader returns a fast 8-bit RGB accessor for the decoders' usual image
// types (over white where there is alpha), and the generic At otherwise.
func pixelReader(src image.Image) func(x, y int) (uint8, uint8, uint8) {
	switch m := src.(type) {
	case *image.YCbCr:
		return func(x, y int) (uint8, uint8, uint8) {
			yi, ci := m.YOffset(x, y), m.COffset(x, y)
			return color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
		}
	case *image.Gray:
		return func(x, y int) (uint8, uint8, uint8) {
			v := m.Pix[m.PixOffset(x, y)]
			return v, v, v
		}
	case *image.RGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			i := m.PixOffset(x, y)
			a := 255 - uint32(m.Pix[i+3]) // premultiplied: add white for the missing alpha
			return uint8(uint32(m.Pix[i]) + a), uint8(uint32(m.Pix[i+1]) + a), uint8(uint32(m.Pix[i+2]) + a)
		}
	case *image.NRGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			i := m.PixOffset(x, y)
			a := uint32(m.Pix[i+3])
			over := func(c uint8) uint8 { return uint8((uint32(c)*a + 255*(255-a)) / 255) }
			return over(m.Pix[i]), over(m.Pix[i+1]), over(m.Pix[i+2])
		}
	}
	return func(x, y int) (uint8, uint8, uint8) {
		r, g, b, a := src.At(x, y).RGBA() // premultiplied, 16-bit
		white := 0xffff - a
		return uint8((r + white) >> 8), uint8((g + white) >> 8), uint8((b + white) >> 8)
	}
}

// exifOrientation reads the EXIF orientation (1–8) from a JPEG's leading
// bytes; 1 (upright) when there is none or it cannot be read.
func exifOrientation(jpg []byte) int {
	p := 2 // after SOI
	for p+4 <= len(jpg) && jpg[p] == 0xFF {
		marker := jpg[p+1]
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			break
		}
		size := int(binary.BigEndian.Uint16(jpg[p+2:]))
		if size < 2 || p+2+size > len(jpg) {
			break
		}
		seg := jpg[p+4 : p+2+size]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		p += 2 + size
	}
	return 1
}

// tiffOrientation finds tag 0x0112 in the first IFD of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[ifd:]))
	for i := 0; i < n; i++ {
		e := ifd + 2 + i*12
		if e+12 > len(t) {
			break
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// orient turns src by an EXIF orientation into the upright image.
func orient(src *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var nx, ny int
			switch o {
			case 2:
				nx, ny = w-1-x, y
			case 3:
				nx, ny = w-1-x, h-1-y
			case 4:
				nx, ny = x, h-1-y
			case 5:
				nx, ny = y, x
			case 6:
				nx, ny = h-1-y, x
			case 7:
				nx, ny = h-1-y, w-1-x
			case 8:
				nx, ny = y, w-1-x
			}
			copy(dst.Pix[dst.PixOffset(nx, ny):][:4], src.Pix[src.PixOffset(x, y):][:4])
		}
	}
	return dst
}

// thumbStream makes a thumbnail from an image while it streams past: the
// upload writes the plaintext to w as it encrypts it, a goroutine decodes from
// the other end. A refused image (too large, damaged) closes the pipe with the
// error, which stops the upload; otherwise the goroutine drains the rest.
type thumbStream struct {
	w    *io.PipeWriter
	done chan thumbResult
}

type thumbResult struct {
	jpeg []byte
	err  error
}

func (d *Documents) startThumbnail(ctx context.Context, contentType string) *thumbStream {
	pr, pw := io.Pipe()
	t := &thumbStream{w: pw, done: make(chan thumbResult, 1)}
	go func() {
		out, err := d.makeThumbnail(ctx, contentType, pr)
		if err != nil {
			pr.CloseWithError(err)
		} else if _, err = io.Copy(io.Discard, pr); err != nil {
			out = nil
		}
		t.done <- thumbResult{out, err}
	}()
	return t
}

// wait returns the thumbnail once the writer has closed w.
func (t *thumbStream) wait() ([]byte, error) {
	r := <-t.done
	return r.jpeg, r.err
}
