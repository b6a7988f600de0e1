//! A binary run as in a terminal of a given width: its standard output is a pseudo-terminal
//! (as when a user types the command), so what it draws only for a terminal is seen.

use std::io::Read;
use std::os::unix::ffi::OsStringExt;
use std::process::{Command, ExitStatus, Stdio};

use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{Winsize, tcsetwinsize};

/// What a command printed on a terminal `columns` wide, 24 rows high (its line ends as the
/// terminal gives them, `\r\n` made `\n`), its stderr and its exit status.
pub struct OnTerminal {
    pub stdout: String,
    pub stderr: String,
    pub status: ExitStatus,
}

/// Runs `command` with its standard output on a new pseudo-terminal `columns` wide (its
/// stdin empty, its stderr captured apart).
pub fn run(mut command: Command, columns: u16) -> std::io::Result<OnTerminal> {
    let leader = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY)?;
    grantpt(&leader)?;
    unlockpt(&leader)?;
    let name = ptsname(&leader, Vec::new())?;
    let follower = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(std::ffi::OsString::from_vec(name.into_bytes()))?;
    let size = Winsize {
        ws_row: 24,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    tcsetwinsize(&follower, size)?;
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::from(follower))
        .stderr(Stdio::piped())
        .spawn()?;
    // The command's copy of the terminal is the only one left once it is spawned: reading
    // ends (EIO on Linux) when the child closes it.
    drop(command);
    let mut shown = Vec::new();
    let mut reader = std::fs::File::from(leader);
    let mut chunk = [0_u8; 4096];
    loop {
        match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => shown.extend_from_slice(&chunk[..read]),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let output = child.wait_with_output()?;
    Ok(OnTerminal {
        stdout: String::from_utf8_lossy(&shown).replace("\r\n", "\n"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        status: output.status,
    })
}
