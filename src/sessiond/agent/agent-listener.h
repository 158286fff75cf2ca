/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent TCP port: Java and Python agents (liblttng-ust-agent) find the session
 * daemon on localhost at the first free port of --agent-tcp-port's range, published
 * in <rundir>/agent.port. Agent registration itself comes with the agents' issue:
 * until then connections are accepted and closed (agents retry), as a daemon with
 * agent support deactivated would leave them.
 */
#ifndef SESSIOND_AGENT_LISTENER_H
#define SESSIOND_AGENT_LISTENER_H

struct daemon;

/* Binds 127.0.0.1 at the first free port of the range and writes the port file.
 * When every port is taken it warns (as LTTng) and returns 0 without a listener. */
int agent_listener_start(struct daemon *d);
void agent_listener_stop(struct daemon *d);

#endif
