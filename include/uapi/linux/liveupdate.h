/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/liveupdate: sessions of file descriptors carried across kexec.
 *
 * The numbers and layouts are those of upstream Linux (6.19 and later), so
 * that a program built against either header runs on either kernel.
 *
 * Every ioctl takes a pointer to a structure whose first __u32, @size, is
 * the size the caller knows.  The kernel reads that many bytes: a @size
 * smaller than the fields it needs gives EINVAL, and bytes beyond the
 * structure it knows must be zero (else E2BIG).  Output fields are written
 * back within @size.  ENOTTY means the command is unknown.
 */
#ifndef _UAPI_LINUX_LIVEUPDATE_H
#define _UAPI_LINUX_LIVEUPDATE_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* ioctl type of /dev/liveupdate and of session file descriptors */
#define LIVEUPDATE_IOCTL_TYPE		0xBA

/* Bytes of a session name, the terminating NUL included */
#define LIVEUPDATE_SESSION_NAME_LENGTH	64

/* Commands on /dev/liveupdate */
enum {
	LIVEUPDATE_CMD_BASE = 0x00,
	LIVEUPDATE_CMD_CREATE_SESSION = LIVEUPDATE_CMD_BASE,
	LIVEUPDATE_CMD_RETRIEVE_SESSION = 0x01,
};

/* Commands on a session file descriptor */
enum {
	LIVEUPDATE_CMD_SESSION_BASE = 0x40,
	LIVEUPDATE_CMD_SESSION_PRESERVE_FD = LIVEUPDATE_CMD_SESSION_BASE,
	LIVEUPDATE_CMD_SESSION_RETRIEVE_FD = 0x41,
	LIVEUPDATE_CMD_SESSION_FINISH = 0x42,
	LIVEUPDATE_CMD_SESSION_GET_NAME = 0x43,
};

/**
 * struct liveupdate_ioctl_create_session - create an outgoing session
 * @size: in: sizeof(struct liveupdate_ioctl_create_session)
 * @fd: out: the new session's file descriptor
 * @name: in: its name, NUL-terminated, unique among outgoing sessions
 *
 * The session lives while its file descriptor is open; what is open at
 * kexec -e goes to the next kernel.
 */
struct liveupdate_ioctl_create_session {
	__u32 size;
	__s32 fd;
	__u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_IOCTL_CREATE_SESSION \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_CREATE_SESSION)

/**
 * struct liveupdate_ioctl_retrieve_session - take an incoming session
 * @size: in: sizeof(struct liveupdate_ioctl_retrieve_session)
 * @fd: out: a file descriptor for the session
 * @name: in: the name the session had in the previous kernel
 */
struct liveupdate_ioctl_retrieve_session {
	__u32 size;
	__s32 fd;
	__u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_IOCTL_RETRIEVE_SESSION \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_RETRIEVE_SESSION)

/**
 * struct liveupdate_session_preserve_fd - add a file to a session
 * @size: in: sizeof(struct liveupdate_session_preserve_fd)
 * @fd: in: the file descriptor to carry
 * @token: in: the caller's name for it, unique in the session
 */
struct liveupdate_session_preserve_fd {
	__u32 size;
	__s32 fd;
	__aligned_u64 token;
};

#define LIVEUPDATE_SESSION_PRESERVE_FD \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_PRESERVE_FD)

/**
 * struct liveupdate_session_retrieve_fd - take a file out of a session
 * @size: in: sizeof(struct liveupdate_session_retrieve_fd)
 * @fd: out: a new file descriptor for the restored file
 * @token: in: the token it was preserved with
 */
struct liveupdate_session_retrieve_fd {
	__u32 size;
	__s32 fd;
	__aligned_u64 token;
};

#define LIVEUPDATE_SESSION_RETRIEVE_FD \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_RETRIEVE_FD)

/**
 * struct liveupdate_session_finish - end the restore of a session
 * @size: in: sizeof(struct liveupdate_session_finish)
 * @reserved: in: zero
 */
struct liveupdate_session_finish {
	__u32 size;
	__u32 reserved;
};

#define LIVEUPDATE_SESSION_FINISH \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_FINISH)

/**
 * struct liveupdate_session_get_name - the session's full name
 * @size: in: sizeof(struct liveupdate_session_get_name)
 * @reserved: in: zero
 * @name: out: the name, NUL-terminated
 */
struct liveupdate_session_get_name {
	__u32 size;
	__u32 reserved;
	__u8 name[LIVEUPDATE_SESSION_NAME_LENGTH];
};

#define LIVEUPDATE_SESSION_GET_NAME \
	_IO(LIVEUPDATE_IOCTL_TYPE, LIVEUPDATE_CMD_SESSION_GET_NAME)

#endif /* _UAPI_LINUX_LIVEUPDATE_H */
