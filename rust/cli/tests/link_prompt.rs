//! `dkcloud link --password` on a real terminal (a pseudo-terminal that is the
//! process's controlling terminal): it asks twice, nothing typed is echoed,
//! and the link it makes opens only with that password.

mod confined;

use confined::text;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

const TOKEN: &str = "link-prompt-token";
const SECRET: &str = "typed-on-the-tty-42";

/// A pseudo-terminal: the master side to type into, the slave side for the child.
fn open_pty() -> (std::fs::File, OwnedFd) {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two descriptors it opened; the null pointers ask for defaults.
    let rc =
        unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors are open and owned by nobody else.
    unsafe { (std::fs::File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
}

/// Reads from the terminal until `wanted` appears (or the child is gone).
fn read_until(master: &mut std::fs::File, seen: &mut String, wanted: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut buf = [0u8; 1024];
    while !seen.contains(wanted) && Instant::now() < deadline {
        match master.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_is_asked_on_the_terminal_without_echo() {
    let dir = tempfile::tempdir().unwrap();
    let emu = dkcloud_emulator::start(dkcloud_emulator::Config {
        data: Some(dir.path().join("emulator")),
        static_token: Some(TOKEN.into()),
        plan: dkcloud_emulator::Plan::Premium,
        ..Default::default()
    })
    .await
    .unwrap();
    std::fs::write(dir.path().join("emulator/onedrive/p.jpg"), b"prompted bytes").unwrap();
    // An imported access token stands in for a login (the emulator accepts it).
    std::fs::write(dir.path().join("token.env"), format!("ACCESSTOKEN={TOKEN}\n")).unwrap();

    let (mut master, slave) = open_pty();
    let mut cmd = confined::dkcloud(dir.path(), &emu.base_url(), "false");
    let env_file = dir.path().join("token.env");
    cmd.args(["--env-file", env_file.to_str().unwrap(), "link", "--password", "--json", "onedrive:/p.jpg"])
        .env("DKCLOUD_LOG", "trace")
        .stdin(slave.try_clone().unwrap())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave.try_clone().unwrap());
    // SAFETY: only async-signal-safe calls between fork and exec: a new session
    // whose controlling terminal is the pty (what /dev/tty then opens).
    unsafe {
        cmd.as_std_mut().pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = cmd.spawn().unwrap();
    // Only the child may hold the terminal's slave side, so reads end when it exits.
    drop(cmd);
    drop(slave);
    let typed = tokio::task::spawn_blocking(move || {
        let mut seen = String::new();
        read_until(&mut master, &mut seen, "Password for the link: ");
        master.write_all(format!("{SECRET}\n").as_bytes()).unwrap();
        read_until(&mut master, &mut seen, "again: ");
        master.write_all(format!("{SECRET}\n").as_bytes()).unwrap();
        read_until(&mut master, &mut seen, "\"url\"");
        read_until(&mut master, &mut seen, "}");
        seen
    });
    let out = child.wait_with_output().await.unwrap();
    let seen = typed.await.unwrap();
    assert!(out.status.success(), "{}\n--- terminal\n{seen}", text(&out));
    assert!(seen.contains("Password for the link: ") && seen.contains("again: "), "{seen}");
    assert!(!seen.contains(SECRET), "the password was echoed or logged: {seen}");

    let json = &seen[seen.find('{').unwrap()..=seen.rfind('}').unwrap()];
    let link: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {seen}"));
    assert_eq!(link["password"], true);
    let url = link["url"].as_str().unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    assert_eq!(client.get(url).send().await.unwrap().status().as_u16(), 401);
    let resp = client.post(url).form(&[("password", SECRET)]).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"prompted bytes");
}
