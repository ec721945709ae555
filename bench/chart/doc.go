// Package chart draws the harness's PNG charts: a line chart (series of
// points on two linear axes, solid or dashed, with dots, and a legend) and a
// bar chart (one bar per named value), each with a title, axis labels and
// ticks at round numbers (1, 2 or 5 × 10^k), onto an *image.RGBA.
//
// Lines, dashes and dots are anti-aliased paths through
// golang.org/x/image/vector; text is the Go Regular font, parsed the first
// time a chart is drawn and not before, so that a program that links the
// package but draws nothing (every corescale command but bench --plot)
// pays no memory or start-up for it. It replaces gonum.org/v1/plot, whose
// package init parsed twelve TrueType fonts in every run.
//
// It knows nothing of benchmarks (bench builds its charts from a Report)
// and must not import any corescale package: it uses only the standard
// library and golang.org/x/image.
package chart
