#!/bin/sh
# Installs relevé's schedule as systemd user units (deploy/systemd/, a timer per
# crontab line) for the current user, on a machine without cron, or removes them.
#
#   scripts/install-systemd.sh              build the release binaries, then
#                                           install or refresh the units and
#                                           start their timers
#   scripts/install-systemd.sh --no-build   install or refresh without building
#   scripts/install-systemd.sh --uninstall  stop the timers and remove the units
#
# The units are written with this checkout's path into ~/.config/systemd/user/.
# The summariser is stopped while the binaries are built, so an old one never
# reads what a new collector lands. SYSTEMCTL names the systemctl command
# (default `systemctl`), e.g. a stand-in in tests.
set -eu

usage() {
    sed -n '2,14s/^# \{0,1\}//p' "$0"
}

build=yes
action=install
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=no ;;
        --uninstall) action=uninstall ;;
        -h | --help) usage; exit 0 ;;
        *) echo "install-systemd.sh: unknown option \`$1\`" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

home=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd -P)
systemctl_cmd=${SYSTEMCTL:-systemctl}
units_dir="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
timers="releve-collector.timer releve-summariser.timer releve-report-day.timer releve-report-week.timer releve-report-month.timer releve-status.timer"

# The path goes into the units in double quotes, through sed: `"`, `%` (a unit specifier),
# sed's `#`, `&` and `\`, and a newline cannot be carried.
case "$home" in
    *[\"%\#\&\\]* | *'
'*)
        echo "install-systemd.sh: the checkout path \`$home\` holds a character systemd units cannot carry (\", %, #, & or \\); move the checkout" >&2
        exit 1 ;;
esac
# `sudo scripts/install-systemd.sh` on a user's checkout would install root's units, running
# every stage as root in that user's checkout: refused (removing units an earlier sudo run
# installed is not).
if [ "$action" = install ] && [ "$(id -u)" = 0 ] && [ -n "${SUDO_USER:-}" ] &&
    [ "$SUDO_USER" != root ] && [ "$(stat -c %U "$home" 2>/dev/null)" = "$SUDO_USER" ]; then
    echo "install-systemd.sh: run with sudo, this would install the units for root, not $SUDO_USER, every stage running as root in $SUDO_USER's checkout: run it without sudo (units an earlier sudo run installed for root go with \`sudo scripts/install-systemd.sh --uninstall\`)" >&2
    exit 1
fi
if ! command -v "$systemctl_cmd" >/dev/null 2>&1; then
    echo "install-systemd.sh: \`$systemctl_cmd\` not found: this machine has no systemd; use scripts/install-cron.sh" >&2
    exit 1
fi
# Before anything is built or written: a login by `su` or `sudo -u`, or ssh without a session,
# has no user service manager to reach.
if ! "$systemctl_cmd" --user show-environment >/dev/null 2>&1; then
    echo "install-systemd.sh: \`systemctl --user\` cannot reach $(id -un)'s service manager (a login by su or sudo -u, or ssh without a session?): log in as $(id -un) directly, or run \`sudo loginctl enable-linger $(id -un)\` and \`export XDG_RUNTIME_DIR=/run/user/$(id -u)\`, then run this again" >&2
    exit 1
fi

# The units have fixed names: another checkout's, installed already, would be replaced (two
# checkouts side by side take cron, whose blocks are named by their path). The path they name
# is read as the system resolves it (a symbolic link to this checkout is this checkout); one
# no longer there is a checkout moved or deleted, whose units are replaced.
installed=$(sed -n 's/^WorkingDirectory=//p' "$units_dir/releve-summariser.service" 2>/dev/null || true)
if [ -n "$installed" ]; then
    if [ -d "$installed" ]; then
        installed=$(CDPATH= cd -- "$installed" && pwd -P)
        if [ "$installed" != "$home" ]; then
            echo "install-systemd.sh: the units installed are another checkout's, $installed: run \`scripts/install-systemd.sh --uninstall\` there (two checkouts side by side take scripts/install-cron.sh)" >&2
            exit 1
        fi
    else
        echo "install-systemd.sh: the units installed name $installed, which is no longer there (the checkout moved?): they are replaced by this checkout's" >&2
    fi
fi
if [ "$action" = uninstall ]; then
    # shellcheck disable=SC2086 # the timers' names, one word each
    "$systemctl_cmd" --user disable --now $timers 2>/dev/null || true
    for unit in "$home"/deploy/systemd/*; do
        rm -f "$units_dir/${unit##*/}"
    done
    "$systemctl_cmd" --user daemon-reload
    echo "Removed relevé's systemd units from $units_dir."
    exit 0
fi

if [ "$build" = yes ]; then
    # shellcheck source=scripts/packages.sh
    . "$home/scripts/packages.sh"
    need_c_compiler
    "$systemctl_cmd" --user stop releve-summariser.timer releve-summariser.service 2>/dev/null || true
    echo "Building the release binaries (cargo build --release --locked -p collector -p summariser -p analyser)..." >&2
    if ! (cd "$home" && CARGO_TARGET_DIR="$home/target" cargo build --release --locked -p collector -p summariser -p analyser); then
        # The binaries before the build, whole or not at all replaced: the summariser goes on.
        "$systemctl_cmd" --user start releve-summariser.timer 2>/dev/null || true
        echo "install-systemd.sh: the build failed (above); the units are as they were, the summariser's timer started again" >&2
        exit 1
    fi
fi
for stage in collector summariser analyser; do
    [ -x "$home/target/release/$stage" ] ||
        echo "install-systemd.sh: warning: $home/target/release/$stage is missing; run \`CARGO_TARGET_DIR=target cargo build --release --locked -p collector -p summariser -p analyser\` in $home" >&2
done
mkdir -p "$units_dir"
for unit in "$home"/deploy/systemd/*; do
    sed "s#@RELEVE_HOME@#$home#g" "$unit" >"$units_dir/${unit##*/}"
done
"$systemctl_cmd" --user daemon-reload
# shellcheck disable=SC2086 # the timers' names, one word each
"$systemctl_cmd" --user enable --now $timers
echo "Installed relevé's systemd units for $(id -un) from $home into $units_dir; its timers are started."
if command -v loginctl >/dev/null 2>&1 &&
    [ "$(loginctl show-user "$(id -un)" -p Linger --value 2>/dev/null || true)" != yes ]; then
    echo "install-systemd.sh: the timers run while you are logged in only: run \`sudo loginctl enable-linger $(id -un)\` to have them run while you are not, and after a reboot" >&2
fi
