/* Each argument's bytes in hex, a line each: nothing is lost to a terminal or a decoder. */
#include <stdio.h>

int main(int argc, char **argv) {
	for (int i = 0; i < argc; i++) {
		for (const unsigned char *p = (const unsigned char *)argv[i]; *p; p++)
			printf("%02x", *p);
		printf("\n");
	}
	return 0;
}
