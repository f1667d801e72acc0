// SPDX-License-Identifier: GPL-2.0
/*
 * liveupdate: an operator's tool for /dev/liveupdate.
 *
 * Before the kexec it puts files into a session and holds the session
 * open, so that kexec -e carries them.  After the kexec it lists what came,
 * hands a session's memfds to a program as inherited file descriptors,
 * copies one into a file (under /dev/shm, say), or gives a session's
 * memory back.  See Documentation/kho/liveupdate.rst and `liveupdate help`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/liveupdate.h>

#define DEV		"/dev/liveupdate"
#define DEBUGFS		"/sys/kernel/debug"
#define SESSIONS	DEBUGFS "/liveupdate/sessions"
#define RELEASE		DEBUGFS "/liveupdate/release"
#define FINALIZE	DEBUGFS "/kho/out/finalize"
#define COPY_CHUNK	(1UL << 20)
#define MAX_FILES	4096

static const char *prog = "liveupdate";

static void usage(FILE *f)
{
	fputs(
"Usage: liveupdate COMMAND ...\n"
"\n"
"Before kexec (kernel booted with kho=on):\n"
"  hold [-b] SESSION [TOKEN=]FILE...\n"
"        put each FILE into new session SESSION and hold it open until the\n"
"        kexec (killing the holder drops the session and carries nothing).\n"
"        A memfd named as /proc/PID/fd/N goes as it is: zero copy, the\n"
"        next kernel gets the same pages.  Any other regular file is first\n"
"        copied into a new memfd of its name.  Tokens default to 1, 2, ...\n"
"        -b: go to the background once the session is complete and print\n"
"        the holder's pid.\n"
"\n"
"After kexec:\n"
"  list                      incoming sessions, their tokens and bytes\n"
"  exec SESSION -- PROGRAM [ARG...]\n"
"        retrieve every file of SESSION, finish it, and run PROGRAM with\n"
"        the memfds as inherited descriptors; LIVEUPDATE_SESSION names\n"
"        the session and LIVEUPDATE_FDS lists them as TOKEN:FD,...\n"
"  get SESSION TOKEN [PATH]  retrieve one memfd and copy it into PATH\n"
"        (default /dev/shm/NAME, NAME as given to memfd_create()); the\n"
"        session is finished once every file of it was retrieved\n"
"  release SESSION|all       give a waiting session's memory back\n"
"\n"
"Both:\n"
"  status                    KHO's state, outgoing and incoming sessions\n"
"  help\n", f);
}

#define NORETURN	__attribute__((noreturn))
#define PRINTF(a, b)	__attribute__((format(printf, a, b)))

static NORETURN PRINTF(1, 2) void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- the uAPI ------------------------------------------------------- */

static int dev_open(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		fail("no " DEV ": no live update in this kernel, or KHO off (kho=on)");
	if (fd < 0 && errno == EBUSY)
		fail(DEV " is open in another process (one opener at a time); try again");
	if (fd < 0)
		fail("open " DEV ": %s", strerror(errno));
	return fd;
}

static void set_name(__u8 *dst, const char *name)
{
	if (!*name || strlen(name) >= LIVEUPDATE_SESSION_NAME_LENGTH)
		fail("session name '%s': 1 to %d bytes", name,
		     LIVEUPDATE_SESSION_NAME_LENGTH - 1);
	memset(dst, 0, LIVEUPDATE_SESSION_NAME_LENGTH);
	memcpy(dst, name, strlen(name));
}

static int create_session(const char *name)
{
	struct liveupdate_ioctl_create_session a = { .size = sizeof(a) };
	int dev = dev_open();

	set_name(a.name, name);
	if (ioctl(dev, LIVEUPDATE_IOCTL_CREATE_SESSION, &a))
		fail("create session %s: %s", name,
		     errno == EEXIST ? "a session of that name exists" :
		     strerror(errno));
	/* The session outlives the device's descriptor: let others in. */
	close(dev);
	return a.fd;
}

static int retrieve_session(const char *name)
{
	struct liveupdate_ioctl_retrieve_session a = { .size = sizeof(a) };
	int dev = dev_open();

	set_name(a.name, name);
	if (ioctl(dev, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &a))
		fail("retrieve session %s: %s", name,
		     errno == ENOENT ? "no such incoming session" :
		     errno == EINVAL ? "it is open in another process" :
		     strerror(errno));
	close(dev);
	return a.fd;
}

