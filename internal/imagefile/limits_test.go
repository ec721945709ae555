package imagefile

import (
	"errors"
	"math"
	"testing"
)

func TestCheckSize(t *testing.T) {
	tests := []struct {
		name  string
		w, h  int
		limit int64
		err   error
		msg   string
	}{
		{"small", 640, 480, 0, nil, ""},
		{"at the default limit", 20000, 10000, 0, nil, ""},
		{"one pixel over the default", 20000, 10000, DefaultMaxPixels - 1, ErrTooLarge,
			"photo.jpg: 20000×10000 is 200.0 megapixels, over the limit of 199.999999 (see --max-pixels)"},
		{"the example", 30000, 20000, 0, ErrTooLarge,
			"photo.jpg: 30000×20000 is 600.0 megapixels, over the limit of 200 (see --max-pixels)"},
		{"a raised limit", 30000, 20000, 1_000_000_000, nil, ""},
		{"a lowered limit", 4000, 3000, 1_500_000, ErrTooLarge,
			"photo.jpg: 4000×3000 is 12.0 megapixels, over the limit of 1.5 (see --max-pixels)"},
		{"a long strip", 1, 200_000_001, 0, ErrTooLarge, ""},
		{"zero width", 0, 10, 0, ErrSize, "photo.jpg: 0×10: invalid image size"},
		{"zero height", 10, 0, 0, ErrSize, ""},
		{"negative", -5, 10, 0, ErrSize, ""},
		{"a side past int32", math.MaxInt32 + 1, 1, math.MaxInt64, ErrSize, ""},
		{"both sides at int32, no limit", math.MaxInt32, math.MaxInt32, math.MaxInt64, ErrTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkSize("photo.jpg", tt.w, tt.h, Limits{MaxPixels: tt.limit})
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if tt.msg != "" && err.Error() != tt.msg {
				t.Errorf("message\n%s\nwant\n%s", err, tt.msg)
			}
		})
	}
}
