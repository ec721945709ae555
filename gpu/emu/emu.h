// The C face of the host-compiled kernels (kernels.cc).
int emu_kernel_args(const char *name);
int emu_launch(const char *name, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, void **args);