static int retrieve_fd(int s, const char *session, uint64_t token)
{
	struct liveupdate_session_retrieve_fd a = {
		.size = sizeof(a), .token = token,
	};

	if (ioctl(s, LIVEUPDATE_SESSION_RETRIEVE_FD, &a))
		fail("session %s, token %" PRIu64 ": %s", session, token,
		     errno == EINVAL ? "already retrieved" :
		     errno == ENOENT ? "no such token" : strerror(errno));
	return a.fd;
}

static int finish(int s)
{
	struct liveupdate_session_finish a = { .size = sizeof(a) };

	return ioctl(s, LIVEUPDATE_SESSION_FINISH, &a) ? -errno : 0;
}

/* ---- debugfs -------------------------------------------------------- */

static FILE *open_sessions(void)
{
	FILE *f = fopen(SESSIONS, "r");

	if (!f)
		fail("cannot read " SESSIONS " (%s): is debugfs mounted on "
		     DEBUGFS " and live update on?", strerror(errno));
	return f;
}

struct in_file {
	uint64_t token;
	uint64_t bytes;
	char state[16];
};

/* The files of incoming session @name, as debugfs lists them. */
static int in_files(const char *name, struct in_file *files, int max)
{
	FILE *f = open_sessions();
	char line[256], dir[8], sname[LIVEUPDATE_SESSION_NAME_LENGTH];
	int mine = 0, found = 0, n = 0;

	while (fgets(line, sizeof(line), f)) {
		struct in_file x;

		if (sscanf(line, "%7s %63s", dir, sname) == 2 && line[0] != ' ') {
			mine = !strcmp(dir, "in") && !strcmp(sname, name);
			found |= mine;
			continue;
		}
		if (!mine || sscanf(line, " file %" SCNu64 " %" SCNu64 " %15s",
				    &x.token, &x.bytes, x.state) != 3)
			continue;
		if (n == max)
			fail("session %s has more than %d files", name, max);
		files[n++] = x;
	}
	fclose(f);
	if (!found)
		fail("no incoming session '%s' waits (see liveupdate list)", name);
	return n;
}

/* ---- copying -------------------------------------------------------- */

/* Copy the data extents of @in into @out; holes stay holes. */
static void copy_data(int in, int out, const char *what)
{
	static char buf[COPY_CHUNK];
	struct stat st;
	off_t off = 0;

	if (fstat(in, &st))
		fail("%s: %s", what, strerror(errno));
	if (ftruncate(out, st.st_size))
		fail("%s: cannot size the copy: %s", what, strerror(errno));
	while (off < st.st_size) {
		off_t start = lseek(in, off, SEEK_DATA), end;

		if (start < 0 && errno == ENXIO)
			break;
		if (start < 0) {
			start = off;
			end = st.st_size;
		} else {
			end = lseek(in, start, SEEK_HOLE);
		}
		for (off = start; off < end;) {
			size_t want = end - off < (off_t)sizeof(buf) ?
				      (size_t)(end - off) : sizeof(buf);
			ssize_t got = pread(in, buf, want, off);

			if (got <= 0 || pwrite(out, buf, got, off) != got)
				fail("%s: copy at %lld: %s", what, (long long)off,
				     got ? strerror(errno) : "short read");
			off += got;
		}
	}
}

/* Is @fd a memfd?  Its link reads "/memfd:NAME (deleted)". */
static int is_memfd(int fd, char *name, size_t len)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = 0;
	if (strncmp(target, "/memfd:", 7))
		return 0;
	if (n > 10 && !strcmp(target + n - 10, " (deleted)"))
		target[n - 10] = 0;
	if (strlen(target + 7) >= len)
		return 0;
	memcpy(name, target + 7, strlen(target + 7) + 1);
	return 1;
}

