"""FreeBSD jails on Linux, by layer: params (the parameter table and codecs), options (the
iovec option list), records (jails as the rules see them), rules (kern_jail.c's decisions, pure
logic), sysctls (security.jail), registry (the jails on disk), namespaces (the Linux namespaces
and cgroup behind a jail) and holder (the process that keeps them alive)."""
