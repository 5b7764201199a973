// SPDX-License-Identifier: GPL-2.0
/*
 * The state file of "up" and "down": a log of how to undo what "up" did
 * (see undo.h).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "undo.h"
#include "xtunctl.h"

/*
 * Interface names are per network namespace, the state directory is not:
 * the namespace's identity in the file keeps "down" in one namespace from
 * deleting another namespace's device of the same name.
 */
static void netns_id(char *buf, size_t size)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		snprintf(buf, size, "unknown");
	else
		snprintf(buf, size, "%lu:%lu", (unsigned long)st.st_dev,
			 (unsigned long)st.st_ino);
}

/*
 * /run/xtun/IFNAME.state in the host's own namespace, where operators look;
 * in any other, the namespace's inode is in the name too, so that xtun0 can
 * be up in two namespaces at once (two "sites" on one test machine).
 */
static void state_path(char *buf, size_t size, const char *ifname)
{
	struct stat self, init;

	if (stat("/proc/self/ns/net", &self) || stat("/proc/1/ns/net", &init) ||
	    (self.st_dev == init.st_dev && self.st_ino == init.st_ino))
		snprintf(buf, size, XTUN_STATE_DIR "/%s.state", ifname);
	else
		snprintf(buf, size, XTUN_STATE_DIR "/%s.netns-%lu.state",
			 ifname, (unsigned long)self.st_ino);
}

/* A record is only worth something once it is on file. */
static int log_sync(struct undo_log *log, const char *context)
{
	if (!ferror(log->f) && fflush(log->f) == 0 && fsync(fileno(log->f)) == 0)
		return XTUNCTL_OK;
	fprintf(stderr, "%s: %s: writing %s: %s\n", prog, context, log->path,
		strerror(errno));
	return XTUNCTL_EKERNEL;
}

static int open_new_state_file(struct undo_log *log, const char *context,
			       const char *ifname)
{
	int fd;

	if (mkdir(XTUN_STATE_DIR, 0700) && errno != EEXIST) {
		fprintf(stderr, "%s: %s: creating %s: %s\n", prog, context,
			XTUN_STATE_DIR, strerror(errno));
		return XTUNCTL_EKERNEL;
	}
	state_path(log->path, sizeof(log->path), ifname);
	/* O_EXCL: also keeps two runs of "up" for one name apart. */
	fd = open(log->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		fprintf(stderr, "%s: %s: %s exists: %s is up already, or an earlier 'up' did not finish; '%s down %s' undoes it\n",
			prog, context, log->path, ifname, prog, ifname);
		return XTUNCTL_EUSAGE;
	}
	if (fd >= 0)
		log->f = fdopen(fd, "w");
	if (!log->f) {
		fprintf(stderr, "%s: %s: creating %s: %s\n", prog, context,
			log->path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(log->path);
		}
		return XTUNCTL_EKERNEL;
	}
	return XTUNCTL_OK;
}

int undo_log_create(struct undo_log *log, const char *context,
		    const char *ifname)
{
	char netns[64];
	int ret;

	memset(log, 0, sizeof(*log));
	ret = open_new_state_file(log, context, ifname);
	if (ret)
		return ret;
	netns_id(netns, sizeof(netns));
	fprintf(log->f, "# %s %s: what '%s down %s' undoes, last record first\n",
		prog, context, prog, ifname);
	fprintf(log->f, "netns\t%s\n", netns);
	ret = log_sync(log, context);
	if (ret)
		undo_log_discard(log);
	return ret;
}

int undo_log_cmd(struct undo_log *log, const char *context,
		 const struct cmdline *c)
{
	int i;

	fprintf(log->f, "undo");
	for (i = 0; i < c->argc; i++)
		fprintf(log->f, "\t%s", c->argv[i]);
	fprintf(log->f, "\n");
	return log_sync(log, context);
}

int undo_log_hook(struct undo_log *log, const char *context,
		  const char *kind, const char *hook)
{
	fprintf(log->f, "%s\t%s\n", kind, hook);
	return log_sync(log, context);
}

void undo_log_close(struct undo_log *log)
{
	if (log->f)
		fclose(log->f);
	log->f = NULL;
}

void undo_log_discard(struct undo_log *log)
{
	undo_log_close(log);
	unlink(log->path);
}

/* --- undoing ------------------------------------------------------------- */

struct records {
	char **v;
	size_t n;
};

static void records_free(struct records *r)
{
	while (r->n)
		free(r->v[--r->n]);
	free(r->v);
	r->v = NULL;
}

