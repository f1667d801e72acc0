// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live update: session file descriptors and the files in them.
 *
 * An outgoing session (CREATE_SESSION) takes memfds with PRESERVE_FD; it
 * lives while its file descriptor is open.  An incoming session
 * (RETRIEVE_SESSION in the next kernel) gives each file back once with
 * RETRIEVE_FD, and FINISH ends it once every file was retrieved.
 *
 * Everything here runs under luo_lock.
 */

#define pr_fmt(fmt) "liveupdate: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "luo_internal.h"

/* Inodes of the memfds in outgoing sessions: each may be in one only. */
static DEFINE_XARRAY(luo_inodes);

/*
 * Files of every session by (session, token), so that a session of
 * hundreds of files finds a token without walking them.  The table grows
 * by chaining; 4096 buckets keep the chains short for a host's worth.
 */
#define LUO_TOKEN_HASH_BITS	12
static DEFINE_HASHTABLE(luo_tokens, LUO_TOKEN_HASH_BITS);

static u32 luo_token_key(struct luo_session *s, u64 token)
{
	return hash_64(token, 32) ^ hash_ptr(s, 32);
}

/**
 * luo_file_link() - add a file to a session
 * @s: the session
 * @f: the file, its token set and not in @s yet
 */
void luo_file_link(struct luo_session *s, struct luo_file *f)
{
	f->session = s;
	list_add_tail(&f->list, &s->files);
	hash_add(luo_tokens, &f->hash, luo_token_key(s, f->token));
	s->nr_files++;
}

/**
 * luo_file_find() - a session's file by token
 * @s: the session
 * @token: the token
 *
 * Return: the file, or NULL.
 */
struct luo_file *luo_file_find(struct luo_session *s, u64 token)
{
	struct luo_file *f;

	hash_for_each_possible(luo_tokens, f, hash, luo_token_key(s, token)) {
		if (f->token == token && f->session == s)
			return f;
	}
	return NULL;
}

static void luo_file_free(struct luo_session *s, struct luo_file *f)
{
	list_del(&f->list);
	hash_del(&f->hash);
	s->nr_files--;
	if (f->memfd) {
		xa_erase(&luo_inodes, (unsigned long)f->inode);
		memfd_luo_unpreserve(f->memfd);
	}
	kfree(f);
}

/**
 * luo_session_free() - free a session and drop every file in it
 * @s: the session, on a session list or not
 *
 * Files of an outgoing session are unpreserved: their pins go, and the
 * memory is the file's alone again.
 */
void luo_session_free(struct luo_session *s)
{
	struct luo_file *f, *tmp;

	list_for_each_entry_safe(f, tmp, &s->files, list)
		luo_file_free(s, f);
	luo_session_unlink(s);
	kfree(s);
}

/**
 * luo_session_release_files() - give an incoming session's memory back
 * @s: the session, not retrieved
 *
 * Return: bytes given back to the page allocator.
 */
u64 luo_session_release_files(struct luo_session *s)
{
	struct luo_file *f;
	u64 bytes = 0;

	list_for_each_entry(f, &s->files, list) {
		if (f->status)
			continue;
		bytes += memfd_luo_release(&f->desc, luo_client);
		f->status = -ENOENT;
	}
	return bytes;
}

static int luo_preserve_fd(struct luo_session *s, void __user *uarg)
{
	struct liveupdate_session_preserve_fd arg;
	struct luo_file *f;
	struct file *file;
	u32 usize;
	int err;

	err = luo_arg_in(&arg, sizeof(arg), sizeof(arg), uarg, &usize);
	if (err)
		return err;
	if (s->incoming)
		return -EINVAL;
	if (luo_frozen())
		return -EBUSY;
	if (luo_file_find(s, arg.token))
		return -EEXIST;
	file = fget(arg.fd);
	if (!file)
		return -EBADF;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f) {
		fput(file);
		return -ENOMEM;
	}
	f->token = arg.token;
	f->inode = file_inode(file);
	err = xa_insert(&luo_inodes, (unsigned long)f->inode, f, GFP_KERNEL);
	if (err == -EBUSY) {
		pr_err("preserve: this memfd is already in a session\n");
		err = -EEXIST;
	}
	if (!err) {
		err = memfd_luo_preserve(file, luo_client, &f->memfd);
		if (err)
			xa_erase(&luo_inodes, (unsigned long)f->inode);
	}
	fput(file);
	if (err) {
		kfree(f);
		return err;
	}
	luo_file_link(s, f);
	return 0;
}

