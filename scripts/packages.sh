# shellcheck shell=sh
# Sourced by the other scripts: installs the Debian packages a fresh machine lacks. Plain sh,
# for install-cron.sh as well as the bash scripts.

# Installs Debian packages as root, or through sudo (asking for a password only where there is
# a terminal to type it: a script run from cron or CI cannot answer), reading the package
# lists first: minimal images (containers, cloud images) ship without them. Without either, it
# names what to install by hand and stops the script.
apt_install() {
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >&2
    apt-get install -y -qq "$@" >&2
  elif command -v sudo >/dev/null && { (: </dev/tty) 2>/dev/null || sudo -n true 2>/dev/null; }; then
    sudo apt-get update -qq >&2
    sudo apt-get install -y -qq "$@" >&2
  else
    echo "${0##*/}: $* is missing and this user cannot install it (no sudo, or sudo asks for a password with no terminal): install $* as root (relevé's scripts use build-essential, poppler-utils and python3-venv), then run again" >&2
    exit 1
  fi
}

# Rust links through the system's C compiler (`cc`), which rustup does not install; the TLS
# library (ring) also compiles C.
need_c_compiler() {
  command -v cc >/dev/null || apt_install build-essential
}
