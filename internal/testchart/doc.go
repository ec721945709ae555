// Package testchart renders the seeded photo-like test chart that the bench
// harness resizes and times and that the resize tests compare with Pillow
// and libvips: Photo (RGBA), PhotoGray (its luma) and Cutout (white shapes
// and text on a transparent background, the no-dark-fringe test).
//
// The chart is hard for resamplers on purpose: beside photo-like content
// (smooth gradients and blobs, mild noise, hard-edged shapes) it holds a zone
// plate whose rings reach the Nyquist frequency at its rim, patches of
// 1-pixel lines at several pitches and angles, and text at two sizes plus a
// bitmap font.
//
// Every image is a pure function of its size and seed: each pixel depends
// only on its coordinates and on parameters drawn once from a PCG generator,
// so the rows can be rendered in parallel and the same call gives the same
// bytes on every run, whatever GOMAXPROCS. The content is rendered at 16 bits
// per channel; Photo and PhotoGray are the standard image/color conversions
// of it (color.RGBAModel and color.GrayModel). (The few floating-point steps
// — math.Cos, math.Exp and the glyph rasterizer — may round differently on
// another CPU architecture, which may move a rare pixel by one level there.)
// The bench harness's figures and the Pillow comparisons depend on these
// bytes: a change to what is drawn, or to the order of the draws from the
// generator, changes them.
//
// The files: chart.go the images, scene.go what is drawn from the seed,
// shapes.go the hard-edged shapes, zone plate and line patches, text.go the
// text, render.go the rows.
//
// It imports the standard library, golang.org/x/image's fonts and
// internal/chunk, and must import nothing of cmd, bench, cpu or gpu: those
// test and time with it.
package testchart
