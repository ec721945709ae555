package imagefile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// maxJPEGScans bounds the scans of a JPEG file. Each scan of a progressive
// JPEG makes image/jpeg visit every block of the image, yet one can take
// as little as 12 bytes (an end-of-band run over the whole image): a 20 KB
// file of such scans keeps a megapixel decode busy for seconds, and a
// megabyte for hours at the pixel limit. Encoders write 1 to 4 scans for
// sequential JPEG and about 10 for progressive (libjpeg's default script;
// mozjpeg's stay in the tens), so 100 refuses nothing real.
const maxJPEGScans = 100

// countJPEGScans counts the start-of-scan markers (0xff 0xda) of a JPEG file
// from r's position to its end, stopping once over limit. Outside
// segments the pair only occurs as a marker: entropy-coded data stuffs
// every 0xff with a zero. A thumbnail inside an EXIF segment adds its own
// scan, which the margin of the limit absorbs.
func countJPEGScans(r *bufio.Reader, limit int) (int, error) {
	n := 0
	lastFF := false
	for n <= limit {
		b, err := r.Peek(bufferSize)
		if len(b) > 0 {
			if lastFF && b[0] == markerSOS {
				n++
			}
			n += bytes.Count(b, []byte{0xff, markerSOS})
			lastFF = b[len(b)-1] == 0xff
			if _, derr := r.Discard(len(b)); derr != nil {
				return n, derr
			}
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return n, err
		}
	}
	return n, nil
}

// checkJPEGScans refuses files with more than maxJPEGScans scans.
func (s *source) checkJPEGScans() error {
	n, err := countJPEGScans(s.br, maxJPEGScans)
	if err != nil {
		return err
	}
	if n > maxJPEGScans {
		return fmt.Errorf("more than %d scans: refused, since real files have at most a few dozen and each one costs a pass over the whole image", maxJPEGScans)
	}
	return nil
}
