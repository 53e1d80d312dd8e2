// SPDX-License-Identifier: GPL-2.0
/*
 * The VMware backdoor: an IN from port 0x5658 with the magic in eax and a
 * command in ecx, which the hypervisor intercepts and answers in the
 * registers.
 *
 * Only called once detect.c has seen VMware's CPUID signature or DMI
 * serial: on other machines the port may belong to something else.
 * The port is used even where VMware also offers VMCALL/VMMCALL; it works
 * on every VMware product and is the only form QEMU implements.
 */
#include <linux/types.h>
#include "pv_vmi.h"

/**
 * vmi_bdoor_call() - issue one backdoor command
 * @cmd: VMI_CMD_*
 * @r: in: ebx is the argument; out: the reply registers
 *
 * Any context; does not sleep.
 */
void vmi_bdoor_call(u32 cmd, struct vmi_regs *r)
{
	r->eax = VMI_BDOOR_MAGIC;
	r->ecx = cmd;
	r->edx = VMI_BDOOR_PORT;
	r->esi = 0;
	r->edi = 0;
	asm volatile("inl (%%dx), %%eax"
		     : "+a"(r->eax), "+b"(r->ebx), "+c"(r->ecx), "+d"(r->edx),
		       "+S"(r->esi), "+D"(r->edi)
		     :
		     : "memory");
}
