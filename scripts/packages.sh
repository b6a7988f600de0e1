# shellcheck shell=sh
# Sourced by the other scripts: installs the Debian packages a fresh machine lacks. Plain sh,
# for install-cron.sh as well as the bash scripts.

# Installs Debian packages as root, or through sudo (asking for a password only where there is
# a terminal to type it: a script run from cron or CI cannot answer), reading the package
# lists first: minimal images (containers, cloud images) ship without them. Without either, it
# names what to install by hand and stops the script.
apt_install() {
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >&2 || update_failed
    apt-get install -y -qq "$@" >&2
  elif command -v sudo >/dev/null && { (: </dev/tty) 2>/dev/null || sudo -n true 2>/dev/null; }; then
    # sudo refuses a user it does not list (a lab's or a company's account) only once the
    # password is typed: its refusal alone would not say what was being installed. sudo's own
    # refusal exits 1 (a password mistyped three times too), apt-get's failures 100.
    apt_update_status=0
    sudo apt-get update -qq >&2 || apt_update_status=$?
    [ "$apt_update_status" -ne 1 ] || cannot_install "$*" "sudo refused (above): if the password was mistyped, run again; else"
    [ "$apt_update_status" -eq 0 ] || update_failed
    sudo apt-get install -y -qq "$@" >&2 || {
      echo "${0##*/}: $* is missing and \`sudo apt-get install $*\` failed (above): once what apt-get says is dealt with, run again" >&2
      exit 1
    }
  else
    cannot_install "$*" "this user cannot install it (no sudo, or sudo asks for a password with no terminal)"
  fi
}

# One repository failing `apt-get update` (a third-party one whose key expired, or gone for
# this release) leaves the others' lists refreshed: the packages are installed from them.
update_failed() {
  echo "${0##*/}: \`apt-get update\` failed (above); installing from the package lists as they are" >&2
}

# Stops the script, naming the packages $1 to ask an administrator for, and why ($2).
cannot_install() {
  echo "${0##*/}: $1 is missing and $2: ask an administrator to run \`apt-get install $1\` as root (relevé's scripts use build-essential, poppler-utils and python3-venv), then run again" >&2
  exit 1
}

# Rust links through the system's C compiler (`cc`), which rustup does not install; the TLS
# library (ring) also compiles C.
need_c_compiler() {
  command -v cc >/dev/null || apt_install build-essential
}