static int luo_retrieve_fd(struct luo_session *s, void __user *uarg)
{
	struct liveupdate_session_retrieve_fd arg;
	struct luo_file *f;
	struct file *file;
	u32 usize;
	int err;

	err = luo_arg_in(&arg, sizeof(arg), sizeof(arg), uarg, &usize);
	if (err)
		return err;
	f = s->incoming ? luo_file_find(s, arg.token) : NULL;
	if (!f)
		return -ENOENT;
	if (f->status > 0)
		return -EINVAL;
	if (f->status < 0)
		return f->status;
	file = memfd_luo_retrieve(&f->desc, luo_client);
	if (IS_ERR(file)) {
		f->status = PTR_ERR(file);
		pr_err("session %s: token %llu cannot be retrieved (%d)\n",
		       s->name, f->token, f->status);
		return f->status;
	}
	f->status = 1;
	/* FD_CLOEXEC is not carried: the new descriptor is without it. */
	return luo_give_file(file, 0, &arg.fd, uarg, &arg, sizeof(arg), usize);
}

static int luo_finish(struct luo_session *s, void __user *uarg)
{
	struct liveupdate_session_finish arg;
	struct luo_file *f;
	u32 usize;
	int err;

	err = luo_arg_in(&arg, sizeof(arg), sizeof(arg), uarg, &usize);
	if (err)
		return err;
	if (arg.reserved || !s->incoming)
		return -EINVAL;
	list_for_each_entry(f, &s->files, list) {
		if (f->status != 1) {
			pr_err("finish: session %s: token %llu was not retrieved\n",
			       s->name, f->token);
			return -EBUSY;
		}
	}
	/* Off the incoming list: it goes when its descriptor closes. */
	luo_session_unlink(s);
	return 0;
}

static int luo_get_name(struct luo_session *s, void __user *uarg)
{
	struct liveupdate_session_get_name arg;
	u32 usize;
	int err;

	err = luo_arg_in(&arg, sizeof(arg), offsetof(typeof(arg), name), uarg,
			 &usize);
	if (err)
		return err;
	if (arg.reserved)
		return -EINVAL;
	strscpy_pad(arg.name, s->name);
	return luo_arg_out(uarg, &arg, sizeof(arg), usize);
}

static long luo_session_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct luo_session *s = file->private_data;
	void __user *uarg = (void __user *)arg;

	guard(mutex)(&luo_lock);
	switch (cmd) {
	case LIVEUPDATE_SESSION_PRESERVE_FD:
		return luo_preserve_fd(s, uarg);
	case LIVEUPDATE_SESSION_RETRIEVE_FD:
		return luo_retrieve_fd(s, uarg);
	case LIVEUPDATE_SESSION_FINISH:
		return luo_finish(s, uarg);
	case LIVEUPDATE_SESSION_GET_NAME:
		return luo_get_name(s, uarg);
	default:
		return -ENOTTY;
	}
}

static int luo_session_release(struct inode *inode, struct file *file)
{
	guard(mutex)(&luo_lock);
	luo_session_closed(file->private_data);
	return 0;
}

static const struct file_operations luo_session_fops = {
	.owner = THIS_MODULE,
	.release = luo_session_release,
	.unlocked_ioctl = luo_session_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/**
 * luo_session_file() - a new file for a session
 * @s: the session
 *
 * Return: the file, or an ERR_PTR().
 */
struct file *luo_session_file(struct luo_session *s)
{
	return anon_inode_getfile("[liveupdate_session]", &luo_session_fops,
				  s, O_RDWR);
}
