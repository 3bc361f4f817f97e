//! Reading a secret typed on the terminal without showing it: echo is turned
//! off on the controlling terminal (`/dev/tty`) while the line is read, and
//! turned back on however the read ends.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;

/// Shows `prompt` on the terminal and reads one line with echo off.
pub(crate) fn read_hidden(prompt: &str) -> std::io::Result<String> {
    let tty = std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty")?;
    let mut out = tty.try_clone()?;
    let line = {
        // Echo goes off before the prompt shows, so nothing typed at once is echoed.
        let _quiet = EchoOff::new(&tty)?;
        out.write_all(prompt.as_bytes())?;
        out.flush()?;
        let mut line = String::new();
        BufReader::new(&tty).read_line(&mut line)?;
        line
    };
    // The Enter the user typed was not echoed either.
    out.write_all(b"\n")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Echo is off while this lives.
struct EchoOff {
    fd: i32,
    saved: libc::termios,
}

impl EchoOff {
    fn new(tty: &File) -> std::io::Result<Self> {
        let fd = tty.as_raw_fd();
        // SAFETY: `termios` is plain data; tcgetattr fills it for an open descriptor.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut quiet = saved;
        quiet.c_lflag &= !(libc::ECHO | libc::ECHONL);
        quiet.c_lflag |= libc::ICANON;
        // SAFETY: `quiet` is a valid termios copied from the terminal's own.
        if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Self { fd, saved })
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        // SAFETY: restores the settings read from the same open descriptor.
        unsafe {
            libc::tcsetattr(self.fd, libc::TCSANOW, &self.saved);
        }
    }
}
