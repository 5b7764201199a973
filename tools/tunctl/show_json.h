/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XTUNCTL_SHOW_JSON_H
#define _XTUNCTL_SHOW_JSON_H

#include "json.h"
#include "state.h"

/* Print @list as one JSON array of devices (show_json.c). */
void show_json(const struct dev_state_list *list);

/* Members that monitor -j shares: "public_key", and "endpoint" or null. */
void json_public_key(struct json *j, const uint8_t key[XTUN_KEY_LEN]);
void json_endpoint(struct json *j, const struct peer_state *peer);

#endif /* _XTUNCTL_SHOW_JSON_H */
