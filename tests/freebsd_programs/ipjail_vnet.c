/* libjail's view of a jail's vnet parameter: jail_getv(0, "name", NAME, "vnet", buf) prints
 * "new" or "inherit" (a jailsys parameter exported by name).  libjail is the root's, opened at
 * run time (zig ships FreeBSD's headers and libc, not libjail). */
#include <dlfcn.h>
#include <stdio.h>
#include <sys/param.h>
#include <sys/jail.h>

typedef int (*jail_getv_t)(int, ...);

int main(int argc, char **argv)
{
	char vnet[32] = "";
	void *lib = dlopen("libjail.so.1", RTLD_NOW);
	jail_getv_t getv;

	if (argc != 2 || lib == NULL) {
		printf("usage: ipjail_vnet NAME (libjail: %s)\n", lib ? "ok" : dlerror());
		return 2;
	}
	getv = (jail_getv_t)dlsym(lib, "jail_getv");
	if (getv == NULL || getv(0, "name", argv[1], "vnet", vnet, (char *)NULL) < 0) {
		printf("jail_getv failed\n");
		return 1;
	}
	printf("vnet=%s\n", vnet);
	return 0;
}
