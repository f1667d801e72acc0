// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live update: /dev/liveupdate, and the sessions' way across kexec.
 *
 * Userspace creates named sessions on /dev/liveupdate and preserves
 * memfds in them (luo_session.c).  Live update is one KHO client,
 * "liveupdate": at KHO's FINALIZE, which kexec -e runs if nobody ran it
 * before, every open session is frozen and described in the client's
 * sub-FDT (Documentation/kho/liveupdate.rst).  An ABORT, or a failed
 * FINALIZE, thaws them all and nothing is lost.
 *
 * In the next kernel the sub-FDT is checked at late_initcall; the
 * sessions it lists wait to be retrieved by name, and those nobody wants
 * can be released through debugfs liveupdate/release.
 *
 * Locking: luo_lock protects both session lists, every session and file,
 * and the frozen state.  KHO calls the notifier under its own kho_lock,
 * which comes before luo_lock.
 */

#define pr_fmt(fmt) "liveupdate: " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kho.h>
#include <linux/kho/liveupdate.h>
#include <linux/ktime.h>
#include <linux/libfdt.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/stringhash.h>
#include <linux/uaccess.h>

#include "luo_internal.h"

/* Protects the session lists, every session and file, the frozen state. */
DEFINE_MUTEX(luo_lock);
struct kho_client *luo_client;

/* Sessions of this kernel, and those that came from the previous one. */
static LIST_HEAD(luo_out);
static LIST_HEAD(luo_in);

/*
 * Both lists' sessions by name, for thousands of sessions: chained, so
 * the bucket count bounds nothing.
 */
#define LUO_NAME_HASH_BITS	10
static DEFINE_HASHTABLE(luo_names, LUO_NAME_HASH_BITS);

