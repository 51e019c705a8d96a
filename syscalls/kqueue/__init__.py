"""kqueue(2) and kevent(2): FreeBSD event queues made of Linux objects the tracee sleeps on.

A kqueue is an epoll instance of the tracee, and the descriptor the program sees is that
epoll's; a kevent(2) that waits ends in an injected epoll_pwait2, so a waiting program
sleeps in the kernel, never in the supervisor.  The supervisor keeps a copy of the epoll
(pidfd_getfd; kcmp against it tells whether a descriptor still is that kqueue) and the
FreeBSD side of every registration, a knote, and it reports knotes as kqueue_scan() does.

What wakes the epoll, per filter:
  READ, WRITE  the program's own descriptor, added edge-triggered by an injected epoll_ctl
               (a copy of it would keep a pipe's other end alive); a woken knote is checked
               again when it is reported, with poll(2) and FIONREAD on a short-lived copy,
               which gives FreeBSD's level semantics and its data.  Regular files, which epoll
               refuses, are readable while size - offset != 0, woken by inotify; other such
               descriptors are always ready.
  VNODE        inotify on the descriptor's file.
  PROC         a pidfd.  NOTE_EXIT's status comes from /proc/PID/stat, so nothing is
               reaped, and it is reported only once the tracer has passed the zombie on to
               its parent, so waitpid(2) after the event finds it.  NOTE_FORK, NOTE_EXEC and
               NOTE_TRACK are accepted but never reported.
  TIMER        a timerfd.
  USER, SIGNAL supervisor state and an eventfd that wakes the waiters.  Signals are counted
               at their delivery stop (the supervisor's signal_seen hook), so ignored
               ones count too; one the program blocks has no delivery stop, so a signalfd
               counts it when it is queued (a standard signal sent again while pending is
               merged by Linux and counted once).
Those helpers are the supervisor's own descriptors, added to the tracee's epoll through the
supervisor's copy, so they never appear in the program's descriptor table.

Differences from FreeBSD: a child inherits the epoll descriptor across fork (kevent on it
fails with EBADF there, as FreeBSD's child has no such descriptor at all); EV_CLEAR on a
descriptor that also has a level-triggered knote of the other filter behaves level-triggered
only in what the edge-triggered epoll entry wakes for; NOTE_LOWAT is ignored; a listening
socket reports data 1, not its queue length; the unimplemented filters (AIO, PROCDESC, FS,
LIO, SENDFILE, EMPTY, JAIL, JAILDESC) fail with EINVAL.
"""

from .handlers import install

__all__ = ["install"]
