// SPDX-License-Identifier: GPL-2.0
/*
 * For people, in the manner of "wg show": colours, labels, sizes and ages
 * in words (see show_human.h).  Which lines there are, and in what order,
 * is the field table's (fields.c).
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "outbuf.h"
#include "show_human.h"
#include "xtunctl.h"

static const struct palette no_colour = {
	"", "", "", "", "", "", "",
};

/* wg's colours: bold labels, green devices, yellow peers, cyan units. */
static const struct palette ansi_colour = {
	.label		= "\033[1m",
	.device		= "\033[1;32m",
	.device_name	= "\033[32m",
	.peer		= "\033[1;33m",
	.peer_key	= "\033[33m",
	.unit		= "\033[36m",
	.reset		= "\033[0m",
};

/*
 * Colour for a terminal only, never in a pipe or file, and never when the
 * user asked for none (https://no-color.org: NO_COLOR set and not empty).
 */
const struct palette *human_palette(void)
{
	const char *no_color = getenv("NO_COLOR");

	if (!isatty(STDOUT_FILENO) || (no_color && *no_color))
		return &no_colour;
	return &ansi_colour;
}

void human_label(const struct palette *pal, const char *name)
{
	out_printf("  %s%s%s: ", pal->label, name, pal->reset);
}

void human_bytes(const struct palette *pal, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = bytes;
	unsigned int u = 0;

	if (bytes < 1024) {
		out_printf("%" PRIu64 " %sB%s", bytes, pal->unit, pal->reset);
		return;
	}
	for (v /= 1024; v >= 1024 && u + 1 < ARRAY_LEN(units); v /= 1024)
		u++;
	out_printf("%.2f %s%s%s", v, pal->unit, units[u], pal->reset);
}

/* "1 minute, 3 seconds": every unit that is not zero. */
static void print_duration(const struct palette *pal, uint64_t seconds)
{
	static const struct {
		const char *name;
		uint64_t seconds;
	} units[] = {
		{ "year", 365 * 24 * 3600 },
		{ "day", 24 * 3600 },
		{ "hour", 3600 },
		{ "minute", 60 },
		{ "second", 1 },
	};
	const char *sep = "";
	uint64_t n;
	size_t i;

	for (i = 0; i < ARRAY_LEN(units); i++) {
		n = seconds / units[i].seconds;
		seconds %= units[i].seconds;
		if (!n)
			continue;
		out_printf("%s%" PRIu64 " %s%s%s%s", sep, n, pal->unit,
		       units[i].name, n == 1 ? "" : "s", pal->reset);
		sep = ", ";
	}
}

void human_age(const struct palette *pal, uint64_t ns)
{
	struct timespec now;
	int64_t age_ns;

	clock_gettime(CLOCK_REALTIME, &now);
	age_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec - (int64_t)ns;
	if (age_ns < 0) {
		out_puts("in the future (the system clock was set back)");
	} else if (age_ns < 1000000000) {
		out_puts("Now");
	} else {
		print_duration(pal, age_ns / 1000000000);
		out_puts(" ago");
	}
}
