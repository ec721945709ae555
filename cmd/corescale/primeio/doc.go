// Package primeio reads the numbers that `corescale prime` tests and writes
// its verdicts.
//
// Numbers travel in Blocks of up to a few hundred thousand, in input order:
// a Source (a file or stdin parsed line by line, the command line arguments,
// a range, random numbers) fills a Block, the caller tests it, and a Writer
// prints it. Passing blocks rather than single numbers keeps the cost of
// moving them between goroutines negligible, and keeps memory bounded for
// inputs of any length. A file's lines can instead be cut into Chunks of
// whole lines (Reader.NextChunk, which only finds line ends), each parsed
// by a worker of its own (Block.Parse) and its verdicts formatted there
// (Writer.Format), then written in input order (Writer.WriteRows): so
// parsing and formatting scale with the workers, as testing does.
//
// A number is written in decimal or in hex after 0x, one per line; blank
// lines, surrounding spaces and tabs, CRLF line ends, # comments and a UTF-8
// byte order mark at the start of the file are allowed. Arguments and flag
// values are trimmed of spaces as lines are. Numbers below 2^64 are parsed by hand into uint64, because that is
// most of the cost of reading a large file; larger ones, of any size, keep
// their place in the block, as math/big values or, in a block set to
// DeferBig, as their text, which the caller's workers convert: into 64-bit
// limbs (BigLimbs, 19 digits at a time, for a batch engine; no math/big),
// or into math/big values (ParseBig). The Writer prints such a number from
// its text when it is already plain decimal.
//
// The bounds of a range and the count of --random, typed by people, are
// read by ParseBound and ParseCount (bound.go) as primesieve reads them:
// 1e12, 2^64-1, 1e12+1e9. Lines of files and NUMBER arguments are not:
// they are data, read at hundreds of megabytes a second as plain digits,
// and a line such as 1.2345678901234567e+20 that a program printed from a
// float is a number it lost, not the whole number it would spell.
//
// It knows numbers and text, not engines: it must not import cpu/, gpu/,
// bench/ or internal/backend (the seeded --random numbers come from
// internal/numbers).
package primeio
