/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_JSON_H
#define _XTUNCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A small JSON writer: compact output, commas and nesting kept track of
 * here, so that callers only say what comes next.  Inside an object, call
 * json_key() before each value.
 */

/* Deeper than xtunctl ever nests: devices > device > peers > peer > ips. */
#define JSON_MAX_DEPTH	8

struct json {
	FILE *out;
	unsigned int depth;
	bool after_key;			/* the next value needs no comma */
	bool has_items[JSON_MAX_DEPTH];	/* per open container */
};

void json_init(struct json *j, FILE *out);

void json_begin_array(struct json *j);
void json_end_array(struct json *j);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);

void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* A member of an object: json_key() and its value. */
void json_key_string(struct json *j, const char *key, const char *s);
void json_key_u64(struct json *j, const char *key, uint64_t v);
void json_key_bool(struct json *j, const char *key, bool v);

#endif /* _XTUNCTL_JSON_H */
