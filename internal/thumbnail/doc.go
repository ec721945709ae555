// Package thumbnail is the batch behind `corescale resize`: it turns files
// and folders of images into resized copies under an output folder, or
// one output file.
//
// [Plan] walks the inputs and fixes every output path before anything is
// written, so a batch whose output folder sits inside an input folder never
// picks up its own results. [Run] then works through the files on a fixed
// set of goroutines, one file per goroutine at a time: probe the header
// against the pixel limit, decode (upright), work out the output size
// ([Geometry]), resize, encode, and write the file atomically. Memory is
// budgeted by bytes (Options.MaxMemory): a file waits, after its header is
// read, until what it needs fits beside the files in flight, and one that
// needs more than the whole budget fails alone before it is decoded.
//
// A file that fails is reported and the batch goes on. An existing output
// is skipped unless asked to overwrite, even one that another process
// writes meanwhile, and an input is never written over, whatever the
// options. Cancelling the context stops the batch between phases; the file
// being written is then removed, never left half done. [Run] returns an
// *OutputError when the output side fails for every file (a full or
// read-only disk), and stops the batch then.
//
// It takes its resizer as the small Resizer interface, so that the CPU
// engine and a GPU adapter (made by internal/backend) both fit: it must not
// import cpu/, gpu/, internal/backend, bench/ or cmd/.
package thumbnail
