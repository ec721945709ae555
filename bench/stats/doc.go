// Package stats summarises benchmark samples and fits how a run scales with
// workers.
//
// Summarize gives the median, extremes, mean, standard deviation and a 95%
// confidence interval of the mean from Student's t distribution (gonum's
// distuv), which is the right interval for the handful of repeats a benchmark
// takes, provided the times are roughly normal around their mean.
//
// FitAmdahl fits the serial fraction f of Amdahl's law,
//
//	S(p) = 1 / (f + (1−f)/p),
//
// to measured speedups by least squares. The law is linear in f once written
// as 1/S − 1/p = f·(1 − 1/p), so the fit is a regression through the origin of
// y = 1/S − 1/p on x = 1 − 1/p: f = Σxy / Σx². Points at p = 1 carry no
// information about f (x = 0) and only enter the residual. KarpFlatt is the
// same quantity for a single worker count, e(p) = (1/S − 1/p)/(1 − 1/p): when
// it grows with p, the loss is overhead that grows with workers (scheduling,
// memory bandwidth, a shared cache) rather than a fixed serial part.
//
// It is plain statistics on float64 samples: it imports nothing of corescale.
package stats
