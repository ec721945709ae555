// Package resize resizes images on the CPU, serially or on all cores, with
// the results of Pillow's Image.resize.
//
// Resampling is separable: a horizontal pass over the source rows that the
// output needs, rounded to 8 bits, then a vertical pass, each output sample
// a sum of source samples times fixed-point weights from internal/resample
// (22 fraction bits, as Pillow). Alpha is premultiplied while filtering.
// The fast mode first reduces by an integer factor with an exact box
// average, leaving at least Gap times the output size, then resamples the
// rest with the real filter — Pillow's reducing_gap, libvips' gap.
//
// Engine implements corescale.Resizer on Rasters; Image converts Go images
// to and from Rasters. Engine.ResizeImage resizes a Go image without
// converting it whole: the passes read its own pixels a row at a time,
// converting each row as they take it (see source.go), so a decoded image
// is never held twice; Engine.ResizeBytes says how much memory it needs
// beyond the image. JPEG's YCbCr is resized in its own planes, each chroma
// plane from its subsampled samples straight to the output's (4:4:4 from
// ResizeImage, or the subsampling a JPEG output asks for from
// ResizeYCbCr), sited as JPEG sites chroma (ycbcr.go); YCbCrPlanes lays
// the planes out for another engine, the GPU's.
//
// It must not import gpu/, bench/, cmd/, internal/backend or
// internal/thumbnail: the GPU engine and the pipelines sit beside and above
// it.
package resize
