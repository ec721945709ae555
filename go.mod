module github.com/corescale/corescale

go 1.25.0
