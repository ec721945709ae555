// Package resample computes what every resize engine needs before it
// touches a pixel: the filter kernels, and for a pair of sizes the taps and
// weights of each output pixel along one axis.
//
// The definitions follow Pillow's Resample.c, so that the CPU engines agree
// with Pillow to within rounding: a kernel is a support radius and a
// function; on downscale the support is stretched by the scale factor (the
// filter is widened, which antialiases); output pixel i is centred at
// in0 + (i + 0.5)·scale in source coordinates, and its taps run over the
// source pixels whose centres fall within the support, weights normalised
// to sum to one. Fixed-point weights carry Pillow's 22 fraction bits, which
// leaves room for 8-bit samples and a sum of positive and negative terms in
// an int32.
//
// The CPU engines in cpu/resize and the GPU kernels use the same tables.
//
// It must not import cpu/ or gpu/, which both build on it; it imports only
// the root package, for the filter names.
package resample
