package models

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// exifJPEG is a w×h JPEG, left half red and right half blue, with an EXIF
// APP1 segment giving orientation o (little- or big-endian TIFF).
func exifJPEG(t *testing.T, w, h, o int, bo binary.ByteOrder) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{220, 20, 20, 255}
			if x >= w/2 {
				c = color.RGBA{20, 20, 220, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	tiff := make([]byte, 8+2+12+4)
	if bo == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)          // one entry
	bo.PutUint16(tiff[10:], 0x0112)    // Orientation
	bo.PutUint16(tiff[12:], 3)         // SHORT
	bo.PutUint32(tiff[14:], 1)         // count
	bo.PutUint16(tiff[18:], uint16(o)) // value
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	jpg := b.Bytes()
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

// A photo taken sideways (EXIF orientation 6 or 8) gets an upright thumbnail of
// at most ThumbnailSize; orientation 1 and none keep the image as it is.
func TestThumbnailFollowsEXIFOrientation(t *testing.T) {
	d := &Documents{decodes: make(chan struct{}, 1)}
	for _, tc := range []struct {
		o         int
		bo        binary.ByteOrder
		w, h      int
		leftIsRed bool // after turning: is the left half red?
		topIsRed  bool // after turning: is the top half red?
	}{
		{1, binary.BigEndian, 320, 160, true, false},
		{6, binary.LittleEndian, 160, 320, false, true}, // 90° clockwise: the left (red) half goes to the top
		{8, binary.BigEndian, 160, 320, false, false},   // 90° counter-clockwise: red goes to the bottom
		{3, binary.LittleEndian, 320, 160, false, false},
	} {
		jpg := exifJPEG(t, 800, 400, tc.o, tc.bo)
		if got := exifOrientation(jpg); got != tc.o {
			t.Errorf("exifOrientation = %d, want %d", got, tc.o)
		}
		out, err := d.makeThumbnail(context.Background(), TypeJPEG, bytes.NewReader(jpg))
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if b.Dx() != tc.w || b.Dy() != tc.h {
			t.Errorf("orientation %d: %v, want %dx%d", tc.o, b, tc.w, tc.h)
			continue
		}
		red := func(x, y int) bool { r, _, bl, _ := img.At(x, y).RGBA(); return r > bl }
		if tc.w > tc.h && red(b.Dx()/8, b.Dy()/2) != tc.leftIsRed {
			t.Errorf("orientation %d: left half red = %v", tc.o, !tc.leftIsRed)
		}
		if tc.h > tc.w && red(b.Dx()/2, b.Dy()/8) != tc.topIsRed {
			t.Errorf("orientation %d: top half red = %v", tc.o, !tc.topIsRed)
		}
	}
	if got := exifOrientation([]byte{0xFF, 0xD8, 0xFF, 0xDB, 0, 4, 0, 0}); got != 1 {
		t.Errorf("no EXIF: %d", got)
	}
}

// The box filter averages: a fine black-and-white pattern shrinks to grey, not
// to the aliasing of point sampling.
func TestShrinkAverages(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 100, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 100; x++ {
			if (x+y)%2 == 0 {
				src.Pix[src.PixOffset(x, y)] = 255
			}
		}
	}
	dst := shrink(src, 10, 10)
	for i := 0; i < len(dst.Pix); i += 4 {
		if v := dst.Pix[i]; v < 120 || v > 135 {
			t.Fatalf("pixel %d = %d, want mid grey", i/4, v)
		}
	}
	// Transparent PNG pixels come out white.
	n := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	if px := shrink(n, 1, 1).Pix; px[0] != 255 || px[1] != 255 || px[2] != 255 {
		t.Errorf("transparent = %v, want white", px[:4])
	}
}
