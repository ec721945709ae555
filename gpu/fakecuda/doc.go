// Package fakecuda holds fakecuda, a CUDA driver library written in C
// that runs corescale's kernels on the host CPU, and its tests.
//
// `make fakecuda` builds the C sources here (driver.c, ptx.c, stubs.c and
// kernels.cc, which compiles kernels/*.cu through kernels/host.h as
// gpu/emu does) into build/fakecuda/libcuda.so.1. Pointed at with
// CORESCALE_CUDA_LIBRARY, it stands in for NVIDIA's libcuda.so.1 under the
// real GPU plugin (gpu/cuda, on gorgonia.org/cu), which then runs call for
// call on a machine without a GPU; `make gpu-fake-check` runs the CLI so
// (check.sh). It exports every cu* symbol the plugin binds, implements the
// ones corescale calls with the real driver's rules made strict, and
// answers the others CUDA_ERROR_NOT_SUPPORTED.
//
// Settings, read from the environment at the first call:
//
//	FAKECUDA_DEVICES=1          devices (0: cuInit answers CUDA_ERROR_NO_DEVICE)
//	FAKECUDA_NAME=…             device names (a comma list: one per device, the last repeats)
//	FAKECUDA_CC=7.0             compute capability (comma list)
//	FAKECUDA_SMS=80             multiprocessors (comma list)
//	FAKECUDA_MEMORY=2G          device memory, 64K, 512M, … (comma list)
//	FAKECUDA_DRIVER_VERSION=11080   what cuDriverGetVersion says (or 11.8); PTX newer than it is refused
//	FAKECUDA_STREAMS=lazy       lazy: queued work runs only once the host waits for it; eager: at once
//	FAKECUDA_STRICT=1           a leak at cuCtxDestroy is an error (CUDA_ERROR_ILLEGAL_STATE), not just reported
//	FAKECUDA_QUIET=1            nothing on stderr
//	FAKECUDA_LOG=FILE           append a line per context, leak, fault and error to FILE
//	FAKECUDA_TRACE=FILE         append a line per driver call to FILE: "N fn=NAME r=CODE dev=D ctx=C",
//	                            then stream=S, bytes=B, kernel=K grid=X,Y,Z and busy=K (the launches
//	                            queued, not yet run, on the context's other streams when a copy or
//	                            launch is issued) where the call has them
//
// Faults to inject (N counts calls from 1 in the process; :CODE replaces
// the CUresult; @DEV counts device DEV's own calls only, and @all each
// device's own, so that every device fails at its Nth):
//
//	FAKECUDA_INIT=CODE          cuInit answers CODE (100 no device, 803 driver mismatch, …)
//	FAKECUDA_FAIL_ALLOC=N[:CODE][@DEV|@all]    the Nth cuMemAlloc fails, with CUDA_ERROR_OUT_OF_MEMORY
//	FAKECUDA_FAIL_LAUNCH=N[:CODE][@DEV|@all]   the Nth launch faults when it runs (CUDA_ERROR_LAUNCH_FAILED
//	                            at the next synchronisation, the context then unusable); a CODE that is
//	                            not a kernel fault (701, …) is returned by cuLaunchKernel itself
//	FAKECUDA_LOSE_DEVICE=N[:CODE][@DEV|@all]   after the Nth launch every call on that launch's device
//	                            answers CUDA_ERROR_UNKNOWN (999), or CODE (46,
//	                            CUDA_ERROR_DEVICE_UNAVAILABLE, …). Calls that name no device fail once
//	                            every device is lost; the other devices go on working; a lost
//	                            device's context can still be made current and released
//	FAKECUDA_LOST_CURRENT=allow refuse: cuCtxSetCurrent of a lost device's context answers the
//	                            device's loss, as a real driver may; its primary context must
//	                            still be released
//
// Each device has a primary context (cuDevicePrimaryCtxRetain and
// cuDevicePrimaryCtxRelease, reference-counted as on the real driver),
// which is what the plugin uses; cuCtxCreate makes others.
//
// An unknown FAKECUDA_ variable or a bad value makes cuInit fail with
// CUDA_ERROR_INVALID_VALUE and say why on stderr.
//
// The Go side of the package exists for the tests: cgo compiles the same C
// sources into it, and the tests call the driver as broken callers would
// (a host buffer reused too early, a wrong argument size, an out-of-bounds
// kernel write, no current context, …) to show that each mistake is
// caught. Nothing imports it, and it must not import cpu/, bench/, cmd/,
// gpu or gpu/emu (whose host-compiled kernels carry the same C names).
package fakecuda
