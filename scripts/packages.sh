# shellcheck shell=sh
# Sourced by the other scripts: installs the Debian packages a fresh machine lacks (elsewhere,
# names them for Fedora, Arch and Alpine). Plain sh, for install-cron.sh as well as the bash
# scripts.

# Installs Debian packages as root, or through sudo (asking for a password only where there is
# a terminal to type it: a script run from cron or CI cannot answer), reading the package
# lists first: minimal images (containers, cloud images) ship without them. Without either, it
# names what to install by hand and stops the script.
apt_install() {
  command -v apt-get >/dev/null || no_apt_get "$@"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >&2 || update_failed
    apt-get install -y -qq "$@" >&2 || install_failed "apt-get install $*" "$*"
  elif command -v sudo >/dev/null && { (: </dev/tty) 2>/dev/null || sudo -n true 2>/dev/null; }; then
    # sudo refuses a user it does not list (a lab's or a company's account) only once the
    # password is typed: its refusal alone would not say what was being installed. sudo's own
    # refusal exits 1 (a password mistyped three times too), apt-get's failures 100.
    apt_update_status=0
    sudo apt-get update -qq >&2 || apt_update_status=$?
    [ "$apt_update_status" -ne 1 ] || cannot_install "$*" "sudo refused (above): if the password was mistyped, run again; else"
    [ "$apt_update_status" -eq 0 ] || update_failed
    sudo apt-get install -y -qq "$@" >&2 || install_failed "sudo apt-get install $*" "$*"
  else
    cannot_install "$*" "this user cannot install it (no sudo, or sudo asks for a password with no terminal)"
  fi
}

# Stops the script on a machine without apt-get (Fedora, Arch, Alpine), naming what the Debian
# packages $@ are there.
no_apt_get() {
  apt_missing=""
  for apt_package in "$@"; do
    case "$apt_package" in
      build-essential) apt_package="a C compiler (Debian's build-essential: sudo dnf install gcc on Fedora, sudo pacman -S base-devel on Arch, apk add build-base on Alpine)" ;;
      poppler-utils) apt_package="pdftoppm and pdftotext (Debian's poppler-utils: sudo dnf install poppler-utils on Fedora, sudo pacman -S poppler on Arch, apk add poppler-utils on Alpine)" ;;
      faketime) apt_package="faketime (Debian's faketime: sudo dnf install libfaketime on Fedora, sudo pacman -S libfaketime on Arch, apk add libfaketime on Alpine, from its community repository)" ;;
      python3-venv) apt_package="python3's venv (Debian's python3-venv; Fedora's, Arch's and Alpine's python3 include it: see its error above)" ;;
      *) apt_package="$apt_package (sudo dnf install $apt_package on Fedora, sudo pacman -S $apt_package on Arch, apk add $apt_package on Alpine)" ;;
    esac
    apt_missing="${apt_missing:+$apt_missing, }$apt_package"
  done
  echo "${0##*/}: missing: $apt_missing; this machine has no apt-get to install it with: install it with the system's package manager, then run again" >&2
  exit 1
}

# Stops the script: the command $1 installing the Debian packages $2 failed. Without a network
# (an air-gapped lab), apt-get's own last words advise `apt-get update`, which cannot help.
install_failed() {
  echo "${0##*/}: $2 is missing and \`$1\` failed (above): once what apt-get says is dealt with (on a machine without internet, install $2 from the network's Debian mirror or from .deb files carried in), run again" >&2
  exit 1
}

# One repository failing `apt-get update` (a third-party one whose key expired, or gone for
# this release) leaves the others' lists refreshed: the packages are installed from them.
update_failed() {
  echo "${0##*/}: \`apt-get update\` failed (above); installing from the package lists as they are" >&2
}

# Stops the script: the packages $1 are missing and cannot be installed, for the reason $2. The
# command to ask an administrator for names them and every other package relevé's scripts use
# that this machine lacks, so that one visit is enough.
cannot_install() {
  apt_wanted=$1
  for apt_package in $(missing_packages); do
    case " $apt_wanted " in
      *" $apt_package "*) ;;
      *) apt_wanted="$apt_wanted $apt_package" ;;
    esac
  done
  echo "${0##*/}: $1 is missing and $2: ask an administrator to run \`apt-get install $apt_wanted\` as root (what relevé's scripts need that this machine lacks), then run again" >&2
  exit 1
}

# The Debian packages relevé's scripts install that this machine lacks, by the checks they make
# before installing each: a C compiler, poppler-utils' programs, logrotate (in /usr/sbin, off a
# user's PATH), faketime, and Debian's venv module (its ensurepip) for python3.
missing_packages() {
  command -v cc >/dev/null || echo build-essential
  { command -v pdftoppm && command -v pdftotext; } >/dev/null || echo poppler-utils
  [ -x /usr/sbin/logrotate ] || command -v logrotate >/dev/null || echo logrotate
  command -v faketime >/dev/null || echo faketime
  python3 -c 'import ensurepip' >/dev/null 2>&1 || echo python3-venv
}

# Rust links through the system's C compiler (`cc`), which rustup does not install; the TLS
# library (ring) also compiles C.
need_c_compiler() {
  command -v cc >/dev/null || apt_install build-essential
}
