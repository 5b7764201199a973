// SPDX-License-Identifier: GPL-2.0
/*
 * Running ip(8) and hooks for "up" and "down" (see run.h).
 */

#define _GNU_SOURCE	/* pipe2() */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "xtunctl.h"

void cmdline_init(struct cmdline *c, const char *program)
{
	memset(c, 0, sizeof(*c));
	cmdline_add(c, "%s", program);
}

void cmdline_add(struct cmdline *c, const char *fmt, ...)
{
	size_t room = sizeof(c->store) - c->used;
	va_list ap;
	int len;

	if (c->argc >= CMDLINE_MAX_ARGS) {
		c->too_long = true;
		return;
	}
	va_start(ap, fmt);
	len = vsnprintf(c->store + c->used, room, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= room) {
		c->too_long = true;
		return;
	}
	c->argv[c->argc++] = c->store + c->used;
	c->argv[c->argc] = NULL;
	c->used += len + 1;
}

void cmdline_to_str(const struct cmdline *c, char *buf, size_t size)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < c->argc && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s", i ? " " : "",
				c->argv[i]);
}

/*
 * Start @argv with standard output on @out_fd (-1: ours) and, when @quiet,
 * standard error on /dev/null.  Returns the child's pid, or -1.
 */
static pid_t spawn(char *const argv[], int out_fd, bool quiet)
{
	int null_fd;
	pid_t pid;

	/* What we buffered must not be written twice, by both processes. */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid)
		return pid;

	if (out_fd >= 0)
		dup2(out_fd, STDOUT_FILENO);
	if (quiet) {
		null_fd = open("/dev/null", O_WRONLY);
		if (null_fd >= 0)
			dup2(null_fd, STDERR_FILENO);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "%s: cannot run '%s': %s\n", prog, argv[0],
		strerror(errno));
	_exit(127);
}

/* The child's wait status, or -1. */
static int wait_child(pid_t pid)
{
	int status;

	/* A signal we catch (see updown.c) must not abandon the child. */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

static bool exited_ok(int status)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* "xtunctl: up xtun0: PostUp 'false' failed (exit 1)" */
static void report_failure(const char *context, const char *what,
			   const char *cmdline, int status)
{
	fprintf(stderr, "%s: %s: %s%s'%s' ", prog, context, what ?: "",
		what ? " " : "", cmdline);
	if (status == -1)
		fprintf(stderr, "could not be run: %s\n", strerror(errno));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "was killed by signal %d (%s)\n",
			WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		fprintf(stderr, "failed (exit %d)\n", WEXITSTATUS(status));
}

static int run_argv(const char *context, const char *what,
		    char *const argv[], const char *cmdline)
{
	int status = -1;
	pid_t pid;

	pid = spawn(argv, -1, false);
	if (pid > 0)
		status = wait_child(pid);
	if (exited_ok(status))
		return XTUNCTL_OK;
	report_failure(context, what, cmdline, status);
	return XTUNCTL_EKERNEL;
}

int cmdline_run(const struct cmdline *c, const char *context)
{
	char cmdline[sizeof(c->store) + CMDLINE_MAX_ARGS];

	cmdline_to_str(c, cmdline, sizeof(cmdline));
	if (c->too_long) {
		fprintf(stderr, "%s: %s: '%s...' is too long a command\n",
			prog, context, cmdline);
		return XTUNCTL_EKERNEL;
	}
	return run_argv(context, NULL, c->argv, cmdline);
}

/* Read all of @fd into @out; what does not fit is read and dropped. */
static void read_all(int fd, char *out, size_t size)
{
	char sink[512];
	size_t len = 0;
	ssize_t n;

	for (;;) {
		if (len + 1 < size)
			n = read(fd, out + len, size - 1 - len);
		else
			n = read(fd, sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (len + 1 < size)
			len += n;
	}
	out[len] = '\0';
}

bool cmdline_capture(const struct cmdline *c, char *out, size_t size)
{
	int status = -1, fds[2];
	pid_t pid;

	out[0] = '\0';
	if (c->too_long || pipe2(fds, O_CLOEXEC))
		return false;
	pid = spawn(c->argv, fds[1], true);
	close(fds[1]);
	if (pid > 0) {
		read_all(fds[0], out, size);
		status = wait_child(pid);
	}
	close(fds[0]);
	return exited_ok(status);
}

/* @hook with every "%i" replaced by @ifname, as wg-quick(8) does; malloc'd. */
static char *expand_hook(const char *hook, const char *ifname)
{
	size_t n = 0, len;
	const char *p;
	char *out, *q;

	for (p = hook; (p = strstr(p, "%i")); p += 2)
		n++;
	len = strlen(hook) + n * strlen(ifname);
	out = malloc(len + 1);
	if (!out)
		return NULL;
	for (p = hook, q = out; *p;) {
		if (p[0] == '%' && p[1] == 'i') {
			q = stpcpy(q, ifname);
			p += 2;
		} else {
			*q++ = *p++;
		}
	}
	*q = '\0';
	return out;
}

int hook_run(const char *context, const char *what, const char *hook,
	     const char *ifname)
{
	char *argv[] = { "/bin/sh", "-c", NULL, NULL };
	int ret;

	argv[2] = expand_hook(hook, ifname);
	if (!argv[2]) {
		fprintf(stderr, "%s: %s: %s: out of memory\n", prog, context, what);
		return XTUNCTL_EKERNEL;
	}
	ret = run_argv(context, what, argv, argv[2]);
	free(argv[2]);
	return ret;
}

void cmdline_ip(struct cmdline *c, int family)
{
	cmdline_init(c, "ip");
	cmdline_add(c, family == AF_INET ? "-4" : "-6");
}

void cmdline_ip_add_dev(struct cmdline *c, int family, const char *object,
			const char *what, const char *ifname)
{
	cmdline_ip(c, family);
	cmdline_add(c, "%s", object);
	cmdline_add(c, "add");
	cmdline_add(c, "%s", what);
	cmdline_add(c, "dev");
	cmdline_add(c, "%s", ifname);
}