static u32 luo_name_key(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

/* Put a session on its list (outgoing or incoming) and in the table. */
static void luo_session_link(struct luo_session *s)
{
	list_add_tail(&s->list, s->incoming ? &luo_in : &luo_out);
	hash_add(luo_names, &s->hash, luo_name_key(s->name));
}

/**
 * luo_session_unlink() - take a session off its list, if it is on one
 * @s: the session
 *
 * It can no longer be found by name.  luo_lock held.
 */
void luo_session_unlink(struct luo_session *s)
{
	if (list_empty(&s->list))
		return;
	list_del_init(&s->list);
	hash_del(&s->hash);
}

/* The outgoing or the incoming session of a name. */
static struct luo_session *luo_find(bool incoming, const char *name)
{
	struct luo_session *s;

	hash_for_each_possible(luo_names, s, hash, luo_name_key(name)) {
		if (s->incoming == incoming && !strcmp(s->name, name))
			return s;
	}
	return NULL;
}

/* Bytes of sub-FDT per session and per file, to start the estimate. */
#define LUO_FDT_SESSION_BYTES	192
#define LUO_FDT_FILE_BYTES	512

static struct {
	bool frozen;
	void *fdt;
	size_t fdt_size;
	bool fail_next;		/* test only: the next freeze fails */
} luo_out_state;

/**
 * luo_frozen() - are the outgoing sessions frozen for the kexec?
 *
 * Return: true between a successful FINALIZE and an ABORT.  luo_lock held.
 */
bool luo_frozen(void)
{
	lockdep_assert_held(&luo_lock);
	return luo_out_state.frozen;
}

static void luo_thaw_files(struct luo_session *stop_s, struct luo_file *stop)
{
	struct luo_session *s;
	struct luo_file *f;

	list_for_each_entry(s, &luo_out, list) {
		list_for_each_entry(f, &s->files, list) {
			if (f == stop)
				return;
			memfd_luo_unfreeze(f->memfd);
		}
		if (s == stop_s)
			return;
	}
}

static int luo_write_fdt(void *fdt, size_t size)
{
	struct luo_memfd_desc d;
	struct luo_session *s;
	struct luo_file *f;
	unsigned int i = 0, j;
	int err;

	err = luo_fmt_begin(fdt, size);
	list_for_each_entry(s, &luo_out, list) {
		if (err)
			break;
		err = luo_fmt_session_begin(fdt, i++, s->name);
		j = 0;
		list_for_each_entry(f, &s->files, list) {
			if (err)
				break;
			memfd_luo_desc(f->memfd, &d);
			err = luo_fmt_memfd(fdt, j++, f->token, &d);
		}
		err = err ?: luo_fmt_session_end(fdt);
	}
	return err ?: luo_fmt_finish(fdt);
}

static void luo_free_fdt(void)
{
	if (!luo_out_state.fdt)
		return;
	free_pages_exact(luo_out_state.fdt, luo_out_state.fdt_size);
	luo_out_state.fdt = NULL;
}

/* Describe every frozen session in a sub-FDT preserved by the client. */
static int luo_build_fdt(struct kho_serialization *ser)
{
	size_t size = PAGE_SIZE;
	struct luo_session *s;
	int err;

	list_for_each_entry(s, &luo_out, list)
		size += LUO_FDT_SESSION_BYTES + s->nr_files * LUO_FDT_FILE_BYTES;
	for (;;) {
		size = PAGE_ALIGN(size);
		luo_out_state.fdt = alloc_pages_exact(size, GFP_KERNEL |
							    __GFP_ZERO);
		if (!luo_out_state.fdt)
			return -ENOMEM;
		luo_out_state.fdt_size = size;
		err = luo_write_fdt(luo_out_state.fdt, size);
		if (err != -FDT_ERR_NOSPACE)
			break;
		luo_free_fdt();
		size *= 2;
	}
	if (err) {
		pr_err("freeze: cannot write the sub-FDT (%d)\n", err);
		luo_free_fdt();
		return -EINVAL;
	}
	err = kho_client_preserve_phys(luo_client,
				       virt_to_phys(luo_out_state.fdt), size);
	if (!err) {
		err = kho_add_subtree(ser, LUO_KHO_NAME, luo_out_state.fdt);
		if (err)
			kho_client_unpreserve_phys(luo_client,
						   virt_to_phys(luo_out_state.fdt),
						   size);
	}
	if (err)
		luo_free_fdt();
	return err;
}

/* KHO FINALIZE: freeze every outgoing session and describe it. */
static int luo_freeze(struct kho_serialization *ser)
{
	ktime_t start = ktime_get();
	struct luo_session *s;
	struct luo_file *f;
	unsigned int n = 0;
	int err = 0;

	guard(mutex)(&luo_lock);
	if (luo_out_state.fail_next) {
		luo_out_state.fail_next = false;
		pr_err("freeze: failing as the test asked\n");
		return -EIO;
	}
	list_for_each_entry(s, &luo_out, list) {
		list_for_each_entry(f, &s->files, list) {
			err = memfd_luo_freeze(f->memfd);
			if (err) {
				pr_err("freeze: session %s, token %llu: %d\n",
				       s->name, f->token, err);
				luo_thaw_files(s, f);
				return err;
			}
		}
		n++;
	}
	if (n) {
		err = luo_build_fdt(ser);
		if (err) {
			luo_thaw_files(NULL, NULL);
			return err;
		}
		pr_info("froze %u sessions for the kexec in %lld us\n", n,
			ktime_us_delta(ktime_get(), start));
	}
	luo_out_state.frozen = true;
	return 0;
}

/* KHO ABORT: thaw; sessions closed while frozen go now. */
static void luo_thaw(void)
{
	struct luo_session *s, *tmp;

	guard(mutex)(&luo_lock);
	if (!luo_out_state.frozen)
		return;
	luo_thaw_files(NULL, NULL);
	if (luo_out_state.fdt) {
		kho_client_unpreserve_phys(luo_client,
					   virt_to_phys(luo_out_state.fdt),
					   luo_out_state.fdt_size);
		luo_free_fdt();
	}
	luo_out_state.frozen = false;
	list_for_each_entry_safe(s, tmp, &luo_out, list) {
		if (!s->open)
			luo_session_free(s);
	}
}

static int luo_kho_event(struct notifier_block *nb, unsigned long event,
			 void *data)
{
	if (event == KEXEC_KHO_FINALIZE)
		return notifier_from_errno(luo_freeze(data));
	if (event == KEXEC_KHO_ABORT)
		luo_thaw();
	return NOTIFY_DONE;
}

static struct notifier_block luo_kho_nb = {
	.notifier_call = luo_kho_event,
};

/**
 * luo_session_closed() - the last file descriptor of a session is gone
 * @s: the session
 *
 * An outgoing session gives everything back, unless it is frozen: then it
 * goes with the kexec, or is dropped at ABORT.  An incoming session that
 * was not finished can be retrieved again.  luo_lock held.
 */
void luo_session_closed(struct luo_session *s)
{
	s->open = false;
	if (s->incoming ? list_empty(&s->list) : !luo_out_state.frozen)
		luo_session_free(s);
}

/* ------------------------------------------------------------------------
 * ioctl arguments
 */

/**
 * luo_arg_in() - copy in an ioctl argument with a leading size
 * @karg: the kernel's copy
 * @ksize: its size
 * @min: bytes the command needs
 * @uarg: userspace's argument
 * @usize: set to the size userspace gave
 *
 * Return: 0; -EFAULT; -EINVAL if the size is below @min; -E2BIG if bytes
 * beyond @ksize are not zero.
 */
int luo_arg_in(void *karg, size_t ksize, size_t min, void __user *uarg,
	       u32 *usize)
{
	if (get_user(*usize, (u32 __user *)uarg))
		return -EFAULT;
	if (*usize < min)
		return -EINVAL;
	return copy_struct_from_user(karg, ksize, uarg, *usize);
}

/**
 * luo_arg_out() - copy an ioctl argument back, within the caller's size
 * @uarg: userspace's argument
 * @karg: the kernel's copy
 * @ksize: its size
 * @usize: the size userspace gave
 *
 * Return: 0 or -EFAULT.
 */
int luo_arg_out(void __user *uarg, const void *karg, size_t ksize, u32 usize)
{
	return copy_to_user(uarg, karg, min_t(size_t, ksize, usize)) ?
	       -EFAULT : 0;
}

/**
 * luo_give_file() - hand a file to userspace as a new file descriptor
 * @file: the file; consumed
 * @flags: O_CLOEXEC or 0
 * @kfd: the fd field of @karg, set to the new descriptor
 * @uarg: userspace's argument
 * @karg: the kernel's copy, written back to @uarg
 * @ksize: its size
 * @usize: the size userspace gave
 *
 * Return: 0, or an error with @file released.
 */
int luo_give_file(struct file *file, unsigned int flags, __s32 *kfd,
		  void __user *uarg, const void *karg, size_t ksize, u32 usize)
{
	int fd = get_unused_fd_flags(flags);

	if (fd < 0) {
		fput(file);
		return fd;
	}
	*kfd = fd;
	if (luo_arg_out(uarg, karg, ksize, usize)) {
		put_unused_fd(fd);
		fput(file);
		return -EFAULT;
	}
	fd_install(fd, file);
	return 0;
}

/* ------------------------------------------------------------------------
 * /dev/liveupdate
 */

static atomic_t luo_dev_open = ATOMIC_INIT(0);

/* A session name: 1 to 63 bytes and a NUL. */
static int luo_name_ok(const __u8 *name)
{
	size_t len = strnlen(name, LIVEUPDATE_SESSION_NAME_LENGTH);

	return len && len < LIVEUPDATE_SESSION_NAME_LENGTH ? 0 : -EINVAL;
}

/* CREATE_SESSION and RETRIEVE_SESSION take one layout: size, fd, name. */
static_assert(sizeof(struct liveupdate_ioctl_create_session) ==
	      sizeof(struct liveupdate_ioctl_retrieve_session));
static_assert(offsetof(struct liveupdate_ioctl_create_session, fd) ==
	      offsetof(struct liveupdate_ioctl_retrieve_session, fd));
static_assert(offsetof(struct liveupdate_ioctl_create_session, name) ==
	      offsetof(struct liveupdate_ioctl_retrieve_session, name));

/* A new outgoing session of @name, not linked yet, or an ERR_PTR(). */
static struct luo_session *luo_new_session(const char *name)
{
	struct luo_session *s;

	if (luo_out_state.frozen)
		return ERR_PTR(-EBUSY);
	if (luo_find(false, name))
		return ERR_PTR(-EEXIST);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	strscpy(s->name, name);
	INIT_LIST_HEAD(&s->list);
	INIT_LIST_HEAD(&s->files);
	return s;
}

/* The incoming session of @name if no descriptor has it, or an ERR_PTR(). */
static struct luo_session *luo_take_session(const char *name)
{
	struct luo_session *s = luo_find(true, name);

	if (!s)
		return ERR_PTR(-ENOENT);
	return s->open ? ERR_PTR(-EINVAL) : s;
}

/* CREATE_SESSION (@incoming false) or RETRIEVE_SESSION: a session fd. */
static int luo_open_session(void __user *uarg, bool incoming)
{
	struct liveupdate_ioctl_create_session arg;
	struct luo_session *s;
	struct file *file;
	u32 usize;
	int err;

	err = luo_arg_in(&arg, sizeof(arg), sizeof(arg), uarg, &usize) ?:
	      luo_name_ok(arg.name);
	if (err)
		return err;
	guard(mutex)(&luo_lock);
	s = incoming ? luo_take_session(arg.name) : luo_new_session(arg.name);
	if (IS_ERR(s))
		return PTR_ERR(s);
	file = luo_session_file(s);
	if (IS_ERR(file)) {
		if (!incoming)
			kfree(s);
		return PTR_ERR(file);
	}
	s->open = true;
	if (!incoming)
		luo_session_link(s);
	/* On failure the file's release ends the session again. */
	return luo_give_file(file, O_CLOEXEC, &arg.fd, uarg, &arg, sizeof(arg),
			     usize);
}

static long luo_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case LIVEUPDATE_IOCTL_CREATE_SESSION:
		return luo_open_session((void __user *)arg, false);
	case LIVEUPDATE_IOCTL_RETRIEVE_SESSION:
		return luo_open_session((void __user *)arg, true);
	default:
		return -ENOTTY;
	}
}

