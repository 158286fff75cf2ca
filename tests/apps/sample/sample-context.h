/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Application context provider "$app.sample" of lttng-sample-app (option
 * --app-context), see sample-context.c and README.md.
 */
#ifndef SAMPLE_CONTEXT_H
#define SAMPLE_CONTEXT_H

/* Registers the provider; 0 on success, -1 (with a message) on failure. */
int sample_context_register(void);
/* Unregisters it, if registered. */
void sample_context_unregister(void);

/* The calling thread's position: worker `thread` (main thread: -1) in
 * iteration `iter`; restarts the event index at 0. */
void sample_context_begin(int thread, int iter);
/* Called before each event: the context values of the event about to be
 * emitted are those of the next event index of the calling thread. */
void sample_context_step(void);

#endif /* SAMPLE_CONTEXT_H */
