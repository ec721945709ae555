//go:build !race

package primeio

const raceEnabled = false
