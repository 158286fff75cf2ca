/* SPDX-License-Identifier: GPL-2.0-only */
/* Intrusive circular doubly-linked list; insertion order is listing order. */
#ifndef COMMON_LIST_H
#define COMMON_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define container_of(ptr, type, member) ((type *) ((char *) (ptr) - offsetof(type, member)))

static inline void list_init(struct list_node *head)
{
	head->next = head->prev = head;
}

static inline bool list_is_empty(const struct list_node *head)
{
	return head->next == head;
}

static inline void list_append(struct list_node *head, struct list_node *node)
{
	node->prev = head->prev;
	node->next = head;
	head->prev->next = node;
	head->prev = node;
}

static inline void list_prepend(struct list_node *head, struct list_node *node)
{
	node->next = head->next;
	node->prev = head;
	head->next->prev = node;
	head->next = node;
}

static inline void list_remove(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	node->next = node->prev = node;
}

static inline size_t list_count(const struct list_node *head)
{
	size_t n = 0;

	for (const struct list_node *it = head->next; it != head; it = it->next)
		n++;
	return n;
}

#define list_for_each_entry(pos, head, member)                                        \
	for (pos = container_of((head)->next, __typeof__(*pos), member);              \
	     &pos->member != (head);                                                  \
	     pos = container_of(pos->member.next, __typeof__(*pos), member))

#define list_for_each_entry_safe(pos, tmp, head, member)                              \
	for (pos = container_of((head)->next, __typeof__(*pos), member),              \
	    tmp = container_of(pos->member.next, __typeof__(*pos), member);           \
	     &pos->member != (head);                                                  \
	     pos = tmp, tmp = container_of(tmp->member.next, __typeof__(*tmp), member))

#endif
