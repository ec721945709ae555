// cputime runs a command and prints its wall and user+system CPU seconds
// and its peak RSS in KB, from wait4's resource usage. It is C, not Python,
// because a child's peak RSS counts the image it was forked from: a Python
// parent puts 10 MB under every command, where primesieve needs 4.
// Microseconds, where /usr/bin/time rounds CPU to 10 ms (GMP's 20,000
// 128-bit numbers take about 20 ms). lib.sh's timed builds and calls it.
//
//     cputime OUT CMD...    (CMD's stdout goes to OUT)
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: cputime OUT CMD...\n");
		return 2;
	}
	int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		fprintf(stderr, "cputime: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "cputime: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		dup2(out, 1);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "%s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) {
		fprintf(stderr, "cputime: wait4: %s\n", strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "command failed:");
		for (int i = 2; i < argc; i++) {
			fprintf(stderr, " %s", argv[i]);
		}
		fprintf(stderr, "\n");
		return 1;
	}
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	printf("%.6f %.6f %ld\n", wall, cpu, ru.ru_maxrss);
	return 0;
}
