/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live update: declarations shared by kernel/liveupdate/ and the memfd
 * handler (mm/memfd_luo.c).
 */
#ifndef _KERNEL_LIVEUPDATE_INTERNAL_H
#define _KERNEL_LIVEUPDATE_INTERNAL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <uapi/linux/liveupdate.h>

#include "luo_format.h"

struct file;
struct inode;
struct kho_client;
struct memfd_luo;

/**
 * struct luo_file - a file in a session
 * @list: entry in &struct luo_session.files
 * @hash: entry in the table of files by session and token
 * @session: the session it is in
 * @token: the token userspace gave it
 * @memfd: outgoing: the preserved memfd's state
 * @inode: outgoing: its inode, the key that keeps it in one session
 * @desc: incoming: its node, checked (memory it holds in @desc.bytes);
 *	@desc.fname points into the sub-FDT, which is never freed
 * @status: incoming: 0 until retrieved, 1 once retrieved, or the error
 *	the one retrieve attempt gave
 */
struct luo_file {
	struct list_head list;
	struct hlist_node hash;
	struct luo_session *session;
	u64 token;
	struct memfd_luo *memfd;
	struct inode *inode;
	struct luo_memfd_desc desc;
	int status;
};

/**
 * struct luo_session - a named set of files carried across kexec
 * @list: entry in the outgoing or the incoming session list, or empty
 * @hash: entry in the table of sessions by name while on a list
 * @name: its name, NUL-terminated
 * @files: its &struct luo_file list
 * @nr_files: how many
 * @incoming: it came from the previous kernel
 * @open: a file descriptor refers to it
 * @bytes: incoming: memory its files hold, as the previous kernel said
 *
 * Everything here is protected by luo_lock (luo_core.c).
 */
struct luo_session {
	struct list_head list;
	struct hlist_node hash;
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	struct list_head files;
	unsigned int nr_files;
	bool incoming;
	bool open;
	u64 bytes;
};

extern struct mutex luo_lock;
extern struct kho_client *luo_client;

/* luo_core.c */
bool luo_frozen(void);
void luo_session_closed(struct luo_session *s);
void luo_session_unlink(struct luo_session *s);
int luo_arg_in(void *karg, size_t ksize, size_t min, void __user *uarg,
	       u32 *usize);
int luo_arg_out(void __user *uarg, const void *karg, size_t ksize, u32 usize);
int luo_give_file(struct file *file, unsigned int flags, __s32 *kfd,
		  void __user *uarg, const void *karg, size_t ksize, u32 usize);

/* luo_session.c */
struct file *luo_session_file(struct luo_session *s);
void luo_session_free(struct luo_session *s);
u64 luo_session_release_files(struct luo_session *s);
struct luo_file *luo_file_find(struct luo_session *s, u64 token);
void luo_file_link(struct luo_session *s, struct luo_file *f);

/* mm/memfd_luo.c */
int memfd_luo_preserve(struct file *file, struct kho_client *c,
		       struct memfd_luo **out);
void memfd_luo_unpreserve(struct memfd_luo *m);
int memfd_luo_freeze(struct memfd_luo *m);
void memfd_luo_unfreeze(struct memfd_luo *m);
void memfd_luo_desc(struct memfd_luo *m, struct luo_memfd_desc *d);
struct file *memfd_luo_retrieve(const struct luo_memfd_desc *d,
				struct kho_client *c);
u64 memfd_luo_release(const struct luo_memfd_desc *d, struct kho_client *c);

#endif /* _KERNEL_LIVEUPDATE_INTERNAL_H */
