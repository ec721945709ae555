#!/usr/bin/env bash
# A one-node Slurm cluster on localhost, for CI and for trying the batch
# scripts without a real cluster. Run as root:
#
#   deploy/slurm/local-cluster.sh start    # install if missing, configure, start, wait for the node
#   deploy/slurm/local-cluster.sh status   # sinfo and the daemons' pids
#   deploy/slurm/local-cluster.sh stop     # cancel our jobs, stop the daemons
#
# It works without systemd and without cgroups (containers, gVisor): the
# daemons are started directly and tracked by their pid files, processes are
# tracked through /proc (proctrack/linuxproc) and tasks are not confined
# (task/none). It is not a production configuration: no accounting, no
# memory enforcement, SlurmUser root.
#
# It writes /etc/slurm/slurm.conf (where sbatch, sinfo and the daemons look
# without SLURM_CONF) and refuses to replace one it did not write, so it never
# clobbers a real cluster's configuration. Logs and pid files go to
# $CORESCALE_SLURM_DIR (default /var/tmp/corescale-slurm).
set -euo pipefail

readonly MARKER='# written by corescale deploy/slurm/local-cluster.sh'
readonly CONF=/etc/slurm/slurm.conf
readonly DIR="${CORESCALE_SLURM_DIR:-/var/tmp/corescale-slurm}"
readonly MUNGE_PID=/run/munge/munged.pid
readonly CTLD_PID="$DIR/slurmctld.pid"
readonly SLURMD_PID="$DIR/slurmd.pid"
# How long to wait for the node to come up, and for daemons to exit.
readonly WAIT_SECONDS="${CORESCALE_SLURM_WAIT:-60}"

die() {
	echo "local-cluster: $*" >&2
	exit 1
}

need_root() {
	[[ "$(id -u)" == 0 ]] || die "must run as root (it starts munged, slurmctld and slurmd)"
}

install_missing() {
	local missing=()
	command -v munged >/dev/null || missing+=(munge)
	command -v slurmctld >/dev/null || missing+=(slurm-wlm)
	((${#missing[@]} == 0)) && return 0
	echo "local-cluster: installing ${missing[*]}" >&2
	# Debian's postinst tries to start the services; without systemd or an
	# init that fails harmlessly, and we start them ourselves below.
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2 ||
		{ apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2; } ||
		die "could not install ${missing[*]}"
}

# running PIDFILE: whether the pid in PIDFILE is a live process.
running() {
	local pid
	[[ -s "$1" ]] || return 1
	pid="$(<"$1")"
	[[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

write_conf() {
	if [[ -e "$CONF" ]] && ! grep -qxF "$MARKER" "$CONF"; then
		die "$CONF exists and was not written by this script; not replacing it (move it away to use the local cluster)"
	fi
	local node host
	host="$(hostname -s)"
	# slurmd -C prints this machine's node line (CPUs, sockets, cores,
	# threads, RealMemory) as slurmd itself will measure them, so the node
	# is never drained for claiming more than it has.
	node="$(slurmd -C | grep '^NodeName=')" || die "slurmd -C printed no node line"
	mkdir -p /etc/slurm "$DIR" /var/lib/slurm/slurmctld /var/lib/slurm/slurmd
	cat >"$CONF" <<EOF
$MARKER
# A one-node cluster on localhost; see the script for why each choice.
ClusterName=corescale-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups here: processes tracked through /proc, tasks not confined.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# Generous timers: on a loaded machine (CI, a busy workstation, gVisor) a
# slurmd may not answer for a minute, and the default 60s would mark the node
# down and requeue its jobs.
SlurmctldTimeout=300
SlurmdTimeout=300
MessageTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=300
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
	if running "$MUNGE_PID"; then
		return 0
	fi
	install -d -o munge -g munge -m 0755 /run/munge
	install -d -o munge -g munge -m 0700 /var/log/munge /etc/munge
	install -d -o munge -g munge -m 0711 /var/lib/munge
	if [[ ! -s /etc/munge/munge.key ]]; then
		# One node: any random key will do, as long as munged and every
		# client on this machine share it.
		dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
		chown munge:munge /etc/munge/munge.key
		chmod 0400 /etc/munge/munge.key
	fi
	# munged refuses to run as root; it forks into the background itself.
	runuser -u munge -- munged || die "munged did not start (see /var/log/munge/munged.log)"
	local i
	for ((i = 0; i < 50; i++)); do
		munge -n </dev/null | unmunge >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	die "munge does not answer (see /var/log/munge/munged.log)"
}

start() {
	need_root
	install_missing
	write_conf
	start_munge
	if ! running "$CTLD_PID"; then
		# -c: start from a clean state, so job ids and the queue are fresh.
		slurmctld -c || die "slurmctld did not start (see $DIR/slurmctld.log)"
	fi
	if ! running "$SLURMD_PID"; then
		slurmd || die "slurmd did not start (see $DIR/slurmd.log)"
	fi
	local host state i
	host="$(hostname -s)"
	for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
		state="$(sinfo -h -n "$host" -o '%T' 2>/dev/null || true)"
		case "$state" in
		idle | mixed | allocated)
			echo "local-cluster: node $host is $state"
			return 0
			;;
		drain* | down*)
			# ReturnToService=2 brings a node back when it registers, but a
			# node left down by an earlier run may need telling.
			scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true
			;;
		esac
		sleep 0.5
	done
	sinfo -N -l >&2 || true
	tail -n 20 "$DIR/slurmctld.log" "$DIR/slurmd.log" >&2 || true
	die "node $host is not idle after ${WAIT_SECONDS}s (state: ${state:-none})"
}

# stop_daemon NAME PIDFILE: SIGTERM, then wait for it to go.
stop_daemon() {
	local name="$1" pidfile="$2" pid i
	running "$pidfile" || return 0
	pid="$(<"$pidfile")"
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	echo "local-cluster: $name (pid $pid) did not exit on SIGTERM; killing it" >&2
	kill -KILL "$pid" 2>/dev/null || true
}

stop() {
	need_root
	if running "$CTLD_PID"; then
		# Our cluster, our jobs: cancel them so no job step outlives slurmd.
		scancel --user="$(id -un)" 2>/dev/null || true
		local i
		for ((i = 0; i < 20; i++)); do
			[[ -z "$(squeue -h -o '%i' 2>/dev/null)" ]] && break
			sleep 0.5
		done
	fi
	stop_daemon slurmd "$SLURMD_PID"
	stop_daemon slurmctld "$CTLD_PID"
	stop_daemon munged "$MUNGE_PID"
	echo "local-cluster: stopped"
}

status() {
	local d
	for d in "munged:$MUNGE_PID" "slurmctld:$CTLD_PID" "slurmd:$SLURMD_PID"; do
		if running "${d#*:}"; then
			echo "${d%%:*}: running (pid $(<"${d#*:}"))"
		else
			echo "${d%%:*}: not running"
		fi
	done
	sinfo 2>/dev/null || true
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
*)
	echo "usage: $0 start|stop|status" >&2
	exit 2
	;;
esac
