// SPDX-License-Identifier: GPL-2.0
/*
 * daxmap - hold a device-dax mapping while a scenario changes ownership
 * under it (scripts/guest/lib.sh: dax_hold, dax_release).
 *
 *   daxmap /dev/daxX.Y READYFILE
 *
 * Maps the first 2 MiB of the device MAP_SHARED, writes a pattern, checks
 * it, writes "READY <pid>" to READYFILE and sleeps until SIGTERM; then
 * checks the pattern again. Exit status: 0 the pattern is intact, 1 it is
 * not (or a setup step failed), 2 SIGBUS on an access to the mapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAP_LEN		(2UL << 20)
#define PATTERN(i)	(0x6461786d61700000ULL ^ ((unsigned long long)(i) * 0x9e3779b97f4a7c15ULL))

static sig_atomic_t stop;	/* read after sigsuspend() returns */

static void on_term(int sig)
{
	stop = 1;
}

static void on_bus(int sig)
{
	static const char msg[] = "daxmap: SIGBUS on the mapping\n";

	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(2);
}

/* Make the compiler really write and read the mapping, in order. */
static inline void barrier(void)
{
	asm volatile("" : : : "memory");
}

/* Index of the first word that differs from the pattern, or -1. */
static long check(const unsigned long long *p)
{
	size_t i;

	barrier();
	for (i = 0; i < MAP_LEN / sizeof(*p); i++)
		if (p[i] != PATTERN(i))
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { 0 };
	unsigned long long *p;
	sigset_t term, old;
	size_t i;
	long bad;
	FILE *f;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: daxmap /dev/daxX.Y READYFILE\n");
		return 1;
	}
	sa.sa_handler = on_bus;
	sigaction(SIGBUS, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	/* SIGTERM only while waiting in sigsuspend(): no lost wake-up. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);

	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "daxmap: open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	p = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "daxmap: mmap %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (i = 0; i < MAP_LEN / sizeof(*p); i++)
		p[i] = PATTERN(i);
	bad = check(p);
	if (bad >= 0) {
		fprintf(stderr, "daxmap: %s: word %ld differs just after writing\n", argv[1], bad);
		return 1;
	}
	f = fopen(argv[2], "w");
	if (!f || fprintf(f, "READY %d\n", (int)getpid()) < 0 || fclose(f)) {
		fprintf(stderr, "daxmap: cannot write %s\n", argv[2]);
		return 1;
	}
	printf("daxmap: %s: 2 MiB mapped, pattern written and checked\n", argv[1]);
	fflush(stdout);

	while (!stop)
		sigsuspend(&old);

	bad = check(p);
	if (bad >= 0) {
		printf("daxmap: %s: pattern broken at word %ld at SIGTERM\n", argv[1], bad);
		return 1;
	}
	printf("daxmap: %s: pattern intact at SIGTERM\n", argv[1]);
	return 0;
}
