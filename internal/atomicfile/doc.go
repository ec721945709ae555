// Package atomicfile writes a file so that readers see either the old content
// or the complete new one, never a half-written file: the data goes to a
// temporary file in the same folder (a rename is only atomic within one file
// system), which is synced and then renamed over the target.
//
//	f, err := atomicfile.Create(path)
//	if err != nil { … }
//	defer f.Abort() // removes the temporary file unless Commit succeeded
//	… write to f …
//	return f.Commit()
//
// It imports nothing of corescale.
package atomicfile
