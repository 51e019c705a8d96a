"""FreeBSD/amd64 address-space limits (machine/vmparam.h).

A process has the 4-level (LA48) layout unless the machine and the kernel use 5-level paging;
Linux gives bsdulator's tracees the same 47-bit user space, so that is the ceiling here."""

VM_MAXUSER_ADDRESS_LA48 = 0x800000000000

# FreeBSD vm/vm.h: AT_STACKPROT's protection bits.
FREEBSD_VM_PROT = {"VM_PROT_READ": 0x01, "VM_PROT_WRITE": 0x02}
