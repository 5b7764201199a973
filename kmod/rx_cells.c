// SPDX-License-Identifier: GPL-2.0
/*
 * Receive cells: one queue and NAPI instance per CPU on each xtun device.
 * They do two jobs.
 *
 * GRO.  The stack receives our decrypted packets through the cells, so
 * that GRO merges them.  This is what the kernel's gro_cells
 * (net/core/gro_cells.c) does, with one difference: a lock.  gro_cells'
 * per-CPU queue has none; it is safe only while a cell's NAPI is polled
 * on the cell's own CPU, which is no longer so once "threaded" is set in
 * sysfs (dev_set_threaded()).  The poll then runs in a kthread on any
 * CPU, and unlocked enqueues and dequeues of one sk_buff_head race:
 * packets are lost, and a queue length that went wrong stops the cell for
 * good.  Here @queue takes a spinlock, and the poll moves packets to
 * @process, which only it touches, under one lock hold per batch.
 *
 * Fan-out.  A data message is decrypted where it arrives, inline, as long
 * as its peer sends little: that costs no hop and keeps the latency low.
 * Once a peer sends more than rx_fanout_pps authenticated packets per
 * second, its ciphertexts go, still in order, to the cell of the next online CPU,
 * whose poll decrypts and delivers them there.  The receiving CPU then
 * carries only the outer stack, and the other CPU decryption and the
 * inner stack (TCP, and the ACKs it sends).  A remote cell's poll is
 * scheduled with an IPI, as RPS schedules a remote backlog.
 *
 * Order.  One peer's packets that arrive on one CPU all go to one cell
 * and are taken from it in order.  A peer goes back inline only once
 * nothing of it is queued (xtun_rx_load.queued), so packets decrypted
 * inline never overtake packets still waiting in a cell.  What arrives on
 * different CPUs was not ordered to begin with.
 */

#include <linux/cpumask.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/smp.h>

#include "device.h"
#include "peer.h"
#include "receive.h"
#include "rx_cells.h"

static unsigned int rx_fanout_pps = 4000;
module_param(rx_fanout_pps, uint, 0644);
MODULE_PARM_DESC(rx_fanout_pps,
		 "packets per second of one peer above which its decryption moves to another CPU (0: never, 1: always)");

/*
 * Both sides run with BH disabled: receive in softirq or in a threaded
 * NAPI of the underlying device, the poll in net_rx_action() or in its
 * kthread.  @kick runs in hard IRQ on @cpu; bit 0 of @kicking is set while
 * it is in flight (see xtun_rx_cell_kick()).
 */
struct xtun_rx_cell {
	struct sk_buff_head queue;	/* filled by receive, under its lock */
	struct sk_buff_head process;	/* the poll's own, unlocked */
	struct napi_struct napi;
	call_single_data_t kick;
	unsigned long kicking;
	struct xtun_device *xtun;
	int cpu;
};

/* The cells, and what frees them after a grace period (see below). */
struct xtun_rx_cells {
	struct xtun_rx_cell __percpu *cell;
	struct rcu_head rcu;
};

/*
 * The CPU whose cell should decrypt @peer's packet that just arrived on
 * this CPU, or -1 to decrypt it here.  The load is the count of the
 * peer's authenticated packets in the current jiffy
 * (xtun_rx_load_authenticated()): a forger who knows a receiver index
 * cannot push the peer into fan-out.  A racy count is good enough for a
 * heuristic, and cheaper than an atomic per packet.
 */
int xtun_rx_fan_out_cpu(struct xtun_peer *peer)
{
	struct xtun_rx_load *load = &peer->rx_load;
	unsigned int pps = READ_ONCE(rx_fanout_pps);
	unsigned long now = jiffies;
	unsigned int count = 0;
	int cpu, next;

	if (READ_ONCE(load->stamp) == now)
		count = READ_ONCE(load->count);

	if (!atomic_read(&load->queued) &&
	    (!pps || count < pps / HZ))
		return -1;

	cpu = smp_processor_id();
	next = cpumask_next(cpu, cpu_online_mask);
	if (next >= nr_cpu_ids)
		next = cpumask_first(cpu_online_mask);
	return next == cpu ? -1 : next;
}

