// resize.cu — the two passes of separable resampling on the GPU, with the
// tap tables and 22-bit fixed-point weights that internal/resample computes
// for the CPU engine, and the CPU engine's rounding and clamping, so the GPU
// gives the CPU's bytes. 8-bit samples, 1 to 4 interleaved channels; alpha,
// when present, is premultiplied by the host beforehand.
//
// Output sample i of a row of a table reads the source samples from
// start[i] for count[i] taps with weights[i·wstride …].

#include <stdint.h>

namespace corescale_resize {

__device__ __forceinline__ uint8_t clip8(int32_t s) {
	if (s <= 0) return 0;
	if (s >= (255 << 22)) return 255;
	return (uint8_t)(s >> 22);
}

}  // namespace corescale_resize

// Both kernels stride over the grid: a thread does its (x, y), then (x, y)
// plus the grid's extent, and so on. A launch's grid is limited (65,535
// blocks in y), and a band may hold more rows than that covers (a tall
// image, or a few output rows that read a long run of source rows), so the
// host caps the grid and the kernels loop over what it leaves out.

// resize_h_u8 resamples rows along x: thread (x, y) writes the ch samples
// of output pixel x of row y, from source row y.
extern "C" __global__ void resize_h_u8(const uint8_t *src, uint32_t src_stride, uint8_t *dst, uint32_t dst_stride,
                                       uint32_t out_w, uint32_t rows, uint32_t ch, const int32_t *start,
                                       const int32_t *count, const int32_t *weights, uint32_t wstride) {
	for (uint32_t y = blockIdx.y * blockDim.y + threadIdx.y; y < rows; y += gridDim.y * blockDim.y) {
		for (uint32_t x = blockIdx.x * blockDim.x + threadIdx.x; x < out_w; x += gridDim.x * blockDim.x) {
			const uint8_t *in = src + (uint64_t)y * src_stride + (uint64_t)start[x] * ch;
			const int32_t *w = weights + (uint64_t)x * wstride;
			int32_t n = count[x];
			for (uint32_t c = 0; c < ch; c++) {
				int32_t s = 1 << 21;
				for (int32_t k = 0; k < n; k++) s += (int32_t)in[k * ch + c] * w[k];
				dst[(uint64_t)y * dst_stride + (uint64_t)x * ch + c] = corescale_resize::clip8(s);
			}
		}
	}
}

// resize_v_u8 resamples columns along y: thread (i, y) writes sample i of
// output row y, from source rows start[y]−first onwards (the source holds
// only the rows from first on).
extern "C" __global__ void resize_v_u8(const uint8_t *src, uint32_t src_stride, uint8_t *dst, uint32_t dst_stride,
                                       uint32_t row_len, uint32_t y0, uint32_t out_rows, uint32_t first,
                                       const int32_t *start, const int32_t *count, const int32_t *weights,
                                       uint32_t wstride) {
	for (uint32_t r = blockIdx.y * blockDim.y + threadIdx.y; r < out_rows; r += gridDim.y * blockDim.y) {
		uint32_t y = y0 + r;
		const int32_t *w = weights + (uint64_t)y * wstride;
		int32_t n = count[y];
		for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < row_len; i += gridDim.x * blockDim.x) {
			const uint8_t *in = src + (uint64_t)(start[y] - first) * src_stride + i;
			int32_t s = 1 << 21;
			for (int32_t k = 0; k < n; k++) s += (int32_t)in[(uint64_t)k * src_stride] * w[k];
			dst[(uint64_t)r * dst_stride + i] = corescale_resize::clip8(s);
		}
	}
}