/* The file's records, comments and empty lines left out. */
static int records_read(struct records *r, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		if (!array_grow(r->v, r->n))
			break;
		r->v[r->n++] = line;
		line = NULL;
		cap = 0;
	}
	free(line);
	return ferror(f) || len >= 0 ? -1 : 0;
}

/* Whether @record is of @kind; @rest: what follows the kind's tab. */
static bool record_is(const char *record, const char *kind, const char **rest)
{
	size_t len = strlen(kind);

	if (strncmp(record, kind, len) || record[len] != '\t')
		return false;
	*rest = record + len + 1;
	return true;
}

static bool same_netns(const struct records *r)
{
	const char *recorded;
	char ours[64];
	size_t i;

	netns_id(ours, sizeof(ours));
	for (i = 0; i < r->n; i++)
		if (record_is(r->v[i], "netns", &recorded))
			return !strcmp(recorded, ours) ||
			       !strcmp(recorded, "unknown") ||
			       !strcmp(ours, "unknown");
	return true;
}

/* "undo" records run ip(8) only: nothing else ever writes them. */
static int undo_one(const char *context, const char *args)
{
	char *copy = strdup(args), *rest = copy, *field;
	struct cmdline c;

	if (!copy)
		return XTUNCTL_EKERNEL;
	field = strsep(&rest, "\t");
	cmdline_init(&c, field);
	while ((field = strsep(&rest, "\t")))
		cmdline_add(&c, "%s", field);
	free(copy);
	if (strcmp(c.argv[0], "ip")) {
		fprintf(stderr, "%s: %s: not undoing '%s': only ip commands are undo records\n",
			prog, context, args);
		return XTUNCTL_EKERNEL;
	}
	return cmdline_run(&c, context);
}

static int run_hooks(const struct records *r, const char *context,
		     const char *kind, const char *what, const char *ifname)
{
	const char *hook;
	int ret = XTUNCTL_OK;
	size_t i;

	for (i = 0; i < r->n; i++)
		if (record_is(r->v[i], kind, &hook) &&
		    hook_run(context, what, hook, ifname))
			ret = XTUNCTL_EKERNEL;
	return ret;
}

/* Every record is tried: one that fails must not keep the rest in place. */
static int undo_records(const struct records *r, const char *context,
			const char *ifname)
{
	const char *rest;
	int ret;
	size_t i;

	ret = run_hooks(r, context, "predown", "PreDown", ifname);
	for (i = r->n; i-- > 0;) {
		if (record_is(r->v[i], "undo", &rest)) {
			if (undo_one(context, rest))
				ret = XTUNCTL_EKERNEL;
		} else if (!record_is(r->v[i], "netns", &rest) &&
			   !record_is(r->v[i], "predown", &rest) &&
			   !record_is(r->v[i], "postdown", &rest)) {
			fprintf(stderr, "%s: %s: skipping an unknown record: %s\n",
				prog, context, r->v[i]);
			ret = XTUNCTL_EKERNEL;
		}
	}
	if (run_hooks(r, context, "postdown", "PostDown", ifname))
		ret = XTUNCTL_EKERNEL;
	return ret;
}

static int read_state_file(struct records *r, const char *context,
			   const char *ifname, const char *path)
{
	FILE *f;
	int err;

	f = fopen(path, "re");
	if (!f && errno == ENOENT) {
		fprintf(stderr, "%s: %s: %s was not brought up by '%s up' (there is no %s)\n",
			prog, context, ifname, prog, path);
		return XTUNCTL_EUSAGE;
	}
	err = f ? records_read(r, f) : -1;
	if (err)
		fprintf(stderr, "%s: %s: reading %s: %s\n", prog, context, path,
			strerror(errno));
	if (f)
		fclose(f);
	if (!err && !same_netns(r)) {
		fprintf(stderr, "%s: %s: %s was written by '%s up' in another network namespace; run 'down' there\n",
			prog, context, path, prog);
		return XTUNCTL_EUSAGE;
	}
	return err ? XTUNCTL_EKERNEL : XTUNCTL_OK;
}

int undo_log_replay(const char *context, const char *ifname)
{
	struct records r = { 0 };
	char path[XTUN_STATE_PATH_LEN];
	int ret;

	state_path(path, sizeof(path), ifname);
	ret = read_state_file(&r, context, ifname, path);
	if (!ret) {
		ret = undo_records(&r, context, ifname);
		if (unlink(path)) {
			fprintf(stderr, "%s: %s: removing %s: %s\n", prog,
				context, path, strerror(errno));
			ret = XTUNCTL_EKERNEL;
		}
	}
	records_free(&r);
	return ret;
}