/* @peer's packet passed authentication and the replay check. */
void xtun_rx_load_authenticated(struct xtun_peer *peer)
{
	struct xtun_rx_load *load = &peer->rx_load;
	unsigned long now = jiffies;
	unsigned int count = 1;

	if (READ_ONCE(load->stamp) == now)
		count += READ_ONCE(load->count);
	else
		WRITE_ONCE(load->stamp, now);
	WRITE_ONCE(load->count, count);
}

/*
 * A message with @peer's receiver index failed authentication: forget the
 * load counted so far, so that forgeries mixed into a busy peer's traffic
 * do not keep it in fan-out.
 */
void xtun_rx_load_forged(struct xtun_peer *peer)
{
	WRITE_ONCE(peer->rx_load.count, 0);
}

/* In hard IRQ on the cell's CPU: poll the cell there. */
static void xtun_rx_cell_kicked(void *info)
{
	struct xtun_rx_cell *cell = info;

	napi_schedule(&cell->napi);
	/* The last touch of @cell: xtun_rx_cells_destroy() waits for it. */
	clear_bit_unlock(0, &cell->kicking);
}

/*
 * Schedule the poll of a cell on another CPU; called with its queue's lock
 * held, which serialises the callers of one csd.  A kick still in flight
 * schedules a poll after it has cleared @kicking, and that poll takes the
 * lock after us: it finds what we queued.
 */
static void xtun_rx_cell_kick(struct xtun_rx_cell *cell)
{
	lockdep_assert_held(&cell->queue.lock);

	if (test_and_set_bit_lock(0, &cell->kicking))
		return;
	if (unlikely(smp_call_function_single_async(cell->cpu, &cell->kick))) {
		/* The CPU went offline: poll here instead. */
		clear_bit_unlock(0, &cell->kicking);
		napi_schedule(&cell->napi);
	}
}

/* Queue @skb on @cell; false if the queue is full (the caller drops it). */
static bool xtun_rx_cell_queue(struct xtun_rx_cell *cell, struct sk_buff *skb)
{
	bool remote = cell->cpu != smp_processor_id();
	bool first;

	spin_lock(&cell->queue.lock);
	if (unlikely(skb_queue_len(&cell->queue) > xtun_max_backlog())) {
		spin_unlock(&cell->queue.lock);
		return false;
	}
	__skb_queue_tail(&cell->queue, skb);
	/* A longer queue has its poll scheduled already. */
	first = skb_queue_len(&cell->queue) == 1;
	if (first && remote)
		xtun_rx_cell_kick(cell);
	spin_unlock(&cell->queue.lock);

	if (first && !remote)
		napi_schedule(&cell->napi);
	return true;
}

bool xtun_rx_cells_deliver(struct xtun_device *xtun, struct sk_buff *skb,
			   struct napi_struct *napi)
{
	struct net_device *dev = xtun->dev;

	if (unlikely(!(dev->flags & IFF_UP))) {
		kfree_skb(skb);
		return false;
	}
	/* GRO must not change a shared packet. */
	if (unlikely(skb_cloned(skb) || netif_elide_gro(dev)))
		return netif_rx(skb) == NET_RX_SUCCESS;

	if (napi) {
		napi_gro_receive(napi, skb);
		return true;
	}
	XTUN_RX_CB(skb)->keypair = NULL;	/* plaintext, for GRO */
	if (likely(xtun_rx_cell_queue(this_cpu_ptr(xtun->rx_cells->cell), skb)))
		return true;
	kfree_skb(skb);
	return false;
}

/*
 * Queue a ciphertext of @peer to @cpu's cell.  One peer may hold at most a
 * quarter of a cell's queue: what arrives with its receiver index is not
 * authenticated yet, and must not crowd out the other peers sharing the
 * cell.
 */
bool xtun_rx_cells_fan_out(struct xtun_device *xtun, struct xtun_peer *peer,
			   struct sk_buff *skb, int cpu)
{
	if (unlikely(atomic_read(&peer->rx_load.queued) >
		     max(xtun_max_backlog() / 4, 64U)))
		return false;
	return xtun_rx_cell_queue(per_cpu_ptr(xtun->rx_cells->cell, cpu), skb);
}

