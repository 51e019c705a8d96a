/* How the program names itself: argv[0], AT_EXECPATH (elf_aux_info) and kern.proc.pathname,
 * a line each. */
#include <sys/types.h>
#include <sys/auxv.h>
#include <sys/sysctl.h>
#include <limits.h>
#include <stdio.h>

int main(int argc, char **argv) {
	char execpath[PATH_MAX] = "", pathname[PATH_MAX] = "";
	int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PATHNAME, -1};
	size_t len = sizeof(pathname);

	(void)argc;
	if (elf_aux_info(AT_EXECPATH, execpath, sizeof(execpath)) != 0)
		printf("AT_EXECPATH: none\n");
	if (sysctl(mib, 4, pathname, &len, NULL, 0) != 0)
		perror("kern.proc.pathname");
	printf("%s\n%s\n%s\n", argv[0], execpath, pathname);
	return 0;
}
