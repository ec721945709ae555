// Package primeio reads the numbers that `corescale prime` tests and writes
// its verdicts.
//
// Numbers travel in Blocks of up to a few hundred thousand, in input order:
// a Source (a file or stdin parsed line by line, the command line arguments,
// a range, random numbers) fills a Block, the caller tests it, and a Writer
// prints it. Passing blocks rather than single numbers keeps the cost of
// moving them between goroutines negligible, and keeps memory bounded for
// inputs of any length.
//
// A number is written in decimal or in hex after 0x, one per line; blank
// lines, surrounding spaces and tabs, CRLF line ends, # comments and a UTF-8
// byte order mark at the start of the file are allowed. Arguments and flag
// values are trimmed of spaces as lines are. Numbers below 2^64 are parsed by hand into uint64, because that is
// most of the cost of reading a large file; larger ones, of any size, become
// math/big values and keep their place in the block.
//
// It knows numbers and text, not engines: it must not import cpu/, gpu/,
// bench/ or internal/backend (the seeded --random numbers come from
// internal/numbers).
package primeio
