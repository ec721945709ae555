// Package backend turns what a user asks for — a backend name, a worker
// count, and for auto the size and needs of the job — into engines and a
// sentence saying why: the one place that chooses between the serial and
// parallel CPU engines (cpu/prime, cpu/resize) and the GPU engines (gpu,
// over the real driver or the emulator), for the command-line tool and the
// benchmark harness alike.
//
// It holds the rules every caller would otherwise repeat: auto takes the
// GPU only when the probe finds one, the plugin loads and the job is large
// enough to be worth waking it; the fast mode and linear light run on the
// CPU engine only; a GPU engine that fails to start sends auto back to the
// parallel path, and an explicit gpu to an error that says why.
//
// It sits above cpu/, gpu/ and internal/thumbnail and below cmd/ and bench/:
// it must not import cmd/ or bench/.
package backend
