# Sourced by the other scripts: installs the Debian packages a fresh machine lacks.

# Installs Debian packages (through sudo unless root), reading the package lists first:
# minimal images (containers, cloud images) ship without them.
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq "$@" >&2
}

# Rust links through the system's C compiler (`cc`), which rustup does not install; the TLS
# library (ring) also compiles C.
need_c_compiler() {
  command -v cc >/dev/null || apt_install build-essential
}
