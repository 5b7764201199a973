// SPDX-License-Identifier: GPL-2.0
/*
 * The one loop over devices and peers that every show format runs its
 * callbacks from (see show_walk.h).
 */

#include "show_walk.h"

void show_walk(const struct dev_state_list *list,
	       const struct show_printer *printer, void *ctx)
{
	const struct dev_state *dev;
	size_t i, j;

	if (printer->begin)
		printer->begin(ctx);
	for (i = 0; i < list->n_devices; i++) {
		dev = &list->devices[i];
		if (printer->device)
			printer->device(dev, ctx);
		for (j = 0; printer->peer && j < dev->n_peers; j++)
			printer->peer(dev, &dev->peers[j], ctx);
		if (printer->device_end)
			printer->device_end(dev, ctx);
	}
	if (printer->end)
		printer->end(ctx);
}
