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
 *
 *   daxmap -n NODE [READYFILE]
 *
 * For memory onlined as System RAM (kmem_online): 2 MiB of anonymous
 * memory bound to NUMA node NODE, a pattern written and checked, every
 * page found on NODE (move_pages()). Exit status 0 if so. With READYFILE
 * (lib.sh: ram_hold, ram_release), it then holds that memory as the
 * device form does and, at SIGTERM, checks again that the pattern is
 * intact and every page still on NODE (memory offlined under it would have
 * been migrated to another node).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAP_LEN		(2UL << 20)
#define MPOL_BIND	2
#define PATTERN(i)	(0x6461786d61700000ULL ^ ((unsigned long long)(i) * 0x9e3779b97f4a7c15ULL))

static sig_atomic_t stop;	/* read after sigsuspend() returns (a call: no caching) */

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

static void fill(unsigned long long *p)
{
	size_t i;

	for (i = 0; i < MAP_LEN / sizeof(*p); i++)
		p[i] = PATTERN(i);
}

/* 0 when every page of the 2 MiB at p is on NODE (else says which is not). */
static int placed(char *p, int node)
{
	size_t i, n = MAP_LEN / getpagesize();
	int status[MAP_LEN / 4096];	/* pages of 4 KiB or more */
	void *pages[MAP_LEN / 4096];

	for (i = 0; i < n; i++)
		pages[i] = p + i * getpagesize();
	if (syscall(SYS_move_pages, 0, n, pages, NULL, status, 0)) {
		fprintf(stderr, "daxmap: move_pages: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (status[i] != node) {
			fprintf(stderr, "daxmap: page %zu is on node %d, not %d\n",
				i, status[i], node);
			return 1;
		}
	}
	return 0;
}

/* daxmap -n NODE: write to memory of NODE, check it is there. */
static char *on_node(int node)
{
	unsigned long mask = 1UL << node;
	long bad;
	char *p;

	if (node < 0 || node >= 64) {
		fprintf(stderr, "daxmap: node %d out of range\n", node);
		return NULL;
	}
	p = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED ||
	    syscall(SYS_mbind, p, MAP_LEN, MPOL_BIND, &mask, 64, 0)) {
		fprintf(stderr, "daxmap: mmap/mbind to node %d: %s\n", node, strerror(errno));
		return NULL;
	}
	fill((unsigned long long *)p);
	bad = check((unsigned long long *)p);
	if (bad >= 0) {
		fprintf(stderr, "daxmap: node %d: word %ld differs after writing\n", node, bad);
		return NULL;
	}
	if (placed(p, node))
		return NULL;
	printf("daxmap: 2 MiB on node %d written, checked, every page there\n", node);
	return p;
}

/*
 * Say READY in READYFILE; wait for SIGTERM (blocked until sigsuspend(),
 * which waits with the mask the process started with, SIGTERM removed).
 */
static int ready_wait(const char *readyfile, const sigset_t *old)
{
	FILE *f = fopen(readyfile, "w");
	sigset_t wait = *old;

	if (!f || fprintf(f, "READY %d\n", (int)getpid()) < 0 || fclose(f)) {
		fprintf(stderr, "daxmap: cannot write %s\n", readyfile);
		return 1;
	}
	fflush(stdout);
	sigdelset(&wait, SIGTERM);
	while (!stop)
		sigsuspend(&wait);
	return 0;
}

/*
 * daxmap -n NODE [READYFILE]: on_node(); with READYFILE, hold the memory
 * until SIGTERM, then check the pattern and the placement again.
 */
static int hold_node(int node, const char *readyfile, const sigset_t *old)
{
	char *q = on_node(node);
	long bad;

	if (!q)
		return 1;
	if (!readyfile)
		return 0;
	if (ready_wait(readyfile, old))
		return 1;
	bad = check((unsigned long long *)q);
	if (bad >= 0) {
		printf("daxmap: node %d: pattern broken at word %ld at SIGTERM\n", node, bad);
		return 1;
	}
	if (placed(q, node))
		return 1;
	printf("daxmap: node %d: pattern intact at SIGTERM, every page still there\n", node);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { 0 };
	unsigned long long *p;
	sigset_t term, old;
	long bad;
	int fd;

	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[1], "-n"))) {
		fprintf(stderr,
			"usage: daxmap /dev/daxX.Y READYFILE | daxmap -n NODE [READYFILE]\n");
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

	if (!strcmp(argv[1], "-n")) {
		char *end;
		long node = strtol(argv[2], &end, 10);

		if (!*argv[2] || *end) {
			fprintf(stderr, "daxmap: node '%s' is not a number\n", argv[2]);
			return 1;
		}
		return hold_node(node, argc == 4 ? argv[3] : NULL, &old);
	}

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
	fill(p);
	bad = check(p);
	if (bad >= 0) {
		fprintf(stderr, "daxmap: %s: word %ld differs just after writing\n", argv[1], bad);
		return 1;
	}
	printf("daxmap: %s: 2 MiB mapped, pattern written and checked\n", argv[1]);
	if (ready_wait(argv[2], &old))
		return 1;

	bad = check(p);
	if (bad >= 0) {
		printf("daxmap: %s: pattern broken at word %ld at SIGTERM\n", argv[1], bad);
		return 1;
	}
	printf("daxmap: %s: pattern intact at SIGTERM\n", argv[1]);
	return 0;
}