/* A memfd for @path: the memfd itself, or a copy of a regular file. */
static int file_to_memfd(const char *path, int *copied)
{
	int fd = open(path, O_RDWR | O_CLOEXEC), m;
	const char *base = strrchr(path, '/');
	char name[NAME_MAX];
	struct stat st;

	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail("%s: %s", path, strerror(errno));
	*copied = 0;
	if (is_memfd(fd, name, sizeof(name)))
		return fd;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		fail("%s: neither a memfd nor a regular file", path);
	m = memfd_create(base ? base + 1 : path, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (m < 0)
		fail("memfd_create for %s: %s", path, strerror(errno));
	copy_data(fd, m, path);
	fchmod(m, st.st_mode & 0777);
	close(fd);
	*copied = 1;
	return m;
}

/* ---- commands ------------------------------------------------------- */

static const char *preserve_error(int err)
{
	switch (err) {
	case EEXIST:
		return "the token, or this memfd, is already in a session";
	case ENOENT:
		return "not a memfd";
	case EOPNOTSUPP:
		return "hugetlb memfds are not supported";
	case EPROTONOSUPPORT:
		return "it has seals this kernel cannot carry";
	case EBUSY:
		return "the handover is finalized; abort it first";
	default:
		return strerror(err);
	}
}

static int cmd_hold(int argc, char **argv)
{
	int background = 0, s, i, fd;
	uint64_t next = 1;
	const char *name;

	if (argc > 1 && !strcmp(argv[1], "-b")) {
		background = 1;
		argc--;
		argv++;
	}
	if (argc < 3)
		fail("hold: SESSION and at least one FILE");
	name = argv[1];
	s = create_session(name);
	for (i = 2; i < argc; i++) {
		struct liveupdate_session_preserve_fd a = { .size = sizeof(a) };
		char *path = argv[i], *eq = strchr(path, '='), *end;
		int copied;

		a.token = next;
		if (eq && eq != path) {
			errno = 0;
			a.token = strtoull(path, &end, 0);
			if (end == eq && !errno)
				path = eq + 1;
			else
				a.token = next;
		}
		next = a.token + 1;
		fd = file_to_memfd(path, &copied);
		a.fd = fd;
		if (ioctl(s, LIVEUPDATE_SESSION_PRESERVE_FD, &a))
			fail("preserve %s as token %" PRIu64 ": %s (nothing is kept)",
			     path, (uint64_t)a.token, preserve_error(errno));
		printf("%s: token %" PRIu64 " %s%s\n", name, (uint64_t)a.token,
		       path, copied ? " (copied into a memfd)" : "");
		/* The session holds the file now. */
		close(fd);
	}
	if (background) {
		pid_t pid;

		fflush(stdout);
		pid = fork();

		if (pid < 0)
			fail("fork: %s", strerror(errno));
		if (pid) {
			printf("%s: held by pid %d until kexec -e\n", name, pid);
			return 0;
		}
		/* Let go of the terminal or pipe the caller waits on. */
		setsid();
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
	} else {
		printf("%s: held until kexec -e (interrupt to drop it)\n", name);
		fflush(stdout);
	}
	for (;;)
		pause();
}

static int cmd_list(void)
{
	FILE *f = open_sessions();
	int n = 0, mine = 0;
	char line[256];

	while (fgets(line, sizeof(line), f)) {
		char dir[8], name[LIVEUPDATE_SESSION_NAME_LENGTH], state[16];
		uint64_t files, bytes, token;

		if (line[0] == '#')
			continue;
		if (line[0] != ' ') {
			mine = sscanf(line, "%7s %63s %" SCNu64 " %" SCNu64
				      " %15s", dir, name, &files, &bytes,
				      state) == 5 && !strcmp(dir, "in");
			if (mine)
				printf("%s%s: %" PRIu64 " files, %" PRIu64
				       " bytes, %s\n", n++ ? "" :
				       "incoming sessions:\n", name, files,
				       bytes, state);
			continue;
		}
		if (mine && sscanf(line, " file %" SCNu64 " %" SCNu64 " %15s",
				   &token, &bytes, state) == 3)
			printf("  token %" PRIu64 ": %" PRIu64 " bytes, %s\n",
			       token, bytes, state);
	}
	fclose(f);
	if (!n)
		printf("no incoming session waits\n");
	return 0;
}

static int cmd_exec(int argc, char **argv)
{
	static struct in_file files[MAX_FILES];
	char *env, *p, num[64];
	int s, i, k, n, err;

	if (argc < 4 || strcmp(argv[2], "--"))
		fail("exec: SESSION -- PROGRAM [ARG...]");
	n = in_files(argv[1], files, MAX_FILES);
	s = retrieve_session(argv[1]);
	env = calloc(n + 1, 48);
	if (!env)
		fail("out of memory");
	p = env;
	for (i = 0, k = 0; i < n; i++) {
		int fd;

		/* Files taken earlier with get are not there to inherit. */
		if (strcmp(files[i].state, "waiting"))
			continue;
		fd = retrieve_fd(s, argv[1], files[i].token);
		p += sprintf(p, "%s%" PRIu64 ":%d", k++ ? "," : "",
			     files[i].token, fd);
	}
	err = finish(s);
	if (err)
		fail("finish %s: %s", argv[1], strerror(-err));
	close(s);
	setenv("LIVEUPDATE_SESSION", argv[1], 1);
	setenv("LIVEUPDATE_FDS", env, 1);
	snprintf(num, sizeof(num), "%d", k);
	setenv("LIVEUPDATE_NR_FDS", num, 1);
	execvp(argv[3], argv + 3);
	fail("exec %s: %s", argv[3], strerror(errno));
}

static int cmd_get(int argc, char **argv)
{
	static struct in_file files[MAX_FILES];
	char name[NAME_MAX], path[PATH_MAX + 16], *end;
	int s, fd, out, i, n, left = 0;
	uint64_t token;

	if (argc < 3 || argc > 4)
		fail("get: SESSION TOKEN [PATH]");
	errno = 0;
	token = strtoull(argv[2], &end, 0);
	if (*end || errno)
		fail("get: bad token '%s'", argv[2]);
	n = in_files(argv[1], files, MAX_FILES);
	s = retrieve_session(argv[1]);
	fd = retrieve_fd(s, argv[1], token);
	if (argc == 4)
		snprintf(path, sizeof(path), "%s", argv[3]);
	else if (is_memfd(fd, name, sizeof(name)) && *name && !strchr(name, '/'))
		snprintf(path, sizeof(path), "/dev/shm/%s", name);
	else
		snprintf(path, sizeof(path), "/dev/shm/%s.%" PRIu64, argv[1], token);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0)
		fail("%s: %s", path, strerror(errno));
	copy_data(fd, out, path);
	close(out);
	close(fd);
	for (i = 0; i < n; i++)
		left += files[i].token != token && !strcmp(files[i].state, "waiting");
	if (!left && finish(s))
		fail("finish %s: %s", argv[1], strerror(errno));
	close(s);
	printf("%s: token %" PRIu64 " copied to %s%s\n", argv[1], token, path,
	       left ? "" : "; session finished");
	return 0;
}

