#include "autoconfig.h"

#include <string.h>

#include "policy/bpf_interp.h"

/* The kernel's limit for one filter (BPF_MAXINSNS). */
#define SECCOMP_MAX_INSNS 4096

static int load_ok(uint32_t k)
{
	/* seccomp only allows aligned 32-bit loads from struct seccomp_data. */
	return k % 4 == 0 && k + 4 <= sizeof(struct seccomp_data);
}

static int check_insn(const struct sock_filter *in, size_t pc, size_t len,
		      struct jail_error *e)
{
	uint16_t code = in->code;

	switch (BPF_CLASS(code)) {
	case BPF_LD:
		if (code == (BPF_LD | BPF_W | BPF_ABS) && load_ok(in->k))
			return 0;
		if (code == (BPF_LD | BPF_IMM) || code == (BPF_LD | BPF_MEM))
			return in->k < BPF_MEMWORDS || code == (BPF_LD | BPF_IMM) ? 0 : -1;
		break;
	case BPF_LDX:
		if (code == (BPF_LDX | BPF_IMM) ||
		    (code == (BPF_LDX | BPF_MEM) && in->k < BPF_MEMWORDS))
			return 0;
		break;
	case BPF_ST:
	case BPF_STX:
		if (in->k < BPF_MEMWORDS)
			return 0;
		break;
	case BPF_ALU:
		if (BPF_OP(code) == BPF_DIV && BPF_SRC(code) == BPF_K && in->k == 0)
			break;
		return 0;
	case BPF_JMP:
		if (BPF_OP(code) == BPF_JA) {
			if (in->k < len - pc - 1)
				return 0;
			break;
		}
		if ((size_t)in->jt < len - pc - 1 && (size_t)in->jf < len - pc - 1)
			return 0;
		break;
	case BPF_RET:
		return 0;
	case BPF_MISC:
		return 0;
	}
	return jail_error_set(e, 0, "seccomp program: bad instruction %zu (code 0x%x, k 0x%x)", pc,
			      code, in->k);
}

int bpf_validate(const struct sock_filter *insns, size_t len, struct jail_error *e)
{
	if (len == 0 || len > SECCOMP_MAX_INSNS)
		return jail_error_set(e, 0, "seccomp program: %zu instructions (1..%d allowed)",
				      len, SECCOMP_MAX_INSNS);
	for (size_t pc = 0; pc < len; pc++)
		if (check_insn(&insns[pc], pc, len, e) < 0)
			return -1;
	if (BPF_CLASS(insns[len - 1].code) != BPF_RET)
		return jail_error_set(e, 0, "seccomp program: does not end with a return");
	return 0;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_ADD: return a + v;
	case BPF_SUB: return a - v;
	case BPF_MUL: return a * v;
	case BPF_DIV: return v ? a / v : 0;
	case BPF_MOD: return v ? a % v : 0;
	case BPF_OR: return a | v;
	case BPF_AND: return a & v;
	case BPF_XOR: return a ^ v;
	case BPF_LSH: return v < 32 ? a << v : 0;
	case BPF_RSH: return v < 32 ? a >> v : 0;
	case BPF_NEG: return -a;
	}
	return a;
}

static int cond(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	case BPF_JSET: return (a & v) != 0;
	}
	return 0;
}

uint32_t bpf_run(const struct sock_filter *insns, size_t len, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	unsigned char data[sizeof(*d)];

	memcpy(data, d, sizeof(data));
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &insns[pc];
		uint16_t c = in->code;
		uint32_t v = BPF_SRC(c) == BPF_X ? x : in->k;

		switch (BPF_CLASS(c)) {
		case BPF_LD:
			if (BPF_MODE(c) == BPF_ABS && load_ok(in->k))
				memcpy(&a, data + in->k, 4);
			else if (BPF_MODE(c) == BPF_IMM)
				a = in->k;
			else if (BPF_MODE(c) == BPF_MEM && in->k < BPF_MEMWORDS)
				a = mem[in->k];
			break;
		case BPF_LDX:
			x = BPF_MODE(c) == BPF_MEM && in->k < BPF_MEMWORDS ? mem[in->k] : in->k;
			break;
		case BPF_ST:
			mem[in->k % BPF_MEMWORDS] = a;
			break;
		case BPF_STX:
			mem[in->k % BPF_MEMWORDS] = x;
			break;
		case BPF_ALU:
			a = alu(BPF_OP(c), a, v);
			break;
		case BPF_JMP:
			if (BPF_OP(c) == BPF_JA)
				pc += in->k;
			else
				pc += cond(BPF_OP(c), a, v) ? in->jt : in->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(c) == BPF_A ? a : in->k;
		case BPF_MISC:
			if (BPF_MISCOP(c) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	/* Unreachable for a validated program; fail closed anyway. */
	return SECCOMP_RET_KILL_PROCESS;
}