/* One opener at a time, as upstream documents. */
static int luo_dev_open_file(struct inode *inode, struct file *file)
{
	return atomic_cmpxchg(&luo_dev_open, 0, 1) ? -EBUSY : 0;
}

static int luo_dev_release(struct inode *inode, struct file *file)
{
	atomic_set(&luo_dev_open, 0);
	return 0;
}

static const struct file_operations luo_dev_fops = {
	.owner = THIS_MODULE,
	.open = luo_dev_open_file,
	.release = luo_dev_release,
	.unlocked_ioctl = luo_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice luo_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "liveupdate",
	.fops = &luo_dev_fops,
	.mode = 0600,
};

/* ------------------------------------------------------------------------
 * The incoming sessions
 */

static u32 luo_in_count(u64 *bytes)
{
	struct luo_session *s;
	u32 n = 0;

	*bytes = 0;
	list_for_each_entry(s, &luo_in, list) {
		*bytes += s->bytes;
		n++;
	}
	return n;
}

/*
 * The next kernel's parse: the format's checks (luo_format.c) tell of
 * each session and file, which become incoming sessions and files here.
 */
struct luo_in_parser {
	struct luo_fmt_parser p;
	struct luo_session *s;
};

static const char *luo_in_session(struct luo_fmt_parser *p, const char *name)
{
	struct luo_in_parser *ip = container_of(p, struct luo_in_parser, p);
	struct luo_session *s;

	if (luo_find(true, name))
		return "two sessions with one name";
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return "out of memory";
	strscpy(s->name, name);
	INIT_LIST_HEAD(&s->list);
	INIT_LIST_HEAD(&s->files);
	s->incoming = true;
	luo_session_link(s);
	ip->s = s;
	return NULL;
}

