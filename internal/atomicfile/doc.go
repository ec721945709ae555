// Package atomicfile writes a file so that readers see either the old content
// or the complete new one, never a half-written file: the data goes to a
// temporary file in the target's folder (a rename is only atomic within one
// file system), which is synced and then renamed over the target.
//
//	f, err := atomicfile.Create(path)
//	if err != nil { … }
//	defer f.Abort() // removes the temporary file unless Commit succeeded
//	… write to f …
//	return f.Commit() // or f.CommitNew() to never replace an existing file
//
// The guarantees:
//
//   - Nothing half-written: until Commit the target keeps its old content
//     (or stays absent); a failed Commit or an Abort removes the temporary
//     file and leaves the target as it was. Commit syncs the file before the
//     rename, and the folder after it.
//   - An existing target's permission bits are kept.
//   - A symbolic link is written through, as editors do: the links of the
//     last element (chains too) are followed, the temporary file is made in
//     the final target's folder and renamed onto that target, and the link
//     stays. A dangling link's target is created. A link to a folder, like a
//     folder, is an error naming the path.
//   - A character device or named pipe (/dev/null, a FIFO) is written
//     directly, with no temporary file: Commit closes it, Abort closes it
//     and leaves it. Other files that are not regular (a socket) are errors.
//   - The temporary file's name is short, hidden and of fixed length, so any
//     target name the file system takes (255 bytes) works.
//   - CommitNew never replaces: it creates the target in one step
//     (renameat2 RENAME_NOREPLACE, or link(2) where the file system refuses
//     that) and fails with an error matching fs.ErrExist when the target
//     exists, so of many writers racing for one name exactly one wins.
//   - Abort may be called from another goroutine, such as the one that
//     receives SIGINT, while the owner writes or commits: once it returns,
//     no temporary file remains, and Write and Commit fail with ErrAborted.
//
// It imports nothing of corescale.
package atomicfile
