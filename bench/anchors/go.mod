// The anchors time corescale beside other tools (FLINT, Pillow, libvips,
// github.com/disintegration/imaging); a module of their own keeps those
// dependencies out of the graph of anyone who depends on corescale.
module github.com/corescale/corescale/bench/anchors

go 1.25.0

require (
	github.com/corescale/corescale v0.0.0-00010101000000-000000000000
	github.com/disintegration/imaging v1.6.2
)

require (
	golang.org/x/image v0.45.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)

replace github.com/corescale/corescale => ../..