static int xtun_rx_cell_poll(struct napi_struct *napi, int budget)
{
	struct xtun_rx_cell *cell = container_of(napi, struct xtun_rx_cell,
						 napi);
	struct sk_buff *skb;
	int work_done = 0;

	while (work_done < budget) {
		skb = __skb_dequeue(&cell->process);
		if (!skb) {
			spin_lock(&cell->queue.lock);
			skb_queue_splice_tail_init(&cell->queue, &cell->process);
			spin_unlock(&cell->queue.lock);
			skb = __skb_dequeue(&cell->process);
			if (!skb)
				break;
		}
		if (XTUN_RX_CB(skb)->keypair)
			xtun_receive_queued(cell->xtun, skb, napi);
		else
			napi_gro_receive(napi, skb);
		work_done++;
	}
	/*
	 * A packet queued after we found the queue empty finds the NAPI
	 * still scheduled; napi_complete_done() then polls again.
	 */
	if (work_done < budget)
		napi_complete_done(napi, work_done);
	return work_done;
}

int xtun_rx_cells_init(struct xtun_device *xtun)
{
	struct xtun_rx_cells *cells;
	struct xtun_rx_cell *cell;
	int cpu;

	/* Charged to the memory cgroup of whoever creates the device. */
	cells = kzalloc(sizeof(*cells), GFP_KERNEL_ACCOUNT);
	if (!cells)
		return -ENOMEM;
	cells->cell = alloc_percpu_gfp(struct xtun_rx_cell, GFP_KERNEL_ACCOUNT);
	if (!cells->cell) {
		kfree(cells);
		return -ENOMEM;
	}

	for_each_possible_cpu(cpu) {
		cell = per_cpu_ptr(cells->cell, cpu);
		skb_queue_head_init(&cell->queue);
		__skb_queue_head_init(&cell->process);
		INIT_CSD(&cell->kick, xtun_rx_cell_kicked, cell);
		cell->xtun = xtun;
		cell->cpu = cpu;
		/* Sockets are not fed by these queues: nothing to busy-poll. */
		set_bit(NAPI_STATE_NO_BUSY_POLL, &cell->napi.state);
		netif_napi_add(xtun->dev, &cell->napi, xtun_rx_cell_poll);
		napi_enable(&cell->napi);
	}
	xtun->rx_cells = cells;
	return 0;
}

static void xtun_rx_cells_free_rcu(struct rcu_head *rcu)
{
	struct xtun_rx_cells *cells = container_of(rcu, struct xtun_rx_cells,
						   rcu);

	free_percpu(cells->cell);
	kfree(cells);
}

/* Drop what a cell still holds; ciphertexts hold references. */
static void xtun_rx_cell_purge(struct sk_buff_head *list)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list)) != NULL) {
		if (XTUN_RX_CB(skb)->keypair)
			xtun_receive_queued_drop(skb);
		else
			kfree_skb(skb);
	}
}

/*
 * At unregistration, after the sockets are gone: nothing queues or kicks
 * any more, but a kick may still be in flight; wait for it, as it touches
 * the cell.  netpoll may still walk dev->napi_list under RCU, so the
 * cells are freed after a grace period; call_rcu(), because a device
 * deleted with its namespace must not make cleanup_net() wait one grace
 * period per device.  The module's exit waits for the callbacks
 * (rcu_barrier()).
 */
void xtun_rx_cells_destroy(struct xtun_device *xtun)
{
	struct xtun_rx_cells *cells = xtun->rx_cells;
	struct xtun_rx_cell *cell;
	int cpu;

	if (!cells)
		return;
	for_each_possible_cpu(cpu) {
		cell = per_cpu_ptr(cells->cell, cpu);
		while (test_bit(0, &cell->kicking))
			cpu_relax();
		napi_disable(&cell->napi);
		__netif_napi_del(&cell->napi);
		xtun_rx_cell_purge(&cell->queue);
		xtun_rx_cell_purge(&cell->process);
	}
	xtun->rx_cells = NULL;
	call_rcu(&cells->rcu, xtun_rx_cells_free_rcu);
}
