/* Exec audit: one ring buffer record per successful execve in the job.
 *
 * The job is recognised by its pid namespace: jail's loader sets job_level (the
 * namespace's depth) and job_ns_inum (its nsfs inode) once the sandbox exists. A task
 * belongs to the job when its pid, seen at that depth, lives in that namespace: this
 * also covers pid namespaces the job nests inside its own, and a job cannot leave its
 * pid namespace. No cgroup is needed (hosts with hybrid cgroups have no job cgroup v2).
 *
 * CO-RE: struct task_struct, struct pid and struct linux_binprm come from the running
 * kernel's BTF (vmlinux.h at build time, relocated by libbpf at load). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "rules.h"

/* The kernel's MAX_PID_NS_LEVEL */
#define PID_NS_LEVEL_MAX 32

unsigned int job_level;
unsigned int job_ns_inum; /* 0 until the sandbox exists: nothing matches */
unsigned long long dropped;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

static __always_inline int in_job(struct task_struct *task)
{
	unsigned int want = job_ns_inum, level = job_level;
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	struct pid_namespace *ns = NULL;

	if (!want || level > PID_NS_LEVEL_MAX || level > BPF_CORE_READ(pid, level))
		return 0;
	bpf_core_read(&ns, sizeof(ns), &pid->numbers[level].ns);
	return ns && BPF_CORE_READ(ns, ns.inum) == want;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(jail_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct jail_exec_event *ev;
	struct pid *pid;
	unsigned long arg_start;
	unsigned int level = job_level;

	if (!in_job(task))
		return 0;
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	ev->boot_ns = bpf_ktime_get_boot_ns();
	pid = BPF_CORE_READ(task, thread_pid);
	ev->pid = 0;
	if (level <= PID_NS_LEVEL_MAX)
		bpf_core_read(&ev->pid, sizeof(ev->pid), &pid->numbers[level].nr);
	ev->pad = 0;
	ev->path[0] = ev->argv0[0] = '\0';
	bpf_probe_read_kernel_str(ev->path, sizeof(ev->path), BPF_CORE_READ(bprm, filename));
	/* The new program's arguments are on its fresh stack, written by the kernel
	 * during this exec: present in memory, readable without faulting. */
	arg_start = BPF_CORE_READ(task, mm, arg_start);
	bpf_probe_read_user_str(ev->argv0, sizeof(ev->argv0), (const void *)arg_start);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