static const char *luo_in_file(struct luo_fmt_parser *p, u64 token,
			       const struct luo_memfd_desc *d)
{
	struct luo_session *s = container_of(p, struct luo_in_parser, p)->s;
	struct luo_file *f;

	if (luo_file_find(s, token))
		return "two files with one token";
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return "out of memory";
	f->token = token;
	f->desc = *d;
	luo_file_link(s, f);
	if (check_add_overflow(s->bytes, d->bytes, &s->bytes))
		return "byte count overflows";
	return NULL;
}

/* Check @fdt and build the incoming sessions; luo_lock held. */
static const char *luo_in_parse(const void *fdt)
{
	struct luo_in_parser ip = {
		.p.session = luo_in_session,
		.p.file = luo_in_file,
	};

	return luo_fmt_parse(fdt, &ip.p);
}

static int __init luo_in_init(void)
{
	struct luo_session *s, *tmp;
	phys_addr_t phys;
	const char *why;
	u64 bytes;
	u32 n;

	if (kho_retrieve_subtree(LUO_KHO_NAME, &phys))
		return 0;
	why = luo_in_parse(phys_to_virt(phys));
	if (why) {
		pr_err("incoming sessions refused: %s; their memory stays unclaimed\n",
		       why);
		list_for_each_entry_safe(s, tmp, &luo_in, list)
			luo_session_free(s);
		return -EINVAL;
	}
	n = luo_in_count(&bytes);
	pr_info("%u incoming sessions, %llu bytes\n", n, bytes);
	return 0;
}

