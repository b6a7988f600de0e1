#!/bin/sh
# Installs relevé's schedule (the `crontab` file at the top of this checkout) for
# the current user, or removes it.
#
#   scripts/install-cron.sh              build the release binaries, then install
#                                        or refresh
#   scripts/install-cron.sh --no-build   install or refresh without building
#   scripts/install-cron.sh --mailto ADDRESS
#                                        also mail ADDRESS each hour something
#                                        needs attention (`analyser status`);
#                                        `--mailto none` stops the mails
#   scripts/install-cron.sh --uninstall  remove relevé's lines only
#
# The lines go inside a block marked with this checkout's path, so reinstalling
# replaces the block where it stands (no duplicates), the user's own lines are
# kept, and two checkouts can be installed side by side; a reinstall keeps the
# block's alert address. CRONTAB names the crontab command (default `crontab`),
# e.g. a stand-in in tests or `sudo crontab -u releve`. Where target/release is a
# link (a build shared by a class), nothing is built: whoever owns it builds it.
set -eu

usage() {
    sed -n '2,19s/^# \{0,1\}//p' "$0"
}

build=yes
action=install
mailto=""
mailto_given=no
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=no ;;
        --uninstall) action=uninstall ;;
        --mailto)
            [ $# -ge 2 ] || { echo "install-cron.sh: --mailto needs an address (or \`none\`)" >&2; exit 2; }
            mailto=$2; mailto_given=yes; shift ;;
        --mailto=*) mailto=${1#--mailto=}; mailto_given=yes ;;
        -h | --help) usage; exit 0 ;;
        *) echo "install-cron.sh: unknown option \`$1\`" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

# An address goes into a cron line: letters, digits, . _ + - @ and commas only (no %, which
# cron reads as a newline), and never an option taken for an address.
valid_address() {
    case "$1" in
        "" | -* | *[!A-Za-z0-9._+@,-]*) return 1 ;;
    esac
}
if [ "$mailto_given" = yes ]; then
    if [ "$action" = uninstall ]; then
        echo "install-cron.sh: --mailto goes with an install, not with --uninstall" >&2
        exit 2
    fi
    if [ "$mailto" != none ] && ! valid_address "$mailto"; then
        echo "install-cron.sh: \`$mailto\` is not a mail address cron can carry (letters, digits, . _ + - @ and commas)" >&2
        exit 2
    fi
fi

home=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd -P)
crontab_cmd=${CRONTAB:-crontab}
template="$home/crontab"

