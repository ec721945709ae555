// Package imagefile reads and writes the image files of the resize command
// and the benchmark harness.
//
// # Reading
//
// [Open] and [Decode] recognise the format from the content, never from the
// file name: JPEG, PNG, GIF (the first frame, on its logical screen), BMP,
// TIFF and WebP. Before any pixel is decoded they read the header alone and
// refuse images whose width×height is zero, overflows, or is over
// [Limits.MaxPixels]: a small file can claim a huge image, and the decoders
// would allocate all of it before noticing the data is missing. [Probe] does
// that header check without decoding.
//
// A JPEG file with more than 100 scans is refused too: each scan costs a
// pass over the whole image, and a few bytes make one, so such files are a
// way to keep a decoder busy for hours (see scans.go).
//
// Lossy WebP comes out in libwebp's colours: golang.org/x/image/webp
// returns its studio-range planes as full-range YCbCr, which this package
// corrects (see webp.go).
//
// Images are turned upright from the orientation in JPEG's and WebP's
// EXIF, PNG's eXIf chunk and TIFF's Orientation tag (all eight values; a
// missing or corrupt one means "already upright", never an error), and the
// sizes this package reports, including those in [TooLargeError], are the
// upright ones. GIF and BMP carry none.
//
// JPEG is decoded by libjpeg-turbo (internal/jpegturbo) when built with
// cgo, reduced in the DCT domain as far as [DecodeOptions.AtLeast]
// allows, and by image/jpeg otherwise. TIFF and BMP are decoded by
// decoders of this package (tiff.go, bmp.go), which refuse, naming the
// field and value, any variant they do not fully understand rather than
// return a wrong image. The embedded ICC profile of every format is
// returned byte for byte ([Decoded.ICC]); a CMYK image with a CMYK
// profile is converted through it (internal/icc).
//
// The decoded image always has its origin at (0, 0) and is one of the types
// the resize engine has fast paths for:
//
//   - *image.Gray, *image.Gray16, *image.YCbCr, *image.RGBA, *image.NRGBA,
//     *image.RGBA64, *image.NRGBA64: as the decoder returned them (a rotated
//     *image.YCbCr stays one when its chroma grid allows, else becomes
//     *image.RGBA);
//   - paletted images (GIF, PNG-8, BMP and TIFF with a palette): *image.RGBA
//     when every palette entry is opaque and the frame covers the canvas,
//     else *image.NRGBA;
//   - CMYK and YCCK JPEG, CMYK TIFF: *image.RGBA, through their colour
//     profile, or by the naive (1−C)(1−K) conversion without one;
//   - WebP with alpha (*image.NYCbCrA): *image.NRGBA;
//   - anything else: *image.NRGBA64 for 16-bit colour models, *image.NRGBA
//     otherwise.
//
// # Writing
//
// [Encode] writes JPEG or PNG. [Format.Resolve] picks the output format for
// "keep": see there.
//
// It knows files and Go images, not engines: it must not import anything
// of corescale but the codec and colour leaves internal/jpegturbo and
// internal/icc.
package imagefile