/* ------------------------------------------------------------------------
 * debugfs: liveupdate/
 */

static const char *luo_file_state(const struct luo_file *f)
{
	if (!f->status)
		return "waiting";
	return f->status > 0 ? "retrieved" : "gone";
}

static int luo_sessions_show(struct seq_file *m, void *v)
{
	struct luo_session *s;
	struct luo_file *f;

	seq_puts(m, "# direction name files bytes state\n");
	seq_puts(m, "#   file token bytes state\n");
	guard(mutex)(&luo_lock);
	list_for_each_entry(s, &luo_out, list) {
		seq_printf(m, "out %s %u - %s\n", s->name, s->nr_files,
			   s->open ? "open" : "closed");
		list_for_each_entry(f, &s->files, list)
			seq_printf(m, "  file %llu - preserved\n", f->token);
	}
	list_for_each_entry(s, &luo_in, list) {
		seq_printf(m, "in %s %u %llu %s\n", s->name, s->nr_files,
			   s->bytes, s->open ? "retrieved" : "waiting");
		list_for_each_entry(f, &s->files, list)
			seq_printf(m, "  file %llu %llu %s\n", f->token,
				   f->desc.bytes, luo_file_state(f));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(luo_sessions);

static ssize_t luo_release_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char name[LIVEUPDATE_SESSION_NAME_LENGTH + 1] = { };
	struct luo_session *s, *tmp;
	unsigned int n = 0;
	bool all;

	if (count >= sizeof(name) || copy_from_user(name, ubuf, count))
		return -EINVAL;
	strim(name);
	all = !strcmp(name, "all");
	guard(mutex)(&luo_lock);
	list_for_each_entry_safe(s, tmp, &luo_in, list) {
		if (s->open || (!all && strcmp(s->name, name)))
			continue;
		pr_info("released session %s: %llu bytes\n", s->name,
			luo_session_release_files(s));
		luo_session_free(s);
		n++;
	}
	if (!n) {
		pr_err("release: no waiting incoming session '%s'\n", name);
		return -ENOENT;
	}
	/* Make MemFree show it: pages parked on per-CPU lists are not. */
	drain_all_pages(NULL);
	return count;
}

static const struct file_operations luo_release_fops = {
	.owner = THIS_MODULE,
	.write = luo_release_write,
	.llseek = noop_llseek,
};

#ifdef CONFIG_KEXEC_HANDOVER_TEST
static int luo_fail_set(void *data, u64 val)
{
	guard(mutex)(&luo_lock);
	luo_out_state.fail_next = val;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(luo_fail_fops, NULL, luo_fail_set, "%llu\n");
#endif

static void __init luo_debugfs(void)
{
	struct dentry *dir = debugfs_create_dir("liveupdate", NULL);

	debugfs_create_file("sessions", 0400, dir, NULL, &luo_sessions_fops);
	debugfs_create_file("release", 0200, dir, NULL, &luo_release_fops);
#ifdef CONFIG_KEXEC_HANDOVER_TEST
	debugfs_create_file("fail_freeze", 0200, dir, NULL, &luo_fail_fops);
#endif
}

static int __init luo_init(void)
{
	int err;

	if (!kho_is_enabled()) {
		pr_info("off: KHO is off on this boot\n");
		return 0;
	}
	luo_client = kho_client_get(LUO_KHO_NAME);
	if (IS_ERR(luo_client)) {
		pr_err("no KHO client (%ld); off\n", PTR_ERR(luo_client));
		return PTR_ERR(luo_client);
	}
	luo_in_init();
	err = register_kho_notifier(&luo_kho_nb) ?: misc_register(&luo_miscdev);
	if (err) {
		pr_err("cannot register (%d); off\n", err);
		return err;
	}
	luo_debugfs();
	return 0;
}
late_initcall(luo_init);

#ifdef CONFIG_LIVEUPDATE_KUNIT_TEST
#include "luo_format_test.c"
#endif