static int cmd_release(int argc, char **argv)
{
	int fd;

	if (argc != 2)
		fail("release: SESSION or all");
	fd = open(RELEASE, O_WRONLY);
	if (fd < 0)
		fail("cannot open " RELEASE ": %s", strerror(errno));
	if (write(fd, argv[1], strlen(argv[1])) < 0)
		fail("release %s: %s", argv[1],
		     errno == ENOENT ? "no such waiting session" : strerror(errno));
	close(fd);
	printf("released %s (the kernel log gives the bytes)\n", argv[1]);
	return 0;
}

static int cmd_status(void)
{
	FILE *f;
	char line[256];
	int c;

	printf("/dev/liveupdate: %s\n", access(DEV, F_OK) ? "absent" : "present");
	f = fopen(FINALIZE, "r");
	if (f) {
		c = fgetc(f);
		printf("KHO: on, handover %s\n", c == '1' ? "finalized" :
		       "not finalized (kexec -e finalizes it)");
		fclose(f);
	} else {
		printf("KHO: off or debugfs not mounted\n");
	}
	f = fopen(SESSIONS, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#')
			fputs(line, stdout);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(argv[1], "hold"))
		return cmd_hold(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return cmd_list();
	if (!strcmp(argv[1], "exec"))
		return cmd_exec(argc - 1, argv + 1);
	if (!strcmp(argv[1], "get"))
		return cmd_get(argc - 1, argv + 1);
	if (!strcmp(argv[1], "release"))
		return cmd_release(argc - 1, argv + 1);
	if (!strcmp(argv[1], "status"))
		return cmd_status();
	fprintf(stderr, "%s: unknown command '%s'\n\n", prog, argv[1]);
	usage(stderr);
	return 2;
}
