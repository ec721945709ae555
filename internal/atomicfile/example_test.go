package atomicfile_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/corescale/corescale/internal/atomicfile"
)

// write writes data to path all at once or not at all.
func write(path string, data []byte) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort() // removes the temporary file unless Commit succeeded
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}

func ExampleCreate() {
	dir, err := os.MkdirTemp("", "atomicfile-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "primes.txt")

	if err := write(path, []byte("2\n3\n5\n")); err != nil {
		fmt.Println(err)
		return
	}
	data, err := os.ReadFile(path)
	fmt.Printf("%q %v\n", data, err)
	// Output:
	// "2\n3\n5\n" <nil>
}

// A run that fails part way aborts: the old content stays and no
// temporary file is left behind.
func ExampleFile_Abort() {
	dir, err := os.MkdirTemp("", "atomicfile-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "primes.txt")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		fmt.Println(err)
		return
	}

	f, err := atomicfile.Create(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Fprintln(f, "half of the new")
	if err := f.Abort(); err != nil {
		fmt.Println(err)
	}

	data, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	fmt.Printf("%q, %d file in the folder\n", data, len(entries))
	// Output:
	// "old\n", 1 file in the folder
}

// Two writers race for one name; with CommitNew the second one finds the
// first one's file and leaves it alone.
func ExampleFile_CommitNew() {
	dir, err := os.MkdirTemp("", "atomicfile-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "thumb.png")

	for _, who := range []string{"first", "second"} {
		f, err := atomicfile.Create(path)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Fprintln(f, who)
		if err := f.CommitNew(); errors.Is(err, fs.ErrExist) {
			fmt.Println(who, "skipped: the file exists")
		} else if err != nil {
			fmt.Println(err)
		}
	}

	data, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	fmt.Printf("%q, %d file in the folder\n", data, len(entries))
	// Output:
	// second skipped: the file exists
	// "first\n", 1 file in the folder
}