# The path goes into the lines in single quotes, through sed: quotes, `%` (a newline to cron),
# and sed's `\`, `|` and `&` cannot be carried; blanks, `$` and backquotes are refused too,
# for the shells and tools users paste the lines into.
case "$home" in
    *[[:space:]\'\"\`%\\\|\&\$]*)
        echo "install-cron.sh: the checkout path \`$home\` holds a character cron lines cannot carry safely (blanks, quotes, backquotes, %, \\, |, & or \$); move the checkout (to ~/releve, say; on WSL into the Linux home, not under /mnt/c/Users)" >&2
        exit 1 ;;
esac
# shellcheck disable=SC2086 # CRONTAB may carry arguments, e.g. `sudo crontab -u releve`.
if ! command -v ${crontab_cmd%% *} >/dev/null 2>&1; then
    echo "install-cron.sh: \`${crontab_cmd%% *}\` not found: install cron (sudo apt-get install cron; dnf install cronie), set CRONTAB, or run the jobs from systemd timers instead (scripts/install-systemd.sh)" >&2
    exit 1
fi

# The user the lines run as: the one CRONTAB names with `-u`, else this one.
runs_as=$(id -un)
# shellcheck disable=SC2086
set -- $crontab_cmd
while [ $# -gt 0 ]; do
    case "$1" in
        -u) if [ $# -ge 2 ]; then runs_as=$2; shift; fi ;;
        -u?*) runs_as=${1#-u} ;;
    esac
    shift
done

begin="# >>> releve $home (managed by scripts/install-cron.sh; edits inside are replaced) >>>"
end="# <<< releve $home <<<"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The current crontab. `crontab -l` fails when the user has none ("no crontab for USER", in
# Debian's cron, cronie and systemd-cron; busybox's, Alpine's, cannot open the user's file):
# that alone reads as empty. Any other failure stops here, changing nothing: read as empty, it
# would install relevé's block alone and lose the user's own lines.
listed=0
# shellcheck disable=SC2086
$crontab_cmd -l >"$work/current" 2>"$work/list.err" || listed=$?
if [ "$listed" -ne 0 ]; then
    if ! grep -q -e '^no crontab for ' -e "^crontab: can't open '.*': No such file or directory\$" "$work/list.err"; then
        reason=$(head -n 1 "$work/list.err")
        # /etc/cron.allow or /etc/cron.deny keeping this user from cron (a lab's accounts).
        if grep -q 'not allowed to use this program' "$work/list.err"; then
            echo "install-cron.sh: cron refuses $runs_as (${reason}): ask an administrator to add $runs_as to /etc/cron.allow (or remove it from /etc/cron.deny), or run the jobs from systemd timers instead (scripts/install-systemd.sh)" >&2
            exit 1
        fi
        echo "install-cron.sh: \`$crontab_cmd -l\` failed (${reason:-exit status $listed}); the crontab is left as it is" >&2
        exit 1
    fi
    : >"$work/current"
fi

begins=$(grep -cxF "$begin" "$work/current" || true)
ends=$(grep -cxF "$end" "$work/current" || true)
if [ "$begins" != "$ends" ]; then
    echo "install-cron.sh: the crontab has $begins start and $ends end markers of relevé's block for $home; fix it with \`crontab -e\` first" >&2
    exit 1
fi

# The alert address: given, else the one the installed block already mails (the last word of
# its status line), checked like a given one. Versions before 30 November 2026 had the user
# uncomment a `MAILTO=` line and a status line echoing its table in the block: that address.
if [ -z "$mailto" ]; then
    mailto=$(BEGIN_MARK=$begin END_MARK=$end awk '
        $0 == ENVIRON["BEGIN_MARK"] { inside = 1; next }
        $0 == ENVIRON["END_MARK"] { inside = 0; next }
        inside && /^[ \t]*MAILTO[ \t]*=/ { address = substr($0, index($0, "=") + 1); gsub(/["\047 \t]/, "", address); next }
        inside && !/^#/ && /analyser status/ && / -s "releve status: something needs attention" [^ ]+$/ { print $NF; exit }
        inside && !/^#/ && /analyser status/ && /\|\| echo "\$out"$/ && address != "" { print "older:" address; exit }
        inside && !/^#/ && /analyser status/ { print "?"; exit }
    ' "$work/current")
    case "$mailto" in older:*) mailto=${mailto#older:}; valid_address "$mailto" &&
        echo "install-cron.sh: the alert lines an older version had you uncomment now mail $mailto through --mailto (the block sets no MAILTO)" >&2 ;;
    esac
    if [ -n "$mailto" ] && ! valid_address "$mailto"; then
        echo "install-cron.sh: warning: the installed alert line was edited by hand; alerts are off until --mailto sets an address" >&2
        mailto=""
    fi
fi
[ "$mailto" != none ] || mailto=""

# While the build replaces the binaries one by one, a summariser of the version being replaced
# could read files the new collector lands, and quarantine run metrics it does not know. The
# build holds the summariser's own lock (raw/.summariser.lock, which cron's runs and runs by
# hand take): a run in progress is waited for, and runs due meanwhile skip, saying the lock is
# held; the next one after the build summarises what landed. An existing lock file this user
# cannot write is opened for reading (a local lock needs no more); one is created only for
# lines run as the installing user (created for another, it would be the installer's, which
# that user's summariser could not open), where none has run yet. Not taken when it cannot be
# (no flock, a link, a file this user cannot read): said.
# Whether flock(1) takes util-linux's -E (the exit status when the lock is held), which the
# summariser and report lines use.
flock_takes_e() {
    probe="$(mktemp)" || return 0
    flock -n -E 75 "$probe" true >/dev/null 2>&1
    taken=$?
    rm -f "$probe"
    return "$taken"
}

hold_summariser_lock() {
    lock="$home/raw/.summariser.lock"
    [ -d "$home/raw" ] || return 0
    [ -e "$lock" ] || [ "$runs_as" = "$(id -un)" ] || return 0
    if ! command -v flock >/dev/null 2>&1 || [ -L "$lock" ] ||
        { [ -e "$lock" ] && { [ ! -f "$lock" ] || [ ! -r "$lock" ]; }; } ||
        { [ ! -e "$lock" ] && [ ! -w "$home/raw" ]; }; then
        echo "install-cron.sh: warning: cannot hold $lock during the build; a summariser run meanwhile may quarantine the new collector's run metrics (move them back from raw/_quarantine/ after the build)" >&2
        return 0
    fi
    # Open for writing where it can be (NFS locks a file so only), else for reading.
    if [ ! -e "$lock" ] || [ -w "$lock" ]; then
        exec 7>>"$lock"
    else
        exec 7<"$lock"
    fi
    if ! flock -n 7 2>/dev/null; then
        echo "install-cron.sh: a summariser run is in progress; waiting for it to finish before building ($lock)..." >&2
        # An hour at most; a lock the file system refuses is no reason not to build.
        flock -w 3600 7 ||
            echo "install-cron.sh: warning: cannot hold $lock; building all the same (a summariser run meanwhile may quarantine the new collector's run metrics: move them back from raw/_quarantine/ after the build)" >&2
    fi
}

# Whether the user $1 may, by the owner, group and mode of the file or folder $2, do what the
# mode bits $3 (owner's), $4 (group's) and $5 (others') allow: as the system decides, by the
# owner's bits for its owner, the group's for its group, the others' for the rest.
allowed() {
    # An ACL (a `+` after the mode) may let the user in whatever the bits say.
    [ "$(ls -ld "$2" | cut -c11)" = + ] && return 0
    if [ "$(stat -c %U "$2")" = "$1" ]; then
        bit=$3
    elif id -Gn "$1" 2>/dev/null | tr ' ' '\n' | grep -qxF "$(stat -c %G "$2")"; then
        bit=$4
    else
        bit=$5
    fi
    [ -n "$(find "$2" -prune -perm "-$bit")" ]
}

# Whether the user $1 can read the file $2 (the file a link names): enter each folder on its way
# and read it. Asked of the system as that user when this runs as root (ACLs and all); else
# judged by each one's owner, group and mode, an ACL on the way taken to let the user through.
readable_by() {
    [ "$1" = root ] && return 0
    if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1; then
        runuser -u "$1" -- test -r "$2" 2>/dev/null
        return
    fi
    target=$(readlink -f "$2") || return 1
    way=$(dirname "$target")
    while :; do
        allowed "$1" "$way" 0100 0010 0001 || return 1
        [ "$way" = / ] && break
        way=$(dirname "$way")
    done
    allowed "$1" "$target" 0400 0040 0004
}

if [ "$action" = install ]; then
    if [ ! -f "$template" ]; then
        echo "install-cron.sh: $template is missing" >&2
        exit 1
    fi
    # target/release a link (to a lecturer's build every student of a class runs): building
    # through it would write into a folder of another user's (cargo refused, the script ended
    # before the crontab is written) or replace the binaries under other users' crontabs.
    shared=""
    if [ -L "$home/target/release" ]; then
        shared=$(readlink "$home/target/release")
        [ "$build" = no ] ||
            echo "install-cron.sh: using the shared build at $shared (target/release links to it; built by whoever owns it, not here)" >&2
        build=no
    fi
    if [ "$build" = yes ]; then
        # shellcheck source=scripts/packages.sh
        . "$home/scripts/packages.sh"
        need_c_compiler
        hold_summariser_lock
        echo "Building the release binaries (cargo build --release --locked -p collector -p summariser -p analyser)..." >&2
        # The crontab runs target/release/ of the checkout, whatever CARGO_TARGET_DIR says.
        # Without the lock's descriptor: a process the build leaves running (sccache's server)
        # would hold it after the installer is done.
        (cd "$home" && CARGO_TARGET_DIR="$home/target" cargo build --release --locked -p collector -p summariser -p analyser 7>&-)
        # Every binary is the new one: summariser runs may start again.
        exec 7>&-
    fi
    for stage in collector summariser analyser; do
        if [ -n "$shared" ]; then
            [ -x "$home/target/release/$stage" ] ||
                echo "install-cron.sh: warning: $home/target/release/$stage is missing from the shared build at $shared; ask whoever owns it to build it" >&2
        else
            [ -x "$home/target/release/$stage" ] ||
                echo "install-cron.sh: warning: $home/target/release/$stage is missing; run \`CARGO_TARGET_DIR=target cargo build --release --locked -p collector -p summariser -p analyser\` in $home" >&2
        fi
    done
    if ! command -v flock >/dev/null 2>&1; then
        echo "install-cron.sh: warning: flock(1) is missing (package util-linux); every stage line needs it" >&2
    elif ! flock_takes_e; then
        echo "install-cron.sh: warning: $(command -v flock) does not take -E (not util-linux's flock: Homebrew's flock package?); the summariser and report lines need util-linux's, or cron skips each of their runs with a usage line" >&2
    fi
    [ -z "$mailto" ] || command -v mail >/dev/null 2>&1 ||
        echo "install-cron.sh: warning: mail(1) is missing (package bsd-mailx, with an MTA); the alert line needs it" >&2
    mkdir -p "$home/logs"
    # `sudo scripts/install-cron.sh` installs into root's crontab: every stage would run as
    # root, leaving root's files the user's own runs cannot write or delete.
    if [ "$runs_as" = root ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ] &&
        [ "$(stat -c %U "$home" 2>/dev/null)" = "$SUDO_USER" ]; then
        echo "install-cron.sh: warning: run with sudo, this installs the lines into root's crontab, not $SUDO_USER's: every stage would run as root and leave root's files in logs/, raw/ and reports/; to run them as $SUDO_USER, run \`scripts/install-cron.sh --uninstall\` with sudo, then \`scripts/install-cron.sh\` without it" >&2
    fi
    # Files a run as another user left (a stage run with sudo): a line appending to a log it
    # cannot write fails every time, cron mailing the shell's error (locks are taken read only).
    not_writable=""
    for file in "$home"/logs "$home"/logs/*.log "$home"/logs/status.last; do
        [ -e "$file" ] || continue
        if [ "$runs_as" = "$(id -un)" ]; then
            [ -w "$file" ] || not_writable="$not_writable $file"
        elif [ "$runs_as" != root ] && ! allowed "$runs_as" "$file" 0200 0020 0002; then
            not_writable="$not_writable $file"
        fi
    done
    [ -z "$not_writable" ] ||
        echo "install-cron.sh: warning: $runs_as cannot write$not_writable (left by a run as another user, with sudo?); the lines writing them would fail at every run: run \`sudo chown $runs_as$not_writable\`" >&2
    # Lines run as another user (`sudo crontab -u releve`) write logs/, raw/ and reports/ as
    # that user: folders made here belong to the installing user, and every line would fail.
    if [ "$runs_as" != "$(id -un)" ]; then
        not_theirs=""
        for dir in logs raw reports; do
            mkdir -p "$home/$dir"
            [ "$(stat -c %U "$home/$dir" 2>/dev/null)" = "$runs_as" ] || not_theirs="$not_theirs $home/$dir"
        done
        [ -z "$not_theirs" ] ||
            echo "install-cron.sh: warning: the lines run as $runs_as, who does not own$not_theirs; every line would fail to write there: run \`sudo chown -R $runs_as:$not_theirs\`" >&2
        # Every stage reads .env (the credentials, MONGODB_URI), kept `chmod 600` by its owner.
        env_file="$home/.env"
        if [ -f "$env_file" ] && ! readable_by "$runs_as" "$env_file"; then
            echo "install-cron.sh: warning: the lines run as $runs_as, who cannot read $env_file (or a folder on its way: the file owned by $(stat -L -c %U "$env_file"), mode $(stat -L -c %a "$env_file")); every stage would stop on it: run \`sudo chown $runs_as $(readlink -f "$env_file")\` (chmod 600 keeps it that user's alone), and let that user into its folder" >&2
        fi
    fi
    {
        printf '%s\n' "$begin"
        # A template saved by a Windows editor ends its lines in CR LF (sh would read each
        # line's last word with its CR, `2>&1\r`: "Bad fd number", and cron run nothing),
        # and Notepad may begin it with a byte-order mark (which would keep its first `##`
        # line, which cron refuses).
        bom="$(printf '\357\273\277')"
        if [ -n "$mailto" ]; then
            # The template's alerting line, switched on.
            tr -d '\r' <"$template" | LC_ALL=C sed -e "1s/^$bom//" |
                sed -e '/^##/d' -e "s|@RELEVE_HOME@|$home|g" -e "s|@RELEVE_MAILTO@|$mailto|" \
                    -e 's|^# \(20 .*analyser status.*\)$|\1|'
        else
            tr -d '\r' <"$template" | LC_ALL=C sed -e "1s/^$bom//" |
                sed -e '/^##/d' -e "s|@RELEVE_HOME@|$home|g" -e "s|@RELEVE_MAILTO@|you@example.org|"
        fi
        printf '%s\n' "$end"
    } >"$work/block"
else
    : >"$work/block"
fi

# Copy the crontab, putting the new block (empty on uninstall) where the old one stood, or at
# the end when there was none.
BEGIN_MARK=$begin END_MARK=$end BLOCK=$work/block awk '
    function block(  line) { while ((getline line < ENVIRON["BLOCK"]) > 0) print line; placed = 1 }
    $0 == ENVIRON["BEGIN_MARK"] { inside = 1; if (!placed) block(); next }
    inside && $0 == ENVIRON["END_MARK"] { inside = 0; next }
    inside { next }
    { print }
    END { if (!placed) block() }
' "$work/current" >"$work/next"

# shellcheck disable=SC2086
$crontab_cmd "$work/next"

if [ "$action" = install ]; then
    if [ -n "$mailto" ]; then
        echo "Installed relevé's schedule for $runs_as from $home, mailing $mailto when something needs attention (needs a working MTA). The crontab is now:"
    else
        echo "Installed relevé's schedule for $runs_as from $home. The crontab is now:"
    fi
else
    if [ "$begins" = 0 ]; then
        echo "relevé's schedule for $home was not installed; nothing removed. The crontab is:"
    else
        echo "Removed relevé's schedule for $home. The crontab is now:"
    fi
fi
# A crontab is read by a cron daemon, which WSL, a container or a minimal system may not start:
# the schedule would then be installed and never run, `analyser status` reading STALE days later.
if [ "$action" = install ] && command -v pgrep >/dev/null 2>&1 &&
    ! pgrep -x 'cron|crond|cronie|fcron|dcron' >/dev/null 2>&1; then
    echo "install-cron.sh: no cron daemon runs on this machine (no cron or crond process): the schedule is installed but nothing runs it until one does (\`sudo systemctl enable --now cron\`, on Fedora \`sudo systemctl enable --now crond\`, on Arch \`sudo systemctl enable --now cronie\`; without systemd \`sudo service cron start\`, on WSL also at boot, see the README's Crontab)" >&2
fi
# Shown without credentials, which the terminal, its scrollback or a screen share would keep,
# as the stages hide them: in a variable set to a MongoDB URI (`MONGODB_URI=mongodb://…`),
# everything up to the line's last `@` (a password holding a space or an `@` left unencoded);
# elsewhere a MongoDB URI's or another URL's `user:password@` within one word; a password
# written as a port (`mongodb://user:password/db`); and the values of secret options
# (`…Password=`, `…token=`, `authMechanismProperties=`). Scheme and option names are matched
# in any case, as the driver reads them. A user's other lines (a MongoDB URI without
# credentials, an e-mail address further on) are shown as written.
ci() { # A pattern matching the word $1 in any case (BSD sed has no `I` flag).
    printf '%s' "$1" | awk '{ for (i = 1; i <= length($0); i++) { c = substr($0, i, 1); u = toupper(c); l = tolower(c); printf "%s", (u != l ? "[" u l "]" : c) } }'
}
scheme="($(ci mongodb)(\+$(ci srv))?:/{1,2})"
# A variable's line (`NAME=value`, or `NAME = value` as crontab(5) allows): its value runs to
# the end of the line, so there a password or a secret option's value may hold spaces.
var="^([[:space:]]*[A-Za-z_][A-Za-z0-9_]*[[:space:]]*=[[:space:]]*[\"']?)"
# A user (no `[`: an IPv6 host's `[::1]:27017` is none), then a password, not a port: a
# character other than a digit or what ends a host and port, after digits or not; or digits
# and a `/` then no `?` before the `@`, or a `?` with no `=` (options have one).
user="[^[/?@[:space:]]*"
password="[0-9]*[^0-9/?,@[:space:]]"
slashed="[0-9]*/[^?=@[:space:]]*\?[^=@[:space:]]*"
secret="$(ci password)|$(ci secret)|$(ci token)|$(ci key)|$(ci authMechanismProperties)"
# A variable whose name says it holds a secret (`FRANCE_TRAVAIL_CLIENT_SECRET`, `…_TOKEN`,
# `…_KEY`, `…PASSWORD`), or that a source's `key_env` names in the checkout's sources.toml:
# on its own line (commented out or not), its whole value; set for one command
# (`NAME=value command`, after a blank, a `(`, a backquote, a `;` or a `|`, or a quote that
# opens a command line run by a shell), its value: quoted parts, escaped characters and
# unquoted ones up to the next blank or `;`, `&`, `|`.
key_envs=$(sed -n 's/^[[:space:]]*key_env[[:space:]]*=[[:space:]]*["'"'"']\([A-Za-z_][A-Za-z0-9_]*\)["'"'"'].*/\1/p' \
    "$home/sources.toml" 2>/dev/null | tr '\n' '|')
secret_name="(${key_envs}[A-Za-z0-9_]*($secret|$(ci passwd)|$(ci pwd))[A-Za-z0-9_]*)"
secret_var="^([[:space:]]*\#*[[:space:]]*$secret_name[[:space:]]*=[[:space:]]*)[^[:space:]].*"
# Parts of a value set for one command: quoted in single or double quotes (a `\"` within
# double quotes included), a character escaped by a backslash (`Zebra\ 42pw`), or one that
# ends no word.
single_quoted="'[^']*'"
double_quoted="\"([^\"\\\\]|\\\\.)*\""
plain="\\\\.|[^[:space:];&|'\"\`\\\\]"
# Quotes nested within a command line quoted for a shell: `'\''…'\''` within single quotes,
# `\"…\"` within double ones (after its opening quote, a `cd … &&` or an `export`).
nested_single="'\\\\''[^']*'\\\\''"
nested_double="\\\\\"([^\"\\\\]|\\\\[^\"])*\\\\\""
secret_set="(^|[[:space:](\`;|])$secret_name=(($nested_single|$nested_double|$single_quoted|$double_quoted|$plain)*)"
# In a command line quoted for a shell (`sh -c 'NAME="value" …'`, `su -c "NAME='value' …"`):
# a value of one character or more, quoted in the other quotes (a quote like the line's ends
# it), so a quoted name alone (`grep 'API_KEY=' file`) keeps what follows.
secret_in_single="(')$secret_name=(($nested_single|$double_quoted|$plain)+)"
secret_in_double="(\")$secret_name=(($nested_double|$single_quoted|$plain)+)"
# The last rules, in a loop: pieces without `=` after a secret value in a URI's query (an `&`
# or `;` in it, left unencoded) are more of it.
# shellcheck disable=SC2086
{ $crontab_cmd -l 2>/dev/null || true; } | sed -E \
    -e "s#$secret_var#\\1***#" \
    -e "s#$secret_set#\\1\\2=***#g" \
    -e "s#$secret_in_single#\\1\\2=***#g" \
    -e "s#$secret_in_double#\\1\\2=***#g" \
    -e "s#$var$scheme$user:(($password|[0-9]+[[:space:]]).*|[0-9]*/[^?]*|$slashed)@#\\1\\2***@#" \
    -e "s#$scheme$user:($password[^[:space:]]*|[0-9]*/[^?[:space:]]*|$slashed)@#\\1***@#g" \
    -e "s#$scheme[^/[:space:]@]*:[^/[:space:]]*@#\\1***@#g" \
    -e "s#$var(.*[?&;][A-Za-z_]*($secret)=)[^&;\"']*#\\1\\2***#" \
    -e 's#://[^/[:space:]@]*:[^/[:space:]]*@#://***@#g' \
    -e "s#$scheme$user:([^]/?@,[:space:]]*[^]0-9/?@,[:space:])][^]/?@,[:space:]]*)([/?[:space:]]|\$)#\\1***\\4#g" \
    -e "s#([?&;][A-Za-z_]*($secret)=)[^&;[:space:]\"']*#\\1***#g" \
    -e ':b' \
    -e "s#(\?[^[:space:]\"']*=\*\*\*)[&;][^=&;[:space:]\"']*([&;[:space:]\"']|\$)#\\1\\2#" \
    -e 'tb'
